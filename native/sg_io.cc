// SG_IO pass-through (Linux sg driver, include/scsi/sg.h): one CDB, one data transfer, the sense
// bytes back. Nothing SCSI-specific happens here: CDBs are built and responses and sense data
// parsed in TypeScript (lib/scsi).
//
// sgio(fd, cdb, direction, bufferOrLength, timeoutMs) -> Promise<{ status, maskedStatus, hostStatus,
//   driverStatus, sense, resid, durationMs, info, data? }>
//   direction 'none' | 'to-device' (a Buffer) | 'from-device' (a length).
#include <scsi/sg.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <climits>
#include <vector>

#include "errors.h"

namespace tapecoord {
namespace {

constexpr size_t kSenseMax = 252;  // SCSI_SENSE_BUFFERSIZE is 96; SPC allows 252

class SgIoCall : public Napi::AsyncWorker {
 public:
  SgIoCall(Napi::Env env, int fd, std::vector<uint8_t> cdb, int direction, std::vector<uint8_t> out, size_t inLength,
           uint32_t timeoutMs)
      : Napi::AsyncWorker(env, "tapecoord:sgio"),
        deferred_(Napi::Promise::Deferred::New(env)),
        fd_(fd),
        cdb_(std::move(cdb)),
        direction_(direction),
        data_(std::move(out)),
        timeoutMs_(timeoutMs) {
    if (direction_ == SG_DXFER_FROM_DEV) data_.resize(inLength);
  }

  Napi::Promise Start() {
    Napi::Promise p = deferred_.Promise();
    Queue();
    return p;
  }

  void Execute() override {
    sg_io_hdr_t hdr = {};
    hdr.interface_id = 'S';
    hdr.dxfer_direction = direction_;
    hdr.cmd_len = static_cast<unsigned char>(cdb_.size());
    hdr.cmdp = cdb_.data();
    hdr.dxfer_len = static_cast<unsigned int>(data_.size());
    hdr.dxferp = data_.empty() ? nullptr : data_.data();
    hdr.mx_sb_len = static_cast<unsigned char>(kSenseMax);
    hdr.sbp = sense_;
    hdr.timeout = timeoutMs_;
    if (::ioctl(fd_, SG_IO, &hdr) < 0) {
      err_ = errno;
      return;
    }
    hdr_ = hdr;
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (err_) {
      deferred_.Reject(deviceError(env, err_, "SG_IO", "fd " + std::to_string(fd_),
                                   "CDB opcode 0x" + hex(cdb_[0]))
                           .Value());
      return;
    }
    Napi::Object r = Napi::Object::New(env);
    r.Set("status", Napi::Number::New(env, hdr_.status));
    r.Set("maskedStatus", Napi::Number::New(env, hdr_.masked_status));
    r.Set("hostStatus", Napi::Number::New(env, hdr_.host_status));
    r.Set("driverStatus", Napi::Number::New(env, hdr_.driver_status));
    r.Set("resid", Napi::Number::New(env, hdr_.resid));
    r.Set("durationMs", Napi::Number::New(env, hdr_.duration));
    r.Set("info", Napi::Number::New(env, hdr_.info));
    r.Set("sense", Napi::Buffer<uint8_t>::Copy(env, sense_, hdr_.sb_len_wr));
    if (direction_ == SG_DXFER_FROM_DEV) {
      // Some targets report a resid larger than the transfer (labs/vtl README, tgt bug 7): clamp.
      long long got = static_cast<long long>(data_.size()) - hdr_.resid;
      if (got < 0) got = 0;
      if (got > static_cast<long long>(data_.size())) got = static_cast<long long>(data_.size());
      r.Set("data", Napi::Buffer<uint8_t>::Copy(env, data_.data(), static_cast<size_t>(got)));
    }
    deferred_.Resolve(r);
  }

 private:
  static std::string hex(uint8_t v) {
    const char* digits = "0123456789abcdef";
    return std::string{digits[v >> 4], digits[v & 15]};
  }

  Napi::Promise::Deferred deferred_;
  int fd_;
  std::vector<uint8_t> cdb_;
  int direction_;
  std::vector<uint8_t> data_;
  uint32_t timeoutMs_;
  uint8_t sense_[kSenseMax] = {};
  sg_io_hdr_t hdr_ = {};
  int err_ = 0;
};

}  // namespace

Napi::Value sgio(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!requireArgs(info, 5, "sgio(fd, cdb, direction, bufferOrLength, timeoutMs)")) return env.Undefined();
  int32_t fd;
  uint32_t timeoutMs;
  std::string direction;
  if (!getInt32(env, info[0], "fd", 0, INT32_MAX, fd)) return env.Undefined();
  if (!info[1].IsBuffer()) {
    Napi::TypeError::New(env, "cdb must be a Buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto cdb = info[1].As<Napi::Buffer<uint8_t>>();
  if (cdb.Length() < 6 || cdb.Length() > 252) {
    Napi::TypeError::New(env, "cdb must be 6 to 252 bytes long").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!getString(env, info[2], "direction", direction)) return env.Undefined();
  // SG_IO's own limit: the sg driver caps a transfer well below this; 16 MiB covers every page.
  constexpr uint32_t kMaxTransfer = 16u << 20;
  std::vector<uint8_t> out;
  uint32_t inLength = 0;
  int dir;
  if (direction == "none") {
    dir = SG_DXFER_NONE;
    if (!info[3].IsUndefined() && !info[3].IsNull() && !(info[3].IsNumber() && info[3].As<Napi::Number>().DoubleValue() == 0)) {
      Napi::TypeError::New(env, "direction 'none' takes no buffer (pass 0 or null)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
  } else if (direction == "to-device") {
    dir = SG_DXFER_TO_DEV;
    if (!info[3].IsBuffer()) {
      Napi::TypeError::New(env, "direction 'to-device' needs a Buffer").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    auto b = info[3].As<Napi::Buffer<uint8_t>>();
    if (b.Length() > kMaxTransfer) {
      Napi::TypeError::New(env, "buffer must not exceed 16 MiB").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    out.assign(b.Data(), b.Data() + b.Length());
  } else if (direction == "from-device") {
    dir = SG_DXFER_FROM_DEV;
    if (!getUint32(env, info[3], "length", 0, kMaxTransfer, inLength)) return env.Undefined();
  } else {
    Napi::TypeError::New(env, "direction must be 'none', 'to-device' or 'from-device'").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!getUint32(env, info[4], "timeoutMs", 1, UINT32_MAX, timeoutMs)) return env.Undefined();
  std::vector<uint8_t> cdbBytes(cdb.Data(), cdb.Data() + cdb.Length());
  return (new SgIoCall(env, fd, std::move(cdbBytes), dir, std::move(out), inLength, timeoutMs))->Start();
}

}  // namespace tapecoord
