#pragma once
// Internal to the config module: a YAML document held compactly, built from
// yaml-cpp's parser events. yaml-cpp's own YamlNode tree costs about
// 450 bytes a node (shared pointers, a tag, a map index and a memory holder
// each), 115 MB for a file of 10,000 lines; `run` reloads such a file beside
// the running lines. This keeps a node in about 80 bytes, with what the
// readers ask of it: its kind, its text, its position and its children.

#include <yaml-cpp/yaml.h>

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipsentry::config {

/// A handle on a node of a YamlDocument, cheap to copy; valid while the
/// document lives. A handle on no node (a key that is not there) is
/// undefined: false in a test, and nothing else.
class YamlNode {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMap };
  struct Data {
    Kind kind = Kind::kNull;
    YAML::Mark mark;
    std::string scalar;
    std::vector<const Data*> children;  // a sequence's items; a map's keys and values in turn
  };

  YamlNode() = default;
  explicit YamlNode(const Data* data) : data_(data) {}

  bool IsDefined() const { return data_ != nullptr; }
  explicit operator bool() const { return IsDefined(); }
  bool IsNull() const { return !data_ || data_->kind == Kind::kNull; }
  bool IsScalar() const { return data_ && data_->kind == Kind::kScalar; }
  bool IsSequence() const { return data_ && data_->kind == Kind::kSequence; }
  bool IsMap() const { return data_ && data_->kind == Kind::kMap; }
  /// The text of a scalar; empty for anything else.
  const std::string& Scalar() const;
  /// Where the node starts; YAML::Mark::null_mark() for an undefined one.
  YAML::Mark Mark() const { return data_ ? data_->mark : YAML::Mark::null_mark(); }

  /// The value of the first entry whose key is the scalar `key`, in a map.
  YamlNode operator[](std::string_view key) const;
  /// A sequence's items, in order (none for anything else).
  std::vector<YamlNode> items() const;
  /// A map's entries, key and value, in order and duplicates kept (none for
  /// anything else).
  std::vector<std::pair<YamlNode, YamlNode>> entries() const;

 private:
  const Data* data_ = nullptr;
};

/// Every node of one document. Parse errors throw yaml-cpp's exceptions,
/// with the position of the mistake.
class YamlDocument {
 public:
  /// The first document of `text`; its root is a null node when there is none.
  explicit YamlDocument(const std::string& text);
  YamlDocument(const YamlDocument&) = delete;
  YamlDocument& operator=(const YamlDocument&) = delete;

  YamlNode root() const { return YamlNode(root_); }

 private:
  class Builder;
  std::deque<YamlNode::Data> nodes_;  // a deque, so that nodes never move
  const YamlNode::Data* root_ = nullptr;
};

}  // namespace sipsentry::config
