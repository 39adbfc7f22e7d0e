#include "pipeline.h"

#include "fd_wait.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>

namespace tapecoord {
namespace {

constexpr size_t kMaxInputRead = 1u << 20;  // one read() from an input descriptor
constexpr int kMaxIov = 256;                // one writev() to an output descriptor

bool statusSaysEndOfData(Medium& medium) {
  struct mtget status;
  return medium.status(status) == 0 && GMT_EOD(status.mt_gstat);
}

// After a read failed with EIO: end of data, or a medium error? st reports GMT_EOD only after the
// zero read that follows a filemark, a failed space or MTEOM (st.c ST_EOD_2/ST_EOD); a plain EIO
// read at end of data leaves it clear. A space over one block settles it: at end of data it fails
// and sets GMT_EOD. After a medium error it may step past the bad block; the stream fails anyway.
bool isEndOfDataAfterEio(Medium& medium) {
  if (statusSaysEndOfData(medium)) return true;
  if (medium.op(MTFSR, 1) == 0) return false;
  return statusSaysEndOfData(medium);
}

}  // namespace

Pipeline::Pipeline(PipelineOptions options, Emit emit) : options_(std::move(options)), emit_(std::move(emit)) {}

Pipeline::~Pipeline() {
  abort();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  unmapReleased(true);
  if (options_.sourceFd >= 0) ::close(options_.sourceFd);
  if (options_.sinkFd >= 0) ::close(options_.sinkFd);
}

int Pipeline::start() {
  if (!ring_.allocate(options_.slotSize, options_.slotCount)) return ENOMEM;
  uint64_t n = options_.slotCount;
  highSlots_ = std::max<uint64_t>(1, std::min<uint64_t>(n, static_cast<uint64_t>(std::ceil(options_.highWater * n))));
  lowSlots_ = std::min<uint64_t>(highSlots_ - 1, static_cast<uint64_t>(std::floor(options_.lowWater * n)));
  drainSlots_ = std::max<uint64_t>(1, n / 4);
  // A full ring: a native producer waits for a batch, never more than the sink frees before it
  // rests at the low-water mark (else both would wait).
  refillSlots_ = std::max<uint64_t>(1, std::min<uint64_t>(ring_.refillSlots(), n - lowSlots_));
  readableSlots_ = std::max<uint64_t>(1, std::min<uint64_t>(n / 4, 64));

  std::vector<void (Pipeline::*)()> runs;
  if (options_.source == Endpoint::Fd) runs.push_back(mappable() ? &Pipeline::runSourceMapped : &Pipeline::runSourceFd);
  if (options_.source == Endpoint::Medium) runs.push_back(&Pipeline::runSourceMedium);
  if (options_.sink == Endpoint::Medium) runs.push_back(&Pipeline::runSinkMedium);
  if (options_.sink == Endpoint::Fd) runs.push_back(&Pipeline::runSinkFd);
  threadsRunning_.store(static_cast<int>(runs.size()));
  for (auto run : runs)
    threads_.emplace_back([this, run] {
      (this->*run)();
      threadDone();
    });
  return 0;
}

// ---------------------------------------------------------------- JavaScript producer

size_t Pipeline::push(const uint8_t* data, size_t length) {
  if (stop_.load() || sourceEnded_.load()) return 0;
  size_t done = 0;
  while (done < length) {
    size_t room;
    uint8_t* span = ring_.writable(length - done, room);
    if (room == 0) break;
    std::memcpy(span, data + done, room);
    if (stats_.startNs.load(std::memory_order_relaxed) == 0) stats_.startNs.store(monotonicNs());
    stats_.bytesIn.fetch_add(room, std::memory_order_relaxed);
    ring_.produced(room);
    done += room;
  }
  if (done < length) {
    jsWantsDrain_.store(true);
    afterConsume();  // the consumer may have freed room since we looked
  }
  return done;
}

bool Pipeline::filemark(uint32_t count, bool immediate, uint64_t tag) {
  if (stop_.load() || sourceEnded_.load()) return false;
  if (ring_.free() < ring_.slotsForMarker()) {
    jsWantsDrain_.store(true);
    afterConsume();
    return false;
  }
  SlotMeta marker;
  marker.kind = SlotKind::Filemark;
  marker.count = count;
  marker.immediate = immediate;
  marker.tag = tag;
  ring_.publishMarker(marker);
  return true;
}

bool Pipeline::end() {
  if (sourceEnded_.load()) return true;
  if (stop_.load()) return false;
  if (ring_.free() < ring_.slotsForMarker()) {
    jsWantsDrain_.store(true);
    afterConsume();
    return false;
  }
  return publishEnd();
}

bool Pipeline::publishEnd() {
  SlotMeta marker;
  marker.kind = SlotKind::End;
  sourceEnded_.store(true);
  ring_.publishMarker(marker);
  return true;
}

void Pipeline::afterConsume() {
  if (jsWantsDrain_.load() && ring_.free() >= std::min<uint64_t>(drainSlots_, ring_.slotCount()) &&
      jsWantsDrain_.exchange(false))
    emit_(Event{EventType::Drain});
}

// ---------------------------------------------------------------- JavaScript consumer

size_t Pipeline::readableBytes(size_t limit) const {
  if (!ring_.allocated()) return 0;
  size_t bytes = 0;
  for (uint64_t i = ring_.tail(), h = ring_.head(); i < h && bytes < limit; ++i) {
    const SlotMeta& m = ring_.meta(i);
    if (m.kind != SlotKind::Data) break;
    bytes += m.length;
  }
  return bytes;
}

size_t Pipeline::pull(uint8_t* out, size_t maxBytes, SlotMeta& marker) {
  marker = SlotMeta();
  uint64_t tail = ring_.tail(), head = ring_.head();
  size_t copied = 0;
  uint64_t slots = 0;
  while (tail + slots < head) {
    const SlotMeta& m = ring_.meta(tail + slots);
    if (m.kind != SlotKind::Data || copied + m.length > maxBytes) break;
    std::memcpy(out + copied, ring_.data(tail + slots), m.length);  // never a mapped input (mappable())
    copied += m.length;
    ++slots;
  }
  if (slots) {
    stats_.bytesOut.fetch_add(copied, std::memory_order_relaxed);
    stats_.payloadOut.fetch_add(copied, std::memory_order_relaxed);
    ring_.release(slots);
    return copied;
  }
  if (tail < head) {
    marker = ring_.meta(tail);
    return 0;
  }
  jsWantsData_.store(true);
  afterProduce(false);  // the producer may have published since we looked
  return 0;
}

void Pipeline::consumeMarker() {
  if (ring_.tail() < ring_.head() && ring_.meta(ring_.tail()).kind != SlotKind::Data) ring_.release(1);
}

void Pipeline::afterProduce(bool marker) {
  if (jsWantsData_.load() && (marker || ring_.fill() >= readableSlots_ || ring_.pendingMarkers() > 0) &&
      ring_.fill() > 0 && jsWantsData_.exchange(false))
    emit_(Event{EventType::Readable});
}

// ---------------------------------------------------------------- control

void Pipeline::resume() {
  std::lock_guard<std::mutex> lock(pauseMutex_);
  paused_ = false;
  pauseCv_.notify_all();
}

void Pipeline::abort() {
  aborted_.store(true);
  stop_.store(true);
  ring_.wakeAll();
  resume();
}

uint64_t Pipeline::unwrittenBytes() const {
  return stats_.bytesIn.load() - stats_.payloadOut.load();
}

void Pipeline::emitError(int err, const std::string& op, const std::string& device, const std::string& detail,
                         bool endOfMedium) {
  Event e{EventType::Error};
  e.err = err;
  e.op = op;
  e.device = device;
  e.detail = detail;
  e.endOfMedium = endOfMedium;
  fillPosition(e);
  emit_(std::move(e));
}

void Pipeline::fillPosition(Event& e) const {
  // The medium's side: what is on a medium being written, else what was read from one.
  bool writing = options_.sink == Endpoint::Medium || options_.source != Endpoint::Medium;
  e.blocks = writing ? stats_.blocksOut.load() : stats_.blocksIn.load();
  e.bytes = writing ? stats_.bytesOut.load() : stats_.bytesIn.load();
  e.filemarks = writing ? stats_.filemarks.load() : stats_.filemarksIn.load();
  e.unwrittenBytes = unwrittenBytes();
}

void Pipeline::threadDone() {
  if (threadsRunning_.fetch_sub(1) != 1) return;
  stats_.endNs.store(monotonicNs());
  finished_.store(true);
  Event e{EventType::Finish};
  e.aborted = aborted_.load();
  e.endOfData = endOfData_.load();
  fillPosition(e);
  emit_(std::move(e));
}

// ---------------------------------------------------------------- native sinks

bool Pipeline::waitToDrain(bool& draining) {
  uint64_t fill = ring_.fill();
  if (fill > 0 && (ring_.pendingMarkers() > 0 || (draining && fill > lowSlots_))) return !stop_.load();
  // A run ends here: below the low-water mark with no marker to reach. The sink waits for the
  // high-water mark (or a marker), so the drive gets its next long run.
  draining = false;
  bool started = stats_.bytesOut.load(std::memory_order_relaxed) > 0;
  uint64_t t0 = monotonicNs();
  bool ok = ring_.waitForData(
      [&] { return ring_.fill() >= highSlots_ || ring_.pendingMarkers() > 0; }, stop_);
  if (started && !sourceEnded_.load()) {
    stats_.sinkStalls.fetch_add(1, std::memory_order_relaxed);
    stats_.sinkStallNs.fetch_add(monotonicNs() - t0, std::memory_order_relaxed);
  }
  draining = true;
  return ok;
}

void Pipeline::runSinkMedium() {
  Medium& medium = *options_.sinkMedium;
  const uint32_t slotSize = ring_.slotSize();
  bool draining = false;
  bool earlyWarning = false;
  bool retried = false;  // after early warning st fails every other write: retry a block once
  while (waitToDrain(draining)) {
    uint64_t t = ring_.tail();
    const SlotMeta meta = ring_.meta(t);  // a copy: the slot is handed back before the event
    if (meta.kind == SlotKind::End) {
      ring_.release(1);
      return;
    }
    if (meta.kind == SlotKind::Filemark) {
      int rc = medium.op(meta.immediate ? MTWEOFI : MTWEOF, static_cast<int>(meta.count));
      if (rc < 0) {
        emitError(-rc, meta.immediate ? "MTWEOFI" : "MTWEOF", options_.sinkName, "", earlyWarning && rc == -EIO);
        break;
      }
      stats_.filemarks.fetch_add(meta.count);
      Event e{EventType::Filemark};
      e.tag = meta.tag;
      fillPosition(e);
      ring_.release(1);
      emit_(std::move(e));
      afterConsume();
      continue;
    }
    const uint8_t* block = ring_.bytes(t);
    uint32_t payload = meta.length;
    uint32_t length = payload;
    if (options_.fileOffsets && length < slotSize) {
      // A short record is padded (BUTC-SPEC §2.3). File offsets never use a mapped input, so the
      // block is in the slot's own memory.
      uint8_t* own = ring_.data(t);
      std::memset(own + length, 0, slotSize - length);
      block = own;
      length = slotSize;
    }
    uint64_t t0 = monotonicNs();
    ssize_t n = medium.write(block, length);
    stats_.deviceNs.fetch_add(monotonicNs() - t0, std::memory_order_relaxed);
    stats_.writes.fetch_add(1, std::memory_order_relaxed);
    if (n == static_cast<ssize_t>(length)) {
      retried = false;
      stats_.blocksOut.fetch_add(1, std::memory_order_relaxed);
      stats_.bytesOut.fetch_add(length, std::memory_order_relaxed);
      stats_.payloadOut.fetch_add(payload, std::memory_order_relaxed);
      ring_.release(1);
      afterConsume();
      continue;
    }
    if (n == -ENOSPC && !earlyWarning) {
      // st.rst "EOM Behaviour When Writing": the previous write crossed early warning and this
      // one wrote nothing. Everything counted so far is on the medium.
      earlyWarning = true;
      stats_.earlyWarning.store(true);
      stats_.earlyWarningBlock.store(stats_.blocksOut.load());
      Event e{EventType::EarlyWarning};
      fillPosition(e);
      if (options_.pauseAtEarlyWarning) {
        std::unique_lock<std::mutex> lock(pauseMutex_);
        paused_ = true;
        lock.unlock();
        emit_(std::move(e));
        lock.lock();
        pauseCv_.wait(lock, [&] { return !paused_ || stop_.load(); });
        if (stop_.load()) break;
      } else {
        emit_(std::move(e));
      }
      continue;  // the next write is let through
    }
    if (n == -ENOSPC && earlyWarning && !retried) {
      retried = true;
      continue;
    }
    bool endOfMedium = earlyWarning && (n == -ENOSPC || n == -EIO);
    int err = n < 0 ? static_cast<int>(-n) : EIO;
    emitError(err, "write", options_.sinkName,
              n >= 0 ? "short write of " + std::to_string(n) + " of " + std::to_string(length) + " bytes"
                     : "block " + std::to_string(stats_.blocksOut.load() + 1),
              endOfMedium);
    break;
  }
  stop_.store(true);
  ring_.wakeAll();
}

void Pipeline::runSinkFd() {
  const int fd = options_.sinkFd;
  bool draining = false;
  struct iovec iov[kMaxIov];
  while (waitToDrain(draining)) {
    uint64_t tail = ring_.tail(), head = ring_.head();
    const SlotMeta first = ring_.meta(tail);  // a copy: the slot is handed back below
    if (first.kind != SlotKind::Data) {
      ring_.release(1);
      if (first.kind == SlotKind::End) return;
      stats_.filemarks.fetch_add(first.count);
      Event e{EventType::Filemark};
      e.tag = first.tag;
      fillPosition(e);
      emit_(std::move(e));
      continue;
    }
    int count = 0;
    size_t total = 0;
    for (uint64_t i = tail; i < head && count < kMaxIov; ++i) {
      const SlotMeta& m = ring_.meta(i);
      if (m.kind != SlotKind::Data) break;
      iov[count].iov_base = const_cast<uint8_t*>(ring_.bytes(i));
      iov[count].iov_len = m.length;
      total += m.length;
      ++count;
    }
    // writev the run; on a short write finish it before handing the slots back
    int at = 0;
    size_t done = 0;
    uint64_t t0 = monotonicNs();
    while (done < total) {
      ssize_t n = ::writev(fd, iov + at, count - at);
      stats_.writes.fetch_add(1, std::memory_order_relaxed);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN && waitFd(fd, POLLOUT, &stop_)) continue;
        emitError(errno, "write", options_.sinkName, "", false);
        stop_.store(true);
        ring_.wakeAll();
        return;
      }
      done += static_cast<size_t>(n);
      while (at < count && static_cast<size_t>(n) >= iov[at].iov_len) n -= iov[at++].iov_len;
      if (at < count) {
        iov[at].iov_base = static_cast<uint8_t*>(iov[at].iov_base) + n;
        iov[at].iov_len -= static_cast<size_t>(n);
      }
    }
    stats_.deviceNs.fetch_add(monotonicNs() - t0, std::memory_order_relaxed);
    stats_.bytesOut.fetch_add(total, std::memory_order_relaxed);
    stats_.payloadOut.fetch_add(total, std::memory_order_relaxed);
    ring_.release(static_cast<uint64_t>(count));
    afterConsume();
  }
}

