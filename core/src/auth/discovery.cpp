#include <jcode/auth/discovery.hpp>
#include <jcode/auth/refresh.hpp>
#include <jcode/auth/token_endpoint.hpp>
#include <jcode/log/log.hpp>
#include <jcode/text/text.hpp>

#include <sstream>

namespace jcode::auth {

namespace {

std::string_view kind_name(model::CredentialKind k) {
  switch (k) {
    case model::CredentialKind::oauth: return "oauth";
    case model::CredentialKind::api_key: return "api_key";
    case model::CredentialKind::session: return "session";
    case model::CredentialKind::bearer: return "bearer";
  }
  return "oauth";
}

std::string_view source_kind_text(model::SourceKind k) {
  switch (k) {
    case model::SourceKind::jcode_file: return "jcode-managed file";
    case model::SourceKind::app_env_file: return "app config file";
    case model::SourceKind::env_var: return "environment variable";
    case model::SourceKind::external_file: return "trusted external file";
    case model::SourceKind::command: return "local CLI session";
    case model::SourceKind::plugin: return "plugin";
  }
  return "plugin";
}

}  // namespace

std::string_view to_string(SourceState s) {
  switch (s) {
    case SourceState::found: return "found";
    case SourceState::absent: return "absent";
    case SourceState::untrusted: return "untrusted";
    case SourceState::declined: return "declined";
    case SourceState::refused: return "refused";
    case SourceState::malformed: return "malformed";
    case SourceState::skipped: return "skipped";
    case SourceState::failed: return "failed";
  }
  return "failed";
}

Result<DiscoveryResult> discover(const std::vector<model::SourceDecl>& sources, const CredentialStore& store,
                                 const Consent& consent, const DiscoveryCallbacks& cb, const DiscoveryOptions& opt) {
  const paths::Env& env = opt.env != nullptr ? *opt.env : paths::process_env();
  const int64_t now = opt.now ? opt.now() : system_now_ms();
  DiscoveryResult out;
  std::optional<Discovered> first_expired;
  std::optional<Error> corrupt_own;

  auto trace = [&](const model::SourceDecl& s, std::string where, SourceState st, std::string detail = {},
                   std::optional<model::Credential> c = std::nullopt) {
    out.trace.push_back(SourceTrace{s, std::move(where), st, std::move(detail), std::move(c)});
  };
  // Parses content of source s; records the outcome. Returns a credential when one was found.
  auto parse = [&](const model::SourceDecl& s, const std::string& where, std::string_view content,
                   std::string detail = {}) -> std::optional<model::Credential> {
    if (!cb.parse) {
      trace(s, where, SourceState::skipped, "no parser");
      return std::nullopt;
    }
    auto c = cb.parse(s, content);
    if (!c) {
      trace(s, where, SourceState::malformed, c.error().message);
      if (s.kind == model::SourceKind::jcode_file) {
        Error e{JCODE_E_PROTOCOL, where + " could not be read: " + c.error().message +
                                      ". jcode will not overwrite it: repair it, or move it aside and run `jcode "
                                      "login --provider " + opt.consent.provider + "`."};
        out.warnings.push_back(e.message);
        if (!corrupt_own) corrupt_own = e;
      }
      return std::nullopt;
    }
    if (!*c) {
      trace(s, where, SourceState::declined, "holds nothing for " + opt.consent.provider);
      return std::nullopt;
    }
    (*c)->source_id = s.id;
    for (const auto* secret : {&(*c)->access_token, &(*c)->refresh_token, &(*c)->id_token}) log::add_secret(*secret);
    trace(s, where, SourceState::found, std::move(detail), **c);
    return std::move(*c);
  };

  for (const auto& s : sources) {
    std::optional<model::Credential> cred;
    std::string where;
    switch (s.kind) {
      case model::SourceKind::jcode_file: {
        auto path = store.path_of(s);
        where = path ? path->string() : s.location;
        auto bytes = store.read(s);
        if (!bytes) {
          trace(s, where, SourceState::malformed, bytes.error().message);
          out.warnings.push_back(bytes.error().message);
          if (!corrupt_own) corrupt_own = bytes.error();
          break;
        }
        if (!*bytes) {
          trace(s, where, SourceState::absent);
          break;
        }
        cred = parse(s, where, **bytes);
        break;
      }
      case model::SourceKind::app_env_file: {
        auto path = store.path_of(s);
        where = path ? path->string() : s.location;
        // Only the file: a variable of the same name is a source of its own when the plugin
        // declares it (an ENV_VAR source, earlier in its order). Reading it here as well would
        // send, say, a user's OPENAI_API_KEY to whichever provider keeps a legacy line of
        // that name in its env file.
        auto v = store.read_env_value(s, &out.warnings);
        if (!v) {
          trace(s, where, SourceState::failed, v.error().message);
          out.warnings.push_back(v.error().message);
          break;
        }
        if (!*v) {
          trace(s, where, SourceState::absent);
          break;
        }
        cred = parse(s, where, **v);
        break;
      }
      case model::SourceKind::env_var: {
        where = "$" + s.location;
        auto v = paths::non_empty(env, s.location);
        if (!v) {
          trace(s, where, SourceState::absent);
          break;
        }
        cred = parse(s, where, *v);
        break;
      }
      case model::SourceKind::external_file: {
        auto probe = consent.read_external(s, opt.consent);
        if (!probe) return probe.error();
        where = probe->path.string();
        switch (probe->state) {
          case ExternalState::read: cred = parse(s, where, probe->content); break;
          case ExternalState::absent: trace(s, where, SourceState::absent, probe->detail); break;
          case ExternalState::untrusted: trace(s, where, SourceState::untrusted, probe->detail); break;
          case ExternalState::declined: trace(s, where, SourceState::declined, probe->detail); break;
          case ExternalState::refused:
            trace(s, where, SourceState::refused, probe->detail);
            out.warnings.push_back(probe->detail);
            break;
        }
        break;
      }
      case model::SourceKind::command: {
        where = s.location;
        if (!opt.run_commands || !cb.run_command) {
          trace(s, where, SourceState::skipped, "not run here");
          break;
        }
        auto ok = consent.approve_command(s, opt.consent);
        if (!ok) return ok.error();
        if (!*ok) {
          trace(s, where, SourceState::untrusted, "not approved");
          break;
        }
        std::vector<std::string> argv;
        std::istringstream words(s.location);
        for (std::string w; words >> w;) argv.push_back(w);
        auto text = cb.run_command(argv);
        if (!text) {
          trace(s, where, SourceState::failed, text.error().message);
          break;
        }
        std::string value(jcode::text::trim_right_view(*text, "\r\n"));
        if (value.empty()) {
          trace(s, where, SourceState::absent, "printed nothing");
          break;
        }
        cred = parse(s, where, value);
        break;
      }
      case model::SourceKind::plugin: {
        where = s.label.empty() ? s.id : s.label;
        if (!opt.resolve_plugin_sources || !cb.resolve) {
          trace(s, where, SourceState::skipped, "not resolved here");
          break;
        }
        auto c = cb.resolve(s);
        if (!c) {
          trace(s, where, SourceState::failed, c.error().message);
          break;
        }
        if (!*c) {
          trace(s, where, SourceState::absent);
          break;
        }
        (*c)->source_id = s.id;
        log::add_secret((*c)->access_token);
        trace(s, where, SourceState::found, {}, **c);
        cred = std::move(*c);
        break;
      }
    }
    if (!cred) continue;
    Discovered d{std::move(*cred), s, where};
    if (!is_expired(d.credential, now)) {
      if (!out.found) out.found = std::move(d);
      if (!opt.probe_all) break;
    } else if (!first_expired) {
      first_expired = std::move(d);
    }
  }
  if (!out.found) out.found = std::move(first_expired);
  // A use stops at a corrupt own file; a report (status) shows it as a source in that state.
  if (!out.found && corrupt_own && !opt.probe_all) return *corrupt_own;
  return out;
}

nlohmann::json ProviderStatus::to_json() const {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& t : trace)
    sources.push_back({{"id", t.source.id},
                       {"label", t.source.label},
                       {"where", t.where},
                       {"state", std::string(to_string(t.state))},
                       {"detail", t.detail}});
  auto opt_str = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  return {{"id", provider},
          {"display_name", display_name},
          {"status", status},
          {"credential_source", opt_str(credential_source)},
          {"source_id", opt_str(source_id)},
          {"kind", opt_str(kind)},
          {"expires_at_ms", expires_at_ms == 0 ? nlohmann::json(nullptr) : nlohmann::json(expires_at_ms)},
          {"refresh_support", refreshable},
          {"action", opt_str(action)},
          {"sources", sources}};
}

