// The HTTP side of the metrics on civetweb's C API: /metrics, /healthz and
// an index.
#include "metrics/metrics_endpoint.h"

#include <civetweb.h>
#include <netdb.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "version.h"

namespace sipsentry::metrics {
namespace {

constexpr const char* kExpositionType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kTextType = "text/plain; charset=utf-8";
constexpr const char* kHtmlType = "text/html; charset=utf-8";

// Scrapes come from a Prometheus server, a health checker and now and then
// a person: a few threads are plenty (civetweb's default is 50), beside the
// ones /probe's scrapes hold while their probes run (at most 32 of them,
// probe/probe_handler.h), so that /metrics is never kept waiting by them.
constexpr const char* kThreads = "36";
constexpr const char* kRequestTimeoutMs = "10000";

bool valid_port(std::string_view port) {
  return !port.empty() && port.size() <= 5 &&
         port.find_first_not_of("0123456789") == std::string_view::npos &&
         std::stoi(std::string(port)) <= 65535;
}

bool valid_host(std::string_view host) {
  constexpr std::string_view kNameCharacters =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
  return !host.empty() && host.find_first_not_of(kNameCharacters) == std::string_view::npos;
}

/// Why `listen` cannot be handed to civetweb as is, if it cannot. Its
/// listening_ports option also takes lists, "s" suffixes and a bare port
/// (all interfaces), none of which the configuration means.
std::optional<std::string> listen_error(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) colon = listen.size();
  std::string_view host = std::string_view(listen).substr(0, colon);
  std::string_view port = std::string_view(listen).substr(std::min(colon + 1, listen.size()));
  bool ipv6 = host.size() > 2 && host.front() == '[' && host.back() == ']';
  if (ipv6 && valid_port(port) && !mg_check_feature(MG_FEATURES_IPV6))
    return "metrics address " + listen + ": this build of civetweb has no IPv6";
  if ((ipv6 || valid_host(host)) && valid_port(port)) return std::nullopt;
  return "metrics address " + listen + ": expected HOST:PORT, an IPv4 address or a name";
}

/// Sends a whole response made of `body`'s pieces, one after the other;
/// the body is left out for HEAD.
int reply(mg_connection* connection, int status, const char* type,
          const std::vector<std::string>& body) {
  size_t length = 0;
  for (const std::string& piece : body) length += piece.size();
  mg_response_header_start(connection, status);
  mg_response_header_add(connection, "Content-Type", type, -1);
  mg_response_header_add(connection, "Content-Length", std::to_string(length).c_str(), -1);
  mg_response_header_add(connection, "Cache-Control", "no-store", -1);
  mg_response_header_send(connection);
  if (std::string_view(mg_get_request_info(connection)->request_method) == "HEAD") return status;
  for (const std::string& piece : body)
    if (mg_write(connection, piece.data(), piece.size()) <= 0 && !piece.empty()) break;
  return status;
}

int reply(mg_connection* connection, int status, const char* type, std::string body) {
  return reply(connection, status, type, std::vector<std::string>{std::move(body)});
}

int refuse_method(mg_connection* connection) {
  mg_response_header_start(connection, 405);
  mg_response_header_add(connection, "Allow", "GET, HEAD", -1);
  mg_response_header_add(connection, "Content-Length", "0", -1);
  mg_response_header_send(connection);
  return 405;
}

std::string index_page() {
  return std::string("<!DOCTYPE html>\n<html><head><title>sipsentry</title></head><body>\n") +
         "<h1>sipsentry " + kVersion + "</h1>\n<p>SIP redundancy probe and monitor.</p>\n" +
         "<ul>\n<li><a href=\"metrics\">metrics</a>: Prometheus metrics</li>\n" +
         "<li><a href=\"healthz\">healthz</a>: 200 once running, 503 before</li>\n</ul>\n" +
         "</body></html>\n";
}

/// Blocks every signal in the calling thread while alive, so that threads
/// started meanwhile inherit a full mask and never take a signal meant for
/// the event loop.
class AllSignalsBlocked {
 public:
  AllSignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &saved_);
  }
  ~AllSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
  AllSignalsBlocked(const AllSignalsBlocked&) = delete;
  AllSignalsBlocked& operator=(const AllSignalsBlocked&) = delete;

 private:
  sigset_t saved_;
};

/// Opens and closes a TCP connection to the endpoint's own port, which
/// wakes civetweb's listener from its poll.
void knock(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const char* name = host == "0.0.0.0" ? "127.0.0.1" : host == "[::]" ? "::1" : host.c_str();
  if (getaddrinfo(name, std::to_string(port).c_str(), &hints, &found) != 0) return;
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    connect(fd, found->ai_addr, found->ai_addrlen);
    close(fd);
  }
  freeaddrinfo(found);
}

}  // namespace