// ---------------------------------------------------------------- native sources

void Pipeline::runSourceFd() {
  const int fd = options_.sourceFd;
  uint64_t waited = 0;
  // A pipe holds 64 KiB by default: each read() then brings at most that, and the writer on the
  // other side blocks every 64 KiB. Ask for 1 MiB (the unprivileged limit, /proc/sys/fs/pipe-max-size);
  // if the kernel says no, the pipe stays as it was.
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) ::fcntl(fd, F_SETPIPE_SZ, static_cast<int>(kMaxInputRead));
  for (;;) {
    uint64_t before = waited;
    if (!ring_.waitForSpace(ring_.free() ? 1 : refillSlots_, stop_, waited)) return;
    if (waited != before) {
      stats_.sourceStalls.fetch_add(1, std::memory_order_relaxed);
      stats_.sourceStallNs.store(waited, std::memory_order_relaxed);
    }
    size_t room;
    uint8_t* span = ring_.writable(kMaxInputRead, room);
    if (room == 0) continue;  // only the partial slot's tail was left; space comes back
    ssize_t n = ::read(fd, span, room);
    if (n > 0) {
      if (stats_.startNs.load(std::memory_order_relaxed) == 0) stats_.startNs.store(monotonicNs());
      stats_.bytesIn.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
      ring_.produced(static_cast<size_t>(n));
      afterProduce(false);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (waitFd(fd, POLLIN, &stop_)) continue;
      return;  // stopped
    }
    if (n < 0) emitError(errno, "read", options_.sourceName, "", false);
    // end of input (or a read error): what was read still goes out, then the end marker
    if (!ring_.waitForSpace(ring_.slotsForMarker(), stop_, waited)) return;
    publishEnd();
    afterProduce(true);
    return;
  }
}

