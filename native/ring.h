// The ring: N fixed-size slots owned by native code, one producer and one consumer.
//
// A slot holds one tape block (its length may be short: the last block of a file) or a marker
// (a filemark request, or the end of the stream) that travels in order with the data. Memory is
// allocated once, page-aligned (direct I/O and SG_IO friendly); nothing is allocated per block.
// Indexes are monotonic 64-bit counters: fill = head - tail. Waiting uses condition variables,
// and a side only takes the mutex to wake the other when the other has said it is waiting, so
// the steady state costs a few atomic operations per batch of blocks and no system call.
//
// Cache: when the consumer keeps up, the ring is empty each time the producer comes back, and the
// producer then starts again at the first slot (base_ = head). The data a fast sink sees stays in
// the CPU cache instead of streaming through hundreds of MiB of ring; a slow sink still gets the
// whole ring.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace tapecoord {

enum class SlotKind : uint8_t { Data, Filemark, End };

struct SlotMeta {
  uint32_t length = 0;   // Data: bytes in the slot
  // Data: where the bytes are when they are not in the slot's own memory (a block of a mapped input
  // file, written to the sink straight from the page cache). Null: in the slot.
  const uint8_t* external = nullptr;
  SlotKind kind = SlotKind::Data;
  bool immediate = false;  // Filemark: MTWEOFI instead of MTWEOF
  uint32_t count = 0;      // Filemark: how many
  uint64_t tag = 0;        // Filemark: the caller's tag, echoed in the event
};

class Ring {
 public:
  Ring() = default;
  ~Ring();
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // Returns false when the memory cannot be had. Called once, before either side touches the ring.
  bool allocate(uint32_t slotSize, uint32_t slotCount);
  bool allocated() const { return memory_ != nullptr; }

  uint32_t slotSize() const { return slotSize_; }
  uint32_t slotCount() const { return slotCount_; }
  uint64_t fill() const { return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire); }
  uint64_t free() const { return slotCount_ - fill(); }
  uint64_t pendingMarkers() const { return markers_.load(std::memory_order_acquire); }
  uint32_t partialBytes() const { return partial_; }

  // ---- producer side ----
  // A contiguous writable span starting at the unpublished part of the head slot and running over
  // as many free slots as lie before the wrap, at most maxBytes. room = 0 when the ring is full.
  uint8_t* writable(size_t maxBytes, size_t& room);
  // n bytes were written into the span: every slot that is now full is published.
  void produced(size_t n);
  // Publish the partly filled head slot as a short block (end of a file or of the stream).
  void publishPartial();
  // Publish `count` Data slots that refer to blocks elsewhere (blocks[i], lengths[i]), no copy.
  // The caller has checked free() >= count and that no partial slot is pending.
  void publishExternal(const uint8_t* const* blocks, const uint32_t* lengths, uint32_t count);
  // Slots a marker needs now (the partial slot, if any, plus the marker's own).
  uint32_t slotsForMarker() const { return partial_ ? 2 : 1; }
  // Publish a marker after any partial slot. The caller has checked free() >= slotsForMarker().
  void publishMarker(const SlotMeta& marker);
  // Block until `slots` slots are free or stop is set; counts as a producer stall when it waits.
  // Returns false when stopped. The consumer wakes the producer only once that many are free, so
  // a producer that asks for a batch is woken once per batch, not once per block.
  bool waitForSpace(uint64_t slots, const std::atomic<bool>& stop, uint64_t& waitedNs);
  // What a native producer asks for when the ring is full: an eighth of it, at most 1024 slots.
  uint64_t refillSlots() const {
    uint64_t n = slotCount_ / 8;
    return n < 1 ? 1 : n > 1024 ? 1024 : n;
  }

  // ---- consumer side ----
  const SlotMeta& meta(uint64_t index) const { return meta_[physical(index)]; }
  // The slot's own memory (the producer fills it; a sink may pad a short block in it).
  uint8_t* data(uint64_t index) { return memory_ + physical(index) * static_cast<size_t>(slotSize_); }
  // Where a published Data slot's bytes are: its own memory or the external block it refers to.
  const uint8_t* bytes(uint64_t index) {
    const SlotMeta& m = meta(index);
    return m.external ? m.external : data(index);
  }
  uint64_t tail() const { return tail_.load(std::memory_order_relaxed); }
  uint64_t head() const { return head_.load(std::memory_order_acquire); }
  // Hand `slots` slots back to the producer.
  void release(uint64_t slots);
  // Block until ready() is true or stop is set. Returns false when stopped.
  template <typename Ready>
  bool waitForData(Ready ready, const std::atomic<bool>& stop) {
    if (ready()) return true;
    std::unique_lock<std::mutex> lock(mutex_);
    consumerWaiting_.store(true);
    dataCv_.wait(lock, [&] { return stop.load() || ready(); });
    consumerWaiting_.store(false);
    return !stop.load();
  }

  // Wake both sides (used when stopping).
  void wakeAll();

 private:
  // Only the producer moves base_, and only while the ring is empty; the consumer reads it after it
  // has acquired a head that covers the slot, so it always sees the base the slot was written with.
  uint64_t physical(uint64_t index) const {
    return (index - base_.load(std::memory_order_relaxed)) % slotCount_;
  }
  // Make slots [head_, head_ + count) visible to the consumer, waking it if it waits.
  void publishTo(uint64_t head);

  uint8_t* memory_ = nullptr;
  SlotMeta* meta_ = nullptr;
  uint32_t slotSize_ = 0;
  uint32_t slotCount_ = 0;
  uint32_t partial_ = 0;  // producer-owned: bytes already in the head slot

  std::atomic<uint64_t> head_{0};
  std::atomic<uint64_t> tail_{0};
  std::atomic<uint64_t> base_{0};
  std::atomic<uint64_t> markers_{0};  // published and not yet released
  std::mutex mutex_;
  std::condition_variable dataCv_;
  std::condition_variable spaceCv_;
  std::atomic<bool> consumerWaiting_{false};
  std::atomic<bool> producerWaiting_{false};
  std::atomic<uint64_t> producerWants_{1};
};

uint64_t monotonicNs();

}  // namespace tapecoord
