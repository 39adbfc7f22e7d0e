// A stream through the ring: one producer and one consumer, each either native (a thread of its
// own) or JavaScript (non-blocking calls from the main thread).
//
//   producer: JS push()          | an input descriptor (file, pipe)  | a medium read block by block
//   consumer: a medium written   | an output descriptor              | JS pull()
//             block by block
//
// Writing to a medium: the consumer thread starts draining at the high-water mark and keeps going
// down to the low-water mark (afbackup's 67 % / 0 %, mbuffer's -P), so a drive gets long runs of
// data instead of start-stop. Markers (filemarks, the end) force a drain up to themselves. One
// write() per block; in file-offset mode every record is padded to the slot size, so record k
// starts at offset k x slotSize (butc's 16 KiB records, BUTC-SPEC §2.3).
//
// End of medium is a value: at early warning the consumer reports exactly how many blocks and
// bytes are on the medium, then either pauses until resume()/abort() or continues (st lets the
// next write through so a file can be finished), and reports physical end the same way.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "medium.h"
#include "ring.h"

namespace tapecoord {

enum class Endpoint { Js, Fd, Medium };

struct PipelineOptions {
  uint32_t slotSize = 262144;
  uint32_t slotCount = 64;
  double highWater = 0.67;
  double lowWater = 0.0;
  bool fileOffsets = false;   // pad every record to slotSize (butc FILE mode, fixed-block tapes)
  Endpoint source = Endpoint::Js;
  Endpoint sink = Endpoint::Medium;
  int sourceFd = -1;          // owned by the pipeline when given
  int sinkFd = -1;
  MediumPtr sourceMedium;
  MediumPtr sinkMedium;
  std::string sourceName;
  std::string sinkName;
  bool pauseAtEarlyWarning = false;
  uint32_t files = 1;  // medium source: filemarks to read before ending; 0 = to end of data
  bool mapInput = true;  // fd source that is a regular file: zero-copy through mmap
};

enum class EventType { Drain, Readable, EarlyWarning, Filemark, Error, Finish };

struct Event {
  explicit Event(EventType t) : type(t) {}
  EventType type;
  int err = 0;               // Error: errno
  std::string op;            // Error: the operation that failed
  std::string device;        // Error: which end
  std::string detail;
  bool endOfMedium = false;  // Error: ENOSPC/EIO at or after early warning
  uint64_t blocks = 0;       // blocks (records) written to / read from the medium so far
  uint64_t bytes = 0;        // bytes written to / read from the medium so far
  uint64_t filemarks = 0;
  uint64_t tag = 0;          // Filemark: the caller's tag
  uint64_t unwrittenBytes = 0;  // EarlyWarning/Error/Finish: bytes accepted but not on the sink
  bool aborted = false;      // Finish
  bool endOfData = false;    // Finish of a medium source: the end of recorded data was reached
};

struct PipelineStats {
  std::atomic<uint64_t> bytesIn{0};        // payload accepted from the producer
  std::atomic<uint64_t> bytesOut{0};       // bytes written to the sink, padding included
  std::atomic<uint64_t> payloadOut{0};     // of which payload (bytesIn that reached the sink)
  std::atomic<uint64_t> blocksOut{0};      // blocks/records written to a medium sink
  std::atomic<uint64_t> blocksIn{0};       // blocks read from a medium source
  std::atomic<uint64_t> filemarksIn{0};    // filemarks read from a medium source
  std::atomic<uint64_t> writes{0};         // write system calls made by the consumer
  std::atomic<uint64_t> filemarks{0};
  std::atomic<uint64_t> sinkStalls{0};     // times the sink waited for data with the input still open
  std::atomic<uint64_t> sinkStallNs{0};
  std::atomic<uint64_t> sourceStalls{0};   // times the producer waited for a full ring
  std::atomic<uint64_t> sourceStallNs{0};
  std::atomic<uint64_t> deviceNs{0};       // time inside the sink's write calls
  std::atomic<uint64_t> startNs{0};
  std::atomic<uint64_t> endNs{0};
  std::atomic<uint64_t> earlyWarningBlock{0};  // blocks on the medium when early warning came; 0 = none
  std::atomic<bool> earlyWarning{false};
};

class Pipeline {
 public:
  using Emit = std::function<void(Event&&)>;

  Pipeline(PipelineOptions options, Emit emit);
  ~Pipeline();

  // Allocates the ring and starts the native side(s). Returns an errno (ENOMEM) or 0.
  int start();

  // ---- JavaScript producer (main thread, never blocks) ----
  // Copies as much as fits; returns the bytes taken. When short, a Drain event follows once
  // a quarter of the ring is free again.
  size_t push(const uint8_t* data, size_t length);
  // Queues filemarks in order with the data; count 0 is a flush (MTWEOF 0: the drive writes out its
  // buffer). False when the ring has no slot for it (wait for Drain).
  bool filemark(uint32_t count, bool immediate, uint64_t tag);
  // No more data: the consumer drains everything and finishes. False when the ring is full.
  bool end();

  // ---- JavaScript consumer (main thread, never blocks) ----
  // Copies up to maxBytes of whole blocks into out, stopping before a marker. Returns bytes copied;
  // when 0, marker tells what stands at the head (Data = nothing yet: a Readable event follows).
  size_t pull(uint8_t* out, size_t maxBytes, SlotMeta& marker);
  // The marker at the head is consumed (after pull() returned it).
  void consumeMarker();
  // Bytes of whole blocks ready before the next marker, counted up to at least limit.
  size_t readableBytes(size_t limit) const;

  void resume();   // after an early-warning pause
  void abort();    // stop both sides as soon as they can; the medium is left where it is

  const PipelineStats& stats() const { return stats_; }
  const Ring& ring() const { return ring_; }
  const PipelineOptions& options() const { return options_; }
  bool finished() const { return finished_.load(); }

 private:
  void runSinkMedium();
  void runSinkFd();
  void runSourceFd();
  void runSourceMapped();
  bool mappable() const;
  void unmapReleased(bool all);
  void runSourceMedium();
  // Drain gate for native sinks: waits until a run may start (high water, a marker, the end).
  bool waitToDrain(bool& draining);
  void afterConsume();
  void afterProduce(bool marker);
  bool publishEnd();
  void emitError(int err, const std::string& op, const std::string& device, const std::string& detail,
                 bool endOfMedium);
  uint64_t unwrittenBytes() const;
  void fillPosition(Event& e) const;
  void threadDone();

  PipelineOptions options_;
  Emit emit_;
  Ring ring_;
  PipelineStats stats_;
  uint64_t highSlots_ = 1;
  uint64_t lowSlots_ = 0;
  uint64_t drainSlots_ = 1;      // free slots that make a Drain event worth sending
  uint64_t refillSlots_ = 1;     // free slots a waiting native producer asks for
  uint64_t readableSlots_ = 1;   // published slots that make a Readable event worth sending

  std::atomic<bool> stop_{false};
  std::atomic<bool> jsWantsDrain_{false};
  std::atomic<bool> jsWantsData_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> sourceEnded_{false};
  std::mutex pauseMutex_;
  std::condition_variable pauseCv_;
  bool paused_ = false;
  std::atomic<bool> aborted_{false};
  std::atomic<bool> endOfData_{false};
  struct Mapping {
    void* address;
    size_t length;
    uint64_t lastIndex;  // the last ring index that refers into it
  };
  std::deque<Mapping> mappings_;  // source thread only (and the destructor)
  std::atomic<int> threadsRunning_{0};
  std::vector<std::thread> threads_;
};

}  // namespace tapecoord
