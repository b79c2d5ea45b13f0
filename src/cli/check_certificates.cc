#include "cli/check_certificates.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "tls/chain_reader.h"
#include "tls/tls_endpoint.h"

namespace sipsentry::cli {

struct CertificateCheck::Reads {
  std::vector<tls::TlsEndpoint> endpoints;  // each once
  // For each line, for each of its servers, the index of its endpoint.
  std::vector<std::vector<std::optional<size_t>>> endpoint_of;
  std::vector<std::chrono::milliseconds> warnings;  // each line's tls.expiry_warning
  std::vector<tls::CertificateReading> readings;    // by endpoint; each written by one thread
  std::atomic<size_t> next{0};
  std::chrono::milliseconds handshake_timeout = kHandshakeTimeout;
  std::chrono::steady_clock::time_point deadline{};
  std::vector<std::thread> threads;

  void read_until_done();
  void join() {
    for (std::thread& thread : threads)
      if (thread.joinable()) thread.join();
  }
};

void CertificateCheck::Reads::read_until_done() {
  for (size_t i = next++; i < endpoints.size(); i = next++) {
    tls::CertificateReading& reading = readings[i];
    reading.read_at = std::chrono::system_clock::now();
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      reading.error = "not read: the check timed out first";
      continue;
    }
    const tls::TlsEndpoint& endpoint = endpoints[i];
    reading.dates = tls::read_chain_dates(endpoint.address, endpoint.port, endpoint.server_name,
                                          std::min(handshake_timeout, left), reading.error);
  }
}

CertificateCheck::CertificateCheck(const std::vector<config::LineConfig>& lines,
                                   std::chrono::milliseconds timeout)
    : reads_(std::make_unique<Reads>()) {
  Reads& r = *reads_;
  std::map<tls::TlsEndpoint, size_t> index;
  for (const config::LineConfig& line : lines) {
    std::vector<std::optional<size_t>>& of_line = r.endpoint_of.emplace_back();
    for (size_t i = 0; i < line.settings.servers.size(); ++i) {
      std::optional<tls::TlsEndpoint> endpoint;
      if (i < line.server_names.size())
        endpoint = tls::tls_endpoint_of(line.settings.servers[i], line.server_names[i]);
      if (!endpoint) {
        of_line.push_back(std::nullopt);
        continue;
      }
      auto [at, added] = index.try_emplace(*endpoint, r.endpoints.size());
      if (added) r.endpoints.push_back(*endpoint);
      of_line.push_back(at->second);
    }
    r.warnings.push_back(line.tls.expiry_warning);
  }
  r.readings.resize(r.endpoints.size());
  r.deadline = std::chrono::steady_clock::now() + timeout;
  for (size_t n = 0; n < std::min(kReaders, r.endpoints.size()); ++n)
    r.threads.emplace_back([&r] { r.read_until_done(); });
}

CertificateCheck::~CertificateCheck() {
  reads_->join();
}

void CertificateCheck::finish(std::vector<LineResult>& results) {
  reads_->join();
  for (size_t line = 0; line < results.size() && line < reads_->endpoint_of.size(); ++line) {
    const std::vector<std::optional<size_t>>& of_line = reads_->endpoint_of[line];
    std::vector<ServerResult>& servers = results[line].servers;
    for (size_t i = 0; i < servers.size() && i < of_line.size(); ++i) {
      if (!of_line[i]) continue;
      tls::CertificateReading reading = reads_->readings[*of_line[i]];
      reading.warning = reads_->warnings[line];
      servers[i].certificate = reading;
    }
  }
}

}  // namespace sipsentry::cli
