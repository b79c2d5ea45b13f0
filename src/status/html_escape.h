#pragma once

#include <string>
#include <string_view>

namespace sipsentry::status {

/// `text` made safe inside HTML text and quoted attribute values: & < > " '
/// become entities, everything else stays as it is. Every value on the
/// status page that comes from the configuration or the network goes
/// through here.
std::string html_escape(std::string_view text);
/// The same, appended to `out` (the page is written in one string).
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace sipsentry::status
