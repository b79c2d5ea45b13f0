#include "metrics/distributions.h"

#include <array>
#include <vector>

#include "metrics/text_writer.h"

namespace sipsentry::metrics {
namespace {

// In the order of the exposition.
const std::array<const Family*, 4> kHistograms = {
    &Families::request_duration, &Families::failover_detection, &Families::test_call_setup,
    &Families::test_call_post_dial_delay};

std::span<const double> bounds_of(const Family& family) {
  if (&family == &Families::request_duration) return Buckets::request_duration();
  if (&family == &Families::failover_detection) return Buckets::failover_detection();
  return Buckets::test_call_setup();  // setup and post-dial delay alike
}

}  // namespace

void Distributions::add(const Family& family, std::string_view line, std::string_view server,
                        std::string_view method) {
  series(family, line, server, method);
}

void Distributions::observe(const Family& family, std::string_view line, std::string_view server,
                            std::string_view method, double seconds) {
  series(family, line, server, method).observe(seconds);
}

Histogram& Distributions::series(const Family& family, std::string_view line,
                                 std::string_view server, std::string_view method) {
  Key key{&family, per_line_ ? std::string(line) : std::string(), std::string(server),
          std::string(method)};
  auto found = series_.find(key);
  if (found != series_.end()) return found->second;
  return series_.emplace(std::move(key), Histogram(bounds_of(family))).first->second;
}

void Distributions::forget_line(std::string_view line) {
  if (!per_line_) return;
  std::erase_if(series_, [&](const auto& entry) { return std::get<1>(entry.first) == line; });
}

void Distributions::forget_server(std::string_view server) {
  std::erase_if(series_, [&](const auto& entry) { return std::get<2>(entry.first) == server; });
}

void Distributions::write(std::string& out) const {
  TextWriter writer(out);
  for (const Family* family : kHistograms) {
    writer.header(*family);
    for (const auto& [key, histogram] : series_) {
      const auto& [of, line, server, method] = key;
      if (of != family) continue;
      std::vector<Label> labels;  // in the order of their names, `le` last
      if (per_line_) labels.emplace_back("line", line);
      if (!method.empty()) labels.emplace_back("method", method);
      labels.emplace_back("server", server);
      writer.histogram(family->name, labels, histogram.bounds, histogram.counts, histogram.sum);
    }
  }
}

}  // namespace sipsentry::metrics
