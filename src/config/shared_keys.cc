// The keys that `defaults` and every line share (spec.md §10).
#include "config/shared_keys.h"

namespace sipsentry::config {
namespace {

constexpr int kMaxRetryCount = 10;  // INVITE doubles without a cap: keep the budget sane

void read_timers(YamlReader& r, const YamlNode& node, engine::Timers& timers) {
  r.read_map(node, "timers",
             {{"t1", r.into_positive_duration(timers.t1, "t1")},
              {"t2", r.into_positive_duration(timers.t2, "t2")},
              {"t4", r.into_positive_duration(timers.t4, "t4")}});
  if (timers.t2 < timers.t1) r.error(node, "'timers': t2 must not be shorter than t1");
}

void read_unavailable_codes(YamlReader& r, const YamlNode& node, std::vector<int>& codes) {
  auto items = r.sequence(node, "unavailable_codes");
  if (!items) return;
  std::vector<int> read;
  for (const YamlNode& item : *items)
    if (auto code = r.integer(item, "unavailable_codes", 100, 699))
      read.push_back(static_cast<int>(*code));
  if (read.size() == items->size()) codes = read;
}

void read_failback(YamlReader& r, const YamlNode& node, engine::FailbackSettings& failback) {
  r.read_map(
      node, "failback",
      {{"mode",
        [&](const YamlNode& v) {
          using Mode = engine::FailbackSettings::Mode;
          std::optional<std::string> text = r.string(v, "mode");
          if (!text) return;
          static const std::pair<const char*, Mode> kModes[] = {
              {"timer", Mode::kTimer},
              {"registration", Mode::kRegistration},
              {"new_requests", Mode::kNewRequests},
              {"dns_ttl", Mode::kDnsTtl}};
          for (const auto& [name, mode] : kModes)
            if (*text == name) return void(failback.mode = mode);
          r.error(v, "'mode': unknown failback mode '" + *text +
                         "'; expected timer, registration, new_requests or dns_ttl");
        }},
       {"enabled", r.into_bool(failback.enabled, "enabled")},
       {"interval", r.into_positive_duration(failback.interval, "interval")},
       {"unregister_previous", r.into_bool(failback.unregister_previous, "unregister_previous")}});
}

/// register_retry: {mode: fixed | backoff, interval, base, max}; `interval`
/// is register_retry_interval, which may still stand on its own.
void read_register_retry(YamlReader& r, const YamlNode& node, engine::LineSettings& s) {
  engine::RegisterRetry& retry = s.register_retry;
  r.read_map(
      node, "register_retry",
      {{"mode",
        [&](const YamlNode& v) {
          std::optional<std::string> text = r.string(v, "mode");
          if (!text) return;
          if (*text == "fixed")
            retry.mode = engine::RegisterRetry::Mode::kFixed;
          else if (*text == "backoff")
            retry.mode = engine::RegisterRetry::Mode::kBackoff;
          else
            r.error(v, "'mode': unknown register_retry mode '" + *text +
                           "'; expected fixed or backoff");
        }},
       {"interval", r.into_positive_duration(s.register_retry_interval, "interval")},
       {"base", r.into_positive_duration(retry.base, "base")},
       {"base_not_failed", r.into_positive_duration(retry.base_not_failed, "base_not_failed")},
       {"max", r.into_positive_duration(retry.max, "max")}});
  if (retry.max < retry.base) r.error(node, "'register_retry': max must not be shorter than base");
}

void read_redundancy(YamlReader& r, const YamlNode& node, engine::Redundancy& redundancy) {
  std::optional<std::string> text = r.string(node, "redundancy");
  if (!text) return;
  if (*text == "successive")
    redundancy = engine::Redundancy::kSuccessive;
  else if (*text == "concurrent")
    redundancy = engine::Redundancy::kConcurrent;
  else
    r.error(node, "'redundancy': unknown mode '" + *text + "'; expected successive or concurrent");
}

void read_refresh_ratio(YamlReader& r, const YamlNode& node, double& ratio) {
  std::optional<double> read = r.number(node, "refresh_ratio");
  if (read && (*read <= 0 || *read >= 1)) {
    r.error(node, "'refresh_ratio': must be between 0 and 1 (exclusive), got " + node.Scalar());
    return;
  }
  assign(ratio, read);
}

}  // namespace

void read_retry(YamlReader& r, const YamlNode& node, engine::RetryPolicy& retry) {
  std::optional<int64_t> count;
  std::optional<engine::Millis> period;
  r.read_map(
      node, "retry",
      {{"count", [&](const YamlNode& v) { count = r.integer(v, "count", 0, kMaxRetryCount); }},
       {"period", [&](const YamlNode& v) { period = r.positive_duration(v, "period"); }}});
  if (node.IsMap() && node["count"] && node["period"]) {
    r.error(node, "'retry': give either 'count' (phone V3) or 'period' (phone V2), not both");
  } else if (count) {
    retry = {.mode = engine::RetryPolicy::Mode::kCount, .count = static_cast<int>(*count)};
  } else if (period) {
    retry = {.mode = engine::RetryPolicy::Mode::kPeriod, .count = retry.count, .period = *period};
  }
}

void add_shared_handlers(YamlReader& r, YamlReader::Handlers& handlers, LineConfig& line) {
  engine::LineSettings& s = line.settings;
  auto read_observe = [&r, &s](const YamlNode& v) {
    r.read_map(v, "observe", {{"interval", r.into_duration(s.observe_interval, "interval")}});
  };
  auto read_tls = [&r, &line](const YamlNode& v) {
    r.read_map(v, "tls",
               {{"verify", r.into_bool(line.tls.verify, "verify")},
                {"ca_file", r.into_string(line.tls.ca_file, "ca_file")},
                {"expiry_warning", r.into_duration(line.tls.expiry_warning, "expiry_warning")}});
  };
  handlers.insert(
      handlers.end(),
      {{"timers", [&r, &s](const YamlNode& v) { read_timers(r, v, s.timers); }},
       {"retry", [&r, &s](const YamlNode& v) { read_retry(r, v, s.retry); }},
       {"register_retry", [&r, &s](const YamlNode& v) { read_register_retry(r, v, s); }},
       {"register_retry_interval",
        r.into_positive_duration(s.register_retry_interval, "register_retry_interval")},
       {"refresh_ratio",
        [&r, &s](const YamlNode& v) { read_refresh_ratio(r, v, s.refresh_ratio); }},
       {"keepalive_interval", r.into_duration(s.keepalive_interval, "keepalive_interval")},
       {"unavailable_codes",
        [&r, &s](const YamlNode& v) { read_unavailable_codes(r, v, s.unavailable_codes); }},
       {"failback", [&r, &s](const YamlNode& v) { read_failback(r, v, s.failback); }},
       {"redundancy", [&r, &s](const YamlNode& v) { read_redundancy(r, v, s.redundancy); }},
       {"observe", read_observe},
       {"unregister_on_exit", r.into_bool(s.unregister_on_exit, "unregister_on_exit")},
       {"tls", read_tls}});
}

}  // namespace sipsentry::config
