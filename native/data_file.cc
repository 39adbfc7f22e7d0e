// DataFile: a backup data file (butc "FILE YES"), a plain file, a pipe, a FIFO or /dev/null.
//
// Blocks are written where they fall: the stream layer pads records to the record size when file
// offsets are asked for (butc places every 16 KiB record at a 16 KiB offset, BUTC-SPEC §2.3), so
// this file only moves bytes. Filemarks do not exist in a data file: MTWEOFI is a no-op and MTWEOF
// syncs the data (the durability point a filemark is on tape). Reading at end of file returns -EIO,
// and the status shows GMT_EOD whenever the position is at the end of the file.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "fd_wait.h"
#include "medium.h"

namespace tapecoord {
namespace {

class DataFile final : public Medium {
 public:
  DataFile(int fd, bool seekable, uint32_t recordSize) : fd_(fd), seekable_(seekable), recordSize_(recordSize) {}
  ~DataFile() override { close(); }

  ssize_t write(const uint8_t* data, size_t length) override {
    size_t done = 0;
    while (done < length) {  // pipes take what fits; finish the block
      ssize_t n = ::write(fd_, data + done, length - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN && waitFd(fd_, POLLOUT)) continue;
        return -errno;
      }
      done += static_cast<size_t>(n);
    }
    offset_ += done;
    return static_cast<ssize_t>(done);
  }

  ssize_t read(uint8_t* data, size_t length) override {
    size_t done = 0;
    while (done < length) {  // a record is whole unless the file ends
      ssize_t n = ::read(fd_, data + done, length - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN && waitFd(fd_, POLLIN)) continue;
        return -errno;
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    offset_ += done;
    if (done == 0) return -EIO;  // end of data
    return static_cast<ssize_t>(done);
  }

  int op(int mtOp, int count) override {
    switch (mtOp) {
      case MTNOP:
      case MTWEOFI:
        return 0;
      case MTWEOF:
        return sync();
      case MTREW:
      case MTRETEN:
        return seekTo(0);
      case MTEOM:
        return seekEnd();
      case MTFSR:
        return seekTo(offset_ + static_cast<uint64_t>(count) * recordSize_);
      case MTBSR: {
        uint64_t back = static_cast<uint64_t>(count) * recordSize_;
        return back > offset_ ? (seekTo(0), -EIO) : seekTo(offset_ - back);
      }
      case MTSEEK:
        return seekTo(static_cast<uint64_t>(static_cast<uint32_t>(count)) * recordSize_);
      case MTSETBLK:
        if (count <= 0) return -EINVAL;
        recordSize_ = static_cast<uint32_t>(count);
        return 0;
      default:
        return -ENOTTY;  // no filemarks, no drive: what ioctl() says of a plain file
    }
  }

  int status(struct mtget& out) override {
    out = {};
    out.mt_type = MT_ISUNKNOWN;
    out.mt_dsreg = recordSize_ & MT_ST_BLKSIZE_MASK;
    out.mt_fileno = 0;
    out.mt_blkno = static_cast<int>(offset_ / recordSize_);
    out.mt_gstat = GMT_ONLINE(~0);
    if (offset_ == 0) out.mt_gstat |= GMT_BOT(~0);
    struct stat st;
    if (seekable_ && ::fstat(fd_, &st) == 0 && offset_ >= static_cast<uint64_t>(st.st_size))
      out.mt_gstat |= GMT_EOD(~0);
    return 0;
  }

  int tell(uint32_t& block) override {
    block = static_cast<uint32_t>(offset_ / recordSize_);
    return 0;
  }

  int sync() override {
    if (!seekable_) return 0;
    return ::fdatasync(fd_) < 0 && errno != EINVAL ? -errno : 0;
  }

  const char* kind() const override { return "file"; }
  void setOffset(uint64_t offset) { offset_ = offset; }

  void close() override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int seekTo(uint64_t offset) {
    if (!seekable_) return -ESPIPE;
    if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) return -errno;
    offset_ = offset;
    return 0;
  }

  int seekEnd() {
    if (!seekable_) return -ESPIPE;
    off_t end = ::lseek(fd_, 0, SEEK_END);
    if (end < 0) return -errno;
    offset_ = static_cast<uint64_t>(end);
    return 0;
  }

  int fd_;
  bool seekable_;
  uint32_t recordSize_;
  uint64_t offset_ = 0;
};

}  // namespace

MediumPtr openDataFile(const OpenOptions& options, int& err, std::string& message) {
  if (options.fd >= 0) {
    int fd = ::fcntl(options.fd, F_DUPFD_CLOEXEC, 3);
    struct stat st;
    if (fd < 0 || ::fstat(fd, &st) < 0) {
      err = errno;
      if (fd >= 0) ::close(fd);
      message = "dup";
      return nullptr;
    }
    off_t at = S_ISREG(st.st_mode) ? ::lseek(fd, 0, SEEK_CUR) : 0;
    auto file = std::make_shared<DataFile>(fd, S_ISREG(st.st_mode), options.recordSize ? options.recordSize : 16384);
    file->setOffset(at > 0 ? static_cast<uint64_t>(at) : 0);
    return file;
  }
  int flags = O_CLOEXEC | (options.readOnly ? O_RDONLY : O_RDWR);
  if (!options.readOnly && options.create) flags |= O_CREAT;
  if (!options.readOnly && options.truncate) flags |= O_TRUNC;
  int fd = ::open(options.path.c_str(), flags, 0666);
  if (fd < 0 && errno == EISDIR) {
    err = EISDIR;
    message = "open";
    return nullptr;
  }
  if (fd < 0 && !options.readOnly && (errno == EACCES || errno == EROFS)) {
    // a FIFO or device opened write-only by design (e.g. /dev/stdout)
    fd = ::open(options.path.c_str(), O_CLOEXEC | O_WRONLY | (options.create ? O_CREAT : 0), 0666);
  }
  if (fd < 0) {
    err = errno;
    message = "open";
    return nullptr;
  }
  struct stat st;
  if (::fstat(fd, &st) < 0) {
    err = errno;
    ::close(fd);
    message = "fstat";
    return nullptr;
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    err = EISDIR;
    message = "open";
    return nullptr;
  }
  bool seekable = S_ISREG(st.st_mode) || S_ISBLK(st.st_mode);
  return std::make_shared<DataFile>(fd, seekable, options.recordSize ? options.recordSize : 16384);
}

}  // namespace tapecoord
