#include "medium_wrap.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <functional>
#include <vector>

#include "addon.h"
#include "errors.h"

namespace tapecoord {
namespace {

// The MTIOCTOP operations a caller may name (linux/mtio.h). MTTELL is tell() (MTIOCPOS).
struct OpName {
  const char* name;
  int code;
};
constexpr OpName kOps[] = {
    {"MTRESET", MTRESET},   {"MTFSF", MTFSF},       {"MTBSF", MTBSF},
    {"MTFSR", MTFSR},       {"MTBSR", MTBSR},       {"MTWEOF", MTWEOF},
    {"MTWEOFI", MTWEOFI},   {"MTREW", MTREW},       {"MTOFFL", MTOFFL},
    {"MTNOP", MTNOP},       {"MTRETEN", MTRETEN},   {"MTBSFM", MTBSFM},
    {"MTFSFM", MTFSFM},     {"MTEOM", MTEOM},       {"MTERASE", MTERASE},
    {"MTSETBLK", MTSETBLK}, {"MTSETDENSITY", MTSETDENSITY}, {"MTSEEK", MTSEEK},
    {"MTSETDRVBUFFER", MTSETDRVBUFFER}, {"MTLOCK", MTLOCK}, {"MTUNLOCK", MTUNLOCK},
    {"MTLOAD", MTLOAD},     {"MTUNLOAD", MTUNLOAD}, {"MTCOMPRESSION", MTCOMPRESSION},
    {"MTSETPART", MTSETPART}, {"MTMKPART", MTMKPART},
};

// One device call on the libuv pool; settles a promise on the main thread.
class MediumCall : public Napi::AsyncWorker {
 public:
  using Work = std::function<int(Medium&)>;  // 0 or -errno
  using Done = std::function<Napi::Value(Napi::Env)>;

  MediumCall(Napi::Env env, std::shared_ptr<MediumSlot> slot, std::string op, Work work, Done done)
      : Napi::AsyncWorker(env, "tapecoord:medium"),
        deferred_(Napi::Promise::Deferred::New(env)),
        slot_(std::move(slot)),
        op_(std::move(op)),
        work_(std::move(work)),
        done_(std::move(done)) {}

  Napi::Promise Start(Napi::Value keepAlive = Napi::Value()) {
    if (!keepAlive.IsEmpty() && keepAlive.IsObject()) keep_ = Napi::Persistent(keepAlive.As<Napi::Object>());
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }

  void Execute() override {
    std::lock_guard<std::mutex> lock(slot_->mutex);
    if (slot_->streaming.load()) rc_ = -EBUSY;
    else if (!slot_->medium) rc_ = -EBADF;
    else rc_ = work_(*slot_->medium);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (rc_ < 0) {
      deferred_.Reject(deviceError(env, -rc_, op_, slot_->path).Value());
      return;
    }
    deferred_.Resolve(done_ ? done_(env) : env.Undefined());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<MediumSlot> slot_;
  std::string op_;
  Work work_;
  Done done_;
  Napi::ObjectReference keep_;
  int rc_ = 0;
};

// Opens a medium on the pool (opening a drive can take a while) and resolves to a Medium object.
class OpenCall : public Napi::AsyncWorker {
 public:
  OpenCall(Napi::Env env, std::string kind, OpenOptions options)
      : Napi::AsyncWorker(env, "tapecoord:open"),
        deferred_(Napi::Promise::Deferred::New(env)),
        kind_(std::move(kind)),
        options_(std::move(options)) {}

  Napi::Promise Start() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }

  void Execute() override {
    if (kind_ == "st") medium_ = openStDevice(options_, err_, message_);
    else if (kind_ == "file") medium_ = openDataFile(options_, err_, message_);
    else medium_ = openSimTape(options_, err_, message_);
  }

  void OnOK() override {
    Napi::Env env = Env();
    std::string device = options_.fd >= 0 ? "fd " + std::to_string(options_.fd) : options_.path;
    if (!medium_) {
      deferred_.Reject(deviceError(env, err_ ? err_ : EIO, "open", device, message_ == "open" ? "" : message_).Value());
      return;
    }
    auto* slot = new std::shared_ptr<MediumSlot>(std::make_shared<MediumSlot>());
    (*slot)->medium = medium_;
    (*slot)->path = device;
    (*slot)->kind = medium_->kind();
    Napi::Object obj = Addon::of(env)->mediumClass.New({Napi::External<std::shared_ptr<MediumSlot>>::New(env, slot)});
    delete slot;
    deferred_.Resolve(obj);
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::string kind_;
  OpenOptions options_;
  MediumPtr medium_;
  int err_ = 0;
  std::string message_;
};

}  // namespace

Napi::Function MediumWrap::Define(Napi::Env env) {
  return DefineClass(env, "Medium",
                     {
                         InstanceMethod<&MediumWrap::Op>("op"),
                         InstanceMethod<&MediumWrap::Status>("status"),
                         InstanceMethod<&MediumWrap::Tell>("tell"),
                         InstanceMethod<&MediumWrap::Write>("write"),
                         InstanceMethod<&MediumWrap::Read>("read"),
                         InstanceMethod<&MediumWrap::Sync>("sync"),
                         InstanceMethod<&MediumWrap::Close>("close"),
                         InstanceMethod<&MediumWrap::ModelStats>("modelStats"),
                         InstanceAccessor<&MediumWrap::GetKind>("kind"),
                         InstanceAccessor<&MediumWrap::GetPath>("path"),
                         InstanceAccessor<&MediumWrap::GetFd>("fd"),
                         InstanceAccessor<&MediumWrap::GetStreaming>("streaming"),
                     });
}

MediumWrap::MediumWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MediumWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    Napi::TypeError::New(info.Env(), "Medium objects come from openMedium()").ThrowAsJavaScriptException();
    return;
  }
  slot_ = *info[0].As<Napi::External<std::shared_ptr<MediumSlot>>>().Data();
}

