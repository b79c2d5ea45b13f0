#pragma once
// A throwaway certificate authority and a server certificate it signed for
// 127.0.0.1 (subjectAltName IP), made with the openssl command.

#include <string>

#include "support/scratch.h"

namespace sipsentry::testing {

struct TlsFiles {
  std::string ca_certificate;      // PEM: what a client trusts
  std::string server_certificate;  // PEM, for 127.0.0.1, signed by the CA
  std::string server_key;          // PEM, unencrypted
};

/// Makes the files in `scratch`; throws std::runtime_error when openssl fails.
TlsFiles make_tls_files(const ScratchDir& scratch);

}  // namespace sipsentry::testing
