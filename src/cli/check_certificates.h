#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "cli/check_result.h"
#include "config/config.h"

namespace sipsentry::cli {

/// `check`'s reading of the TLS servers' certificates (tls/README.md):
/// every distinct endpoint of `lines` once, on up to kReaders threads of
/// its own while the SIP pass runs, each handshake bounded by what is left
/// of the check's timeout (at most kHandshakeTimeout), none started after it.
class CertificateCheck {
 public:
  static constexpr size_t kReaders = 8;
  static constexpr std::chrono::milliseconds kHandshakeTimeout = std::chrono::seconds(10);

  /// Starts reading. `timeout`: the check's overall bound.
  CertificateCheck(const std::vector<config::LineConfig>& lines, std::chrono::milliseconds timeout);
  /// Waits for the reads still running.
  ~CertificateCheck();
  CertificateCheck(const CertificateCheck&) = delete;
  CertificateCheck& operator=(const CertificateCheck&) = delete;

  /// Waits for every read and gives each TLS server of `results` (one per
  /// line of the constructor's `lines`, in that order) its reading, with
  /// its line's tls.expiry_warning.
  void finish(std::vector<LineResult>& results);

 private:
  struct Reads;
  std::unique_ptr<Reads> reads_;
};

}  // namespace sipsentry::cli
