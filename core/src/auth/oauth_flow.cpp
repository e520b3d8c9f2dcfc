#include <jcode/auth/callback.hpp>
#include <jcode/auth/loopback.hpp>
#include <jcode/auth/oauth_flow.hpp>
#include <jcode/auth/pkce.hpp>
#include <jcode/auth/token_endpoint.hpp>
#include <jcode/log/log.hpp>
#include <jcode/text/json.hpp>
#include <jcode/text/text.hpp>

#include "paste_reader.hpp"
#include "rendezvous.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace jcode::auth {

namespace {

std::chrono::milliseconds callback_timeout(const model::OAuthClient& c) {
  return std::chrono::seconds(c.timeout_s == 0 ? 300 : c.timeout_s);
}

// A port for a scriptable loopback redirect nobody will listen on (the user copies the URL
// the browser fails to load): ask the OS for a free one.
uint16_t free_port_hint() {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return 8456;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  uint16_t port = 8456;
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(s);
  return port;
}

std::string shell_quote_placeholder(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

nlohmann::json ScriptablePrompt::to_json() const {
  return nlohmann::json{{"status", "pending"},
                        {"provider", provider},
                        {"auth_url", auth_url},
                        {"input_kind", input_kind},
                        {"pending_path", pending_path},
                        {"user_code", user_code.empty() ? nlohmann::json(nullptr) : nlohmann::json(user_code)},
                        {"expires_at_ms", expires_at_ms},
                        {"resume_command", resume_command}};
}

OAuthFlow::OAuthFlow(OAuthFlowContext ctx) : ctx_(std::move(ctx)) {
  if (!ctx_.http) ctx_.http = default_http();
  if (!ctx_.now) ctx_.now = system_now_ms;
}

std::string OAuthFlow::input_kind() const {
  const uint32_t f = ctx_.client.flags;
  if ((f & JCODE_OAUTH_F_BARE_CODE) != 0)
    return (f & JCODE_OAUTH_F_CODE_HASH_STATE) != 0 ? "auth_code_or_callback_url" : "auth_code";
  return "callback_url";
}

std::string OAuthFlow::resume_command() const {
  std::string base = "jcode login --provider " + ctx_.provider;
  std::string kind = input_kind();
  if (kind == "callback_url") return base + " --callback-url " + shell_quote_placeholder("<callback URL>");
  if (kind == "auth_code") return base + " --auth-code " + shell_quote_placeholder("<code>");
  return base + " --auth-code " + shell_quote_placeholder("<code, code#state or callback URL>");
}

std::string OAuthFlow::authorize_url(std::string_view redirect_uri, std::string_view state,
                                     std::string_view challenge) const {
  const auto& c = ctx_.client;
  text::FormFields p{{"client_id", c.client_id},
                     {"response_type", "code"},
                     {"redirect_uri", std::string(redirect_uri)},
                     {"scope", c.scopes},
                     {"code_challenge", std::string(challenge)},
                     {"code_challenge_method", std::string(Pkce::method)},
                     {"state", std::string(state)}};
  std::string url = ctx_.urls.authorize;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += text::form_encode(p);
  if (!c.extra_authorize_query.empty()) {
    std::string_view extra = c.extra_authorize_query;
    while (!extra.empty() && (extra.front() == '&' || extra.front() == '?')) extra.remove_prefix(1);
    if (!extra.empty()) url += "&" + std::string(extra);
  }
  return url;
}

Result<std::string> OAuthFlow::exchange(std::string_view code, std::string_view verifier,
                                        std::string_view redirect_uri, std::string_view state) const {
  const auto& c = ctx_.client;
  text::FormFields p{{"grant_type", "authorization_code"},
                     {"code", std::string(code)},
                     {"redirect_uri", std::string(redirect_uri)},
                     {"client_id", c.client_id},
                     {"code_verifier", std::string(verifier)}};
  if (!c.client_secret.empty()) p.emplace_back("client_secret", c.client_secret);
  if ((c.flags & JCODE_OAUTH_F_STATE_IN_TOKEN) != 0) p.emplace_back("state", std::string(state));
  log::add_secret(code);
  log::add_secret(verifier);
  auto reply = post_token_request(ctx_.http, ctx_.urls.token, c.token_body, p);
  if (!reply) return reply.error();
  if (reply->json.is_object())
    for (const char* k : {"access_token", "refresh_token", "id_token"})
      if (auto it = reply->json.find(k); it != reply->json.end() && it->is_string()) log::add_secret(it->get<std::string>());
  if (!reply->success())
    return token_error(*reply, "the " + ctx_.provider + " token exchange at " + http::display_url(ctx_.urls.token));
  auto at = reply->json.is_object() ? reply->json.find("access_token") : reply->json.end();
  if (!reply->json.is_object() || at == reply->json.end() || !at->is_string())
    return Error{JCODE_E_PROTOCOL, "the " + ctx_.provider + " token endpoint (" +
                                       http::display_url(ctx_.urls.token) + ") answered without an access_token"};
  return std::move(reply->body);
}

Result<LoginOutcome> OAuthFlow::run(const model::LoginRequest& req) {
  LoginOutcome out;
  if ((req.flags & JCODE_LOGIN_F_PRINT_AUTH_URL) != 0) {
    auto p = print_auth_url((req.flags & JCODE_LOGIN_F_JSON) != 0);
    if (!p) return p.error();
    out.pending = std::move(*p);
    return out;
  }
  if ((req.flags & JCODE_LOGIN_F_COMPLETE) != 0 && req.callback_url.empty() && req.auth_code.empty()) {
    // --complete resumes; it never starts a browser login. A redirect login is finished with
    // what the browser ended on, so say which flag carries it.
    if (ctx_.pending == nullptr) return Error{JCODE_E_INTERNAL, "no pending-login store"};
    auto rec = ctx_.pending->get(ctx_.provider);
    if (!rec) return rec.error();
    return Error{JCODE_E_INVALID_ARG, "--complete finishes device-code logins; finish this " + ctx_.provider +
                                          " login with " + resume_command()};
  }
  Result<std::string> tokens = !req.callback_url.empty() ? complete(req.callback_url, "--callback-url")
                               : !req.auth_code.empty()  ? complete(req.auth_code, "--auth-code")
                                                         : interactive(req);
  if (!tokens) return tokens.error();
  out.token_json = std::move(*tokens);
  return out;
}

Result<std::string> OAuthFlow::scriptable_redirect_uri() const {
  const auto& c = ctx_.client;
  if (!c.manual_redirect_uri.empty()) return c.manual_redirect_uri;
  if (c.redirect_kind == model::RedirectKind::manual)
    return Error{JCODE_E_INVALID_ARG, "the " + ctx_.provider + " plugin declares a manual redirect without its URI"};
  uint16_t port = c.redirect_port != 0 ? static_cast<uint16_t>(c.redirect_port) : free_port_hint();
  return "http://" + c.redirect_host + ":" + std::to_string(port) + c.redirect_path;
}

Result<ScriptablePrompt> OAuthFlow::print_auth_url(bool json) {
  if (ctx_.pending == nullptr) return Error{JCODE_E_INTERNAL, "no pending-login store"};
  auto redirect = scriptable_redirect_uri();
  if (!redirect) return redirect.error();
  Pkce pkce = Pkce::generate();
  std::string state = new_state();
  std::string url = authorize_url(*redirect, state, pkce.challenge);
  nlohmann::json login{{"verifier", pkce.verifier},
                       {"state", state},
                       {"redirect_uri", *redirect},
                       {"input_kind", input_kind()}};
  auto rec = ctx_.pending->put(ctx_.provider, std::move(login), kPendingOAuthTtlMs);
  if (!rec) return rec.error();
  ScriptablePrompt prompt;
  prompt.provider = ctx_.provider;
  prompt.auth_url = url;
  prompt.input_kind = input_kind();
  prompt.pending_path = ctx_.pending->path_for(ctx_.provider).string();
  prompt.expires_at_ms = rec->expires_at_ms;
  prompt.resume_command = resume_command();
  if (ctx_.io != nullptr) {
    if (json) {
      ctx_.io->print(prompt.to_json().dump());
    } else {
      ctx_.io->print(url);
      ctx_.io->notify("Open the URL above in a browser and approve the login. Then finish it with:\n  " +
                      prompt.resume_command + "\n(The pending login expires in 30 minutes.)");
    }
  }
  return prompt;
}

Result<std::string> OAuthFlow::complete(std::string_view input, std::string_view from_flag) {
  if (ctx_.pending == nullptr) return Error{JCODE_E_INTERNAL, "no pending-login store"};
  auto rec = ctx_.pending->get(ctx_.provider);
  if (!rec) return rec.error();
  const auto& login = rec->login;
  auto get = [&](const char* k) { return text::json_string(login, k); };
  std::string kind = get("input_kind");
  if (kind.empty()) kind = input_kind();
  std::string verifier = get("verifier"), state = get("state"), redirect = get("redirect_uri");
  if (verifier.empty() || redirect.empty())
    return Error{JCODE_E_PROTOCOL, "Pending " + ctx_.provider + " login state " +
                                       ctx_.pending->path_for(ctx_.provider).string() +
                                       " is not an OAuth login. Run `jcode login --provider " + ctx_.provider +
                                       " --print-auth-url` again."};
  if (from_flag == "--auth-code" && kind == "callback_url")
    return Error{JCODE_E_INVALID_ARG, ctx_.provider + " needs the full callback URL: pass it with --callback-url"};
  if (from_flag == "--callback-url" && kind == "auth_code")
    return Error{JCODE_E_INVALID_ARG, ctx_.provider + " shows a code to copy: pass it with --auth-code"};
  auto params = parse_callback_input(input);
  if (!params) return Error{params.error().status, std::string(from_flag) + ": " + params.error().message};
  PasteInput allowed = kind == "callback_url" ? PasteInput::callback_url : PasteInput::any;
  if (state.empty() && params->state.empty()) allowed = PasteInput::any;
  if (!params->error.empty() && (state.empty() || params->state.empty() || !constant_time_equal(params->state, state)))
    return Error{JCODE_E_INVALID_ARG, std::string(from_flag) + ": the input reports an error (" + params->error +
                                          ") without this login's state, so it cannot be verified and was ignored; "
                                          "the pending login is kept: finish it with " + resume_command()};
  if (auto st = check_callback(*params, state, allowed); !st) {
    if (!params->error.empty()) (void)ctx_.pending->erase(ctx_.provider);  // verified: this attempt is over
    return Error{st.error().status, std::string(from_flag) + ": " + st.error().message};
  }
  // Single use: the state is gone before the code is redeemed, so a replay cannot redeem it.
  if (auto st = ctx_.pending->erase(ctx_.provider); !st) return st.error();
  return exchange(params->code, verifier, redirect, state);
}

Result<std::string> OAuthFlow::interactive(const model::LoginRequest& req) {
  if (ctx_.io == nullptr) return Error{JCODE_E_INTERNAL, "no terminal for the login"};
  UserIo& io = *ctx_.io;
  const auto& c = ctx_.client;
  const bool no_browser = (req.flags & JCODE_LOGIN_F_NO_BROWSER) != 0;
  const Pkce pkce = Pkce::generate();
  const std::string state = new_state();
  const bool fixed = c.redirect_kind == model::RedirectKind::loopback_fixed;
  // A browser on another machine cannot reach our listener: with --no-browser use the
  // provider's manual page when it has one.
  const bool manual = c.redirect_kind == model::RedirectKind::manual || (no_browser && !c.manual_redirect_uri.empty());

  std::unique_ptr<LoopbackListener> listener;
  std::string redirect_uri;
  if (!manual) {
    LoopbackOptions lo;
    lo.port = fixed ? static_cast<uint16_t>(c.redirect_port) : 0;
    lo.host = c.redirect_host.empty() ? "localhost" : c.redirect_host;
    lo.path = c.redirect_path.empty() ? "/callback" : c.redirect_path;
    lo.expected_state = state;
    auto l = LoopbackListener::start(lo);
    if (l) {
      listener = std::move(*l);
      redirect_uri = listener->redirect_uri();
    } else if (fixed) {
      io.notify(l.error().message + ". Switching to manual paste: after approving, copy the address of the page "
                "the browser ends on (even an error page) and paste it here.");
      redirect_uri = c.manual_redirect_uri.empty()
                         ? "http://" + lo.host + ":" + std::to_string(lo.port) + lo.path
                         : c.manual_redirect_uri;
    } else if (!c.manual_redirect_uri.empty()) {
      // No loopback listener at all: the provider's manual page shows what to paste.
      io.notify(l.error().message + ". Switching to the manual flow: after approving, paste what the page shows.");
      redirect_uri = c.manual_redirect_uri;
    } else {
      return l.error();
    }
  } else {
    if (c.manual_redirect_uri.empty())
      return Error{JCODE_E_INVALID_ARG, "the " + ctx_.provider + " plugin declares a manual redirect without its URI"};
    redirect_uri = c.manual_redirect_uri;
  }
  const int fd = io.paste_fd();
  if (!listener && fd < 0)
    return Error{JCODE_E_NONINTERACTIVE, "the login needs a pasted callback but there is no terminal: run `jcode login --provider " +
                                             ctx_.provider + " --print-auth-url` and complete it with " + resume_command()};

  const std::string url = authorize_url(redirect_uri, state, pkce.challenge);
  const bool opened = io.open_browser(url, no_browser);
  io.notify(opened ? "Opened a browser to log in to " + ctx_.provider + ". If it did not open, visit:"
                   : "Open this URL in a browser to log in to " + ctx_.provider + ":");
  io.notify(url);
  if (!opened)
    if (auto qr = io.qr_code(url); !qr.empty()) io.notify(qr);
  const PasteInput allowed = input_kind() == "callback_url" ? PasteInput::callback_url : PasteInput::any;
  if (fd >= 0) {
    // Offer a bare code only where one is accepted: a provider that wants the full callback
    // URL (its state verified) would refuse it.
    const std::string what = allowed == PasteInput::callback_url ? "the callback URL" : "the callback URL (or code)";
    io.notify(listener ? "Waiting for the browser. Or paste " + what + " here and press Enter:"
                       : "Paste " + what + " here and press Enter:");
  }

  detail::Rendezvous<LoopbackResult> slot;
  auto deliver = [&](Result<LoopbackResult> r) { return listener ? listener->deliver(std::move(r)) : slot.deliver(std::move(r)); };
  detail::PasteReader reader(
      fd,
      [&](const std::string& line) {
        auto p = parse_callback_input(line);
        if (!p) {
          io.notify(p.error().message + ". Try again:");
          return false;
        }
        auto st = check_callback(*p, state, allowed);
        if (!st && p->error.empty()) {
          io.notify(st.error().message + " Try again:");
          return false;
        }
        if (!st) {
          deliver(st.error());
        } else {
          deliver(LoopbackResult{*p, {}});
        }
        return true;
      },
      [&] {
        if (!listener) deliver(Error{JCODE_E_NONINTERACTIVE, "the input closed before a callback was pasted"});
      });
  auto cancelled = [&] { return io.cancelled(); };
  const auto timeout = callback_timeout(c);
  Result<LoopbackResult> got = Error{JCODE_E_TIMEOUT, ""};
  if (listener) {
    got = listener->wait(timeout, cancelled);
  } else if (auto r = slot.wait(timeout, cancelled)) {
    got = std::move(*r);
  }
  reader.stop();
  if (listener) listener->close();
  if (!got) {
    if (got.status() == JCODE_E_TIMEOUT)
      return Error{JCODE_E_TIMEOUT, "no login callback arrived within " + std::to_string(timeout.count() / 1000) +
                                        " s. Run `jcode login --provider " + ctx_.provider +
                                        "` again, or use --print-auth-url on a machine without a browser."};
    return got.error();
  }
  return exchange(got->params.code, pkce.verifier, redirect_uri, state);
}

}  // namespace jcode::auth
