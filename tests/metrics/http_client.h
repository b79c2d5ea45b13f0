// A plain HTTP/1.0 client for the endpoint tests: one request per
// connection, the whole response read until the server closes.
#pragma once

#include <cstdint>
#include <string>

namespace sipsentry::metrics::testing {

struct HttpResponse {
  int status = 0;       // 0 when no response could be read
  std::string headers;  // the status line and headers, as received
  std::string body;

  /// The value of header `name` (case-insensitive), or "".
  std::string header(const std::string& name) const;
};

/// Sends `method` `path` to 127.0.0.1:`port`, with `headers` ("Name:
/// value\r\n" each) after Host, and waits up to 5 s for the response.
HttpResponse http_request(uint16_t port, const std::string& method, const std::string& path,
                          const std::string& headers = "");

inline HttpResponse http_get(uint16_t port, const std::string& path) {
  return http_request(port, "GET", path);
}

}  // namespace sipsentry::metrics::testing
