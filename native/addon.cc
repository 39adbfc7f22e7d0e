// Module entry: registers the classes and functions, keeps per-addon state (addon.h).
//
//   init({ DeviceError })          hand over the TypeScript error class
//   openMedium(kind, options)      -> Promise<Medium>        (medium_wrap.cc)
//   createPipeline(options, cb)    -> Pipeline               (pipeline_wrap.cc)
//   sgio(fd, cdb, dir, buf, ms)    -> Promise<SgIoResult>    (sg_io.cc)
#include <napi.h>

#include "addon.h"
#include "errors.h"
#include "medium_wrap.h"
#include "pipeline.h"

namespace tapecoord {

Napi::Function definePipeline(Napi::Env env);
Napi::Value sgio(const Napi::CallbackInfo& info);

namespace {

Napi::Value initErrors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!requireArgs(info, 1, "init({ DeviceError })")) return env.Undefined();
  if (!info[0].IsObject() || !info[0].As<Napi::Object>().Get("DeviceError").IsFunction()) {
    Napi::TypeError::New(env, "init() takes { DeviceError: class }").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Addon::of(env)->deviceError = Napi::Persistent(info[0].As<Napi::Object>().Get("DeviceError").As<Napi::Function>());
  return env.Undefined();
}

void finalizeAddon(Napi::Env, Addon* addon) {
  {
    // The environment is going away: stop every stream so its threads end.
    std::lock_guard<std::mutex> lock(addon->liveMutex);
    for (Pipeline* p : addon->live) p->abort();
  }
  delete addon;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* addon = new Addon();
  env.SetInstanceData<Addon, finalizeAddon>(addon);
  Napi::Function medium = MediumWrap::Define(env);
  Napi::Function pipeline = definePipeline(env);
  addon->mediumClass = Napi::Persistent(medium);
  addon->pipelineClass = Napi::Persistent(pipeline);
  exports.Set("init", Napi::Function::New(env, initErrors, "init"));
  exports.Set("openMedium", Napi::Function::New(env, MediumWrap::Open, "openMedium"));
  exports.Set("createPipeline", Napi::Function::New(
                                    env,
                                    [](const Napi::CallbackInfo& info) -> Napi::Value {
                                      std::vector<napi_value> args(info.Length());
                                      for (size_t i = 0; i < info.Length(); ++i) args[i] = info[i];
                                      return Addon::of(info.Env())->pipelineClass.New(args);
                                    },
                                    "createPipeline"));
  exports.Set("sgio", Napi::Function::New(env, sgio, "sgio"));
  exports.Set("Medium", medium);
  return exports;
}

}  // namespace
}  // namespace tapecoord

static Napi::Object InitTapecoord(Napi::Env env, Napi::Object exports) { return tapecoord::Init(env, exports); }
NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitTapecoord)
