#pragma once

#include <string>

namespace sipsentry::sip {

/// 16 random hex digits, for Call-IDs and From tags: unique per dialog and
/// never derived from anything a label or a log could leak.
std::string random_token();

}  // namespace sipsentry::sip
