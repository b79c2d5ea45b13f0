// The compact YAML document the configuration is read from: what the
// readers rely on, as yaml-cpp's own node tree gave it.
#include "config/yaml_document.h"

#include <gtest/gtest.h>

namespace sipsentry::config {
namespace {

TEST(YamlDocument, KindsTextAndPositions) {
  YamlDocument document("name: desk\nservers:\n  - {address: 192.0.2.1}\nempty:\n");
  YamlNode root = document.root();
  ASSERT_TRUE(root.IsMap());
  EXPECT_EQ(root["name"].Scalar(), "desk");
  EXPECT_EQ(root["name"].Mark().line, 0);
  EXPECT_EQ(root["name"].Mark().column, 6);
  ASSERT_TRUE(root["servers"].IsSequence());
  ASSERT_EQ(root["servers"].items().size(), 1u);
  YamlNode server = root["servers"].items()[0];
  EXPECT_EQ(server["address"].Scalar(), "192.0.2.1");
  EXPECT_EQ(server.Mark().line, 2);
  EXPECT_TRUE(root["empty"].IsDefined());
  EXPECT_TRUE(root["empty"].IsNull());
}

TEST(YamlDocument, AMissingKeyIsUndefinedAndHasNoText) {
  YamlDocument document("a: 1\n");
  YamlNode missing = document.root()["b"];
  EXPECT_FALSE(missing);
  EXPECT_FALSE(missing.IsMap() || missing.IsSequence() || missing.IsScalar());
  EXPECT_EQ(missing.Scalar(), "");
  EXPECT_TRUE(document.root()["a"]["b"].IsNull()) << "a scalar has no keys";
}

TEST(YamlDocument, EntriesKeepTheirOrderAndDuplicates) {
  // Duplicates are the reader's to report, so the document keeps them.
  YamlDocument document("b: 1\na: 2\nb: 3\n");
  auto entries = document.root().entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].first.Scalar(), "b");
  EXPECT_EQ(entries[1].first.Scalar(), "a");
  EXPECT_EQ(entries[2].second.Scalar(), "3");
  EXPECT_EQ(entries[2].first.Mark().line, 2);
  EXPECT_EQ(document.root()["b"].Scalar(), "1") << "a lookup finds the first";
}

TEST(YamlDocument, AnAliasIsTheNodeItsAnchorNames) {
  YamlDocument document("base: &b {t1: 200ms}\nline: *b\n");
  EXPECT_EQ(document.root()["line"]["t1"].Scalar(), "200ms");
}

TEST(YamlDocument, AComplexKeyIsNotAScalar) {
  YamlDocument document("? [a, b]\n: 1\n");
  auto entries = document.root().entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(entries[0].first.IsSequence());
}

TEST(YamlDocument, NoDocumentIsANullRoot) {
  for (const char* text : {"", "# only a comment\n"}) {
    YamlDocument document(text);
    EXPECT_TRUE(document.root().IsDefined()) << text;
    EXPECT_TRUE(document.root().IsNull()) << text;
  }
}

TEST(YamlDocument, MalformedYamlThrowsWithItsPosition) {
  try {
    YamlDocument document("a: [1, 2\nb: 3\n");
    FAIL() << "no exception";
  } catch (const YAML::ParserException& error) {
    EXPECT_GE(error.mark.line, 0);
  }
}

}  // namespace
}  // namespace sipsentry::config
