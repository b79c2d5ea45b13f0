#include "metrics/text_writer.h"

#include <charconv>
#include <cmath>

namespace sipsentry::metrics {
namespace {

std::string_view type_name(Family::Type type) {
  switch (type) {
    case Family::Type::kCounter:
      return "counter";
    case Family::Type::kGauge:
      return "gauge";
    case Family::Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// HELP texts are ours, but escape them as the format asks anyway.
void help_escaped(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

}  // namespace

void TextWriter::header(const Family& family) {
  out_.append("# HELP ").append(family.name).append(" ");
  help_escaped(out_, family.help);
  out_.append("\n# TYPE ").append(family.name).append(" ").append(type_name(family.type));
  out_ += '\n';
}

void TextWriter::sample(std::string_view name, Labels labels, double value) {
  row(name, "", labels, "", value);
}

void TextWriter::sample(std::string_view name, Labels labels, uint64_t value) {
  row(name, "", labels, "", value);
}

void TextWriter::histogram(std::string_view name, Labels labels, std::span<const double> bounds,
                           std::span<const uint64_t> counts, double sum) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += counts[i];
    std::string le;
    TextWriter(le).number(bounds[i]);
    row(name, "_bucket", labels, le, cumulative);
  }
  cumulative += counts[bounds.size()];
  row(name, "_bucket", labels, "+Inf", cumulative);
  row(name, "_sum", labels, "", sum);
  row(name, "_count", labels, "", cumulative);
}

template <typename Value>
void TextWriter::row(std::string_view name, std::string_view suffix, Labels labels,
                     std::string_view le, Value value) {
  out_.append(name).append(suffix);
  this->labels(labels, le);
  out_ += ' ';
  number(value);
  out_ += '\n';
}

void TextWriter::labels(Labels labels, std::string_view le) {
  if (labels.empty() && le.empty()) return;
  char separator = '{';
  for (const auto& [name, value] : labels) {
    out_ += separator;
    out_.append(name).append("=\"");
    escaped(value);
    out_ += '"';
    separator = ',';
  }
  if (!le.empty()) {
    out_ += separator;
    out_.append("le=\"").append(le).append("\"");
  }
  out_ += '}';
}

void TextWriter::escaped(std::string_view value) {
  for (char c : value) {
    if (c == '\\')
      out_ += "\\\\";
    else if (c == '"')
      out_ += "\\\"";
    else if (c == '\n')
      out_ += "\\n";
    else
      out_ += c;
  }
}

void TextWriter::number(double value) {
  if (std::isnan(value)) {
    out_ += "NaN";
  } else if (std::isinf(value)) {
    out_ += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[32];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;  // shortest round trip
    out_.append(buffer, end);
  }
}

void TextWriter::number(uint64_t value) {
  char buffer[24];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  out_.append(buffer, end);
}

}  // namespace sipsentry::metrics
