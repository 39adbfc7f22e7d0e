#include "ring.h"

#include <time.h>

#include <cstdlib>
#include <new>

namespace tapecoord {

uint64_t monotonicNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

Ring::~Ring() {
  std::free(memory_);
  delete[] meta_;
}

bool Ring::allocate(uint32_t slotSize, uint32_t slotCount) {
  void* memory = nullptr;
  size_t bytes = static_cast<size_t>(slotSize) * slotCount;
  if (bytes == 0 || posix_memalign(&memory, 4096, bytes) != 0) return false;
  meta_ = new (std::nothrow) SlotMeta[slotCount];
  if (!meta_) {
    std::free(memory);
    return false;
  }
  memory_ = static_cast<uint8_t*>(memory);
  slotSize_ = slotSize;
  slotCount_ = slotCount;
  return true;
}

uint8_t* Ring::writable(size_t maxBytes, size_t& room) {
  uint64_t head = head_.load(std::memory_order_relaxed);
  uint64_t tail = tail_.load(std::memory_order_acquire);
  if (head == tail && partial_ == 0) base_.store(head, std::memory_order_relaxed);  // empty: start over
  uint64_t freeSlots = slotCount_ - (head - tail);
  uint64_t beforeWrap = slotCount_ - physical(head);
  uint64_t slots = freeSlots < beforeWrap ? freeSlots : beforeWrap;
  size_t span = static_cast<size_t>(slots) * slotSize_;
  span = span > partial_ ? span - partial_ : 0;
  room = span < maxBytes ? span : maxBytes;
  return data(head) + partial_;
}

void Ring::publishTo(uint64_t head) {
  // seq_cst pairs with the consumer's store of consumerWaiting_ (see waitForData): one of the two
  // sides always sees the other, so no wake-up is lost.
  head_.store(head, std::memory_order_seq_cst);
  if (consumerWaiting_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lock(mutex_);
    dataCv_.notify_one();
  }
}

void Ring::produced(size_t n) {
  size_t total = partial_ + n;
  uint64_t head = head_.load(std::memory_order_relaxed);
  uint64_t full = total / slotSize_;
  for (uint64_t i = 0; i < full; ++i) {
    SlotMeta& m = meta_[physical(head + i)];
    m.length = slotSize_;
    m.kind = SlotKind::Data;
    m.external = nullptr;
  }
  partial_ = static_cast<uint32_t>(total % slotSize_);
  if (full) publishTo(head + full);  // one publication (and at most one wake-up) per batch
}

void Ring::publishPartial() {
  if (partial_ == 0) return;
  uint64_t head = head_.load(std::memory_order_relaxed);
  SlotMeta& m = meta_[physical(head)];
  m.length = partial_;
  m.kind = SlotKind::Data;
  m.external = nullptr;
  partial_ = 0;
  publishTo(head + 1);
}

void Ring::publishExternal(const uint8_t* const* blocks, const uint32_t* lengths, uint32_t count) {
  uint64_t head = head_.load(std::memory_order_relaxed);
  for (uint32_t i = 0; i < count; ++i) {
    SlotMeta& m = meta_[physical(head + i)];
    m.length = lengths[i];
    m.kind = SlotKind::Data;
    m.external = blocks[i];
  }
  if (count) publishTo(head + count);
}

void Ring::publishMarker(const SlotMeta& marker) {
  publishPartial();
  uint64_t head = head_.load(std::memory_order_relaxed);
  if (head == tail_.load(std::memory_order_acquire)) base_.store(head, std::memory_order_relaxed);
  meta_[physical(head)] = marker;
  markers_.fetch_add(1, std::memory_order_seq_cst);
  publishTo(head + 1);
}

bool Ring::waitForSpace(uint64_t slots, const std::atomic<bool>& stop, uint64_t& waitedNs) {
  if (free() >= slots) return !stop.load();
  uint64_t start = monotonicNs();
  std::unique_lock<std::mutex> lock(mutex_);
  producerWants_.store(slots);
  producerWaiting_.store(true);
  spaceCv_.wait(lock, [&] { return stop.load() || free() >= slots; });
  producerWaiting_.store(false);
  waitedNs += monotonicNs() - start;
  return !stop.load();
}

void Ring::release(uint64_t slots) {
  uint64_t tail = tail_.load(std::memory_order_relaxed);
  uint64_t markers = 0;
  for (uint64_t i = 0; i < slots; ++i)
    if (meta_[physical(tail + i)].kind != SlotKind::Data) ++markers;
  if (markers) markers_.fetch_sub(markers, std::memory_order_seq_cst);
  tail_.store(tail + slots, std::memory_order_seq_cst);
  if (producerWaiting_.load(std::memory_order_seq_cst) && free() >= producerWants_.load(std::memory_order_relaxed)) {
    std::lock_guard<std::mutex> lock(mutex_);
    spaceCv_.notify_one();
  }
}

void Ring::wakeAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  dataCv_.notify_all();
  spaceCv_.notify_all();
}

}  // namespace tapecoord
