// StDevice: a Linux st character device, driven exactly as mt-st drives it.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "medium.h"

namespace tapecoord {
namespace {

class StDevice final : public Medium {
 public:
  explicit StDevice(int fd) : fd_(fd) {}
  ~StDevice() override { close(); }

  ssize_t write(const uint8_t* data, size_t length) override {
    ssize_t n;
    do n = ::write(fd_, data, length); while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
  }

  ssize_t read(uint8_t* data, size_t length) override {
    ssize_t n;
    do n = ::read(fd_, data, length); while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
  }

  int op(int mtOp, int count) override {
    struct mtop request = {static_cast<short>(mtOp), count};
    return ::ioctl(fd_, MTIOCTOP, &request) < 0 ? -errno : 0;
  }

  int status(struct mtget& out) override { return ::ioctl(fd_, MTIOCGET, &out) < 0 ? -errno : 0; }

  int tell(uint32_t& block) override {
    struct mtpos pos = {};
    if (::ioctl(fd_, MTIOCPOS, &pos) < 0) return -errno;
    block = static_cast<uint32_t>(pos.mt_blkno);
    return 0;
  }

  int fd() const override { return fd_; }
  const char* kind() const override { return "st"; }

  void close() override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

}  // namespace

MediumPtr openStDevice(const OpenOptions& options, int& err, std::string& message) {
  // O_NONBLOCK lets the open succeed with no cartridge loaded (mt-st does the same); it is cleared
  // at once so reads and writes block as usual.
  int fd = ::open(options.path.c_str(), (options.readOnly ? O_RDONLY : O_RDWR) | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    err = errno;
    message = "open";
    return nullptr;
  }
  struct stat st;
  if (::fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
    ::close(fd);
    err = ENOTTY;
    message = "not a character device (a tape drive is /dev/nstN)";
    return nullptr;
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
    err = errno;
    ::close(fd);
    message = "fcntl";
    return nullptr;
  }
  struct mtget probe;
  if (::ioctl(fd, MTIOCGET, &probe) < 0) {
    err = errno == EINVAL ? ENOTTY : errno;
    ::close(fd);
    message = "MTIOCGET: not a tape device";
    return nullptr;
  }
  return std::make_shared<StDevice>(fd);
}

}  // namespace tapecoord
