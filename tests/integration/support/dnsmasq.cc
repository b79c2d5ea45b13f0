#include "support/dnsmasq.h"

#include <csignal>
#include <stdexcept>

namespace sipsentry::testing {

namespace {

size_t count(const std::string& text, const std::string& word) {
  size_t found = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++found;
  return found;
}

}  // namespace

Dnsmasq::Dnsmasq(const ScratchDir& scratch, const std::vector<std::string>& records)
    : port_(free_port()), log_path_(scratch.file("dnsmasq-" + std::to_string(port_) + ".log")) {
  start(records);
}

void Dnsmasq::restart(const std::vector<std::string>& records) {
  process_->stop();
  process_.reset();
  start(records);
}

void Dnsmasq::start(const std::vector<std::string>& records) {
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
  size_t started = count(read_file(log_path_), "started");  // by an earlier run
  process_ = std::make_unique<Process>(argv, log_path_);
  // dnsmasq says "started" once its sockets are bound.
  if (!wait_until([&] { return count(read_file(log_path_), "started") > started; },
                  std::chrono::seconds(5)))
    throw std::runtime_error("dnsmasq did not start: " + read_file(log_path_));
}

}  // namespace sipsentry::testing
