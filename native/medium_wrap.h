// The JavaScript face of a Medium: every call runs off the main thread and settles a promise.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "medium.h"

namespace tapecoord {

// Shared by the JavaScript object and any stream that uses the medium. Calls hold `mutex` while
// they run; a stream sets `streaming`, and single calls are refused with EBUSY until it ends.
struct MediumSlot {
  MediumPtr medium;
  std::mutex mutex;
  std::atomic<bool> streaming{false};
  std::string path;
  std::string kind;
};

class MediumWrap : public Napi::ObjectWrap<MediumWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // openMedium(kind, options) -> Promise<Medium>
  static Napi::Value Open(const Napi::CallbackInfo& info);
  // The slot behind a Medium object, or null (with a TypeError thrown) when value is not one.
  static std::shared_ptr<MediumSlot> SlotOf(Napi::Env env, Napi::Value value, const char* name);

  explicit MediumWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Op(const Napi::CallbackInfo& info);
  Napi::Value Status(const Napi::CallbackInfo& info);
  Napi::Value Tell(const Napi::CallbackInfo& info);
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value Sync(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value ModelStats(const Napi::CallbackInfo& info);
  Napi::Value GetKind(const Napi::CallbackInfo& info);
  Napi::Value GetPath(const Napi::CallbackInfo& info);
  Napi::Value GetFd(const Napi::CallbackInfo& info);
  Napi::Value GetStreaming(const Napi::CallbackInfo& info);

  std::shared_ptr<MediumSlot> slot_;
};

}  // namespace tapecoord
