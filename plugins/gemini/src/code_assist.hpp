// Gemini Code Assist setup, pure parts: what a loadCodeAssist answer means (a project to use,
// a tier to onboard, or an error that says what to do), the onboardUser body, and reading its
// long-running operation. The calls themselves are in plugin.cpp.
#pragma once

#include <jcode/plugin.h>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace jcode::gemini {

inline constexpr const char* kProjectHint =
    "set GOOGLE_CLOUD_PROJECT (or GOOGLE_CLOUD_PROJECT_ID) to the id of a Google Cloud project with the Gemini for "
    "Google Cloud API enabled, then retry";

// {ideType:"IDE_UNSPECIFIED", platform:"PLATFORM_UNSPECIFIED", pluginType:"GEMINI"}
nlohmann::json client_metadata();

struct Setup {
  enum class Kind { ready, onboard, fail } kind = Kind::fail;
  std::string project;  // ready: the project to send with every request
  std::string tier;     // onboard: the tier to onboard to
  bool send_project = false;  // onboard: the free tier takes no project
  jcode_status status = JCODE_OK;  // fail
  std::string message;             // fail
};

// env_project: GOOGLE_CLOUD_PROJECT / GOOGLE_CLOUD_PROJECT_ID ("" when unset).
Setup decide(const nlohmann::json& load, std::string_view env_project);

// A failed loadCodeAssist/onboardUser call (HTTP status and Google's error text).
Setup http_failure(std::string_view call, int32_t http_status, std::string_view error_text);

// {tierId, metadata, cloudaicompanionProject?}
nlohmann::json onboard_body(const Setup& s, std::string_view env_project);

struct Operation {
  bool done = false;
  std::string name;     // for polling
  std::string project;  // when done
  std::string error;    // when done with an error, or malformed
};
Operation read_operation(const nlohmann::json& op);

}  // namespace jcode::gemini
