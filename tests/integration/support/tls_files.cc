#include "support/tls_files.h"

#include <stdexcept>
#include <vector>

#include "support/process.h"

namespace sipsentry::testing {
namespace {

void openssl(const ScratchDir& scratch, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "openssl");
  std::string log = scratch.file("openssl.log");
  if (run_to_end(arguments, log) != 0)
    throw std::runtime_error("openssl " + arguments.at(1) + " failed:\n" + read_file(log));
}

}  // namespace

TlsFiles make_tls_files(const ScratchDir& scratch) {
  TlsFiles files{scratch.file("ca.pem"), scratch.file("server.pem"), scratch.file("server.key")};
  std::string ca_key = scratch.file("ca.key"), request = scratch.file("server.csr");
  std::string extensions = scratch.file("server.ext");
  write_file(extensions, "subjectAltName=IP:127.0.0.1\n");
  openssl(scratch, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out",
                    files.ca_certificate, "-days", "2", "-subj", "/CN=sipsentry test CA"});
  openssl(scratch, {"req", "-newkey", "rsa:2048", "-nodes", "-keyout", files.server_key, "-out",
                    request, "-subj", "/CN=127.0.0.1"});
  openssl(scratch, {"x509", "-req", "-in", request, "-CA", files.ca_certificate, "-CAkey", ca_key,
                    "-CAcreateserial", "-out", files.server_certificate, "-days", "2", "-extfile",
                    extensions});
  return files;
}

}  // namespace sipsentry::testing
