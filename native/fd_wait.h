// Waiting on a descriptor that is in non-blocking mode. Node puts its stdin/stdout pipes in
// O_NONBLOCK and shares the open file description with any dup, so a read()/write() there can
// return EAGAIN; we wait with poll() instead of clearing the flag under Node's feet.
#pragma once

#include <poll.h>

#include <atomic>
#include <cerrno>

namespace tapecoord {

// Waits until fd is ready for `events` (POLLIN or POLLOUT). With a stop flag it wakes every
// 200 ms to look at it and returns false once it is set. Returns false on a poll error too.
inline bool waitFd(int fd, short events, const std::atomic<bool>* stop = nullptr) {
  struct pollfd p = {fd, events, 0};
  for (;;) {
    if (stop && stop->load()) return false;
    int n = ::poll(&p, 1, stop ? 200 : -1);
    if (n > 0) return true;  // ready, or POLLERR/POLLHUP: the next call reports it
    if (n < 0 && errno != EINTR) return false;
  }
}

}  // namespace tapecoord