struct MetricsEndpoint::Impl {
  Impl(const MetricsRecorder& recorder, PageSource pages)
      : recorder(recorder), pages(std::move(pages)) {}
  ~Impl() {
    if (context) stop();
    mg_exit_library();
  }
  /// civetweb's listener looks at its stop flag only between polls of up
  /// to 2 s; knocking on the port until mg_stop() returns makes the stop
  /// take milliseconds, so that the daemon's SIGTERM stays within 2 s.
  void stop() {
    std::atomic<bool> stopped{false};
    std::thread stopper([&] {
      mg_stop(context);
      stopped = true;
    });
    while (!stopped) {
      knock(host, port);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stopper.join();
  }
  bool listen(const std::string& listen, std::string& error);
  int serve(mg_connection* connection) const;

  const MetricsRecorder& recorder;
  const PageSource pages;
  std::atomic<bool> ready{false};
  mg_context* context = nullptr;
  std::string host;
  uint16_t port = 0;
  std::mutex log_mutex;
  std::string first_log;  // civetweb's first complaint, for the start error
};

bool MetricsEndpoint::Impl::listen(const std::string& listen, std::string& error) {
  mg_callbacks callbacks{};
  // Civetweb's own messages: the first explains a failed start; the rest
  // (a client that hung up …) are not worth a log line.
  callbacks.log_message = [](const mg_connection* connection, const char* message) {
    auto* self = static_cast<Impl*>(mg_get_user_data(mg_get_context(connection)));
    if (!self) return 1;
    std::lock_guard lock(self->log_mutex);
    if (self->first_log.empty()) self->first_log = message;
    return 1;
  };
  const char* options[] = {"listening_ports",    listen.c_str(),    "num_threads", kThreads,
                           "request_timeout_ms", kRequestTimeoutMs, nullptr};
  mg_init_data init{&callbacks, this, options};
  {
    AllSignalsBlocked blocked;
    context = mg_start2(&init, nullptr);
  }
  if (context) return true;
  std::lock_guard lock(log_mutex);
  if (first_log.find(std::strerror(EADDRINUSE)) != std::string::npos)
    error = "metrics address " + listen + " is in use";
  else
    error = "metrics address " + listen + ": " + (first_log.empty() ? "cannot listen" : first_log);
  return false;
}

int MetricsEndpoint::Impl::serve(mg_connection* connection) const {
  const mg_request_info* request = mg_get_request_info(connection);
  std::string_view method = request->request_method;
  if (method != "GET" && method != "HEAD") return refuse_method(connection);
  // No path for a request such as "GET http://host" with no slash after the host.
  std::string_view uri = request->local_uri ? request->local_uri : "";
  if (uri == "/metrics") return reply(connection, 200, kExpositionType, recorder.scrape_chunks());
  if (uri == "/healthz")
    return ready ? reply(connection, 200, kTextType, "ok\n")
                 : reply(connection, 503, kTextType, "not ready\n");
  if (pages) {
    std::string_view query = request->query_string ? request->query_string : "";
    auto header = [connection](const char* name) -> std::optional<std::string_view> {
      const char* value = mg_get_header(connection, name);
      if (!value) return std::nullopt;
      return value;
    };
    if (std::optional<PageReply> page = pages({uri, query, header}))
      return reply(connection, page->status, page->content_type.c_str(), std::move(page->body));
  }
  if (uri == "/") return reply(connection, 200, kHtmlType, index_page());
  return reply(connection, 404, kTextType, "not found\n");
}

std::unique_ptr<MetricsEndpoint> MetricsEndpoint::start(const std::string& listen,
                                                        const MetricsRecorder& recorder,
                                                        std::string& error, PageSource pages) {
  if (std::optional<std::string> invalid = listen_error(listen)) {
    error = *invalid;
    return nullptr;
  }
  mg_init_library(0);  // counted: the Impl's destructor undoes it
  auto impl = std::make_unique<Impl>(recorder, std::move(pages));
  if (!impl->listen(listen, error)) return nullptr;
  mg_server_port bound{};
  if (mg_get_server_ports(impl->context, 1, &bound) != 1) {
    error = "metrics address " + listen + ": cannot tell which port it listens on";
    return nullptr;
  }
  impl->host = listen.substr(0, listen.rfind(':'));
  impl->port = static_cast<uint16_t>(bound.port);
  // One handler for every path, so that unknown ones get our 404.
  mg_set_request_handler(
      impl->context, "/",
      [](mg_connection* connection, void* data) {
        return static_cast<const Impl*>(data)->serve(connection);
      },
      impl.get());
  return std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint(std::move(impl)));
}

MetricsEndpoint::MetricsEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsEndpoint::~MetricsEndpoint() = default;

uint16_t MetricsEndpoint::port() const {
  return impl_->port;
}

std::string MetricsEndpoint::address() const {
  return impl_->host + ":" + std::to_string(impl_->port);
}

void MetricsEndpoint::set_ready(bool ready) {
  impl_->ready = ready;
}

}  // namespace sipsentry::metrics
