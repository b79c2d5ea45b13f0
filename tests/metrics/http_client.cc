#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace sipsentry::metrics::testing {
namespace {

std::string lower(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

/// A connected socket to 127.0.0.1:`port`, or -1.
int connect_loopback(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval timeout{.tv_sec = 5, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
  close(fd);
  return -1;
}

std::string read_all(int fd) {
  std::string received;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) received.append(buffer, n);
  return received;
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
  std::string wanted = "\r\n" + lower(name) + ":";
  size_t at = lower(headers).find(wanted);
  if (at == std::string::npos) return "";
  size_t start = headers.find_first_not_of(' ', at + wanted.size());
  return headers.substr(start, headers.find("\r\n", start) - start);
}

HttpResponse http_request(uint16_t port, const std::string& method, const std::string& path,
                          const std::string& headers) {
  int fd = connect_loopback(port);
  if (fd < 0) return {};
  std::string request = method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n" + headers + "\r\n";
  bool sent = write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size());
  std::string received = sent ? read_all(fd) : "";
  close(fd);
  HttpResponse response;
  size_t split = received.find("\r\n\r\n");
  if (received.rfind("HTTP/1.", 0) != 0 || split == std::string::npos) return response;
  response.status = std::stoi(received.substr(received.find(' ') + 1, 3));
  response.headers = received.substr(0, split);
  response.body = received.substr(split + 4);
  return response;
}

}  // namespace sipsentry::metrics::testing
