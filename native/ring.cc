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
  uint64_t freeSlots = slotCount_ - (head - tail_.load(std::memory_order_acquire));
  uint64_t beforeWrap = slotCount_ - head % slotCount_;
  uint64_t slots = freeSlots < beforeWrap ? freeSlots : beforeWrap;
  size_t span = static_cast<size_t>(slots) * slotSize_;
  span = span > partial_ ? span - partial_ : 0;
  room = span < maxBytes ? span : maxBytes;
  return data(head) + partial_;
}

void Ring::publish(uint32_t length) {
  uint64_t head = head_.load(std::memory_order_relaxed);
  SlotMeta& m = meta_[head % slotCount_];
  m.length = length;
  m.kind = SlotKind::Data;
  // seq_cst pairs with the consumer's store of consumerWaiting_ (see waitForData): one of the two
  // sides always sees the other, so no wake-up is lost.
  head_.store(head + 1, std::memory_order_seq_cst);
  if (consumerWaiting_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lock(mutex_);
    dataCv_.notify_one();
  }
}

void Ring::produced(size_t n) {
  size_t total = partial_ + n;
  while (total >= slotSize_) {
    partial_ = 0;
    publish(slotSize_);
    total -= slotSize_;
  }
  partial_ = static_cast<uint32_t>(total);
}

void Ring::publishPartial() {
  if (partial_ == 0) return;
  uint32_t length = partial_;
  partial_ = 0;
  publish(length);
}

void Ring::publishMarker(const SlotMeta& marker) {
  publishPartial();
  uint64_t head = head_.load(std::memory_order_relaxed);
  meta_[head % slotCount_] = marker;
  markers_.fetch_add(1, std::memory_order_seq_cst);
  head_.store(head + 1, std::memory_order_seq_cst);
  if (consumerWaiting_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lock(mutex_);
    dataCv_.notify_one();
  }
}

bool Ring::waitForSpace(uint64_t slots, const std::atomic<bool>& stop, uint64_t& waitedNs) {
  if (free() >= slots) return !stop.load();
  uint64_t start = monotonicNs();
  std::unique_lock<std::mutex> lock(mutex_);
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
    if (meta_[(tail + i) % slotCount_].kind != SlotKind::Data) ++markers;
  if (markers) markers_.fetch_sub(markers, std::memory_order_seq_cst);
  tail_.store(tail + slots, std::memory_order_seq_cst);
  if (producerWaiting_.load(std::memory_order_seq_cst)) {
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
