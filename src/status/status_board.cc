#include "status/status_board.h"

#include <iterator>
#include <variant>

namespace sipsentry::status {

StatusBoard::StatusBoard(Describe describe, Clock clock)
    : describe_(std::move(describe)), clock_(std::move(clock)) {}

StatusBoard::Entry StatusBoard::new_entry(const engine::LineSettings& line, WallTime now) {
  return {.status = {.result = cli::initial_line_result(line),
                     .since = now,
                     .retry_after_until = {line.servers.size(), std::nullopt}},
          .test_call = line.test_call ? cli::BoxedOptional(*line.test_call) : std::nullopt,
          .call_failovers = {}};
}

void StatusBoard::on_line_added(const engine::LineSettings& line) {
  Entry entry = new_entry(line, clock_());
  std::lock_guard lock(mutex_);
  lines_.insert_or_assign(line.name, std::move(entry));
}

void StatusBoard::on_line_removed(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (auto known = lines_.find(name); known != lines_.end()) lines_.erase(known);
}

void StatusBoard::on_event(const engine::LineSettings& line, const engine::Event& event) {
  WallTime now = clock_();
  // The text is made before the lock is taken: the HTTP threads wait for
  // the copy into the ring only.
  std::optional<Described> described = describe_ ? describe_(line, event) : std::nullopt;
  // One lock and one look-up an event: this runs for every request of every line.
  std::lock_guard lock(mutex_);
  auto found = lines_.find(line.name);
  if (found == lines_.end()) found = lines_.emplace(line.name, new_entry(line, now)).first;
  apply(found->second, event, now);
  if (!described) return;
  events_.push_back(
      {next_sequence_++, now, line.name, std::move(described->level), std::move(described->text)});
  if (events_.size() > kEventsKept) events_.pop_front();
}

void StatusBoard::apply(Entry& entry, const engine::Event& event, WallTime now) {
  LineStatus& status = entry.status;
  cli::LineResult& result = status.result;
  if (auto* finished = std::get_if<engine::RequestFinished>(&event.what)) {
    cli::record_request(result, *finished);
    if (finished->retry_after)
      status.retry_after_until.at(finished->server) =
          now + std::chrono::duration_cast<WallTime::duration>(*finished->retry_after);
  } else if (auto* changed = std::get_if<engine::StateChanged>(&event.what)) {
    result.state = changed->to;
    result.state_reason = changed->reason;
    if (changed->to != engine::LineState::kRegistered) {
      result.registered_server.reset();
      result.registered_target.reset();
      result.off_primary_target = false;
    }
    status.since = now;
  } else if (auto* registered = std::get_if<engine::Registered>(&event.what)) {
    result.registered_server = registered->server;
    result.registered_target = registered->target;
    // On the primary's second SRV target the line is on a backup, as check says.
    result.off_primary_target = registered->server == 0 && !registered->on_primary;
  } else if (auto* failover = std::get_if<engine::Failover>(&event.what)) {
    result.failover = *failover;
    status.last_switch = LineSwitch{.from = failover->from,
                                    .to = failover->to,
                                    .method = failover->method,
                                    .reason = failover->reason,
                                    .at = now};
    // A test call's INVITE or BYE that moved the line belongs to the call.
    if (failover->method == engine::Method::kInvite || failover->method == engine::Method::kBye)
      entry.call_failovers.push_back(*failover);
  } else if (auto* failback = std::get_if<engine::Failback>(&event.what)) {
    status.last_switch =
        LineSwitch{.failback = true, .from = failback->from, .to = failback->to, .at = now};
  } else if (auto* call = std::get_if<engine::TestCallFinished>(&event.what)) {
    apply_call(entry, *call);
  } else if (auto* holding = std::get_if<engine::ServerRegistration>(&event.what)) {
    result.servers.at(holding->server).holds_registration = holding->held;
  }
}

void StatusBoard::apply_call(Entry& entry, const engine::TestCallFinished& finished) {
  cli::LineResult& result = entry.status.result;
  cli::CallResult call{.kind = cli::CallResult::Kind::kFinished, .finished = finished};
  if (entry.test_call) {
    call.target = entry.test_call->target;
    call.expected_status = entry.test_call->expected_status;
  }
  // Where the line was when the call began: before the call's own failovers.
  call.server = entry.call_failovers.empty()
                    ? result.registered_server
                    : std::optional<size_t>(entry.call_failovers.front().from);
  call.failovers = std::move(entry.call_failovers);
  entry.call_failovers.clear();
  result.call = std::move(call);
}

void StatusBoard::certificate_read(const std::string& line, size_t server,
                                   const tls::CertificateReading& reading) {
  std::lock_guard lock(mutex_);
  auto found = lines_.find(line);
  if (found == lines_.end() || server >= found->second.status.result.servers.size()) return;
  found->second.status.result.servers[server].certificate = reading;
}

int severity_rank(const cli::LineResult& line) {
  switch (line.state) {
    case engine::LineState::kRegistering:
      return 2;
    case engine::LineState::kRegistered:
      return line.on_primary() ? 3 : 1;
    default:
      return 0;
  }
}

std::vector<LineKey> StatusBoard::keys() const {
  std::vector<LineKey> out;
  std::string resume_after;  // the last line copied; one removed meanwhile is no matter
  for (bool first = true;; first = false) {
    std::lock_guard lock(mutex_);
    if (first) out.reserve(lines_.size());
    auto from = first ? lines_.cbegin() : lines_.upper_bound(resume_after);
    for (size_t n = 0; from != lines_.cend() && n < kLinesPerBatch; ++from, ++n) {
      const cli::LineResult& line = from->second.status.result;
      out.push_back({from->first, line.state, severity_rank(line), cli::line_status(line)});
    }
    if (from == lines_.cend()) return out;
    resume_after = std::prev(from)->first;
  }
}

std::vector<LineStatus> StatusBoard::lines(std::span<const std::string> names) const {
  std::vector<LineStatus> out;
  out.reserve(names.size());
  for (size_t batch = 0; batch < names.size(); batch += kLinesPerBatch) {
    std::lock_guard lock(mutex_);
    for (size_t i = batch; i < names.size() && i < batch + kLinesPerBatch; ++i)
      if (auto found = lines_.find(names[i]); found != lines_.end())
        out.push_back(found->second.status);
  }
  return out;
}

std::optional<LineStatus> StatusBoard::line(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto found = lines_.find(name);
  if (found == lines_.end()) return std::nullopt;
  return found->second.status;
}

std::vector<EventEntry> StatusBoard::events(uint64_t after) const {
  std::lock_guard lock(mutex_);
  std::vector<EventEntry> out;
  for (const EventEntry& entry : events_)
    if (entry.sequence > after) out.push_back(entry);
  return out;
}

size_t StatusBoard::size() const {
  std::lock_guard lock(mutex_);
  return lines_.size();
}

}  // namespace sipsentry::status
