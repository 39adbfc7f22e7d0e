// The zero-copy source: a regular input file is mapped a window at a time and its blocks go into
// the ring as references, so a sink writes them straight from the page cache. dd copies every byte
// into its buffer before writing it; a tape drive under st (direct I/O) now takes the data from the
// page cache pages themselves, and a file sink copies each byte once instead of twice.
//
// MAP_POPULATE reads a window in (and maps it) on this thread, so the sink never takes a page
// fault: the drive thread never waits for the disk the input lives on. A window is unmapped once
// the sink has handed back every slot in it.
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "pipeline.h"

namespace tapecoord {

namespace {
constexpr uint64_t kWindowBytes = 64ull << 20;
constexpr uint32_t kBatch = 64;  // slots published at once (one wake-up)
}  // namespace

// Only where nothing but a system call reads the mapping: a file truncated under us then fails a
// write() with EFAULT/EIO instead of raising SIGBUS in our own memcpy (the padding of a short
// record, a copy out to JavaScript). Those cases read the file like a pipe.
bool Pipeline::mappable() const {
  struct stat st;
  return options_.mapInput && !options_.fileOffsets && options_.sink != Endpoint::Js && options_.sourceFd >= 0 &&
         ::fstat(options_.sourceFd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

void Pipeline::unmapReleased(bool all) {
  uint64_t tail = ring_.tail();
  while (!mappings_.empty() && (all || mappings_.front().lastIndex < tail)) {
    ::munmap(mappings_.front().address, mappings_.front().length);
    mappings_.pop_front();
  }
}

void Pipeline::runSourceMapped() {
  const int fd = options_.sourceFd;
  struct stat st;
  ::fstat(fd, &st);
  off_t at = ::lseek(fd, 0, SEEK_CUR);
  uint64_t position = at > 0 ? static_cast<uint64_t>(at) : 0;
  const uint64_t end = static_cast<uint64_t>(st.st_size);
  const uint64_t slot = ring_.slotSize();
  const uint64_t window = std::max<uint64_t>(1, kWindowBytes / slot) * slot;
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint8_t* blocks[kBatch];
  uint32_t lengths[kBatch];
  uint64_t waited = 0;

  while (position < end) {
    uint64_t length = std::min(window, end - position);
    uint64_t aligned = position & ~(page - 1);
    size_t mapLength = static_cast<size_t>(position - aligned + length);
    void* address = ::mmap(nullptr, mapLength, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, static_cast<off_t>(aligned));
    if (address == MAP_FAILED) {
      emitError(errno, "mmap", options_.sourceName, "offset " + std::to_string(position), false);
      break;
    }
    if (stats_.startNs.load(std::memory_order_relaxed) == 0) stats_.startNs.store(monotonicNs());
    const uint8_t* data = static_cast<const uint8_t*>(address) + (position - aligned);
    for (uint64_t offset = 0; offset < length;) {
      uint64_t before = waited;
      if (!ring_.waitForSpace(ring_.free() ? 1 : refillSlots_, stop_, waited)) {
        mappings_.push_back({address, mapLength, ring_.head()});
        return;  // stopped: the mappings go with the pipeline
      }
      if (waited != before) {
        stats_.sourceStalls.fetch_add(1, std::memory_order_relaxed);
        stats_.sourceStallNs.store(waited, std::memory_order_relaxed);
      }
      uint32_t count = static_cast<uint32_t>(std::min<uint64_t>(ring_.free(), kBatch));
      uint64_t bytes = 0;
      uint32_t n = 0;
      for (; n < count && offset < length; ++n) {
        blocks[n] = data + offset;
        lengths[n] = static_cast<uint32_t>(std::min(slot, length - offset));
        offset += lengths[n];
        bytes += lengths[n];
      }
      ring_.publishExternal(blocks, lengths, n);
      stats_.bytesIn.fetch_add(bytes, std::memory_order_relaxed);
      afterProduce(false);
    }
    mappings_.push_back({address, mapLength, ring_.head() - 1});
    position += length;
    unmapReleased(false);
  }
  ::lseek(fd, static_cast<off_t>(position), SEEK_SET);  // where reading it would have left it
  if (!ring_.waitForSpace(ring_.slotsForMarker(), stop_, waited)) return;
  publishEnd();
  afterProduce(true);
  // Keep the mappings until the sink has written the last block.
  if (ring_.waitForSpace(ring_.slotCount(), stop_, waited)) unmapReleased(true);
}

}  // namespace tapecoord
