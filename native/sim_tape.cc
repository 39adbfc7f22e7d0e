// SimTape: a file-backed simulated tape drive that behaves like the Linux st driver on a real drive
// (Documentation/scsi/st.rst, drivers/scsi/st.c), so the streaming threads, the butc format and
// cartridge spanning are exercised without hardware. The image format is in docs/SIMTAPE.md.
//
// Model. The cartridge is a sequence of records from BOT: data blocks and filemarks. The image file
// holds a fixed header, then the records in tape order, each a 32-byte header plus the block bytes.
// In memory we keep one 64-bit word per record (its file offset, top bit = filemark) and the sorted
// indexes of the filemarks, so every operation is O(1) or O(log filemarks) and 1 M records cost
// 8 MB. The position is a record index (the SCSI-2 logical object number, what MTIOCPOS reports);
// st's fileno/blkno are derived from it. Writing anywhere but at end of data truncates the rest,
// as a tape overwrites everything after the write position.
//
// Durability. Records are only ever appended (one pwritev per call) or cut off (ftruncate), so a
// kill -9 can tear at most the record being written; open() validates every record header and
// truncates a torn tail. MTWEOF (not MTWEOFI) is the durability point: fdatasync.
//
// Not thread-safe: MediumWrap serialises the calls. No exceptions, no N-API, no RTTI needed.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "medium.h"

namespace tapecoord {
namespace {

// ---- Image format constants (docs/SIMTAPE.md) ----------------------------------------------------
constexpr uint8_t kFileMagic[8] = {'T', 'C', 'S', 'I', 'M', 'T', 'A', 'P'};
constexpr uint16_t kFormatVersion = 1;
constexpr uint32_t kFileHeaderSize = 64;        // bytes written by this version
constexpr uint32_t kMaxFileHeaderSize = 1 << 20;  // accepted on open (room for later versions)
constexpr uint32_t kFlagWriteProtect = 1u << 0;
constexpr uint8_t kRecordMagic[4] = {'S', 'R', 'E', 'C'};
constexpr uint32_t kRecordHeaderSize = 32;
constexpr uint8_t kTypeData = 'D';
constexpr uint8_t kTypeFilemark = 'F';

// The largest block: the 24-bit transfer length of READ(6)/WRITE(6) that st uses. st's rw_checks()
// refuses a variable-mode transfer above the drive's block limits with -EINVAL.
constexpr uint32_t kMaxBlock = 0xFFFFFF;
// WRITE FILEMARKS(6) has a 24-bit count too.
constexpr int64_t kMaxFilemarksPerOp = 0xFFFFFF;
// Rate model: the drive buffer when the options leave it 0 (HPE LTO drives have 512 MiB, IBM 1 GiB).
constexpr uint64_t kDefaultDriveBufferBytes = 512ull << 20;

constexpr uint64_t kFilemarkBit = 1ull << 63;     // in an index word: the record is a filemark
constexpr size_t kRecordsPerWritev = 512;         // 2 iovecs per record: below IOV_MAX (1024)
constexpr uint64_t kNsPerSec = 1000000000ull;

// kind() returns this pointer; simTapeModelStats() recognises a SimTape by it (no RTTI needed:
// node-gyp builds with -fno-rtti).
const char kSimKind[] = "sim";

// ---- CRC-32 (the zlib/IEEE 802.3 polynomial, reflected), used for header checksums ---------------
struct Crc32Table {
  uint32_t v[256];
  constexpr Crc32Table() : v() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
      v[i] = c;
    }
  }
};
constexpr Crc32Table kCrc32;

uint32_t crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  while (n--) c = kCrc32.v[(c ^ *p++) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

// ---- Little-endian field access --------------------------------------------------------------------
void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t get32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
uint64_t get64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// n * num / den without overflow (integer nanosecond arithmetic of the rate model).
uint64_t mulDiv(uint64_t n, uint64_t num, uint64_t den) {
  return static_cast<uint64_t>(static_cast<unsigned __int128>(n) * num / den);
}

uint64_t monotonicNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * kNsPerSec + static_cast<uint64_t>(ts.tv_nsec);
}

