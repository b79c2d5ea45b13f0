#include "daemon/certificate_watch.h"

#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "tls/chain_reader.h"

namespace sipsentry::daemon {
namespace {

/// How long stop() waits for the worker before it leaves one stuck in a name lookup.
constexpr std::chrono::milliseconds kStopWait{200};

std::optional<tls::ChainDates> read_over_network(const tls::TlsEndpoint& endpoint,
                                                 const std::atomic<bool>& stopping,
                                                 std::string& error) {
  return tls::read_chain_dates(endpoint.address, endpoint.port, endpoint.server_name,
                               CertificateWatch::kHandshakeTimeout, error, &stopping);
}

}  // namespace

/// The worker thread's state and what it shares with the event loop. Held
/// by the thread too, so that a thread left to finish a name lookup after
/// stop() still has it.
struct CertificateWatch::Worker {
  Post post;
  Reader reader;
  std::chrono::milliseconds interval;
  std::weak_ptr<LoopSide> loop;

  std::mutex mutex;  // guards the members below
  std::condition_variable wake;
  std::set<tls::TlsEndpoint> endpoints;  // the set to watch
  std::set<tls::TlsEndpoint> unread;     // new ones, read before the next round
  bool stopping = false;
  std::atomic<bool> cancel{false};  // `stopping`, for the read in progress (no lock)
  std::promise<void> finished;

  void run();
  /// The endpoints to read now (waits until there are some); empty when stopping.
  std::vector<tls::TlsEndpoint> next_batch(std::unique_lock<std::mutex>& lock,
                                           std::chrono::steady_clock::time_point& next_round);
};

std::vector<tls::TlsEndpoint> CertificateWatch::Worker::next_batch(
    std::unique_lock<std::mutex>& lock, std::chrono::steady_clock::time_point& next_round) {
  for (;;) {
    if (stopping) return {};
    auto now = std::chrono::steady_clock::now();
    if (now >= next_round) {
      next_round = now + interval;
      unread.clear();
      return {endpoints.begin(), endpoints.end()};
    }
    if (!unread.empty()) {
      std::vector<tls::TlsEndpoint> batch(unread.begin(), unread.end());
      unread.clear();
      return batch;
    }
    wake.wait_until(lock, next_round);
  }
}

void CertificateWatch::Worker::run() {
  std::unique_lock lock(mutex);
  auto next_round = std::chrono::steady_clock::now() + interval;
  for (;;) {
    std::vector<tls::TlsEndpoint> batch = next_batch(lock, next_round);
    if (batch.empty()) break;
    for (const tls::TlsEndpoint& endpoint : batch) {
      if (stopping) break;
      if (!endpoints.contains(endpoint)) continue;  // a reload dropped it meanwhile
      lock.unlock();
      std::string error;
      std::optional<tls::ChainDates> dates = reader(endpoint, cancel, error);
      tls::WallTime when = std::chrono::system_clock::now();
      lock.lock();
      // Posted under the lock: once stop() has set `stopping`, nothing is.
      if (stopping) break;
      post([loop = this->loop, endpoint, dates, error, when] {
        if (auto side = loop.lock()) side->on_read(endpoint, dates, error, when);
      });
    }
  }
  finished.set_value();
}

CertificateWatch::CertificateWatch(Post post, Deliver deliver, Reader reader,
                                   std::chrono::milliseconds interval)
    : loop_(std::make_shared<LoopSide>()), worker_(std::make_shared<Worker>()) {
  loop_->deliver = std::move(deliver);
  worker_->post = std::move(post);
  worker_->reader = reader ? std::move(reader) : Reader(read_over_network);
  worker_->interval = interval;
  worker_->loop = loop_;
  thread_ = std::thread([worker = worker_] { worker->run(); });
}

CertificateWatch::~CertificateWatch() {
  stop();
}

void CertificateWatch::stop() {
  std::future<void> finished;
  {
    std::lock_guard lock(worker_->mutex);
    if (worker_->stopping) return;
    worker_->stopping = true;
    worker_->cancel = true;
    finished = worker_->finished.get_future();
  }
  worker_->wake.notify_all();
  // A worker between reads ends at once, one in a handshake as soon as it
  // sees `cancel`; one in a name lookup ends on its own, holding the Worker
  // and nothing of the daemon's.
  if (finished.wait_for(kStopWait) == std::future_status::ready)
    thread_.join();
  else
    thread_.detach();
}

void CertificateWatch::apply(const std::vector<config::LineConfig>& lines) {
  std::map<tls::TlsEndpoint, std::vector<User>> users;
  for (const config::LineConfig& line : lines) {
    const std::vector<engine::Server>& servers = line.settings.servers;
    for (size_t i = 0; i < servers.size() && i < line.server_names.size(); ++i)
      if (auto endpoint = tls::tls_endpoint_of(servers[i], line.server_names[i]))
        users[*endpoint].push_back({line.settings.name, i, line.tls.expiry_warning});
  }
  std::erase_if(loop_->last, [&users](const auto& last) { return !users.contains(last.first); });
  loop_->users = std::move(users);
  {
    std::lock_guard lock(worker_->mutex);
    std::set<tls::TlsEndpoint> endpoints;
    for (const auto& [endpoint, named_by] : loop_->users) {
      endpoints.insert(endpoint);
      if (!worker_->endpoints.contains(endpoint)) worker_->unread.insert(endpoint);
    }
    std::erase_if(worker_->unread, [&endpoints](const auto& e) { return !endpoints.contains(e); });
    worker_->endpoints = std::move(endpoints);
  }
  worker_->wake.notify_all();
  for (const auto& [endpoint, reading] : loop_->last) loop_->deliver_to_users(endpoint);
}

void CertificateWatch::LoopSide::on_read(const tls::TlsEndpoint& endpoint,
                                         const std::optional<tls::ChainDates>& dates,
                                         const std::string& error, tls::WallTime when) {
  if (!users.contains(endpoint)) return;  // dropped by a reload since
  // A failed read keeps the last chain read: the server did not change its
  // certificate by being unreachable.
  tls::CertificateReading& reading = last[endpoint];
  if (dates) reading.dates = dates;
  reading.error = dates ? std::string() : error;
  reading.read_at = when;
  deliver_to_users(endpoint);
}

void CertificateWatch::LoopSide::deliver_to_users(const tls::TlsEndpoint& endpoint) const {
  const tls::CertificateReading& reading = last.at(endpoint);
  for (const User& user : users.at(endpoint)) {
    tls::CertificateReading own = reading;
    own.warning = user.warning;
    deliver(user.line, user.server, own);
  }
}

std::unique_ptr<CertificateWatch> watch_certificates(sip::SipAgent& agent,
                                                     metrics::MetricsRecorder& recorder,
                                                     status::StatusBoard& board) {
  return std::make_unique<CertificateWatch>(
      [&agent](std::function<void()> work) { agent.post(std::move(work)); },
      [&recorder, &board](const std::string& line, size_t server,
                          const tls::CertificateReading& reading) {
        if (reading.dates)
          recorder.certificate_read(line, server, reading.dates->earliest_not_after);
        board.certificate_read(line, server, reading);
      });
}

}  // namespace sipsentry::daemon
