#include "sip/sofia_wait_fd.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

namespace sipsentry::sip {
namespace {

bool is_epoll(int fd) {
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  char target[64];
  ssize_t length = readlink(link.c_str(), target, sizeof target);
  return length > 0 &&
         std::string_view(target, static_cast<size_t>(length)) == "anon_inode:[eventpoll]";
}

std::set<int> epoll_fds() {
  std::set<int> found;
  DIR* fds = opendir("/proc/self/fd");
  if (!fds) return found;
  while (dirent* entry = readdir(fds)) {
    if (entry->d_name[0] == '.') continue;
    int fd = std::atoi(entry->d_name);
    if (fd != dirfd(fds) && is_epoll(fd)) found.insert(fd);
  }
  closedir(fds);
  return found;
}

}  // namespace

int sofia_wait_fd(const std::function<void()>& create) {
  std::set<int> before = epoll_fds();
  create();
  std::set<int> opened;
  for (int fd : epoll_fds())
    if (!before.contains(fd)) opened.insert(fd);
  return opened.size() == 1 ? *opened.begin() : -1;
}

}  // namespace sipsentry::sip
