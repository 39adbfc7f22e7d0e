// Per-addon state (better-sqlite3's pattern): no globals, so the addon works in worker threads and
// every live stream is stopped when its environment is torn down.
#pragma once

#include <napi.h>

#include <mutex>
#include <set>

namespace tapecoord {

class Pipeline;

struct Addon {
  // The TypeScript DeviceError class, handed over by init(); native code throws instances of it.
  Napi::FunctionReference deviceError;
  Napi::FunctionReference mediumClass;
  Napi::FunctionReference pipelineClass;
  std::mutex liveMutex;
  std::set<Pipeline*> live;

  static Addon* of(Napi::Env env) { return env.GetInstanceData<Addon>(); }
};

}  // namespace tapecoord
