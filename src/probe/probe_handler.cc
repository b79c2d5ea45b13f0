#include "probe/probe_handler.h"

#include <charconv>
#include <chrono>

#include "probe/probe_answer.h"
#include "resolve/rfc3263.h"
#include "status/line_query.h"
#include "tls/chain_reader.h"

namespace sipsentry::probe {
namespace {

constexpr const char* kExpositionType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kTextType = "text/plain; charset=utf-8";
/// How long after the probe's budget the scrape still waits for the loop's
/// answer: the loop may be busy with the lines a moment.
constexpr engine::Millis kLoopSlack{250};

Reply refusal(int status, std::string why) {
  return {status, kTextType, std::move(why) + "\n"};
}

/// The longest the probe may take: the scrape's timeout less the margin
/// (at least half of it), or the default when the header is missing or
/// unreadable.
engine::Millis available_time(std::optional<std::string_view> header) {
  double seconds = 0;
  if (header) {
    auto [end, failure] = std::from_chars(header->data(), header->data() + header->size(), seconds);
    if (failure != std::errc() || end != header->data() + header->size() || !(seconds > 0))
      seconds = 0;
  }
  if (seconds <= 0) return kDefaultScrapeTimeout - kScrapeMargin;
  engine::Millis timeout{static_cast<int64_t>(std::min(seconds, 3600.0) * 1000)};
  return std::max(timeout - kScrapeMargin, timeout / 2);
}

/// The target with the module's transport: added when the URI names none,
/// refused when it names another.
std::optional<std::string> with_transport(const std::string& target,
                                          const std::optional<engine::Transport>& transport,
                                          std::string& error) {
  auto written = sip::parse_uri_server(target, error);
  if (!written) return std::nullopt;
  if (!transport) return target;
  if (!written->transport_given) return target + ";transport=" + engine::to_string(*transport);
  if (written->target.transport == *transport) return target;
  error = "target '" + target + "' names transport " +
          engine::to_string(written->target.transport) + " but the module sends over " +
          engine::to_string(*transport);
  return std::nullopt;
}

/// Counts a scrape in flight while alive.
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& count) : count_(count), number_(++count) {}
  ~InFlight() { --count_; }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  bool within_limit() const { return number_ <= kMaxProbesInFlight; }

 private:
  std::atomic<int>& count_;
  int number_;
};

// A certificate read needs a connect and a handshake: with less time left
// than this, the answer goes without it.
constexpr std::chrono::milliseconds kShortestCertificateRead{100};

/// probe_ssl_earliest_cert_expiry: the chain of a TLS target that answered,
/// read on this HTTP thread in a handshake of our own (see src/tls), within
/// what is left of the probe's time. Only at a numeric address: a blocking
/// name lookup has no place on an HTTP thread, and the adapter's resolved
/// address is at hand for a name.
void read_certificate(ProbeReport& report, std::chrono::steady_clock::time_point deadline) {
  if (!report.result) return;
  const ProbeResult& result = *report.result;
  if (result.sent_to.transport != engine::Transport::kTls || result.finding.status == 0) return;
  auto bare = [](std::string host) {
    return host.size() > 2 && host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  };
  bool named = !resolve::is_ip_literal(result.sent_to.host);
  std::string address = bare(named ? result.finding.address : result.sent_to.host);
  if (address.empty()) return;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left < kShortestCertificateRead) return;
  std::string error;
  std::optional<tls::ChainDates> dates = tls::read_chain_dates(
      address, result.sent_to.port, named ? result.sent_to.host : "", left, error);
  if (dates)
    report.earliest_cert_expiry =
        std::chrono::duration<double>(dates->earliest_not_after.time_since_epoch()).count();
}

}  // namespace

struct ProbeHandler::Asked {
  std::string module_name;
  config::ProbeModule module;
  std::string uri;  // with the module's transport
  bool debug = false;
  engine::Millis budget{};
};

void ProbeHandler::configure(const std::map<std::string, config::ProbeModule>& modules,
                             const config::ProbeSettings& settings) {
  auto setup = std::make_shared<Setup>(Setup{modules, settings});
  std::lock_guard lock(mutex_);
  setup_ = std::move(setup);
}

