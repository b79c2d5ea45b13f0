// A TLS client handshake with OpenSSL 3 on a non-blocking socket, only to
// read the server's certificate chain. Sofia-SIP keeps its SSL objects to
// itself (README.md), so this is the only place that knows OpenSSL.
#include "tls/chain_reader.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <utility>

namespace sipsentry::tls {
namespace {

using Clock = std::chrono::steady_clock;

struct FreeContext {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
struct FreeSsl {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
struct FreeAddresses {
  void operator()(addrinfo* list) const { freeaddrinfo(list); }
};

/// A socket closed when it goes out of scope.
class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

/// SIGPIPE blocked on this thread while the handshake writes to a socket
/// the server may have closed (OpenSSL writes with write(2), not
/// send(MSG_NOSIGNAL)): `check` has no handler for it and would die. A
/// SIGPIPE raised meanwhile is taken back before the mask is restored.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocked() {
    timespec zero{};
    while (sigtimedwait(&pipe_, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
};

/// OpenSSL's queued errors as one line (and the queue emptied), or `fallback`.
std::string openssl_errors(const std::string& fallback) {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof line);
    text += (text.empty() ? "" : "; ") + std::string(line);
  }
  return text.empty() ? fallback : text;
}

/// How long one read may still wait for the network, and whether it was
/// cut short.
struct Wait {
  Clock::time_point deadline;
  const std::atomic<bool>* cancelled = nullptr;  // looked at every kCancelSlice
  enum class Stop { kNo, kExpired, kCancelled } stopped = Stop::kNo;
};

/// How often a wait looks at its cancel flag.
constexpr std::chrono::milliseconds kCancelSlice{50};

/// Waits until `fd` is ready for `events`; false when the wait's deadline
/// passes or it is cancelled first (`wait.stopped` says which).
bool wait_for(int fd, short events, Wait& wait) {
  for (;;) {
    if (wait.cancelled && wait.cancelled->load()) {
      wait.stopped = Wait::Stop::kCancelled;
      return false;
    }
    auto left = std::chrono::ceil<std::chrono::milliseconds>(wait.deadline - Clock::now());
    if (left.count() <= 0) {
      wait.stopped = Wait::Stop::kExpired;
      return false;
    }
    if (wait.cancelled) left = std::min(left, kCancelSlice);
    pollfd entry{.fd = fd, .events = events, .revents = 0};
    int ready = poll(&entry, 1, static_cast<int>(left.count()));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return true;  // the next call says what is wrong
  }
}

std::string seconds_text(std::chrono::milliseconds timeout) {
  char text[32];
  std::snprintf(text, sizeof text, "%gs", static_cast<double>(timeout.count()) / 1000.0);
  return text;
}

/// A non-blocking TCP connection to the first of `addresses` that accepts;
/// none when the wait is over first (`wait.stopped`) or none accepts (`error`).
Socket connect_any(const addrinfo* addresses, Wait& wait, std::string& error) {
  for (const addrinfo* at = addresses; at; at = at->ai_next) {
    Socket socket(
        ::socket(at->ai_family, at->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, at->ai_protocol));
    if (socket.fd() < 0) {
      error = std::string("socket: ") + std::strerror(errno);
      continue;
    }
    if (connect(socket.fd(), at->ai_addr, at->ai_addrlen) != 0 && errno != EINPROGRESS) {
      error = std::string("connect: ") + std::strerror(errno);
      continue;
    }
    if (!wait_for(socket.fd(), POLLOUT, wait)) return Socket();
    int failure = 0;
    socklen_t size = sizeof failure;
    getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &failure, &size);
    if (failure == 0) return socket;
    error = std::string("connect: ") + std::strerror(failure);
  }
  return Socket();
}

WallTime wall_time_of(const ASN1_TIME* time, bool& ok) {
  std::tm parts{};
  if (!time || ASN1_TIME_to_tm(time, &parts) != 1) {
    ok = false;
    return {};
  }
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

/// The dates of every certificate in `chain` (the server's own first).
std::optional<ChainDates> dates_of(STACK_OF(X509) * chain, std::string& error) {
  int count = chain ? sk_X509_num(chain) : 0;
  if (count == 0) {
    error = "the server sent no certificate";
    return std::nullopt;
  }
  ChainDates dates{.certificates = count};
  bool ok = true;
  for (int i = 0; i < count; ++i) {
    X509* certificate = sk_X509_value(chain, i);
    WallTime not_after = wall_time_of(X509_get0_notAfter(certificate), ok);
    WallTime not_before = wall_time_of(X509_get0_notBefore(certificate), ok);
    if (i == 0 || not_after < dates.earliest_not_after) dates.earliest_not_after = not_after;
    if (i == 0 || not_before > dates.latest_not_before) dates.latest_not_before = not_before;
  }
  if (!ok) {
    error = "a certificate of the chain has a date OpenSSL cannot read";
    return std::nullopt;
  }
  return dates;
}

/// Drives SSL_connect on the non-blocking socket until it completes, fails
/// (`error`) or the wait is over (`wait.stopped`).
bool handshake(SSL* ssl, int fd, Wait& wait, std::string& error) {
  for (;;) {
    int done = SSL_connect(ssl);
    if (done == 1) return true;
    int why = SSL_get_error(ssl, done);
    short events = why == SSL_ERROR_WANT_READ ? POLLIN : why == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (events == 0) {
      int saved = errno;
      std::string fallback = why == SSL_ERROR_SYSCALL && saved != 0
                                 ? std::strerror(saved)
                                 : (why == SSL_ERROR_ZERO_RETURN || why == SSL_ERROR_SYSCALL
                                        ? "the server closed the connection"
                                        : "SSL error " + std::to_string(why));
      error = "handshake: " + openssl_errors(fallback);
      return false;
    }
    if (!wait_for(fd, events, wait)) return false;
  }
}

}  // namespace

std::optional<ChainDates> read_chain_dates(const std::string& address, uint16_t port,
                                           const std::string& server_name,
                                           std::chrono::milliseconds timeout, std::string& error,
                                           const std::atomic<bool>* cancelled) {
  error.clear();
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int failed = getaddrinfo(address.c_str(), service.c_str(), &hints, &found); failed != 0) {
    error = "cannot resolve " + address + ": " + gai_strerror(failed);
    return std::nullopt;
  }
  std::unique_ptr<addrinfo, FreeAddresses> addresses(found);
  Wait wait{.deadline = Clock::now() + timeout, .cancelled = cancelled};
  auto stopped = [&](const char* during) -> std::optional<ChainDates> {
    if (wait.stopped == Wait::Stop::kCancelled)
      error = std::string("cancelled (") + during + ")";
    else if (wait.stopped == Wait::Stop::kExpired)
      error = "timed out after " + seconds_text(timeout) + " (" + during + ")";
    return std::nullopt;
  };
  Socket socket = connect_any(addresses.get(), wait, error);
  if (socket.fd() < 0) return stopped("connect");
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, FreeContext> context(SSL_CTX_new(TLS_client_method()));
  if (!context) {
    error = "TLS context: " + openssl_errors("cannot be made");
    return std::nullopt;
  }
  // Never verify: the point is to read the dates of whatever is presented.
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);
  std::unique_ptr<SSL, FreeSsl> ssl(SSL_new(context.get()));
  if (!ssl || SSL_set_fd(ssl.get(), socket.fd()) != 1 ||
      (!server_name.empty() && SSL_set_tlsext_host_name(ssl.get(), server_name.c_str()) != 1)) {
    error = "TLS session: " + openssl_errors("cannot be made");
    return std::nullopt;
  }
  SigpipeBlocked no_sigpipe;
  if (!handshake(ssl.get(), socket.fd(), wait, error)) return stopped("handshake");
  // On a client, the chain as sent, the server's own certificate first.
  std::optional<ChainDates> dates = dates_of(SSL_get_peer_cert_chain(ssl.get()), error);
  SSL_shutdown(ssl.get());  // one close_notify, no wait for the server's
  return dates;
}

std::optional<ChainDates> read_chain_dates(const std::string& address, uint16_t port,
                                           const std::string& server_name,
                                           std::chrono::milliseconds timeout, std::string& error) {
  return read_chain_dates(address, port, server_name, timeout, error, nullptr);
}

}  // namespace sipsentry::tls
