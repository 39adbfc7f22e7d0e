// A medium: what the streaming threads and the tape operations talk to.
//
// Three implementations share this interface, so everything above it is written once:
//   StDevice  - a Linux st character device (/dev/nst*): read/write/MTIOCTOP/MTIOCGET/MTIOCPOS.
//   DataFile  - a backup data file (butc FILE YES mode), a plain file, a pipe or /dev/null.
//   SimTape   - a file-backed simulated tape that behaves like the st driver (docs/SIMTAPE.md).
//
// The contract is the st driver's own (Documentation/scsi/st.rst, drivers/scsi/st.c), so code
// written against a SimTape runs unchanged on a drive:
//   write(): one call = one tape block. Returns bytes, or -errno. EOM early warning: the write
//            that crosses it succeeds; the next returns -ENOSPC and writes nothing; after that,
//            writes alternately succeed and fail with -ENOSPC (so a trailer fits) until physical
//            end of medium, after which writes fail with -EIO.
//   read():  one call = one tape block. Returns bytes (> 0), 0 for a filemark, or -errno:
//            -ENOMEM when the block is larger than the buffer (the block is consumed), -EIO at
//            end of data (after a filemark st first returns 0 once more, then -EIO).
//   op():    an MTIOCTOP operation; 0 or -errno. MTIOCGET/MTIOCPOS as status()/tell().
// Methods are called from one thread at a time (MediumWrap serialises them); none touches N-API.
#pragma once

#include <linux/mtio.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace tapecoord {

class Medium {
 public:
  virtual ~Medium() = default;

  virtual ssize_t write(const uint8_t* data, size_t length) = 0;
  virtual ssize_t read(uint8_t* data, size_t length) = 0;
  virtual int op(int mtOp, int count) = 0;
  virtual int status(struct mtget& out) = 0;
  virtual int tell(uint32_t& block) = 0;
  // Make everything written so far durable (the sync a non-immediate filemark implies).
  virtual int sync() { return 0; }
  // The descriptor SG_IO can use, or -1.
  virtual int fd() const { return -1; }
  virtual const char* kind() const = 0;
  virtual void close() = 0;
};

using MediumPtr = std::shared_ptr<Medium>;

// Options for opening any medium; each implementation reads the fields it knows.
struct OpenOptions {
  std::string path;
  // DataFile: use a duplicate of this descriptor (stdin, stdout, a pipe) instead of opening path.
  int fd = -1;
  bool readOnly = false;
  // DataFile: create/truncate on open (a new backup data file).
  bool create = false;
  bool truncate = false;
  // DataFile: the record size used for MTFSR/MTBSR/MTSEEK and block numbers (butc: 16384).
  uint32_t recordSize = 16384;
  // SimTape: cartridge properties used when the image is created (ignored when it exists).
  uint64_t capacity = 0;            // bytes of data that fit; 0 = unlimited
  uint64_t earlyWarning = 0;        // size of the early-warning zone before capacity
  bool writeProtect = false;
  // SimTape rate model: 0 = as fast as the host; backHitchNs charged when the drive ran dry.
  uint64_t rateBytesPerSec = 0;
  uint64_t backHitchNs = 0;
  uint64_t driveBufferBytes = 0;
  // SimTape fault injection (tests): the Nth write/read (1-based, counted from open) fails.
  uint64_t failWriteAt = 0;
  uint64_t failReadAt = 0;
  int failErrno = 5;  // EIO
  bool syncOnFilemark = true;
};

// Factories. Each returns nullptr and sets err (a positive errno) and message on failure.
MediumPtr openStDevice(const OpenOptions& options, int& err, std::string& message);
MediumPtr openDataFile(const OpenOptions& options, int& err, std::string& message);
MediumPtr openSimTape(const OpenOptions& options, int& err, std::string& message);

// Rate-model statistics a SimTape keeps (all zero for other media).
struct DriveModelStats {
  uint64_t busyNs = 0;       // time the modelled drive spent moving data
  uint64_t backHitches = 0;  // times it ran dry and had to reposition
  uint64_t elapsedNs = 0;    // from the first write to the last completion
};
// Returns true and fills out when medium is a SimTape.
bool simTapeModelStats(const Medium& medium, DriveModelStats& out);

}  // namespace tapecoord
