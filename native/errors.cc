#include "errors.h"

#include <cmath>
#include <cstring>

#include "addon.h"

namespace tapecoord {

std::string errnoName(int err) {
  const char* name = strerrorname_np(err);  // glibc >= 2.32
  return name ? name : "E" + std::to_string(err);
}

Napi::Error deviceError(Napi::Env env, int err, const std::string& op, const std::string& device,
                        const std::string& detail) {
  const char* desc = strerrordesc_np(err);
  std::string message = device + ": " + op + ": " + (desc ? desc : "unknown error " + std::to_string(err));
  if (!detail.empty()) message += " (" + detail + ")";
  Addon* addon = Addon::of(env);
  if (addon && !addon->deviceError.IsEmpty()) {
    Napi::Object e = addon->deviceError.New({Napi::String::New(env, message), Napi::String::New(env, errnoName(err)),
                                             Napi::Number::New(env, err), Napi::String::New(env, op),
                                             Napi::String::New(env, device)});
    return Napi::Error(env, e);
  }
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, errnoName(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("op", Napi::String::New(env, op));
  e.Set("device", Napi::String::New(env, device));
  return e;
}

static bool fail(Napi::Env env, const std::string& message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return false;
}

bool requireArgs(const Napi::CallbackInfo& info, size_t count, const char* usage) {
  if (info.Length() < count) return fail(info.Env(), std::string("expected ") + usage);
  return true;
}

static bool getInteger(Napi::Env env, Napi::Value value, const char* name, double min, double max, double& out) {
  if (!value.IsNumber()) return fail(env, std::string(name) + " must be a number");
  double d = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d) return fail(env, std::string(name) + " must be an integer");
  if (d < min || d > max)
    return fail(env, std::string(name) + " must be between " + std::to_string((long long)min) + " and " +
                         std::to_string((unsigned long long)max));
  out = d;
  return true;
}

bool getUint32(Napi::Env env, Napi::Value value, const char* name, uint32_t min, uint32_t max, uint32_t& out) {
  double d;
  if (!getInteger(env, value, name, min, max, d)) return false;
  out = static_cast<uint32_t>(d);
  return true;
}

bool getInt32(Napi::Env env, Napi::Value value, const char* name, int32_t min, int32_t max, int32_t& out) {
  double d;
  if (!getInteger(env, value, name, min, max, d)) return false;
  out = static_cast<int32_t>(d);
  return true;
}

bool getUint64(Napi::Env env, Napi::Value value, const char* name, uint64_t max, uint64_t& out) {
  double d;
  // Numbers above 2^53 are not exact in JavaScript; nothing we take needs them.
  if (!getInteger(env, value, name, 0, static_cast<double>(max), d)) return false;
  out = static_cast<uint64_t>(d);
  return true;
}

bool getString(Napi::Env env, Napi::Value value, const char* name, std::string& out) {
  if (!value.IsString()) return fail(env, std::string(name) + " must be a string");
  out = value.As<Napi::String>().Utf8Value();
  if (out.find('\0') != std::string::npos) return fail(env, std::string(name) + " must not contain NUL");
  return true;
}

bool getBool(Napi::Env env, Napi::Value value, const char* name, bool& out) {
  if (!value.IsBoolean()) return fail(env, std::string(name) + " must be a boolean");
  out = value.As<Napi::Boolean>().Value();
  return true;
}

bool getFraction(Napi::Env env, Napi::Value value, const char* name, double& out) {
  if (!value.IsNumber()) return fail(env, std::string(name) + " must be a number");
  double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= 0.0 && d <= 1.0)) return fail(env, std::string(name) + " must be between 0 and 1");
  out = d;
  return true;
}

static bool present(Napi::Object obj, const char* key, Napi::Value& v) {
  v = obj.Get(key);
  return !v.IsUndefined();
}

bool optUint32(Napi::Object obj, const char* key, uint32_t min, uint32_t max, uint32_t& out) {
  Napi::Value v;
  return !present(obj, key, v) || getUint32(obj.Env(), v, key, min, max, out);
}

bool optUint64(Napi::Object obj, const char* key, uint64_t max, uint64_t& out) {
  Napi::Value v;
  return !present(obj, key, v) || getUint64(obj.Env(), v, key, max, out);
}

bool optBool(Napi::Object obj, const char* key, bool& out) {
  Napi::Value v;
  return !present(obj, key, v) || getBool(obj.Env(), v, key, out);
}

bool optFraction(Napi::Object obj, const char* key, double& out) {
  Napi::Value v;
  return !present(obj, key, v) || getFraction(obj.Env(), v, key, out);
}

}  // namespace tapecoord
