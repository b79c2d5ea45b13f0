// read_chain_dates() against loopback sockets of the test's own: a port
// nobody listens on, and a listener that accepts but never answers the
// handshake (the real TLS servers are Kamailio's, in tls_expiry_test.sh).
#include "tls/chain_reader.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace sipsentry::tls {
namespace {

using namespace std::chrono_literals;

/// A TCP socket bound to 127.0.0.1 on a free port; listening or not.
class LoopbackSocket {
 public:
  explicit LoopbackSocket(bool listening) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t size = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    if (listening) listen(fd_, 4);
  }
  ~LoopbackSocket() { close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_ = 0;
};

TEST(ChainReader, ARefusedConnectionSaysSoAtOnce) {
  LoopbackSocket bound_not_listening(false);
  std::string error;
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(read_chain_dates("127.0.0.1", bound_not_listening.port(), "", 5s, error));
  EXPECT_EQ(error, "connect: Connection refused");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST(ChainReader, AServerThatNeverAnswersTheHandshakeTimesOutOnTime) {
  LoopbackSocket silent(true);  // the kernel accepts; nobody speaks TLS
  std::string error;
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(read_chain_dates("127.0.0.1", silent.port(), "pbx.example.com", 300ms, error));
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(error, "timed out after 0.3s (handshake)");
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 1s);
}

TEST(ChainReader, ACancelledReadEndsWithinAboutFiftyMilliseconds) {
  LoopbackSocket silent(true);
  std::atomic<bool> cancelled{false};
  std::thread cancel([&cancelled] {
    std::this_thread::sleep_for(200ms);
    cancelled = true;
  });
  std::string error;
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(read_chain_dates("127.0.0.1", silent.port(), "", 10s, error, &cancelled));
  auto took = std::chrono::steady_clock::now() - started;
  cancel.join();
  EXPECT_EQ(error, "cancelled (handshake)");
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 600ms) << "not the 10 s timeout";
}

}  // namespace
}  // namespace sipsentry::tls
