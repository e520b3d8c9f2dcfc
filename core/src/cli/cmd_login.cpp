// jcode login / jcode logout: the generic parts. The provider's own flow comes from its
// plugin's declarations (OAuth client, device client, API key, custom run()).
#include "../app/provider_auth.hpp"
#include "../app/services.hpp"
#include "commands.hpp"

#include <jcode/auth/device_flow.hpp>
#include <jcode/auth/discovery.hpp>
#include <jcode/auth/io.hpp>
#include <jcode/auth/pending.hpp>
#include <jcode/cli/exit_codes.hpp>
#include <jcode/log/log.hpp>
#include <jcode/ui/browser.hpp>
#include <jcode/ui/terminal.hpp>

#include <nlohmann/json.hpp>

#include <csignal>
#include <iostream>
#include <unistd.h>

namespace jcode::cli {
namespace {

void on_sigint(int) {
  auth::request_cancel();
  ui::request_interrupt();  // a prompt waiting for input stops too
}

// Ctrl-C during a login asks the engine to stop at a safe point instead of killing the
// process mid-write.
struct CancelOnSigint {
  struct sigaction old{};
  CancelOnSigint() {
    struct sigaction sa{};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
  }
  ~CancelOnSigint() { sigaction(SIGINT, &old, nullptr); }
};

// "-" means: read the value from stdin (so it never appears in argv or shell history).
Result<std::string> value_or_stdin(const std::string& value, std::string_view flag) {
  if (value != "-") return value;
  std::string line;
  if (!std::getline(std::cin, line))
    return Error{JCODE_E_INVALID_ARG, std::string(flag) + " -: nothing could be read from stdin"};
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ')) line.pop_back();
  return line;
}

// The value of a flag that finishes a login; empty (or only whitespace) is a usage error, never
// a reason to start a new login.
Result<std::string> finishing_value(const std::string& value, std::string_view flag, std::string_view what) {
  auto v = value_or_stdin(value, flag);
  if (!v) return v.error();
  if (v->find_first_not_of(" \t\r\n") == std::string::npos)
    return Error{JCODE_E_INVALID_ARG, std::string(flag) + " is empty; pass " + std::string(what) + " (or - to read it from stdin)"};
  return v;
}

Result<std::string> choose_provider(app::Context& ctx, plugins::Registry& reg, const LoginOptions& opt) {
  if (!opt.provider.empty() && !ctx.global().provider.empty() && opt.provider != ctx.global().provider)
    return Error{JCODE_E_INVALID_ARG, "two providers were named (" + opt.provider + " and --provider " +
                                          ctx.global().provider + "); name one"};
  if (!opt.provider.empty()) return opt.provider;
  if (!ctx.global().provider.empty()) return ctx.global().provider;
  std::vector<std::string> ids;
  for (const auto& p : reg.plugins())
    if (p->info().login) ids.push_back(p->id());
  if (ids.empty()) return Error{JCODE_E_NOT_FOUND, "no installed provider plugin offers a login (see `jcode plugins list`)"};
  auto c = ui::default_console();
  if (!c.interactive) {
    std::string choices;
    for (const auto& i : ids) choices += (choices.empty() ? "" : "|") + i;
    return Error{JCODE_E_INVALID_ARG, "name the provider: jcode login --provider <" + choices + ">"};
  }
  return ui::prompt_choice(c, "Log in to which provider?", ids);
}

void print_done(app::Context& ctx, const plugins::PluginInfo& info, const model::SourceDecl& target,
                const std::string& path, const model::Credential& cred) {
  if (ctx.global().json) {
    nlohmann::json j{{"status", "logged_in"}, {"provider", info.id}, {"source", target.id}, {"path", path}};
    j["email"] = cred.email.empty() ? nlohmann::json() : nlohmann::json(cred.email);
    j["expires_at_ms"] = cred.expires_at_ms ? nlohmann::json(cred.expires_at_ms) : nlohmann::json();
    std::cout << j.dump() << "\n";
    return;
  }
  std::cerr << "Logged in to " << info.display_name;
  if (!cred.email.empty()) std::cerr << " as " << cred.email;
  std::cerr << ". Saved to " << path << "\n";
}

}  // namespace

const char* api_key_input_problem(std::string_view key) {
  for (unsigned char ch : key) {
    if (ch == ' ') return "a space";
    if (ch < 0x20 || ch == 0x7f) return "a control character";
  }
  return nullptr;
}

int cmd_login(app::Context& ctx, const LoginOptions& opt) {
  auto reg = ctx.registry();
  if (!reg) return fail(reg.error());
  auto id = choose_provider(ctx, **reg, opt);
  if (!id) return fail(id.error());
  auto plugin = (*reg)->instance(*id);
  if (!plugin) return fail(plugin.error());
  const plugins::PluginInfo& info = (*plugin)->info();
  if (!info.login) return fail(Error{JCODE_E_NOT_SUPPORTED, info.display_name + " has no login flow"});

  // The finishing flags resume a login; they never start a new one.
  if (opt.callback_url && opt.auth_code)
    return fail(Error{JCODE_E_INVALID_ARG, "--callback-url and --auth-code both finish a login; give one of them"});
  if ((opt.callback_url || opt.auth_code) && opt.print_auth_url)
    return fail(Error{JCODE_E_INVALID_ARG, "--print-auth-url starts a login and --callback-url/--auth-code finish "
                                               "one; run them as two commands"});

  model::LoginRequest req;
  if (opt.no_browser) req.flags |= JCODE_LOGIN_F_NO_BROWSER;
  if (opt.print_auth_url) req.flags |= JCODE_LOGIN_F_PRINT_AUTH_URL;
  if (opt.complete) req.flags |= JCODE_LOGIN_F_COMPLETE;
  if (ctx.global().json) req.flags |= JCODE_LOGIN_F_JSON;
  if (!ui::interactive()) req.flags |= JCODE_LOGIN_F_NONINTERACTIVE;
  if (opt.callback_url) {
    auto v = finishing_value(*opt.callback_url, "--callback-url", "the URL the browser was redirected to");
    if (!v) return fail(v.error());
    req.callback_url = *v;
    log::add_secret(req.callback_url);
  }
  if (opt.auth_code) {
    auto v = finishing_value(*opt.auth_code, "--auth-code", "the code the provider's page showed");
    if (!v) return fail(v.error());
    req.auth_code = *v;
    log::add_secret(req.auth_code);
  }
  // --api-key-stdin is the host's flag for an API-key login, and is passed on to a custom
  // login that declares an option of that name (a choice of key or other methods).
  auto plugin_options = opt.plugin_options;
  if (opt.api_key_stdin) {
    bool declared = false;
    for (const auto& o : info.login->options) declared = declared || o.name == "api-key-stdin";
    if (declared)
      plugin_options["api-key-stdin"] = "1";
    else if (info.login->method != plugins::LoginMethod::api_key)
      return fail(Error{JCODE_E_INVALID_ARG, "--api-key-stdin: " + info.display_name +
                                                 " does not log in with an API key; run `jcode login --provider " +
                                                 info.id + "` without it"});
  }
  for (const auto& [name, value] : plugin_options) {
    const plugins::OptionDecl* decl = nullptr;
    for (const auto& o : info.login->options)
      if (o.name == name) decl = &o;
    if (!decl)
      return fail(Error{JCODE_E_INVALID_ARG, "--" + name + " is not an option of `jcode login --provider " + info.id + "`"});
    if (!decl->is_secret()) {
      req.options[name] = value;
      continue;
    }
    // A secret never reaches argv: the flag (or the value "-") means "read it from stdin", and
    // the host reads it, so no plugin touches the terminal or stdin itself.
    if (!decl->is_flag() && value != "-")
      return fail(Error{JCODE_E_INVALID_ARG, "--" + name + " takes its value from stdin only: pass --" + name +
                                                     " - and pipe the value in, so it stays out of argv and shell history"});
    auto secret = value_or_stdin("-", "--" + name);
    if (!secret) return fail(secret.error());
    log::add_secret(*secret);
    req.options[name] = *secret;
  }
  ctx.services().set_no_browser(opt.no_browser);
  // Nobody to paste a code and no browser to complete a loopback redirect: waiting would only
  // time out. Do what a script needs instead — the scriptable first half (URL + pending state).
  bool resuming = opt.callback_url || opt.auth_code || opt.complete || opt.print_auth_url;
  // (A device flow needs neither: it shows a code to enter on any device and polls.)
  // A custom login that declares an OAuth client runs the host's OAuth engine from run().
  bool redirect_flow = info.login->method == plugins::LoginMethod::oauth_pkce ||
                       (info.login->method == plugins::LoginMethod::custom && info.login->oauth);
  if (redirect_flow && !resuming && !ui::interactive()) {
    ui::BrowserOptions bo;
    bo.no_browser = opt.no_browser;
    if (auto why = ui::BrowserOpener(bo).suppressed()) {
      req.flags |= JCODE_LOGIN_F_PRINT_AUTH_URL;
      std::cerr << "jcode: no terminal and no browser (" << *why
                << "): printing the login URL instead; finish with the command shown below.\n";
    }
  }
  CancelOnSigint cancel_guard;

  app::ProviderAuth pa(ctx, **plugin);
  auto target = pa.login_target();
  if (!target) return fail(target.error());
  auto path = pa.store().path_of(*target);
  std::string path_text = path ? path->string() : target->location;
  // Before the browser or a code exchange: a corrupt file or an unusable directory would
  // otherwise be found only after the provider's one-time code was spent.
  if (auto st = pa.check_saveable(*target); !st) return fail(st.error());

  std::optional<model::Credential> cred;
  switch (info.login->method) {
    case plugins::LoginMethod::oauth_pkce:
    case plugins::LoginMethod::device: {
      bool device = info.login->method == plugins::LoginMethod::device;
      if ((device && !info.login->device) || (!device && !info.login->oauth))
        return fail(Error{JCODE_E_PROTOCOL, info.id + " declares its login method without the client data"});
      auto outcome = device ? pa.device_login(*info.login->device, req) : pa.oauth_login(*info.login->oauth, req);
      if (!outcome) return fail(outcome.error());
      if (outcome->pending) {  // the flow printed the URL and how to resume
        if (!opt.require_complete) return exit_ok;
        return fail(Error{JCODE_E_NONINTERACTIVE, "the " + info.display_name + " login was not completed here (no "
                                                          "terminal and no browser); finish it as shown above, then retry"});
      }
      auto mapped = pa.map_tokens(outcome->token_json, nullptr);
      if (!mapped) return fail(mapped.error());
      cred = *mapped;
      break;
    }
    case plugins::LoginMethod::api_key: {
      // Say what is already there before asking: the user may not need to paste anything, and
      // a key in the environment keeps winning over the file this login writes.
      if (auto d = pa.discover(false, false, /*probe_only=*/true); d && d->found) {
        const auto& f = *d->found;
        std::cerr << "jcode: a " << info.display_name << " API key is already configured (" << f.source.label
                  << ", " << f.where << ").";
        if (f.source.kind == model::SourceKind::env_var)
          std::cerr << " It takes precedence over " << path_text << ": unset " << f.source.location
                    << " to use the key you enter now.";
        else
          std::cerr << " The key you enter now is saved to " << path_text << " and used from then on.";
        std::cerr << "\n";
      }
      std::string key;
      auto c = ui::default_console();
      if (c.interactive && !opt.api_key_stdin) {
        auto k = ui::prompt_secret(c, info.display_name + " API key");
        if (!k) return fail(k.error());
        key = *k;
      } else {
        auto k = value_or_stdin("-", "the API key on stdin");
        if (!k) return fail(k.error());
        key = *k;
      }
      if (key.empty()) return fail(Error{JCODE_E_INVALID_ARG, "an empty API key was given; nothing was saved"});
      // A key never holds spaces or control characters: such input is a paste accident (two
      // keys, a terminal escape) and would only fail later with a confusing 401.
      if (const char* why = api_key_input_problem(key))
        return fail(Error{JCODE_E_INVALID_ARG, "the " + info.display_name + " API key contains " + std::string(why) +
                                                   "; paste the key alone. Nothing was saved"});
      log::add_secret(key);
      model::Credential k;
      k.kind = model::CredentialKind::api_key;
      k.access_token = key;
      cred = k;
      break;
    }
    case plugins::LoginMethod::custom: {
      auto r = (*plugin)->call_login_run(req);
      if (!r && ctx.services().login_deferred()) {  // run() printed the URL and how to resume
        if (!opt.require_complete) return exit_ok;
        return fail(Error{JCODE_E_NONINTERACTIVE, "the " + info.display_name + " login was not completed here (no "
                                                          "terminal and no browser); finish it as shown above, then retry"});
      }
      if (!r) return fail(r.error());
      if (!*r) {
        if (!ctx.global().json) std::cerr << "Logged in to " << info.display_name << ".\n";
        else std::cout << nlohmann::json{{"status", "logged_in"}, {"provider", info.id}}.dump() << "\n";
        return exit_ok;
      }
      cred = **r;
      break;
    }
  }

  if (info.login->has_after_login) {
    auto enriched = (*plugin)->call_after_login(*cred);
    if (enriched) cred = *enriched;
  }
  auto st = pa.save(*target, *cred);
  if (!st) return fail(st.error());
  print_done(ctx, info, *target, path_text, *cred);
  return exit_ok;
}

int cmd_logout(app::Context& ctx, const LogoutOptions& opt) {
  std::string id = !opt.provider.empty() ? opt.provider : ctx.global().provider;
  if (id.empty()) return fail(Error{JCODE_E_INVALID_ARG, "name the provider: jcode logout --provider <id>"});
  auto reg = ctx.registry();
  if (!reg) return fail(reg.error());
  auto plugin = (*reg)->instance(id);
  if (!plugin) return fail(plugin.error());
  const auto& info = (*plugin)->info();
  app::ProviderAuth pa(ctx, **plugin);
  // Revocation (RFC 7009) where the provider declares an endpoint for it.
  std::string revoke_url;
  std::optional<model::OAuthClient> client;
  if (info.login && info.login->oauth) {
    client = pa.effective_client(*info.login->oauth);
    if (!client->revoke_endpoint.empty()) {
      auto u = pa.oauth_urls(*client);
      if (u) revoke_url = u->revoke;
    }
  }
  bool removed = false, revoked = false;
  std::string revoke_error;
  for (const auto& s : info.sources) {
    if (s.kind != model::SourceKind::jcode_file && s.kind != model::SourceKind::app_env_file) continue;
    auto current = pa.load(s);
    if (!current) return fail(current.error());
    // Only OAuth tokens are revoked: an API key must never be sent to an OAuth endpoint.
    bool oauth = *current && (*current)->kind == model::CredentialKind::oauth;
    auto r = auth::logout(s, *current, oauth ? revoke_url : std::string(), client ? &*client : nullptr, ctx.services().auth_http(),
                          [&pa, &s]() { return pa.remove(s); });
    if (!r) return fail(r.error());
    removed = removed || r->removed;
    revoked = revoked || r->revoked;
    if (!r->revoke_error.empty()) revoke_error = r->revoke_error;
  }
  if (ctx.global().json) {
    nlohmann::json j{{"status", removed ? "logged_out" : "not_logged_in"}, {"provider", id}, {"revoked", revoked}};
    if (!revoke_error.empty()) j["revoke_error"] = revoke_error;
    std::cout << j.dump() << "\n";
  } else if (removed) {
    std::cerr << "Removed jcode's " << info.display_name << " credentials"
              << (revoked ? " and revoked them at the provider" : "") << ". Other tools' files were not touched.\n";
    if (!revoke_error.empty()) std::cerr << "jcode: warning: revocation failed: " << revoke_error << "\n";
  } else {
    std::cerr << "jcode holds no " << info.display_name << " credentials.\n";
  }
  return exit_ok;
}

}  // namespace jcode::cli