void sleepUntil(uint64_t deadlineNs) {
  struct timespec ts;
  ts.tv_sec = static_cast<time_t>(deadlineNs / kNsPerSec);
  ts.tv_nsec = static_cast<long>(deadlineNs % kNsPerSec);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

// Reads exactly n bytes at off: 0, 1 when the file ends first, or -errno.
int preadFull(int fd, void* buf, size_t n, uint64_t off) {
  uint8_t* p = static_cast<uint8_t*>(buf);
  while (n > 0) {
    ssize_t r = ::pread(fd, p, n, static_cast<off_t>(off));
    if (r < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (r == 0) return 1;
    p += r;
    n -= static_cast<size_t>(r);
    off += static_cast<uint64_t>(r);
  }
  return 0;
}

// The cartridge properties in the image header.
struct ImageInfo {
  uint32_t headerSize = kFileHeaderSize;
  uint64_t capacity = 0;
  uint64_t earlyWarning = 0;
  bool writeProtect = false;
  uint8_t density = 0;
  int64_t createdNs = 0;
};

void encodeFileHeader(const ImageInfo& info, uint8_t h[kFileHeaderSize]) {
  std::memset(h, 0, kFileHeaderSize);
  std::memcpy(h + 0, kFileMagic, 8);
  put16(h + 8, kFormatVersion);
  put16(h + 10, static_cast<uint16_t>(kFileHeaderSize));
  put32(h + 12, info.writeProtect ? kFlagWriteProtect : 0u);
  put64(h + 16, info.capacity);
  put64(h + 24, info.earlyWarning);
  h[32] = info.density;
  put64(h + 40, static_cast<uint64_t>(info.createdNs));
  put32(h + 60, crc32(h, 60));
}

// Validates the first kFileHeaderSize bytes of an image; false with a message if they are not one.
bool decodeFileHeader(const uint8_t h[kFileHeaderSize], ImageInfo& info, std::string& why) {
  if (std::memcmp(h, kFileMagic, 8) != 0) {
    why = "not a simulated tape image (bad magic)";
    return false;
  }
  if (get32(h + 60) != crc32(h, 60)) {
    why = "image header checksum mismatch";
    return false;
  }
  uint16_t version = get16(h + 8);
  if (version != kFormatVersion) {
    why = "unsupported image format version " + std::to_string(version);
    return false;
  }
  info.headerSize = get16(h + 10);
  if (info.headerSize < kFileHeaderSize || info.headerSize > kMaxFileHeaderSize) {
    why = "bad image header size";
    return false;
  }
  uint32_t flags = get32(h + 12);
  info.writeProtect = (flags & kFlagWriteProtect) != 0;
  info.capacity = get64(h + 16);
  info.earlyWarning = get64(h + 24);
  info.density = h[32];
  info.createdNs = static_cast<int64_t>(get64(h + 40));
  return true;
}

void encodeRecordHeader(uint8_t* h, uint8_t type, uint32_t length, uint32_t prevLength, uint64_t index) {
  std::memcpy(h + 0, kRecordMagic, 4);
  h[4] = type;
  h[5] = h[6] = h[7] = 0;
  put32(h + 8, length);
  put32(h + 12, prevLength);
  put64(h + 16, index);
  put32(h + 24, 0);
  put32(h + 28, crc32(h, 28));
}

// ---- The simulated drive ---------------------------------------------------------------------------
class SimTape final : public Medium {
 public:
  SimTape(int fd, bool fdWritable, const OpenOptions& options, const ImageInfo& info)
      : fd_(fd),
        fdWritable_(fdWritable),
        readOnly_(options.readOnly),
        options_(options),
        headerSize_(info.headerSize),
        capacity_(info.capacity),
        writeProtect_(info.writeProtect),
        density_(info.density) {
    ewPos_ = capacity_ > info.earlyWarning ? capacity_ - info.earlyWarning : 0;
    end_ = headerSize_;
    offs_.reserve(4096);
    hdrScratch_.resize(kRecordsPerWritev * kRecordHeaderSize);
    iovScratch_.resize(2 * kRecordsPerWritev);
    if (options_.rateBytesPerSec > 0) {
      uint64_t buffer = options_.driveBufferBytes ? options_.driveBufferBytes : kDefaultDriveBufferBytes;
      bufferNs_ = mulDiv(buffer, kNsPerSec, options_.rateBytesPerSec);
      startBytes_ = buffer / 4;
    }
  }
  ~SimTape() override { close(); }

  // Builds the index from the records in the image; a tail that does not validate (a record torn
  // by a crash) is cut off when the image is writable, ignored otherwise. 0 or a positive errno.
  int scan(std::string& message);

  ssize_t write(const uint8_t* data, size_t length) override;
  ssize_t read(uint8_t* data, size_t length) override;
  int op(int mtOp, int count) override;
  int status(struct mtget& out) override;
  int tell(uint32_t& block) override;
  int sync() override;
  int fd() const override { return -1; }  // no SG_IO on a simulated tape
  const char* kind() const override { return kSimKind; }
  void close() override;

  const DriveModelStats& modelStats() const { return stats_; }

 private:
  // st's per-partition "eof" state (st.c ST_NOEOF ... ST_EOD), the part of it that is observable.
  enum class Eof {
    kNone,      // ST_NOEOF
    kFilemark,  // ST_FM: a read or MTFSF just crossed a filemark
    kEod,       // ST_EOD: end of data found by a space, MTEOM or the zero read after a filemark;
                // reads return -EIO at once; GMT_EOD
    kEomOk,     // ST_EOM_OK: the last write went past early warning; the next write gets -ENOSPC
    kEomAllow,  // ST_EOD_1 in st_write(): -ENOSPC was returned, the next write may proceed; GMT_EOD
    kEomError,  // ST_EOM_ERROR: physical end of medium; writes return -EIO
  };
  // st's STps->rw: after writing, st writes a filemark before rewinding/seeking/spacing back.
  enum class Rw { kIdle, kReading, kWriting };
  // How a space operation ended.
  enum class Stop { kOk, kFilemarkAfter, kFilemarkBefore, kEod, kBot };

  uint64_t records() const { return offs_.size(); }
  uint64_t offsetOf(uint64_t i) const { return i < offs_.size() ? (offs_[i] & ~kFilemarkBit) : end_; }
  bool isFilemark(uint64_t i) const { return (offs_[i] & kFilemarkBit) != 0; }
  uint32_t lengthOf(uint64_t i) const {
    return static_cast<uint32_t>(offsetOf(i + 1) - offsetOf(i) - kRecordHeaderSize);
  }
  // Data bytes on the medium before record i (filemarks count 0): what early warning is measured in.
  uint64_t dataBefore(uint64_t i) const { return offsetOf(i) - headerSize_ - i * kRecordHeaderSize; }
  // Number of filemarks before record i.
  uint64_t filemarksBefore(uint64_t i) const {
    return static_cast<uint64_t>(std::lower_bound(fms_.begin(), fms_.end(), i) - fms_.begin());
  }
  bool pastEarlyWarning() const { return capacity_ != 0 && dataBefore(pos_) > ewPos_; }
  int failErrno() const { return options_.failErrno > 0 ? options_.failErrno : EIO; }
  bool mayWrite() const { return !readOnly_ && !writeProtect_; }

  int truncateAt(uint64_t i);
  int appendRecords(uint8_t type, const uint8_t* data, uint32_t blockLength, uint64_t count);
  int readBlock(uint64_t i, uint8_t* data);
  ssize_t readAtEndOfData();
  int writeFilemarks(int64_t count, bool immediate);
  Stop spaceFilemarks(int64_t count);
  Stop spaceBlocks(int64_t count);
  int spaceResult(Stop stop);
  int load();

  void modelWrite(uint64_t bytes);
  void modelDrain(bool repositioned);
  void modelStart(uint64_t now);

  int fd_;
  bool fdWritable_;
  bool readOnly_;
  OpenOptions options_;

  // Cartridge (from the image header).
  uint32_t headerSize_;
  uint64_t capacity_;
  uint64_t ewPos_ = 0;  // data bytes beyond which the early-warning zone begins
  bool writeProtect_;

  // Index.
  std::vector<uint64_t> offs_;  // per record: file offset | kFilemarkBit
  std::vector<uint64_t> fms_;   // record numbers of the filemarks, ascending
  uint64_t end_ = 0;            // file offset of end of data (just past the last record)
  uint32_t prevLength_ = 0;     // length of the last record (for the next record's header)

  // Drive state (per open, like st's per-drive state).
  uint64_t pos_ = 0;  // logical object number of the next record
  Eof eof_ = Eof::kNone;
  Rw rw_ = Rw::kIdle;
  bool loaded_ = true;
  bool locked_ = false;
  uint32_t blockSize_ = 0;  // 0 = variable block mode
  uint32_t density_;
  int drvBuffer_ = 1;  // MTSETDRVBUFFER value (LTO drives default to buffered mode 1)
  bool compression_ = true;
  long resid_ = 0;  // residual count of the last MTIOCTOP
  uint64_t writeCalls_ = 0;
  uint64_t readCalls_ = 0;

  // Write scratch, allocated once: no allocation on the write path.
  std::vector<uint8_t> hdrScratch_;
  std::vector<struct iovec> iovScratch_;

  // Rate model (virtual LTO drive), all in CLOCK_MONOTONIC nanoseconds.
  uint64_t bufferNs_ = 0;    // time the drive needs to write a full buffer
  uint64_t busyUntil_ = 0;   // when the drive will have written everything accepted so far
  uint64_t runStart_ = 0;    // when the drive (re)started moving for the current streaming run
  uint64_t firstWrite_ = 0;  // time of the first modelled write
  bool modelStarted_ = false;
  bool streamed_ = false;  // the drive has moved data since it was last positioned
  uint64_t startBytes_ = 0;    // a drive at rest starts moving once its buffer holds this much
  uint64_t restingBytes_ = 0;  // what a drive at rest holds, waiting for startBytes_
  DriveModelStats stats_;
};

int SimTape::scan(std::string& message) {
  struct stat st;
  if (fstat(fd_, &st) != 0) {
    message = "fstat failed";
    return errno;
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  uint64_t off = headerSize_;
  uint32_t prev = 0;
  uint8_t h[kRecordHeaderSize];
  while (size >= off && size - off >= kRecordHeaderSize) {
    int r = preadFull(fd_, h, kRecordHeaderSize, off);
    if (r < 0) {
      message = "cannot read the image";
      return -r;
    }
    if (r > 0) break;
    const uint64_t index = offs_.size();
    const uint8_t type = h[4];
    const uint32_t length = get32(h + 8);
    // Every check below failing means this is the torn tail (or garbage): stop here.
    if (std::memcmp(h, kRecordMagic, 4) != 0 || get32(h + 28) != crc32(h, 28)) break;
    if (type != kTypeData && type != kTypeFilemark) break;
    if (get64(h + 16) != index || get32(h + 12) != prev) break;
    if (type == kTypeFilemark ? length != 0 : (length == 0 || length > kMaxBlock)) break;
    if (length > size - off - kRecordHeaderSize) break;  // the data runs past the end of the file
    offs_.push_back(off | (type == kTypeFilemark ? kFilemarkBit : 0));
    if (type == kTypeFilemark) fms_.push_back(index);
    off += kRecordHeaderSize + length;
    prev = length;
  }
  end_ = off;
  prevLength_ = prev;
  if (off < size && fdWritable_) {
    // Drop the torn tail so the next record is appended right after the last complete one.
    if (ftruncate(fd_, static_cast<off_t>(off)) != 0) {
      message = "cannot truncate the torn tail of the image";
      return errno;
    }
  }
  return 0;
}

void SimTape::close() {
  if (fd_ < 0) return;
  flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

// Cuts the medium off at record i (a tape overwrites everything after the write position).
int SimTape::truncateAt(uint64_t i) {
  if (i >= records()) return 0;
  const uint64_t off = offsetOf(i);
  if (ftruncate(fd_, static_cast<off_t>(off)) != 0) return -EIO;
  offs_.resize(i);
  fms_.resize(filemarksBefore(i));
  end_ = off;
  prevLength_ = i > 0 ? lengthOf(i - 1) : 0;
  return 0;
}

// Appends count records at end of data (the caller has truncated at pos_): data blocks of
// blockLength bytes taken consecutively from data, or filemarks (blockLength 0). Each batch is one
// pwritev of header + data pairs straight from the caller's buffer. Leaves pos_ at end of data.
int SimTape::appendRecords(uint8_t type, const uint8_t* data, uint32_t blockLength, uint64_t count) {
  uint64_t done = 0;
  while (done < count) {
    const size_t batch = static_cast<size_t>(std::min<uint64_t>(count - done, kRecordsPerWritev));
    uint8_t* hdr = hdrScratch_.data();
    struct iovec* iov = iovScratch_.data();
    int iovcnt = 0;
    uint64_t bytes = 0;
    uint32_t prev = prevLength_;
    const uint64_t firstIndex = records();
    for (size_t j = 0; j < batch; ++j) {
      uint8_t* h = hdr + j * kRecordHeaderSize;
      encodeRecordHeader(h, type, blockLength, prev, firstIndex + j);
      iov[iovcnt].iov_base = h;
      iov[iovcnt].iov_len = kRecordHeaderSize;
      ++iovcnt;
      if (blockLength > 0) {
        iov[iovcnt].iov_base = const_cast<uint8_t*>(data + (done + j) * blockLength);
        iov[iovcnt].iov_len = blockLength;
        ++iovcnt;
      }
      prev = blockLength;
      bytes += kRecordHeaderSize + blockLength;
    }
    ssize_t w;
    do {
      w = pwritev(fd_, iov, iovcnt, static_cast<off_t>(end_));
    } while (w < 0 && errno == EINTR);
    if (w < 0 || static_cast<uint64_t>(w) != bytes) {
      // A short or failed write (host disk full, I/O error): remove the partial record so the
      // image stays valid. Host errors are reported as -EIO, never as the tape's -ENOSPC.
      if (ftruncate(fd_, static_cast<off_t>(end_)) != 0) {
        // Nothing more to do: open() re-validates the tail and drops the partial record.
      }
      pos_ = records();
      return -EIO;
    }
    for (size_t j = 0; j < batch; ++j) {
      const uint64_t off = end_ + j * (kRecordHeaderSize + blockLength);
      if (type == kTypeFilemark) {
        fms_.push_back(records());
        offs_.push_back(off | kFilemarkBit);
      } else {
        offs_.push_back(off);
      }
    }
    end_ += bytes;
    prevLength_ = prev;
    done += batch;
  }
  pos_ = records();
  return 0;
}

int SimTape::readBlock(uint64_t i, uint8_t* data) {
  int r = preadFull(fd_, data, lengthOf(i), offsetOf(i) + kRecordHeaderSize);
  return r == 0 ? 0 : -EIO;
}

// A read at end of data (the drive reports BLANK CHECK). st.c read_tape(): "Zero returned for
// first BLANK CHECK after EOF" - right after a filemark (ST_FM) the first read at EOD returns 0 (a
// second filemark, the logical end of tape of two consecutive filemarks) and st_read() moves on to
// ST_EOD, so GMT_EOD is reported and every further read is -EIO. Otherwise read_tape() returns -EIO
// and leaves the eof state alone: no GMT_EOD. Only a failed space, MTEOM or that zero read set it.
ssize_t SimTape::readAtEndOfData() {
  if (eof_ != Eof::kFilemark) return -EIO;
  eof_ = Eof::kEod;
  return 0;
}

ssize_t SimTape::write(const uint8_t* data, size_t length) {
  ++writeCalls_;
  if (fd_ < 0) return -EBADF;
  if (options_.failWriteAt != 0 && writeCalls_ == options_.failWriteAt) return -failErrno();
  if (!loaded_) return -ENOMEDIUM;     // st rw_checks(): ST_NO_TAPE
  if (readOnly_) return -EBADF;        // the VFS refuses write() on an O_RDONLY descriptor
  if (length == 0) return 0;           // st: a zero-byte write does nothing
  if (blockSize_ != 0) {
    if (length % blockSize_ != 0) return -EINVAL;  // st_write(): "Write not multiple of tape block size"
  } else if (length > kMaxBlock) {
    return -EINVAL;  // st rw_checks(): beyond the drive's block limits
  }
  if (writeProtect_) return -EACCES;  // st_write(): STp->write_prot

  // st.rst "EOM Behaviour When Writing" / st_write(): after the write that crossed early warning
  // the next write returns -ENOSPC and writes nothing; the one after that may proceed.
  if (eof_ == Eof::kEomOk) {
    eof_ = Eof::kEomAllow;
    return -ENOSPC;
  }
  if (eof_ == Eof::kEomError) return -EIO;
  rw_ = Rw::kWriting;

  const uint32_t blockLength = blockSize_ ? blockSize_ : static_cast<uint32_t>(length);
  uint64_t blocks = blockSize_ ? length / blockSize_ : 1;
  const uint64_t base = dataBefore(pos_);
  bool physicalEnd = false;
  if (capacity_ != 0) {
    const uint64_t room = base < capacity_ ? capacity_ - base : 0;
    const uint64_t fit = room / blockLength;
    if (fit < blocks) {
      // Physical end of medium (VOLUME OVERFLOW). A variable block is all or nothing; in fixed
      // mode the blocks that fit are written and their byte count returned, as st_write() does
      // with the residual count. Afterwards writes fail with -EIO (ST_EOM_ERROR).
      physicalEnd = true;
      if (fit == 0 || blockSize_ == 0) {
        eof_ = Eof::kEomError;
        return -ENOSPC;
      }
      blocks = fit;
    }
  }
  int r = truncateAt(pos_);
  if (r == 0) r = appendRecords(kTypeData, data, blockLength, blocks);
  if (r != 0) return r;

  const uint64_t written = blocks * blockLength;
  if (physicalEnd)
    eof_ = Eof::kEomError;
  else if (capacity_ != 0 && base + written > ewPos_)
    eof_ = Eof::kEomOk;  // the drive reported EOM (early warning) with the data written
  else
    eof_ = Eof::kNone;
  if (options_.rateBytesPerSec > 0) modelWrite(written);
  return static_cast<ssize_t>(written);
}

ssize_t SimTape::read(uint8_t* data, size_t length) {
  ++readCalls_;
  if (fd_ < 0) return -EBADF;
  if (options_.failReadAt != 0 && readCalls_ == options_.failReadAt) return -failErrno();
  if (!loaded_) return -ENOMEDIUM;
  if (length == 0) return 0;
  if (blockSize_ != 0 && length % blockSize_ != 0) return -EINVAL;  // st_read(): integral blocks
  rw_ = Rw::kReading;
  if (eof_ == Eof::kEod) return -EIO;  // st_read(): "EOM or Blank Check"
  const uint64_t n = records();

  if (blockSize_ == 0) {  // variable block mode: one read() = one block
    if (pos_ >= n) return readAtEndOfData();
    if (isFilemark(pos_)) {
      ++pos_;
      eof_ = Eof::kFilemark;
      return 0;
    }
    const uint32_t len = lengthOf(pos_);
    if (len > length) {
      // st.c read_tape(): "Failed to read %d byte block with %d byte transfer" - the block is
      // passed over (the drive has read it) and -ENOMEM returned.
      ++pos_;
      return -ENOMEM;
    }
    int r = readBlock(pos_, data);
    if (r != 0) return r;
    ++pos_;
    eof_ = Eof::kNone;
    return len;
  }

  // Fixed block mode: up to length / blockSize_ blocks, stopping before a filemark (the next read
  // returns 0 for it), at end of data, or before a block of another length.
  size_t total = 0;
  while (total < length && pos_ < n && !isFilemark(pos_) && lengthOf(pos_) == blockSize_) {
    int r = readBlock(pos_, data + total);
    if (r != 0) return total > 0 ? static_cast<ssize_t>(total) : r;
    ++pos_;
    total += blockSize_;
  }
  if (total > 0) {
    eof_ = Eof::kNone;
    return static_cast<ssize_t>(total);
  }
  if (pos_ >= n) return readAtEndOfData();
  if (isFilemark(pos_)) {
    ++pos_;
    eof_ = Eof::kFilemark;
    return 0;
  }
  // A block whose length is not the block size: st.c read_tape() "Incorrect block size", spaces
  // back over it (MTBSR 1, which leaves ST_NOEOF) and returns -EIO; the position stays before it.
  eof_ = Eof::kNone;
  return -EIO;
}

// MTWEOF / MTWEOFI. count 0 writes nothing but is still a flush (WRITE FILEMARKS 0).
int SimTape::writeFilemarks(int64_t count, bool immediate) {
  if (!mayWrite()) return -EACCES;  // st_int_ioctl(): STp->write_prot (read-only open or WP medium)
  if (count < 0 || count > kMaxFilemarksPerOp) return -EINVAL;
  if (count > 0) {
    int r = truncateAt(pos_);
    if (r == 0) r = appendRecords(kTypeFilemark, nullptr, 0, static_cast<uint64_t>(count));
    if (r != 0) return r;
  }
  // Filemarks cost no capacity here, so they always fit (trailers after early warning). st: a
  // filemark written in the EOM zone succeeds and resets the eof state to ST_NOEOF.
  eof_ = Eof::kNone;
  rw_ = Rw::kIdle;
  if (!immediate) {
    modelDrain(false);  // a synchronous filemark empties the drive buffer; the drive stops
    if (options_.syncOnFilemark && fdatasync(fd_) != 0) return -EIO;
  }
  return 0;
}

// SPACE over filemarks; count > 0 forward, < 0 backward (st passes negative counts to the drive).
// Forward: positioned after the count-th filemark. Backward: before (on the BOT side of) the
// |count|-th filemark. Sets resid_ to the count not done when BOT/EOD comes first.
SimTape::Stop SimTape::spaceFilemarks(int64_t count) {
  if (count == 0) return Stop::kOk;
  const uint64_t k = filemarksBefore(pos_);
  if (count > 0) {
    const uint64_t want = static_cast<uint64_t>(count);
    if (k + want <= fms_.size()) {
      pos_ = fms_[k + want - 1] + 1;
      return Stop::kOk;
    }
    resid_ = static_cast<long>(want - (fms_.size() - k));
    pos_ = records();
    return Stop::kEod;
  }
  const uint64_t want = static_cast<uint64_t>(-count);
  if (want <= k) {
    pos_ = fms_[k - want];
    return Stop::kOk;
  }
  resid_ = static_cast<long>(want - k);
  pos_ = 0;
  return Stop::kBot;
}

// SPACE over blocks; count > 0 forward, < 0 backward. A filemark stops the space: forward the
// position is after it (EOP side), backward before it (BOP side), as SSC specifies.
SimTape::Stop SimTape::spaceBlocks(int64_t count) {
  if (count == 0) return Stop::kOk;
  const uint64_t start = pos_;
  const uint64_t k = filemarksBefore(pos_);
  if (count > 0) {
    const uint64_t want = static_cast<uint64_t>(count);
    const uint64_t nextMark = k < fms_.size() ? fms_[k] : UINT64_MAX;  // first filemark >= pos_
    const uint64_t limit = std::min<uint64_t>(nextMark, records());
    if (want <= limit - start) {
      pos_ = start + want;
      return Stop::kOk;
    }
    resid_ = static_cast<long>(want - (limit - start));
    if (nextMark < records()) {
      pos_ = nextMark + 1;
      return Stop::kFilemarkAfter;
    }
    pos_ = records();
    return Stop::kEod;
  }
  const uint64_t want = static_cast<uint64_t>(-count);
  const uint64_t firstBlock = k > 0 ? fms_[k - 1] + 1 : 0;  // first block of the current file
  if (want <= start - firstBlock) {
    pos_ = start - want;
    return Stop::kOk;
  }
  resid_ = static_cast<long>(want - (start - firstBlock));
  if (k > 0) {
    pos_ = fms_[k - 1];
    return Stop::kFilemarkBefore;
  }
  pos_ = 0;
  return Stop::kBot;
}

// The eof state and return value after a space, as st_int_ioctl() sets them.
int SimTape::spaceResult(Stop stop) {
  switch (stop) {
    case Stop::kOk:
      eof_ = Eof::kNone;
      return 0;
    case Stop::kFilemarkAfter:  // st: SENSE_FMK on a forward space leaves ST_FM
      eof_ = Eof::kFilemark;
      return -EIO;
    case Stop::kFilemarkBefore:
      eof_ = Eof::kNone;
      return -EIO;
    case Stop::kEod:
      eof_ = Eof::kEod;  // BLANK CHECK: st sets ST_EOD
      return -EIO;
    case Stop::kBot:
      eof_ = Eof::kNone;
      return -EIO;
  }
  return -EIO;
}

int SimTape::load() {
  // MTLOAD: load (or reload) the cartridge; the drive positions at BOT.
  modelDrain(true);
  loaded_ = true;
  pos_ = 0;
  eof_ = Eof::kNone;
  rw_ = Rw::kIdle;
  return 0;
}

int SimTape::op(int mtOp, int count) {
  if (fd_ < 0) return -EBADF;
  resid_ = 0;

  // Operations that need no cartridge in the drive.
  switch (mtOp) {
    case MTLOAD:
      return load();
    case MTLOCK:
    case MTUNLOCK:
      locked_ = mtOp == MTLOCK;  // st do_door_lock(): PREVENT/ALLOW MEDIUM REMOVAL
      return 0;
    case MTSETDRVBUFFER:
      if ((static_cast<unsigned>(count) & MT_ST_OPTIONS) != 0) return 0;  // st_set_options(): accepted
      break;
    default:
      break;
  }
  if (!loaded_) return -ENOMEDIUM;  // st_int_ioctl(): ST_NO_TAPE

  int64_t c = count;
  // st_ioctl(): if the last operation was a write, a filemark is written before MTREW, MTOFFL,
  // MTSEEK, MTBSF and MTBSFM (and the backward count grows by one to cross it).
  if (rw_ == Rw::kWriting &&
      (mtOp == MTREW || mtOp == MTOFFL || mtOp == MTSEEK || mtOp == MTBSF || mtOp == MTBSFM)) {
    int r = writeFilemarks(1, false);
    if (r < 0) return r;
    if (mtOp == MTBSF || mtOp == MTBSFM) ++c;
  }
  // st_ioctl(): every operation but these ends the read/write sequence.
  if (mtOp != MTNOP && mtOp != MTSETBLK && mtOp != MTSETDENSITY && mtOp != MTSETDRVBUFFER) rw_ = Rw::kIdle;

  switch (mtOp) {
    case MTNOP:
      return 0;

    case MTREW:
    case MTRETEN:
      modelDrain(true);
      pos_ = 0;
      eof_ = Eof::kNone;
      return 0;

    case MTOFFL:
      locked_ = false;  // st_ioctl() unlocks the door before MTOFFL
      [[fallthrough]];
    case MTUNLOAD:
      if (locked_) return -EIO;  // the drive refuses: medium removal prevented
      modelDrain(true);
      pos_ = 0;
      eof_ = Eof::kNone;
      loaded_ = false;
      return 0;

    case MTWEOF:
      return writeFilemarks(c, false);
    case MTWEOFI:
      return writeFilemarks(c, true);

    case MTFSF: {
      modelDrain(true);
      Stop s = spaceFilemarks(c);
      if (s == Stop::kOk) {
        eof_ = Eof::kFilemark;  // st_int_ioctl(): MTFSF leaves ST_FM
        return 0;
      }
      return spaceResult(s);
    }
    case MTBSF:
      modelDrain(true);
      return spaceResult(spaceFilemarks(-c));
    case MTFSFM: {  // st: MTFSF count, then MTBSF 1: before the last filemark crossed
      modelDrain(true);
      Stop s = spaceFilemarks(c);
      if (s != Stop::kOk) return spaceResult(s);
      return spaceResult(spaceFilemarks(-1));
    }
    case MTBSFM: {  // st: MTBSF count, then MTFSF 1: after the last filemark crossed
      modelDrain(true);
      Stop s = spaceFilemarks(-c);
      if (s != Stop::kOk) return spaceResult(s);
      s = spaceFilemarks(1);
      if (s != Stop::kOk) return spaceResult(s);
      eof_ = Eof::kFilemark;
      return 0;
    }
    case MTFSR:
      modelDrain(true);
      return spaceResult(spaceBlocks(c));
    case MTBSR:
      modelDrain(true);
      return spaceResult(spaceBlocks(-c));

    case MTEOM:
      modelDrain(true);
      pos_ = records();
      eof_ = Eof::kEod;  // st_int_ioctl(): MTEOM leaves ST_EOD
      return 0;

    case MTERASE: {
      if (!mayWrite()) return -EACCES;
      modelDrain(true);
      int r = truncateAt(pos_);
      if (r != 0) return r;
      eof_ = Eof::kNone;
      return 0;
    }

    case MTSEEK:
      if (c < 0) return -EINVAL;
      modelDrain(true);
      eof_ = Eof::kNone;  // set_location(): ST_NOEOF
      if (static_cast<uint64_t>(c) > records()) {
        pos_ = records();  // beyond end of data: the drive stops at EOD and reports an error
        return -EIO;
      }
      pos_ = static_cast<uint64_t>(c);
      return 0;

    case MTSETBLK:
      if (c < 0 || c > kMaxBlock) return -EINVAL;  // st: outside the block limits
      blockSize_ = static_cast<uint32_t>(c);
      return 0;
    case MTSETDENSITY:
      if (c < 0 || c > 0xFF) return -EINVAL;
      density_ = static_cast<uint32_t>(c);
      return 0;
    case MTSETDRVBUFFER:
      drvBuffer_ = static_cast<int>(c & 7);
      return 0;
    case MTCOMPRESSION:
      compression_ = (c & 1) != 0;
      return 0;

    default:
      // Setmarks, partitions, self tests, MTRESET: not on an LTO drive / not modelled.
      return -EINVAL;
  }
}

int SimTape::status(struct mtget& out) {
  if (fd_ < 0) return -EBADF;
  std::memset(&out, 0, sizeof(out));
  out.mt_type = MT_ISSCSI2;
  out.mt_resid = resid_;
  const unsigned long dsreg = ((static_cast<unsigned long>(blockSize_) << MT_ST_BLKSIZE_SHIFT) & MT_ST_BLKSIZE_MASK) |
                              ((static_cast<unsigned long>(density_) << MT_ST_DENSITY_SHIFT) & MT_ST_DENSITY_MASK);
  out.mt_dsreg = static_cast<long>(dsreg);
  out.mt_erreg = 0;
  // st sets GMT_IM_REP_EN when asynchronous writes are on (its default) or the drive buffers.
  long gstat = GMT_IM_REP_EN(0xFFFFFFFF);
  if (!loaded_) {
    out.mt_fileno = -1;
    out.mt_blkno = -1;
    gstat |= GMT_DR_OPEN(0xFFFFFFFF);
    out.mt_gstat = gstat;
    return 0;
  }
  const uint64_t fileno = filemarksBefore(pos_);
  const uint64_t firstBlock = fileno > 0 ? fms_[fileno - 1] + 1 : 0;
  const uint64_t blkno = pos_ - firstBlock;
  out.mt_fileno = static_cast<__kernel_daddr_t>(std::min<uint64_t>(fileno, INT_MAX));
  out.mt_blkno = static_cast<__kernel_daddr_t>(std::min<uint64_t>(blkno, INT_MAX));
  gstat |= GMT_ONLINE(0xFFFFFFFF);
  if (writeProtect_) gstat |= GMT_WR_PROT(0xFFFFFFFF);
  // st MTIOCGET: block 0 of file 0 is BOT, block 0 of a later file is just after a filemark.
  if (blkno == 0) gstat |= fileno == 0 ? GMT_BOT(0xFFFFFFFF) : GMT_EOF(0xFFFFFFFF);
  if (eof_ == Eof::kEomOk || eof_ == Eof::kEomError || pastEarlyWarning()) gstat |= GMT_EOT(0xFFFFFFFF);
  // st MTIOCGET: GMT_EOD for eof >= ST_EOD_1 (other than the EOM states): ST_EOD after a space that
  // hit BLANK CHECK, MTEOM or the zero read at EOD after a filemark; ST_EOD_1 after st_write()
  // refused a write with -ENOSPC at early warning (kEomAllow). Not after a plain -EIO read at EOD.
  if (eof_ == Eof::kEod || eof_ == Eof::kEomAllow) gstat |= GMT_EOD(0xFFFFFFFF);
  out.mt_gstat = gstat;
  return 0;
}

int SimTape::tell(uint32_t& block) {
  if (fd_ < 0) return -EBADF;
  if (!loaded_) return -EIO;  // st get_location(): drive not ready
  if (pos_ > UINT32_MAX) return -EOVERFLOW;
  block = static_cast<uint32_t>(pos_);
  return 0;
}

int SimTape::sync() {
  if (fd_ < 0) return -EBADF;
  modelDrain(false);
  if (fdWritable_ && fdatasync(fd_) != 0) return -EIO;
  return 0;
}

// ---- Rate model ------------------------------------------------------------------------------------
// A drive that moves data at rateBytesPerSec through a buffer of driveBufferBytes. busyUntil_ is
// when it will have written everything accepted. A drive at rest does not start the tape for one
// block: it waits until a quarter of its buffer is full (or a sync asks for the data). If it had
// been streaming and ran dry, starting again costs a back-hitch (a reposition). write() returns
// once its data fits in the buffer, as a drive's WRITE completes when the data is in its buffer.
void SimTape::modelWrite(uint64_t bytes) {
  const uint64_t now = monotonicNs();
  if (!modelStarted_) {
    modelStarted_ = true;
    firstWrite_ = now;
  }
  if (busyUntil_ <= now) {  // at rest: the buffer ran dry, or the drive has not started yet
    restingBytes_ += bytes;
    if (restingBytes_ < startBytes_) return;
    modelStart(now);
  } else {
    const uint64_t moveNs = mulDiv(bytes, kNsPerSec, options_.rateBytesPerSec);
    busyUntil_ += moveNs;
    stats_.busyNs += moveNs;
  }
  stats_.elapsedNs = busyUntil_ - firstWrite_;
  // The data not yet on tape at time t >= runStart_ is (busyUntil_ - t) * rate; before runStart_
  // (during a back-hitch) nothing drains. Wait until what is left fits in the buffer.
  const uint64_t fitsAt = busyUntil_ > bufferNs_ ? busyUntil_ - bufferNs_ : 0;
  if (fitsAt > runStart_ && fitsAt > now) sleepUntil(fitsAt);
}

// A drive at rest starts moving what its buffer holds, after a back-hitch if it had streamed.
void SimTape::modelStart(uint64_t now) {
  uint64_t start = now;
  if (streamed_) {
    start += options_.backHitchNs;
    ++stats_.backHitches;
  }
  const uint64_t moveNs = mulDiv(restingBytes_, kNsPerSec, options_.rateBytesPerSec);
  restingBytes_ = 0;
  runStart_ = start;
  busyUntil_ = start + moveNs;
  stats_.busyNs += moveNs;
  stats_.elapsedNs = busyUntil_ - firstWrite_;
  streamed_ = true;
}

// Waits until the drive has written its buffer (a synchronous filemark, a sync, or a positioning
// command, which the drive only starts with an empty buffer). repositioned: the tape moves
// elsewhere, so the next write starts without a back-hitch.
void SimTape::modelDrain(bool repositioned) {
  if (options_.rateBytesPerSec == 0) return;
  const uint64_t now = monotonicNs();
  if (restingBytes_ && busyUntil_ <= now) modelStart(now);  // a sync starts the tape for what it holds
  if (busyUntil_ > now) sleepUntil(busyUntil_);
  if (repositioned) streamed_ = false;
}

// Writes a new image header and makes the new file durable.
int initialiseImage(int fd, const std::string& path, const OpenOptions& options, ImageInfo& info) {
  info = ImageInfo();
  info.capacity = options.capacity;
  info.earlyWarning = options.earlyWarning;
  info.writeProtect = options.writeProtect;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  info.createdNs = static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  uint8_t h[kFileHeaderSize];
  encodeFileHeader(info, h);
  ssize_t w;
  do {
    w = ::pwrite(fd, h, sizeof(h), 0);
  } while (w < 0 && errno == EINTR);
  if (w != static_cast<ssize_t>(sizeof(h))) return w < 0 ? errno : EIO;
  if (fdatasync(fd) != 0) return errno;
  // The directory entry too, so a new cartridge does not vanish in a crash.
  std::string dir = ".";
  size_t slash = path.rfind('/');
  if (slash == 0)
    dir = "/";
  else if (slash != std::string::npos)
    dir = path.substr(0, slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    ::close(dfd);
  }
  return 0;
}

}  // namespace

MediumPtr openSimTape(const OpenOptions& options, int& err, std::string& message) {
  err = 0;
  message.clear();
  const std::string& path = options.path;
  auto fail = [&](int e, const std::string& why) -> MediumPtr {
    err = e;
    message = "simulated tape " + path + ": " + why;
    return nullptr;
  };
  if (path.empty()) return fail(EINVAL, "no image path");

  const int accmode = options.readOnly ? O_RDONLY : O_RDWR;
  bool fdWritable = !options.readOnly;
  int fd = ::open(path.c_str(), accmode | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && options.create) {
    // A new cartridge: created read-write even for a read-only open (its header must be written).
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      fdWritable = true;
    } else if (errno == EEXIST) {
      fd = ::open(path.c_str(), accmode | O_CLOEXEC);  // someone else created it meanwhile
    }
  }
  if (fd < 0) {
    int e = errno;
    return fail(e, e == ENOENT ? "no such image (and create is not set)" : std::string("open: ") + strerror(e));
  }
  // One user at a time, as st allows one open of a drive (st_open(): -EBUSY).
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    ::close(fd);
    return fail(e == EWOULDBLOCK ? EBUSY : e, e == EWOULDBLOCK ? "image is in use (locked by another open)"
                                                               : std::string("flock: ") + strerror(e));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return fail(e, "fstat failed");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(EINVAL, "not a regular file");
  }

  ImageInfo info;
  if (st.st_size == 0) {
    // A new (or empty, e.g. from mktemp) file becomes a blank cartridge when create is set.
    if (!options.create || !fdWritable) {
      ::close(fd);
      return fail(EINVAL, "empty file is not a simulated tape image (open with create to initialise it)");
    }
    int e = initialiseImage(fd, path, options, info);
    if (e != 0) {
      ::close(fd);
      return fail(e, std::string("cannot write the image header: ") + strerror(e));
    }
  } else {
    uint8_t h[kFileHeaderSize];
    int r = preadFull(fd, h, sizeof(h), 0);
    std::string why;
    if (r != 0 || !decodeFileHeader(h, info, why)) {
      ::close(fd);
      if (r < 0) return fail(-r, "cannot read the image header");
      return fail(EINVAL, r > 0 ? "not a simulated tape image (too short)" : why);
    }
    if (static_cast<uint64_t>(st.st_size) < info.headerSize) {
      ::close(fd);
      return fail(EINVAL, "image shorter than its header");
    }
  }
  // st check_tape(): opening a write-protected cartridge for writing fails with EROFS.
  if (info.writeProtect && !options.readOnly) {
    ::close(fd);
    return fail(EROFS, "cartridge is write-protected");
  }

  auto tape = std::make_shared<SimTape>(fd, fdWritable, options, info);
  std::string why;
  int e = tape->scan(why);
  if (e != 0) {
    tape->close();
    return fail(e, why);
  }
  return tape;
}

bool simTapeModelStats(const Medium& medium, DriveModelStats& out) {
  if (medium.kind() != kSimKind) return false;
  out = static_cast<const SimTape&>(medium).modelStats();
  return true;
}

}  // namespace tapecoord