void Pipeline::runSourceMedium() {
  Medium& medium = *options_.sourceMedium;
  const uint32_t slotSize = ring_.slotSize();
  uint32_t filesLeft = options_.files;
  bool afterFilemark = false;
  uint64_t waited = 0;
  for (;;) {
    uint64_t before = waited;
    // a block, or a filemark and the end; when full, wait for a batch
    if (!ring_.waitForSpace(ring_.free() >= 2 ? 2 : std::max<uint64_t>(2, refillSlots_), stop_, waited)) return;
    if (waited != before) {
      stats_.sourceStalls.fetch_add(1, std::memory_order_relaxed);
      stats_.sourceStallNs.store(waited, std::memory_order_relaxed);
    }
    size_t room;
    uint8_t* slot = ring_.writable(slotSize, room);
    uint64_t t0 = monotonicNs();
    ssize_t n = medium.read(slot, slotSize);
    stats_.deviceNs.fetch_add(monotonicNs() - t0, std::memory_order_relaxed);
    if (n > 0) {
      if (stats_.startNs.load(std::memory_order_relaxed) == 0) stats_.startNs.store(monotonicNs());
      afterFilemark = false;
      stats_.blocksIn.fetch_add(1, std::memory_order_relaxed);
      stats_.bytesIn.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
      ring_.produced(static_cast<size_t>(n));
      ring_.publishPartial();  // one slot per block, whatever its length
      afterProduce(false);
      continue;
    }
    if (n == 0) {
      // A filemark, unless it is the zero st returns once at end of data after a filemark
      // (st.c: "Zero returned for first BLANK CHECK after EOF").
      if (afterFilemark && statusSaysEndOfData(medium)) {
        endOfData_.store(true);
        break;
      }
      afterFilemark = true;
      SlotMeta marker;
      marker.kind = SlotKind::Filemark;
      marker.count = 1;
      stats_.filemarksIn.fetch_add(1);
      ring_.publishMarker(marker);
      afterProduce(true);
      if (filesLeft && --filesLeft == 0) break;
      continue;
    }
    if (n == -EIO && isEndOfDataAfterEio(medium)) {
      endOfData_.store(true);
      break;
    }
    if (n == -ENOMEM) {
      // The block is longer than a slot and st has consumed it: step back so it can be read again
      // with a larger slot size.
      medium.op(MTBSR, 1);
      emitError(ENOMEM, "read", options_.sourceName,
                "block " + std::to_string(stats_.blocksIn.load() + 1) + " is larger than " +
                    std::to_string(slotSize) + " bytes",
                false);
    } else {
      emitError(static_cast<int>(-n), "read", options_.sourceName,
                "block " + std::to_string(stats_.blocksIn.load() + 1), false);
    }
    break;
  }
  publishEnd();
  afterProduce(true);
}

}  // namespace tapecoord
