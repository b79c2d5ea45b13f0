// A silent DNS server costs what resolv.conf's glibc options say.
#include "resolve/resolv_conf.h"

#include <gtest/gtest.h>

#include <sstream>

namespace sipsentry::resolve {
namespace {

using namespace std::chrono_literals;

std::optional<RetryOptions> read(const std::string& text) {
  std::istringstream in(text);
  return read_retry_options(in);
}

TEST(ResolvConf, WithoutOptionsGlibcsDefaultsApply) {
  EXPECT_EQ(read("nameserver 127.0.0.1\n"), (RetryOptions{5s, 2}));
}

TEST(ResolvConf, TimeoutAndAttemptsAreReadFromAnyOptionsLineTheLastWinning) {
  EXPECT_EQ(read("options timeout:1\nnameserver 127.0.0.1\noptions rotate attempts:3 timeout:2\n"),
            (RetryOptions{2s, 3}));
}

TEST(ResolvConf, ValuesAreClampedAsGlibcClampsThem) {
  EXPECT_EQ(read("options timeout:0 attempts:9\n"), (RetryOptions{1s, 5}));
  EXPECT_EQ(read("options timeout:120 attempts:0\n"), (RetryOptions{30s, 1}));
}

TEST(ResolvConf, AMalformedValueIsIgnored) {
  EXPECT_EQ(read("options timeout:x attempts:2y timeout:\n"), (RetryOptions{5s, 2}));
}

TEST(ResolvConf, CaresOwnOptionsAreLeftToCares) {
  EXPECT_EQ(read("options retrans:1000 retry:1\n"), std::nullopt);
}

TEST(ResolvConf, CommentsAndOtherKeywordsAreNotOptions) {
  EXPECT_EQ(read("# options timeout:9\nsearch options timeout:9\n"), (RetryOptions{5s, 2}));
}

}  // namespace
}  // namespace sipsentry::resolve