ProviderStatus summarize_status(std::string provider, std::string display_name, const DiscoveryResult& r,
                                int64_t now_ms) {
  ProviderStatus s;
  s.provider = std::move(provider);
  s.display_name = std::move(display_name);
  s.trace = r.trace;
  const std::string login = "run `jcode login --provider " + s.provider + "`";
  if (!r.found) {
    s.status = "not_configured";
    s.action = login;
    for (const auto& t : r.trace) {
      if (t.state == SourceState::malformed && t.source.kind == model::SourceKind::jcode_file) {
        s.status = "malformed";
        break;
      }
    }
    for (const auto& t : r.trace) {
      // A source only a command can answer was not asked: say how to ask it.
      if (t.state == SourceState::skipped &&
          (t.source.kind == model::SourceKind::command || t.source.kind == model::SourceKind::plugin)) {
        s.action = login + ", or check " + t.source.label + " with `jcode auth status --probe`";
        break;
      }
    }
    for (const auto& t : r.trace) {
      if (t.state == SourceState::untrusted && t.source.kind == model::SourceKind::external_file) {
        s.action = "approve " + t.source.label + " credentials at " + t.where + " with `jcode auth trust add " +
                   t.source.id + " " + t.where + "`, or " + login;
        break;
      }
      if (t.state == SourceState::malformed && t.source.kind == model::SourceKind::jcode_file) {
        s.action = "repair or move aside " + t.where + ", then " + login;
        break;
      }
    }
    return s;
  }
  const auto& f = *r.found;
  s.source_id = f.source.id;
  s.source_label = f.source.label;
  s.credential_source = std::string(source_kind_text(f.source.kind));
  s.kind = std::string(kind_name(f.credential.kind));
  s.expires_at_ms = f.credential.expires_at_ms;
  const bool own = f.source.kind == model::SourceKind::jcode_file;
  s.refreshable = own && f.credential.kind == model::CredentialKind::oauth && !f.credential.refresh_token.empty();
  if (!is_expired(f.credential, now_ms)) {
    s.status = "available";
  } else {
    s.status = "expired";
    if (s.refreshable)
      s.action = "it is refreshed on next use (or now with `jcode auth refresh --provider " + s.provider + "`)";
    else if (f.source.kind == model::SourceKind::external_file || f.source.kind == model::SourceKind::command)
      s.action = "refresh it with " + f.source.label + ", or " + login;
    else
      s.action = login;
  }
  return s;
}

