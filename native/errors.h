// Typed errors for JavaScript: a failed device call becomes a DeviceError (lib/native/errors.ts)
// carrying the errno name, the number, the operation and the device; bad arguments become TypeError.
#pragma once

#include <napi.h>

#include <string>

namespace tapecoord {

// "ENOSPC" for ENOSPC, "E123" for an unknown number.
std::string errnoName(int err);

// A DeviceError instance (or a plain Error with the same properties before init()).
Napi::Error deviceError(Napi::Env env, int err, const std::string& op, const std::string& device,
                        const std::string& detail = "");

// Argument validation for every entry point: each throws a TypeError naming the argument and returns
// false; callers return immediately.
bool requireArgs(const Napi::CallbackInfo& info, size_t count, const char* usage);
bool getUint32(Napi::Env env, Napi::Value value, const char* name, uint32_t min, uint32_t max, uint32_t& out);
bool getInt32(Napi::Env env, Napi::Value value, const char* name, int32_t min, int32_t max, int32_t& out);
bool getUint64(Napi::Env env, Napi::Value value, const char* name, uint64_t max, uint64_t& out);
bool getString(Napi::Env env, Napi::Value value, const char* name, std::string& out);
bool getBool(Napi::Env env, Napi::Value value, const char* name, bool& out);
bool getFraction(Napi::Env env, Napi::Value value, const char* name, double& out);
// Optional object properties: absent or undefined leaves out unchanged and succeeds.
bool optUint32(Napi::Object obj, const char* key, uint32_t min, uint32_t max, uint32_t& out);
bool optUint64(Napi::Object obj, const char* key, uint64_t max, uint64_t& out);
bool optBool(Napi::Object obj, const char* key, bool& out);
bool optFraction(Napi::Object obj, const char* key, double& out);

}  // namespace tapecoord
