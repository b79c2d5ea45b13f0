// Every value from the configuration or the network reaches the status page
// through html_escape: these are the characters that could end a text or
// an attribute and start markup.
#include "status/html_escape.h"

#include <gtest/gtest.h>

namespace sipsentry::status {
namespace {

TEST(HtmlEscape, TheFiveMarkupCharactersBecomeEntities) {
  EXPECT_EQ(html_escape("&"), "&amp;");
  EXPECT_EQ(html_escape("<"), "&lt;");
  EXPECT_EQ(html_escape(">"), "&gt;");
  EXPECT_EQ(html_escape("\""), "&quot;");
  EXPECT_EQ(html_escape("'"), "&#39;");
}

TEST(HtmlEscape, AScriptTagIsShownAsText) {
  EXPECT_EQ(html_escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
}

TEST(HtmlEscape, AnAttributeCannotBeClosed) {
  EXPECT_EQ(html_escape("x\" onmouseover='y'"), "x&quot; onmouseover=&#39;y&#39;");
}

TEST(HtmlEscape, AnEntityInTheInputIsEscapedAgainNotPassedThrough) {
  EXPECT_EQ(html_escape("&lt;b&gt;"), "&amp;lt;b&amp;gt;");
}

TEST(HtmlEscape, OtherTextStaysAsItIsUtf8Included) {
  EXPECT_EQ(html_escape("pbx-a 127.0.0.1:5060 Zürich"), "pbx-a 127.0.0.1:5060 Zürich");
  EXPECT_EQ(html_escape(""), "");
}

TEST(HtmlEscape, AppendingKeepsWhatIsThere) {
  std::string out = "<td>";
  append_html_escaped(out, "a<b");
  EXPECT_EQ(out, "<td>a&lt;b");
}

}  // namespace
}  // namespace sipsentry::status
