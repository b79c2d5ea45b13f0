#include "config/yaml_document.h"

#include <yaml-cpp/eventhandler.h>

#include <map>
#include <sstream>

namespace sipsentry::config {

const std::string& YamlNode::Scalar() const {
  static const std::string kNone;
  return IsScalar() ? data_->scalar : kNone;
}

YamlNode YamlNode::operator[](std::string_view key) const {
  if (!IsMap()) return YamlNode();
  const auto& children = data_->children;
  for (size_t i = 0; i + 1 < children.size(); i += 2)
    if (children[i]->kind == Kind::kScalar && children[i]->scalar == key)
      return YamlNode(children[i + 1]);
  return YamlNode();
}

std::vector<YamlNode> YamlNode::items() const {
  std::vector<YamlNode> items;
  if (!IsSequence()) return items;
  items.reserve(data_->children.size());
  for (const Data* child : data_->children) items.emplace_back(child);
  return items;
}

std::vector<std::pair<YamlNode, YamlNode>> YamlNode::entries() const {
  std::vector<std::pair<YamlNode, YamlNode>> entries;
  if (!IsMap()) return entries;
  const auto& children = data_->children;
  entries.reserve(children.size() / 2);
  for (size_t i = 0; i + 1 < children.size(); i += 2)
    entries.emplace_back(YamlNode(children[i]), YamlNode(children[i + 1]));
  return entries;
}

/// Turns the parser's events into nodes, as yaml-cpp's own NodeBuilder
/// does: an alias is the very node its anchor names.
class YamlDocument::Builder : public YAML::EventHandler {
 public:
  explicit Builder(YamlDocument& document) : document_(document) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    add(make(YamlNode::Kind::kNull, mark), anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto found = anchors_.find(anchor);
    if (found == anchors_.end()) throw YAML::ParserException(mark, "unknown anchor");
    add(found->second, 0);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode::Data* node = make(YamlNode::Kind::kScalar, mark);
    node->scalar = value;
    add(node, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(make(YamlNode::Kind::kSequence, mark), anchor);
  }
  void OnSequenceEnd() override { open_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(make(YamlNode::Kind::kMap, mark), anchor);
  }
  void OnMapEnd() override { open_.pop_back(); }

 private:
  YamlNode::Data* make(YamlNode::Kind kind, const YAML::Mark& mark) {
    YamlNode::Data& node = document_.nodes_.emplace_back();
    node.kind = kind;
    node.mark = mark;
    return &node;
  }
  void add(const YamlNode::Data* node, YAML::anchor_t anchor) {
    if (anchor) anchors_[anchor] = node;
    if (open_.empty())
      document_.root_ = node;
    else
      open_.back()->children.push_back(node);
  }
  void open(YamlNode::Data* collection, YAML::anchor_t anchor) {
    add(collection, anchor);
    open_.push_back(collection);
  }

  YamlDocument& document_;
  std::vector<YamlNode::Data*> open_;  // the collections being filled, innermost last
  std::map<YAML::anchor_t, const YamlNode::Data*> anchors_;
};

YamlDocument::YamlDocument(const std::string& text) {
  std::istringstream input(text);
  YAML::Parser parser(input);
  Builder builder(*this);
  if (!parser.HandleNextDocument(builder) || !root_) {
    nodes_.emplace_back();  // no document: a null root, as yaml-cpp's Load gives
    nodes_.back().mark = YAML::Mark::null_mark();
    root_ = &nodes_.back();
  }
}

}  // namespace sipsentry::config