Status revoke_token(const HttpFn& http, const std::string& revoke_url, const std::string& client_id,
                    const std::string& client_secret, const std::string& token, std::string_view hint) {
  text::FormFields p{{"token", token}, {"token_type_hint", std::string(hint)}, {"client_id", client_id}};
  if (!client_secret.empty()) p.emplace_back("client_secret", client_secret);
  auto reply = post_token_request(http, revoke_url, model::TokenBody::form, p, std::chrono::seconds(15));
  if (!reply) return reply.error();
  if (reply->status != 200) return token_error(*reply, "revoking the token at " + http::display_url(revoke_url));
  return {};
}

Result<LogoutReport> logout(const model::SourceDecl& own, const std::optional<model::Credential>& current,
                            const std::string& revoke_url, const model::OAuthClient* client, const HttpFn& http,
                            const std::function<Result<bool>()>& remove) {
  if (own.kind != model::SourceKind::jcode_file && own.kind != model::SourceKind::app_env_file)
    return Error{JCODE_E_DENIED, "logout only removes jcode's own credentials; '" + own.id +
                                     "' belongs to another tool and is left untouched"};
  LogoutReport report;
  if (current && !revoke_url.empty() && client != nullptr) {
    const bool has_refresh = !current->refresh_token.empty();
    const std::string& token = has_refresh ? current->refresh_token : current->access_token;
    if (!token.empty()) {
      auto st = revoke_token(http ? http : default_http(), revoke_url, client->client_id, client->client_secret, token,
                             has_refresh ? "refresh_token" : "access_token");
      report.revoked = st.ok();
      if (!st) report.revoke_error = st.error().message;
    }
  }
  auto removed = remove();
  if (!removed) return removed.error();
  report.removed = *removed;
  return report;
}

}  // namespace jcode::auth
