#include <jcode/auth/device_flow.hpp>
#include <jcode/auth/token_endpoint.hpp>
#include <jcode/log/log.hpp>
#include <jcode/text/json.hpp>
#include <jcode/text/text.hpp>

#include <thread>

namespace jcode::auth {

namespace {

constexpr const char* kDeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

std::optional<int64_t> num(const nlohmann::json& j, const char* k) {
  auto it = j.find(k);
  if (it == j.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

DeviceFlow::DeviceFlow(DeviceFlowContext ctx) : ctx_(std::move(ctx)) {
  if (!ctx_.http) ctx_.http = default_http();
  if (!ctx_.now) ctx_.now = system_now_ms;
  if (!ctx_.sleep) {
    UserIo* io = ctx_.io;
    ctx_.sleep = [io](std::chrono::milliseconds d) {
      auto until = std::chrono::steady_clock::now() + d;
      while (std::chrono::steady_clock::now() < until) {
        if (io != nullptr && io->cancelled()) return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            until - std::chrono::steady_clock::now(), std::chrono::milliseconds(100)));
      }
      return io == nullptr || !io->cancelled();
    };
  }
}

Result<LoginOutcome> DeviceFlow::run(const model::LoginRequest& req) {
  LoginOutcome out;
  if ((req.flags & JCODE_LOGIN_F_PRINT_AUTH_URL) != 0) {
    auto p = print_auth_url((req.flags & JCODE_LOGIN_F_JSON) != 0);
    if (!p) return p.error();
    out.pending = std::move(*p);
    return out;
  }
  auto tokens = (req.flags & JCODE_LOGIN_F_COMPLETE) != 0 ? complete()
                                                          : interactive((req.flags & JCODE_LOGIN_F_NO_BROWSER) != 0,
                                                                        (req.flags & JCODE_LOGIN_F_JSON) != 0);
  if (!tokens) return tokens.error();
  out.token_json = std::move(*tokens);
  return out;
}

Result<DeviceAuthorization> DeviceFlow::request_code() const {
  text::FormFields p{{"client_id", ctx_.client.client_id}};
  if (!ctx_.client.scopes.empty()) p.emplace_back("scope", ctx_.client.scopes);
  auto reply = post_token_request(ctx_.http, ctx_.device_url, model::TokenBody::form, p);
  if (!reply) return reply.error();
  if (!reply->success()) {
    Error e = token_error(*reply, "requesting a " + ctx_.provider + " device code at " + http::display_url(ctx_.device_url));
    if (reply->error == "device_flow_disabled" || reply->error == "unauthorized_client") e.status = JCODE_E_NOT_SUPPORTED;
    return e;
  }
  DeviceAuthorization a;
  a.device_code = text::json_string(reply->json, "device_code");
  a.user_code = text::json_string(reply->json, "user_code");
  a.verification_uri = text::json_string(reply->json, "verification_uri");
  if (a.verification_uri.empty()) a.verification_uri = text::json_string(reply->json, "verification_url");  // Google's spelling
  a.verification_uri_complete = text::json_string(reply->json, "verification_uri_complete");
  if (a.device_code.empty() || a.user_code.empty() || a.verification_uri.empty())
    return Error{JCODE_E_PROTOCOL, "the " + ctx_.provider + " device endpoint answered without device_code, user_code "
                                                            "or verification_uri"};
  log::add_secret(a.device_code);
  int64_t expires_in = num(reply->json, "expires_in").value_or(900);
  a.expires_at_ms = ctx_.now() + std::max<int64_t>(expires_in, 1) * 1000;
  a.interval_s = std::max<int64_t>(num(reply->json, "interval").value_or(5), 1);
  return a;
}

Result<std::string> DeviceFlow::poll(const DeviceAuthorization& a) const {
  int64_t interval_s = a.interval_s > 0 ? a.interval_s : 5;
  int64_t extra_s = 0;  // backoff after transport errors / 5xx
  int64_t last_progress_ms = 0;
  const text::FormFields p{{"client_id", ctx_.client.client_id}, {"device_code", a.device_code}, {"grant_type", kDeviceGrant}};
  const std::string again = "Run `jcode login --provider " + ctx_.provider + "` to start a new one.";
  for (;;) {
    const int64_t wait_ms = (interval_s + extra_s) * 1000;
    if (ctx_.now() >= a.expires_at_ms)
      return Error{JCODE_E_AUTH_EXPIRED, "The " + ctx_.provider + " device code expired before it was approved. " + again};
    if (!ctx_.sleep(std::chrono::milliseconds(wait_ms)))
      return Error{JCODE_E_CANCELLED, "login cancelled while waiting for the device approval"};
    const int64_t now = ctx_.now();
    if (now >= a.expires_at_ms)
      return Error{JCODE_E_AUTH_EXPIRED, "The " + ctx_.provider + " device code expired before it was approved. " + again};
    auto reply = post_token_request(ctx_.http, ctx_.token_url, model::TokenBody::form, p);
    if (!reply || reply->status >= 500 || reply->status == 429) {
      if (!reply && reply.status() == JCODE_E_CANCELLED) return reply.error();
      extra_s = std::min<int64_t>(extra_s == 0 ? interval_s : extra_s * 2, 60);  // RFC 8628 §3.5: back off
      if (ctx_.io != nullptr)
        ctx_.io->notify("The " + ctx_.provider + " server did not answer (" +
                        (reply ? "HTTP " + std::to_string(reply->status) : reply.error().message) +
                        "); retrying in " + std::to_string(interval_s + extra_s) + " s.");
      continue;
    }
    extra_s = 0;
    if (reply->success() && reply->json.is_object() && reply->json.contains("access_token")) {
      if (auto t = text::json_string(reply->json, "access_token"); !t.empty()) log::add_secret(t);
      if (auto t = text::json_string(reply->json, "refresh_token"); !t.empty()) log::add_secret(t);
      return std::move(reply->body);
    }
    const std::string& err = reply->error;
    if (err == "authorization_pending") {
      if (ctx_.io != nullptr && now - last_progress_ms >= 15'000) {
        last_progress_ms = now;
        ctx_.io->notify("Waiting for you to enter the code in the browser… (" +
                        std::to_string((a.expires_at_ms - now) / 1000) + " s left; Ctrl-C to stop)");
      }
      continue;
    }
    if (err == "slow_down") {
      interval_s = reply->interval && *reply->interval > interval_s ? *reply->interval : interval_s + 5;
      continue;
    }
    if (err == "expired_token")
      return Error{JCODE_E_AUTH_EXPIRED, "The " + ctx_.provider + " device code expired before it was approved. " + again};
    if (err == "access_denied")
      return Error{JCODE_E_DENIED, "The " + ctx_.provider + " login was denied in the browser. " + again};
    return token_error(*reply, "the " + ctx_.provider + " device login at " + http::display_url(ctx_.token_url));
  }
}

Result<std::string> DeviceFlow::interactive(bool no_browser, bool json) {
  auto a = request_code();
  if (!a) return a.error();
  if (ctx_.io != nullptr) {
    const std::string& target = a->verification_uri_complete.empty() ? a->verification_uri : a->verification_uri_complete;
    if (json) {
      nlohmann::json fields{{"status", "waiting"},          {"provider", ctx_.provider},
                            {"verification_uri", a->verification_uri}, {"user_code", a->user_code},
                            {"expires_at_ms", a->expires_at_ms},       {"interval", a->interval_s}};
      if (!a->verification_uri_complete.empty()) fields["verification_uri_complete"] = a->verification_uri_complete;
      ctx_.io->print(fields.dump() + "\n");
    } else {
      ctx_.io->notify("To log in to " + ctx_.provider + ", open " + a->verification_uri + " and enter the code: " +
                      a->user_code);
      if (auto qr = ctx_.io->qr_code(target); !qr.empty()) ctx_.io->notify(qr);
    }
    if (ctx_.io->open_browser(target, no_browser)) ctx_.io->notify("(A browser was opened at that page.)");
  }
  return poll(*a);
}

Result<ScriptablePrompt> DeviceFlow::print_auth_url(bool json) {
  if (ctx_.pending == nullptr) return Error{JCODE_E_INTERNAL, "no pending-login store"};
  auto a = request_code();
  if (!a) return a.error();
  nlohmann::json login{{"device_code", a->device_code},
                       {"user_code", a->user_code},
                       {"verification_uri", a->verification_uri},
                       {"interval", a->interval_s}};
  if (!a->verification_uri_complete.empty()) login["verification_uri_complete"] = a->verification_uri_complete;
  auto rec = ctx_.pending->put(ctx_.provider, std::move(login), a->expires_at_ms - ctx_.now());
  if (!rec) return rec.error();
  ScriptablePrompt prompt;
  prompt.provider = ctx_.provider;
  prompt.auth_url = a->verification_uri_complete.empty() ? a->verification_uri : a->verification_uri_complete;
  prompt.input_kind = "complete";
  prompt.pending_path = ctx_.pending->path_for(ctx_.provider).string();
  prompt.user_code = a->user_code;
  prompt.expires_at_ms = rec->expires_at_ms;
  prompt.resume_command = "jcode login --provider " + ctx_.provider + " --complete";
  if (ctx_.io != nullptr) {
    if (json) {
      ctx_.io->print(prompt.to_json().dump());
    } else {
      ctx_.io->print(prompt.auth_url);
      ctx_.io->notify("Open the URL above and enter the code " + a->user_code + ". Then run:\n  " + prompt.resume_command);
    }
  }
  return prompt;
}

Result<std::string> DeviceFlow::complete() {
  if (ctx_.pending == nullptr) return Error{JCODE_E_INTERNAL, "no pending-login store"};
  auto rec = ctx_.pending->get(ctx_.provider);
  if (!rec) return rec.error();
  DeviceAuthorization a;
  a.device_code = text::json_string(rec->login, "device_code");
  a.user_code = text::json_string(rec->login, "user_code");
  a.verification_uri = text::json_string(rec->login, "verification_uri");
  a.interval_s = num(rec->login, "interval").value_or(5);
  a.expires_at_ms = rec->expires_at_ms;
  if (a.device_code.empty())
    return Error{JCODE_E_PROTOCOL, "Pending " + ctx_.provider + " login state is not a device login. Run `jcode login "
                                                                "--provider " + ctx_.provider + " --print-auth-url` again."};
  if (ctx_.io != nullptr)
    ctx_.io->notify("Waiting for the code " + a.user_code + " to be entered at " + a.verification_uri + " …");
  auto tokens = poll(a);
  // Cancelled or unreachable: keep the state so --complete can be run again; otherwise the
  // device code is spent either way.
  if (tokens || (tokens.status() != JCODE_E_CANCELLED && tokens.status() != JCODE_E_NETWORK &&
                 tokens.status() != JCODE_E_TIMEOUT))
    (void)ctx_.pending->erase(ctx_.provider);
  return tokens;
}

}  // namespace jcode::auth
