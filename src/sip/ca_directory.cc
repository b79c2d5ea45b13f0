#include "sip/ca_directory.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace sipsentry::sip {
namespace {

// Debian's hashed CA directory (ca-certificates), which OpenSSL reads by hash.
constexpr const char* kSystemCaDirectory = "/etc/ssl/certs";

std::string temporary_root() {
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir && *tmpdir ? tmpdir : "/tmp";
}

}  // namespace

std::unique_ptr<CaDirectory> CaDirectory::system() {
  return std::unique_ptr<CaDirectory>(new CaDirectory(kSystemCaDirectory, false));
}

std::unique_ptr<CaDirectory> CaDirectory::for_file(const std::string& ca_file, std::string& error) {
  std::error_code failure;
  std::filesystem::path file = std::filesystem::absolute(ca_file, failure);
  if (failure || access(file.c_str(), R_OK) != 0) {
    error = "cannot read the CA file '" + ca_file + "'";
    return nullptr;
  }
  std::string pattern = temporary_root() + "/sipsentry-ca-XXXXXX";
  if (!mkdtemp(pattern.data())) {
    error = "cannot create a directory for the CA file in " + temporary_root();
    return nullptr;
  }
  std::unique_ptr<CaDirectory> directory(new CaDirectory(pattern, true));
  std::filesystem::create_symlink(file, pattern + "/cafile.pem", failure);
  if (failure) {
    error = "cannot link the CA file '" + ca_file + "': " + failure.message();
    return nullptr;
  }
  return directory;
}

CaDirectory::~CaDirectory() {
  if (!owned_) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace sipsentry::sip
