// The JavaScript face of a Pipeline (lib/native/stream.ts wraps it in Node streams).
//
// createPipeline(options, onEvent) -> Pipeline
//   options: { slotSize, slotCount, highWater?, lowWater?, fileOffsets?,
//              source: 'js' | { fd, name? } | { medium, files? },
//              sink:   'js' | { fd, name? } | { medium, pauseAtEarlyWarning? } }
//   onEvent({ type: 'drain'|'readable'|'earlyWarning'|'filemark'|'error'|'finish', ... })
// Events come through a thread-safe function; 'finish' is always the last one.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <thread>

#include "addon.h"
#include "errors.h"
#include "medium_wrap.h"
#include "pipeline.h"

namespace tapecoord {
namespace {

// What the event callback needs besides the event: the media to hand back when the stream ends.
struct Claims {
  std::shared_ptr<MediumSlot> source;
  std::shared_ptr<MediumSlot> sink;
  void release() {
    if (source) source->streaming.store(false);
    if (sink) sink->streaming.store(false);
    source.reset();
    sink.reset();
  }
};

const char* eventName(EventType type) {
  switch (type) {
    case EventType::Drain: return "drain";
    case EventType::Readable: return "readable";
    case EventType::EarlyWarning: return "earlyWarning";
    case EventType::Filemark: return "filemark";
    case EventType::Error: return "error";
    case EventType::Finish: return "finish";
  }
  return "unknown";
}

void callJs(Napi::Env env, Napi::Function callback, Claims* claims, Event* event) {
  std::unique_ptr<Event> e(event);
  if (e->type == EventType::Finish && claims) claims->release();
  if (env == nullptr || callback.IsEmpty()) return;  // torn down: the event is only freed
  Napi::Object o = Napi::Object::New(env);
  o.Set("type", eventName(e->type));
  o.Set("blocks", Napi::Number::New(env, static_cast<double>(e->blocks)));
  o.Set("bytes", Napi::Number::New(env, static_cast<double>(e->bytes)));
  o.Set("filemarks", Napi::Number::New(env, static_cast<double>(e->filemarks)));
  o.Set("unwrittenBytes", Napi::Number::New(env, static_cast<double>(e->unwrittenBytes)));
  switch (e->type) {
    case EventType::Filemark:
      o.Set("tag", Napi::Number::New(env, static_cast<double>(e->tag)));
      break;
    case EventType::Error:
      o.Set("error", deviceError(env, e->err, e->op, e->device, e->detail).Value());
      o.Set("endOfMedium", Napi::Boolean::New(env, e->endOfMedium));
      break;
    case EventType::Finish:
      o.Set("aborted", Napi::Boolean::New(env, e->aborted));
      o.Set("endOfData", Napi::Boolean::New(env, e->endOfData));
      break;
    default:
      break;
  }
  callback.Call({o});
}

using EventFn = Napi::TypedThreadSafeFunction<Claims, Event, callJs>;

}  // namespace

class PipelineWrap : public Napi::ObjectWrap<PipelineWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Pipeline",
                       {
                           InstanceMethod<&PipelineWrap::Push>("push"),
                           InstanceMethod<&PipelineWrap::Filemark>("filemark"),
                           InstanceMethod<&PipelineWrap::End>("end"),
                           InstanceMethod<&PipelineWrap::Pull>("pull"),
                           InstanceMethod<&PipelineWrap::ConsumeMarker>("consumeMarker"),
                           InstanceMethod<&PipelineWrap::Resume>("resume"),
                           InstanceMethod<&PipelineWrap::Abort>("abort"),
                           InstanceMethod<&PipelineWrap::Stats>("stats"),
                       });
  }

  explicit PipelineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PipelineWrap>(info) {
    Napi::Env env = info.Env();
    if (!requireArgs(info, 2, "createPipeline(options, onEvent)")) return;
    if (!info[0].IsObject()) {
      Napi::TypeError::New(env, "options must be an object").ThrowAsJavaScriptException();
      return;
    }
    if (!info[1].IsFunction()) {
      Napi::TypeError::New(env, "onEvent must be a function").ThrowAsJavaScriptException();
      return;
    }
    Napi::Object o = info[0].As<Napi::Object>();
    PipelineOptions options;
    Napi::Value slotSize = o.Get("slotSize"), slotCount = o.Get("slotCount");
    if (!getUint32(env, slotSize, "slotSize", 1, 64u << 20, options.slotSize) ||
        !getUint32(env, slotCount, "slotCount", 2, 1u << 24, options.slotCount) ||
        !optFraction(o, "highWater", options.highWater) || !optFraction(o, "lowWater", options.lowWater) ||
        !optBool(o, "fileOffsets", options.fileOffsets) || !optBool(o, "mapInput", options.mapInput))
      return;
    if (static_cast<uint64_t>(options.slotSize) * options.slotCount > (64ull << 30)) {
      Napi::TypeError::New(env, "slotSize x slotCount must not exceed 64 GiB").ThrowAsJavaScriptException();
      return;
    }
    if (options.lowWater >= options.highWater && options.highWater > 0) {
      Napi::TypeError::New(env, "lowWater must be below highWater").ThrowAsJavaScriptException();
      return;
    }
    Claims claims;
    bool valid = endpoint(env, o.Get("source"), "source", true, options, claims) &&
                 endpoint(env, o.Get("sink"), "sink", false, options, claims);
    if (valid && options.source == Endpoint::Js && options.sink == Endpoint::Js) {
      Napi::TypeError::New(env, "source and sink cannot both be 'js'").ThrowAsJavaScriptException();
      valid = false;
    }
    if (!valid || !claimMedia(env, options, claims)) {
      releaseOnFailure(options, claims);
      return;
    }

    auto* held = new Claims(std::move(claims));
    events_ = EventFn::New(env, info[1].As<Napi::Function>(), "tapecoord:pipeline", 0, 1, held,
                           [](Napi::Env, void*, Claims* c) {
                             c->release();
                             delete c;
                           });
    EventFn events = events_;
    pipeline_ = std::make_unique<Pipeline>(std::move(options), [events](Event&& e) mutable {
      bool last = e.type == EventType::Finish;
      events.NonBlockingCall(new Event(std::move(e)));
      if (last) events.Release();
    });
    int rc = pipeline_->start();
    if (rc) {
      events_.Release();
      pipeline_.reset();
      deviceError(env, rc, "stream", "ring", "cannot allocate the ring buffer").ThrowAsJavaScriptException();
      return;
    }
    Addon* addon = Addon::of(env);
    std::lock_guard<std::mutex> lock(addon->liveMutex);
    addon->live.insert(pipeline_.get());
    addon_ = addon;
  }

  ~PipelineWrap() override {
    if (!pipeline_) return;
    if (addon_) {
      std::lock_guard<std::mutex> lock(addon_->liveMutex);
      addon_->live.erase(pipeline_.get());
    }
    pipeline_->abort();
    if (pipeline_->finished()) return;
    // Collected while its threads still run (a device call can take seconds): join them off the
    // main thread.
    std::thread([p = std::move(pipeline_)]() mutable { p.reset(); }).detach();
  }

 private:
  // Claims the media last, so a failed argument leaves them free: a medium with a call in flight
  // or another stream is busy (EBUSY), a closed one is EBADF.
  static bool claimMedia(Napi::Env env, PipelineOptions& options, Claims& claims) {
    std::shared_ptr<MediumSlot> claimed[2];
    int n = 0;
    for (auto* slot : {&claims.source, &claims.sink}) {
      if (!*slot) continue;
      std::unique_lock<std::mutex> lock((*slot)->mutex, std::try_to_lock);
      int err = 0;
      if (!lock.owns_lock() || (*slot)->streaming.load()) err = EBUSY;
      else if (!(*slot)->medium) err = EBADF;
      if (err) {
        for (int i = 0; i < n; ++i) claimed[i]->streaming.store(false);
        deviceError(env, err, "stream", (*slot)->path, err == EBUSY ? "the medium is busy" : "the medium is closed")
            .ThrowAsJavaScriptException();
        return false;
      }
      (*slot)->streaming.store(true);
      claimed[n++] = *slot;
      if (slot == &claims.source) options.sourceMedium = (*slot)->medium;
      else options.sinkMedium = (*slot)->medium;
    }
    return true;
  }

  static void releaseOnFailure(PipelineOptions& options, Claims& claims) {
    if (options.sourceFd >= 0) ::close(options.sourceFd);
    if (options.sinkFd >= 0) ::close(options.sinkFd);
    options.sourceFd = options.sinkFd = -1;
    claims.source.reset();
    claims.sink.reset();
  }

  static bool endpoint(Napi::Env env, Napi::Value v, const char* name, bool isSource, PipelineOptions& options,
                       Claims& claims) {
    Endpoint& kind = isSource ? options.source : options.sink;
    std::string& label = isSource ? options.sourceName : options.sinkName;
    if (v.IsString() && v.As<Napi::String>().Utf8Value() == "js") {
      kind = Endpoint::Js;
      label = "js";
      return true;
    }
    if (!v.IsObject()) {
      Napi::TypeError::New(env, std::string(name) + " must be 'js', { fd } or { medium }").ThrowAsJavaScriptException();
      return false;
    }
    Napi::Object o = v.As<Napi::Object>();
    Napi::Value nameValue = o.Get("name");
    if (!nameValue.IsUndefined() && !getString(env, nameValue, "name", label)) return false;
    if (o.Has("fd")) {
      int32_t fd;
      if (!getInt32(env, o.Get("fd"), "fd", 0, INT32_MAX, fd)) return false;
      int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);  // the stream owns a duplicate; the caller keeps fd
      if (own < 0) {
        deviceError(env, errno, "dup", "fd " + std::to_string(fd)).ThrowAsJavaScriptException();
        return false;
      }
      kind = Endpoint::Fd;
      (isSource ? options.sourceFd : options.sinkFd) = own;
      if (label.empty()) label = "fd " + std::to_string(fd);
      return true;
    }
    if (o.Has("medium")) {
      std::shared_ptr<MediumSlot> slot = MediumWrap::SlotOf(env, o.Get("medium"), "medium");
      if (!slot) return false;
      if (claims.source == slot || claims.sink == slot) {
        Napi::TypeError::New(env, "source and sink must be different media").ThrowAsJavaScriptException();
        return false;
      }
      kind = Endpoint::Medium;
      if (label.empty()) label = slot->path;
      if (isSource) {
        claims.source = slot;
        if (!optUint32(o, "files", 0, UINT32_MAX, options.files)) return false;
      } else {
        claims.sink = slot;
        if (!optBool(o, "pauseAtEarlyWarning", options.pauseAtEarlyWarning)) return false;
      }
      return true;
    }
    Napi::TypeError::New(env, std::string(name) + " must be 'js', { fd } or { medium }").ThrowAsJavaScriptException();
    return false;
  }

  bool requireSide(Napi::Env env, bool source) {
    if (!pipeline_) {
      Napi::Error::New(env, "the pipeline did not start").ThrowAsJavaScriptException();
      return false;
    }
    Endpoint side = source ? pipeline_->options().source : pipeline_->options().sink;
    if (side != Endpoint::Js) {
      Napi::TypeError::New(env, source ? "this pipeline's source is not 'js'" : "this pipeline's sink is not 'js'")
          .ThrowAsJavaScriptException();
      return false;
    }
    return true;
  }

  Napi::Value Push(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!requireArgs(info, 1, "push(buffer)") || !requireSide(env, true)) return env.Undefined();
    if (!info[0].IsBuffer()) {
      Napi::TypeError::New(env, "buffer must be a Buffer").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    auto b = info[0].As<Napi::Buffer<uint8_t>>();
    return Napi::Number::New(env, static_cast<double>(pipeline_->push(b.Data(), b.Length())));
  }

  Napi::Value Filemark(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint32_t count;
    bool immediate;
    uint64_t tag = 0;
    if (!requireArgs(info, 2, "filemark(count, immediate, tag?)") || !requireSide(env, true) ||
        !getUint32(env, info[0], "count", 0, 1u << 20, count) || !getBool(env, info[1], "immediate", immediate))
      return env.Undefined();
    if (info.Length() > 2 && !info[2].IsUndefined() && !getUint64(env, info[2], "tag", 1ull << 53, tag))
      return env.Undefined();
    return Napi::Boolean::New(env, pipeline_->filemark(count, immediate, tag));
  }

  Napi::Value End(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!requireSide(env, true)) return env.Undefined();
    return Napi::Boolean::New(env, pipeline_->end());
  }

  // pull(maxBytes) -> Buffer of whole blocks | 'filemark' | 'end' | null (nothing yet: wait for 'readable')
  Napi::Value Pull(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint32_t maxBytes;
    if (!requireArgs(info, 1, "pull(maxBytes)") || !requireSide(env, false) ||
        !getUint32(env, info[0], "maxBytes", 1, 1u << 30, maxBytes))
      return env.Undefined();
    size_t want = std::max<size_t>(maxBytes, pipeline_->ring().slotSize());
    size_t available = std::min(pipeline_->readableBytes(want), want);
    SlotMeta marker;
    if (available == 0) {
      pipeline_->pull(nullptr, 0, marker);
      if (marker.kind == SlotKind::Filemark) return Napi::String::New(env, "filemark");
      if (marker.kind == SlotKind::End) return Napi::String::New(env, "end");
      return env.Null();
    }
    Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(env, available);
    size_t n = pipeline_->pull(out.Data(), available, marker);
    if (n == 0) return env.Null();  // cannot happen: available bytes are whole blocks
    if (n == available) return out;
    return Napi::Buffer<uint8_t>::Copy(env, out.Data(), n);
  }

  Napi::Value ConsumeMarker(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!requireSide(env, false)) return env.Undefined();
    pipeline_->consumeMarker();
    return env.Undefined();
  }

  Napi::Value Resume(const Napi::CallbackInfo& info) {
    if (pipeline_) pipeline_->resume();
    return info.Env().Undefined();
  }

  Napi::Value Abort(const Napi::CallbackInfo& info) {
    if (pipeline_) pipeline_->abort();
    return info.Env().Undefined();
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    if (!pipeline_) return o;
    const PipelineStats& s = pipeline_->stats();
    const Ring& r = pipeline_->ring();
    auto num = [&](const char* key, uint64_t v) { o.Set(key, Napi::Number::New(env, static_cast<double>(v))); };
    num("bytesIn", s.bytesIn.load());
    num("bytesOut", s.bytesOut.load());
    num("payloadOut", s.payloadOut.load());
    num("blocks", s.blocksOut.load());
    num("blocksIn", s.blocksIn.load());
    num("filemarksIn", s.filemarksIn.load());
    num("writes", s.writes.load());
    num("filemarks", s.filemarks.load());
    num("sinkStalls", s.sinkStalls.load());
    num("sinkStallNs", s.sinkStallNs.load());
    num("sourceStalls", s.sourceStalls.load());
    num("sourceStallNs", s.sourceStallNs.load());
    num("deviceNs", s.deviceNs.load());
    uint64_t start = s.startNs.load(), end = s.endNs.load();
    num("elapsedNs", start == 0 ? 0 : (end ? end : monotonicNs()) - start);
    num("ringSlots", r.slotCount());
    num("slotSize", r.slotSize());
    num("ringFill", r.fill());
    o.Set("earlyWarning", Napi::Boolean::New(env, s.earlyWarning.load()));
    num("earlyWarningBlock", s.earlyWarningBlock.load());
    o.Set("finished", Napi::Boolean::New(env, pipeline_->finished()));
    return o;
  }

  std::unique_ptr<Pipeline> pipeline_;
  EventFn events_;
  Addon* addon_ = nullptr;
};

Napi::Function definePipeline(Napi::Env env) { return PipelineWrap::Define(env); }

}  // namespace tapecoord