std::optional<Reply> ProbeHandler::check(std::string_view query,
                                         std::optional<std::string_view> timeout,
                                         Asked& asked) const {
  std::shared_ptr<const Setup> setup;
  {
    std::lock_guard lock(mutex_);
    setup = setup_;
  }
  std::optional<std::string> target = status::query_value(query, "target");
  if (!target || target->empty()) return refusal(400, "the 'target' parameter is missing");
  asked.module_name = status::query_value(query, "module").value_or(config::kDefaultModule);
  if (asked.module_name.empty()) asked.module_name = config::kDefaultModule;
  auto found = setup->modules.find(asked.module_name);
  if (found != setup->modules.end())
    asked.module = found->second;
  else if (asked.module_name != config::kDefaultModule)
    return refusal(400, "unknown module '" + asked.module_name + "'");
  asked.debug = status::query_value(query, "debug") == "true";
  std::string error;
  std::optional<std::string> uri = with_transport(*target, asked.module.transport, error);
  if (!uri) return refusal(400, error);
  std::string host = sip::parse_uri_server(*uri, error)->target.host;
  if (!setup->settings.allowed_targets.allows(host)) {
    std::string allowed;
    for (const std::string& entry : setup->settings.allowed_targets.entries())
      allowed += (allowed.empty() ? "" : ", ") + entry;
    return refusal(403, "target host '" + host + "' is not in probe.allowed_targets (" +
                            (allowed.empty() ? "empty" : allowed) + "): nothing was sent");
  }
  asked.uri = *uri;
  asked.budget = std::min(asked.module.timeout, available_time(timeout));
  return std::nullopt;
}

Reply ProbeHandler::answer(std::string_view query, std::optional<std::string_view> scrape_timeout) {
  auto arrived = std::chrono::steady_clock::now();
  InFlight in_flight(in_flight_);
  if (!agent_.load()) return refusal(503, "sipsentry is starting");
  {
    std::lock_guard lock(mutex_);
    if (closed_) return refusal(503, "sipsentry is stopping");
  }
  if (!in_flight.within_limit())
    return refusal(
        503, "too many probes in flight (at most " + std::to_string(kMaxProbesInFlight) + ")");
  Asked asked;
  if (std::optional<Reply> refused = check(query, scrape_timeout, asked)) return *refused;
  const config::ProbeModule& module = asked.module;
  ProbeSpec spec{.uri = asked.uri,
                 .user = module.method == engine::Method::kRegister ? module.user : "",
                 .domain = module.domain,
                 .timeout = asked.budget,
                 .tls = {module.tls_verify, module.tls_ca_file}};
  if (!module.password.empty()) spec.password = module.password.reveal();
  std::string error;
  std::optional<sip::OutgoingRequest> request = build_request(spec, error);
  if (!request) return refusal(400, error);
  if (!module.user.empty()) request->user = module.user;  // OPTIONS too: its From user
  ProbeReport report{asked.module_name, asked.uri, engine::to_string(request->method),
                     asked.budget};
  report.result = run(asked, *request);
  read_certificate(report, arrived + asked.budget);
  {
    std::lock_guard lock(mutex_);
    if (closed_ && !report.result) return refusal(503, "sipsentry is stopping");
  }
  report.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - arrived).count();
  if (asked.debug) return {200, kTextType, probe_debug(report)};
  return {200, kExpositionType, probe_metrics(report)};
}

std::optional<ProbeResult> ProbeHandler::run(const Asked& asked, sip::OutgoingRequest request) {
  sip::SipAgent& agent = *agent_.load();
  auto slot = std::make_shared<std::optional<ProbeResult>>();
  uint64_t id = next_id_++;
  agent.post([this, id, uri = asked.uri, request = std::move(request), slot] {
    start_on_loop(id, uri, request, slot);
  });
  auto deadline = std::chrono::steady_clock::now() + asked.budget + kLoopSlack;
  std::unique_lock lock(mutex_);
  answered_.wait_until(lock, deadline, [&] { return slot->has_value() || closed_; });
  if (slot->has_value()) return **slot;
  lock.unlock();
  // Given up: the loop forgets the probe (posted after its start, so in order).
  agent.post([this, id] {
    auto found = running_.find(id);
    if (found == running_.end()) return;
    found->second->abandon();
    running_.erase(found);
  });
  return std::nullopt;
}

void ProbeHandler::start_on_loop(uint64_t id, const std::string& uri,
                                 const sip::OutgoingRequest& request,
                                 std::shared_ptr<std::optional<ProbeResult>> slot) {
  auto done = [this, id, slot](const ProbeResult& result) {
    {
      std::lock_guard lock(mutex_);
      *slot = result;
    }
    answered_.notify_all();
    running_.erase(id);
  };
  std::shared_ptr<OneProbe> probe = OneProbe::start(*agent_.load(), uri, request, done);
  std::lock_guard lock(mutex_);
  if (!slot->has_value()) running_.emplace(id, std::move(probe));  // else done already
}

void ProbeHandler::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  answered_.notify_all();
}

}  // namespace sipsentry::probe
