#include "support/dnsmasq.h"

#include <csignal>
#include <stdexcept>

namespace sipsentry::testing {

Dnsmasq::Dnsmasq(const ScratchDir& scratch, const std::vector<std::string>& records)
    : port_(free_port()), log_path_(scratch.file("dnsmasq-" + std::to_string(port_) + ".log")) {
  std::vector<std::string> argv{"dnsmasq",
                                "--no-daemon",
                                "--conf-file=/dev/null",
                                "--pid-file=",
                                "--port=" + std::to_string(port_),
                                "--listen-address=127.0.0.1",
                                "--bind-interfaces",
                                "--no-resolv",
                                "--no-hosts",
                                "--local=/test/",
                                "--log-queries",
                                "--log-facility=-"};
  argv.insert(argv.end(), records.begin(), records.end());
  process_ = std::make_unique<Process>(argv, log_path_);
  // dnsmasq says "started" once its sockets are bound.
  if (!wait_until([&] { return read_file(log_path_).find("started") != std::string::npos; },
                  std::chrono::seconds(5)))
    throw std::runtime_error("dnsmasq did not start: " + read_file(log_path_));
}

}  // namespace sipsentry::testing
