#pragma once
// Internal to sip/: Sofia-SIP 1.12 reads trusted CAs from a directory (the
// file "cafile.pem" in it, or OpenSSL's hashed certificates), not from a
// file of the caller's choosing. A CaDirectory is such a directory.

#include <memory>
#include <string>

namespace sipsentry::sip {

class CaDirectory {
 public:
  /// The system CA store.
  static std::unique_ptr<CaDirectory> system();
  /// A private temporary directory whose cafile.pem is `ca_file`; removed
  /// again with the object. Returns nullptr and says why when the file
  /// cannot be read.
  static std::unique_ptr<CaDirectory> for_file(const std::string& ca_file, std::string& error);
  ~CaDirectory();
  CaDirectory(const CaDirectory&) = delete;
  CaDirectory& operator=(const CaDirectory&) = delete;

  const std::string& path() const { return path_; }

 private:
  CaDirectory(std::string path, bool owned) : path_(std::move(path)), owned_(owned) {}
  std::string path_;
  bool owned_;
};

}  // namespace sipsentry::sip