std::shared_ptr<MediumSlot> MediumWrap::SlotOf(Napi::Env env, Napi::Value value, const char* name) {
  Addon* addon = Addon::of(env);
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(addon->mediumClass.Value())) {
    Napi::TypeError::New(env, std::string(name) + " must be a Medium from openMedium()").ThrowAsJavaScriptException();
    return nullptr;
  }
  MediumWrap* wrap = MediumWrap::Unwrap(value.As<Napi::Object>());
  if (!wrap || !wrap->slot_) {
    Napi::TypeError::New(env, std::string(name) + " is not an open Medium").ThrowAsJavaScriptException();
    return nullptr;
  }
  return wrap->slot_;
}

Napi::Value MediumWrap::Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!requireArgs(info, 2, "openMedium(kind, options)")) return env.Undefined();
  std::string kind;
  if (!getString(env, info[0], "kind", kind)) return env.Undefined();
  if (kind != "st" && kind != "file" && kind != "sim") {
    Napi::TypeError::New(env, "kind must be 'st', 'file' or 'sim'").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!info[1].IsObject()) {
    Napi::TypeError::New(env, "options must be an object").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Object o = info[1].As<Napi::Object>();
  OpenOptions options;
  Napi::Value path = o.Get("path");
  Napi::Value fd = o.Get("fd");
  uint32_t failErrno = 5;
  if (!fd.IsUndefined()) {
    if (kind != "file") {
      Napi::TypeError::New(env, "fd is only for kind 'file'").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    int32_t value;
    if (!getInt32(env, fd, "fd", 0, INT32_MAX, value)) return env.Undefined();
    options.fd = value;
  } else if (!getString(env, path, "path", options.path)) {
    return env.Undefined();
  } else if (options.path.empty()) {
    Napi::TypeError::New(env, "path must not be empty").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const uint64_t kMax = 1ull << 53;
  if (!optBool(o, "readOnly", options.readOnly) || !optBool(o, "create", options.create) ||
      !optBool(o, "truncate", options.truncate) || !optUint32(o, "recordSize", 1, 1u << 30, options.recordSize) ||
      !optUint64(o, "capacity", kMax, options.capacity) || !optUint64(o, "earlyWarning", kMax, options.earlyWarning) ||
      !optBool(o, "writeProtect", options.writeProtect) ||
      !optUint64(o, "rateBytesPerSec", kMax, options.rateBytesPerSec) ||
      !optUint64(o, "backHitchNs", kMax, options.backHitchNs) ||
      !optUint64(o, "driveBufferBytes", kMax, options.driveBufferBytes) ||
      !optUint64(o, "failWriteAt", kMax, options.failWriteAt) || !optUint64(o, "failReadAt", kMax, options.failReadAt) ||
      !optUint32(o, "failErrno", 1, 4095, failErrno) || !optBool(o, "syncOnFilemark", options.syncOnFilemark))
    return env.Undefined();
  options.failErrno = static_cast<int>(failErrno);
  if (options.capacity && options.earlyWarning > options.capacity) {
    Napi::TypeError::New(env, "earlyWarning must not exceed capacity").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return (new OpenCall(env, kind, std::move(options)))->Start();
}

Napi::Value MediumWrap::Op(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  if (!requireArgs(info, 1, "op(name, count?)") || !getString(env, info[0], "name", name)) return env.Undefined();
  int code = -1;
  for (const OpName& op : kOps)
    if (name == op.name) code = op.code;
  if (code < 0) {
    Napi::TypeError::New(env, "unknown tape operation '" + name + "' (MTIOCTOP names such as MTREW, MTFSF, MTWEOF)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uint32_t count = 1;
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    // MTSETDRVBUFFER takes option words up to 0xffffffff (MT_ST_SET_CLN is the top bit); every
    // other op a non-negative int: mt_count is an int, and st spaces backwards on a negative one.
    uint32_t max = code == MTSETDRVBUFFER ? 0xffffffffu : static_cast<uint32_t>(INT32_MAX);
    if (!getUint32(env, info[1], "count", 0, max, count)) return env.Undefined();
  }
  int mtCount = static_cast<int>(count);  // MTSETDRVBUFFER's option word keeps its bits
  return (new MediumCall(env, slot_, name, [code, mtCount](Medium& m) { return m.op(code, mtCount); }, nullptr))
      ->Start();
}

Napi::Value MediumWrap::Status(const Napi::CallbackInfo& info) {
  auto status = std::make_shared<struct mtget>();
  return (new MediumCall(
              info.Env(), slot_, "MTIOCGET", [status](Medium& m) { return m.status(*status); },
              [status](Napi::Env env) -> Napi::Value {
                Napi::Object o = Napi::Object::New(env);
                o.Set("type", Napi::Number::New(env, static_cast<double>(status->mt_type)));
                o.Set("resid", Napi::Number::New(env, static_cast<double>(status->mt_resid)));
                o.Set("dsreg", Napi::Number::New(env, static_cast<double>(static_cast<unsigned long>(status->mt_dsreg) & 0xffffffffUL)));
                o.Set("gstat", Napi::Number::New(env, static_cast<double>(static_cast<unsigned long>(status->mt_gstat) & 0xffffffffUL)));
                o.Set("erreg", Napi::Number::New(env, static_cast<double>(static_cast<unsigned long>(status->mt_erreg) & 0xffffffffUL)));
                o.Set("fileno", Napi::Number::New(env, status->mt_fileno));
                o.Set("blkno", Napi::Number::New(env, status->mt_blkno));
                return o;
              }))
      ->Start();
}

Napi::Value MediumWrap::Tell(const Napi::CallbackInfo& info) {
  auto block = std::make_shared<uint32_t>(0);
  return (new MediumCall(info.Env(), slot_, "MTIOCPOS", [block](Medium& m) { return m.tell(*block); },
                         [block](Napi::Env env) { return Napi::Number::New(env, *block); }))
      ->Start();
}

Napi::Value MediumWrap::Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!requireArgs(info, 1, "write(buffer)")) return env.Undefined();
  if (!info[0].IsBuffer()) {
    Napi::TypeError::New(env, "buffer must be a Buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
  if (buffer.Length() == 0) {
    Napi::TypeError::New(env, "buffer must not be empty (a zero-length write writes nothing on tape)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const uint8_t* data = buffer.Data();
  size_t length = buffer.Length();
  auto written = std::make_shared<ssize_t>(0);
  auto* call = new MediumCall(
      env, slot_, "write",
      [data, length, written](Medium& m) {
        ssize_t n = m.write(data, length);
        if (n < 0) return static_cast<int>(n);
        *written = n;
        return 0;
      },
      [written](Napi::Env env) { return Napi::Number::New(env, static_cast<double>(*written)); });
  return call->Start(buffer);
}

Napi::Value MediumWrap::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t length;
  if (!requireArgs(info, 1, "read(length)") || !getUint32(env, info[0], "length", 1, 1u << 30, length))
    return env.Undefined();
  auto data = std::make_shared<std::vector<uint8_t>>();
  return (new MediumCall(
              env, slot_, "read",
              [data, length](Medium& m) {
                data->resize(length);
                ssize_t n = m.read(data->data(), length);
                if (n < 0) return static_cast<int>(n);
                data->resize(static_cast<size_t>(n));
                return 0;
              },
              [data](Napi::Env env) { return Napi::Buffer<uint8_t>::Copy(env, data->data(), data->size()); }))
      ->Start();
}

Napi::Value MediumWrap::Sync(const Napi::CallbackInfo& info) {
  return (new MediumCall(info.Env(), slot_, "sync", [](Medium& m) { return m.sync(); }, nullptr))->Start();
}

Napi::Value MediumWrap::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (slot_->streaming.load()) {
    Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
    d.Reject(deviceError(env, EBUSY, "close", slot_->path, "a stream is using it").Value());
    return d.Promise();
  }
  auto slot = slot_;
  return (new MediumCall(env, slot_, "close",
                         [slot](Medium& m) {
                           m.close();
                           slot->medium.reset();
                           return 0;
                         },
                         nullptr))
      ->Start();
}

Napi::Value MediumWrap::ModelStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DriveModelStats stats;
  // Only between calls and streams: never waits for a device call on the main thread.
  std::unique_lock<std::mutex> lock(slot_->mutex, std::try_to_lock);
  if (!lock.owns_lock() || slot_->streaming.load() || !slot_->medium || !simTapeModelStats(*slot_->medium, stats))
    return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("busyNs", Napi::Number::New(env, static_cast<double>(stats.busyNs)));
  o.Set("backHitches", Napi::Number::New(env, static_cast<double>(stats.backHitches)));
  o.Set("elapsedNs", Napi::Number::New(env, static_cast<double>(stats.elapsedNs)));
  return o;
}

Napi::Value MediumWrap::GetKind(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), slot_->kind); }
Napi::Value MediumWrap::GetPath(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), slot_->path); }
Napi::Value MediumWrap::GetStreaming(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), slot_->streaming.load());
}
Napi::Value MediumWrap::GetFd(const Napi::CallbackInfo& info) {
  int fd = slot_->medium ? slot_->medium->fd() : -1;
  return Napi::Number::New(info.Env(), fd);
}

}  // namespace tapecoord
