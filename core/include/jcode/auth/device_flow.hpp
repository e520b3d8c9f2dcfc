// Device authorization grant (RFC 8628), e.g. GitHub for Copilot: the verification URL, the
// user code and a QR code are shown; the token endpoint is polled every `interval` seconds
// (5 by default); slow_down adds 5 s (or takes the server's new interval) for every later
// poll; authorization_pending continues; expired_token, access_denied and any other error
// stop. Connection failures and 5xx back off (doubling, within the code's lifetime). No
// poll is made after the code expired. Ctrl-C (is_cancelled) stops between polls and leaves
// nothing half-written. Scriptable: --print-auth-url saves the device code as pending state
// (for the server's expires_in) and --complete resumes polling.
#pragma once

#include <jcode/auth/io.hpp>
#include <jcode/auth/oauth_flow.hpp>
#include <jcode/auth/pending.hpp>
#include <jcode/error.hpp>
#include <jcode/model/oauth_client.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace jcode::auth {

struct DeviceAuthorization {
  std::string device_code;
  std::string user_code;
  std::string verification_uri;
  std::string verification_uri_complete;  // optional
  int64_t expires_at_ms = 0;
  int64_t interval_s = 5;
};

struct DeviceFlowContext {
  std::string provider;
  model::DeviceClient client;
  std::string device_url;  // effective URL of client.device_endpoint
  std::string token_url;   // effective URL of client.token_endpoint
  UserIo* io = nullptr;
  HttpFn http;
  PendingStore* pending = nullptr;
  NowMs now = system_now_ms;
  // Waits between polls; returns false when cancelled. Default: sleeps in short slices
  // checking io->cancelled(). Tests inject a fake clock.
  std::function<bool(std::chrono::milliseconds)> sleep;
};

class DeviceFlow {
 public:
  explicit DeviceFlow(DeviceFlowContext ctx);

  // PRINT_AUTH_URL → print_auth_url; COMPLETE → complete; otherwise interactive.
  Result<LoginOutcome> run(const model::LoginRequest& req);

  // Shows the URL, the code and a QR code (json: one JSON object on stdout instead, for a
  // program to show), opens the browser unless no_browser, then polls.
  Result<std::string> interactive(bool no_browser, bool json = false);
  Result<ScriptablePrompt> print_auth_url(bool json);
  Result<std::string> complete();

  Result<DeviceAuthorization> request_code() const;
  // Polls until tokens (the token endpoint's JSON), or a final error.
  Result<std::string> poll(const DeviceAuthorization& auth) const;

 private:
  DeviceFlowContext ctx_;
};

}  // namespace jcode::auth
