#include "exposition.h"

#include <sstream>
#include <stdexcept>

namespace sipsentry::metrics::testing {
namespace {

/// Reads `"value"` at `pos` (on the opening quote), undoing the exposition's
/// escapes; leaves `pos` after the closing quote.
std::string quoted(const std::string& line, size_t& pos) {
  std::string value;
  for (++pos; pos < line.size() && line[pos] != '"'; ++pos) {
    if (line[pos] == '\\' && pos + 1 < line.size()) {
      ++pos;
      value += line[pos] == 'n' ? '\n' : line[pos];
    } else {
      value += line[pos];
    }
  }
  ++pos;
  return value;
}

Labels labels_at(const std::string& line, size_t& pos) {
  Labels labels;
  while (pos < line.size() && line[pos] != '}') {
    size_t equals = line.find('=', pos);
    std::string name = line.substr(pos, equals - pos);
    pos = equals + 1;
    labels[name] = quoted(line, pos);
    if (line[pos] == ',') ++pos;
  }
  ++pos;  // the closing brace
  return labels;
}

Sample sample_of(const std::string& line) {
  Sample sample;
  size_t end = line.find_first_of("{ ");
  if (end == std::string::npos) throw std::runtime_error("not a sample: " + line);
  sample.name = line.substr(0, end);
  size_t pos = end;
  if (line[pos] == '{') sample.labels = labels_at(line, ++pos);
  sample.value = std::stod(line.substr(pos + 1));
  return sample;
}

/// The "# KEYWORD name rest" lines of `text`: name -> rest.
std::map<std::string, std::string> comments(const std::string& text, const std::string& keyword) {
  std::map<std::string, std::string> found;
  std::istringstream lines(text);
  std::string prefix = "# " + keyword + " ";
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    size_t name_end = line.find(' ', prefix.size());
    found[line.substr(prefix.size(), name_end - prefix.size())] =
        name_end == std::string::npos ? "" : line.substr(name_end + 1);
  }
  return found;
}

}  // namespace

std::vector<Sample> samples_of(const std::string& text) {
  std::vector<Sample> samples;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] != '#') samples.push_back(sample_of(line));
  return samples;
}

std::optional<double> value_of(const std::string& text, const std::string& name,
                               const Labels& labels) {
  for (const Sample& sample : samples_of(text))
    if (sample.name == name && sample.labels == labels) return sample.value;
  return std::nullopt;
}

std::vector<Sample> samples_with(const std::string& text, const std::string& label,
                                 const std::string& value) {
  std::vector<Sample> found;
  for (Sample& sample : samples_of(text)) {
    auto it = sample.labels.find(label);
    if (it != sample.labels.end() && it->second == value) found.push_back(std::move(sample));
  }
  return found;
}

std::map<std::string, std::string> types_of(const std::string& text) {
  return comments(text, "TYPE");
}

std::map<std::string, std::string> helps_of(const std::string& text) {
  return comments(text, "HELP");
}

}  // namespace sipsentry::metrics::testing
