// jcode-provider-antigravity: native Google OAuth for Antigravity (no Antigravity install
// needed to log in: fixed loopback http://127.0.0.1:51121/oauth-callback, paste of the full
// callback URL when the port is busy or with --no-browser, --print-auth-url/--callback-url),
// the email and Code Assist project fetched after every exchange and refresh, and a transport
// that runs the Antigravity CLI in print mode through the host (the access token in the
// child's environment). Google's dialect and the CLI runner are plugins/support.
#include "settings.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/cli_print.hpp>
#include <jcode/support/google_oauth.hpp>
#include <jcode/support/shared_auth_files.hpp>

#include <string>

namespace jcode::antigravity {
namespace {

namespace google = support::google;
using nlohmann::json;
using plugin::Host;
using plugin::view;

constexpr const char* kClientId = "1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com";
constexpr const char* kClientSecret = "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";
constexpr const char* kScopes =
    "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email "
    "https://www.googleapis.com/auth/userinfo.profile https://www.googleapis.com/auth/cclog "
    "https://www.googleapis.com/auth/experimentsandconfigs";
constexpr const char* kLogin = "jcode login --provider antigravity";

class Antigravity : public plugin::Instance {
 public:
  using Instance::Instance;

  // ---- credentials ----
  jcode_status parse(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out) {
    return google::parse_source(host(), source, content, {"google-antigravity", "antigravity"}, out);
  }

  // With JCODE_ANTIGRAVITY_CLIENT_ID set, jcode's own login is read and refreshed here with that
  // client (the host's refresh knows only the declared one); otherwise the file source serves.
  jcode_status resolve(const jcode_source_decl&, const jcode_credential_sink* out) {
    auto id = google::env_nonblank(host(), "JCODE_ANTIGRAVITY_CLIENT_ID");
    if (!id) return JCODE_E_DECLINE;
    google::RuntimeClient rc{*id, google::env_nonblank(host(), "JCODE_ANTIGRAVITY_CLIENT_SECRET").value_or(kClientSecret),
                             "JCODE_ANTIGRAVITY_CLIENT_ID/JCODE_ANTIGRAVITY_CLIENT_SECRET"};
    return google::resolve_stored(host(), "jcode_antigravity_oauth", "antigravity_oauth.json", rc, kLogin,
                                  [this](google::Tokens& t) { enrich(t); }, out);
  }

  jcode_status serialize(const jcode_source_decl&, std::string_view current, const jcode_credential* cred, jcode_sink* out) {
    return google::serialize_source(host(), "antigravity_oauth.json", current, cred, out);
  }

  // ---- login and refresh: both end with the email and project fetched again ----
  jcode_status token_response(std::string_view json_text, const jcode_credential* previous,
                              const jcode_credential_sink* out) {
    return google::put_token_response(host(), json_text, previous, kLogin, out, [this](google::Tokens& t) { enrich(t); });
  }

  jcode_status run(const jcode_login_request& req, const jcode_credential_sink* out) {
    // JCODE_ANTIGRAVITY_CLIENT_ID / _SECRET (blank = unset) replace the built-in client.
    const std::string id = google::env_nonblank(host(), "JCODE_ANTIGRAVITY_CLIENT_ID").value_or(kClientId);
    const std::string secret = google::env_nonblank(host(), "JCODE_ANTIGRAVITY_CLIENT_SECRET").value_or(kClientSecret);
    jcode_oauth_client client = google::oauth_client(id.c_str(), secret.c_str(), kScopes, JCODE_REDIRECT_LOOPBACK_FIXED,
                                                     51121, "/oauth-callback", nullptr, 0);
    std::string token_json;
    if (jcode_status st = host().oauth_authorize(client, req, token_json); st != JCODE_OK) return st;
    return token_response(token_json, nullptr, out);
  }

  // ---- transport: the Antigravity CLI ----
  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (cred == nullptr || cred->access_token.len == 0)
      return host().error(JCODE_E_AUTH_REQUIRED, "no Antigravity login; run `jcode login --provider antigravity`");
    const Host& h = host();
    CliSettings s = cli_settings([&h](std::string_view n) { return google::env_nonblank(h, n); }, view(req.model));
    if (!s.error.empty()) return host().error(JCODE_E_INVALID_ARG, s.error);
    std::string error;
    std::string prompt = support::cli::flatten(view(req.conversation), error);
    if (!error.empty()) return host().error(JCODE_E_INVALID_ARG, error);
    support::cli::PrintCall call;
    call.label = "the Antigravity CLI";
    call.program = s.path;
    call.path_setting = "JCODE_ANTIGRAVITY_CLI_PATH";
    call.install_hint = "install Antigravity (https://antigravity.google)";
    call.args = cli_args(s, prompt);
    const std::string token(view(cred->access_token));
    call.env = {{"ANTIGRAVITY_ACCESS_TOKEN", token}, {"GOOGLE_OAUTH_ACCESS_TOKEN", token}};
    call.secret_env = {"ANTIGRAVITY_ACCESS_TOKEN", "GOOGLE_OAUTH_ACCESS_TOKEN"};
    if (std::string project = google::from_credential(*cred).project_id; !project.empty())
      call.env.emplace_back("GOOGLE_CLOUD_PROJECT", project);
    call.timeout_ms = s.timeout_ms;
    return support::cli::run_text(host(), call, events);
  }

 private:
  // The email (userinfo v1) and the Code Assist project (loadCodeAssist on the first base that
  // answers). A failure keeps what the tokens had: the login itself succeeded.
  void enrich(google::Tokens& t) const {
    if (auto url = host().endpoint_url("userinfo"))
      if (auto email = google::userinfo_email(host(), *url + "?alt=json", t.access)) t.email = *email;
    const std::string version = google::env_nonblank(host(), "JCODE_ANTIGRAVITY_VERSION").value_or(kDefaultVersion);
    const auto headers = fingerprint_headers(version);
    for (const char* name : {"code_assist", "code_assist_daily", "code_assist_autopush"}) {
      auto base = host().endpoint_url(name);
      if (!base) continue;
      google::ApiReply r = google::load_code_assist(host(), *base + "/v1internal", t.access, load_metadata(), "", headers);
      if (!r.ok() || !r.body.is_object()) {
        host().log(JCODE_LOG_INFO, std::string("Antigravity: loadCodeAssist at ") + name + " did not answer (" +
                                       (r.status != JCODE_OK ? std::string("no connection") : google::error_text(r)) + ")");
        continue;
      }
      std::string project = google::project_of(r.body.value("cloudaicompanionProject", json()));
      if (!project.empty()) t.project_id = project;
      return;
    }
    host().log(JCODE_LOG_WARN, "Antigravity: no Code Assist endpoint named a project; the CLI will choose one");
  }
};

// ---- static declarations ----

constexpr jcode_endpoint_decl kAuthorize = plugin::endpoint("authorize", google::kAuthorizeUrl, "Google OAuth authorization page");
constexpr jcode_endpoint_decl kToken = plugin::endpoint("token", google::kTokenUrl, "Google OAuth token endpoint (form body)");
constexpr jcode_endpoint_decl kRevoke = plugin::endpoint("revoke", google::kRevokeUrl, "Google OAuth token revocation (logout)");
constexpr jcode_endpoint_decl kUserinfo =
    plugin::endpoint("userinfo", "https://www.googleapis.com/oauth2/v1/userinfo", "the account's email (?alt=json)");
constexpr jcode_endpoint_decl kCodeAssist =
    plugin::endpoint("code_assist", "https://cloudcode-pa.googleapis.com", "Code Assist, tried first for the project");
constexpr jcode_endpoint_decl kDaily = plugin::endpoint("code_assist_daily", "https://daily-cloudcode-pa.sandbox.googleapis.com",
                                                        "Code Assist (daily), tried second");
constexpr jcode_endpoint_decl kAutopush = plugin::endpoint(
    "code_assist_autopush", "https://autopush-cloudcode-pa.sandbox.googleapis.com", "Code Assist (autopush), tried third");
constexpr const jcode_endpoint_decl* const kEndpoints[] = {&kAuthorize, &kToken,  &kRevoke,    &kUserinfo,
                                                           &kCodeAssist, &kDaily, &kAutopush, nullptr};

constexpr jcode_source_decl kJcodeFile = plugin::source({.kind = JCODE_SOURCE_JCODE_FILE,
                                                         .id = "jcode_antigravity_oauth",
                                                         .location = "antigravity_oauth.json",
                                                         .label = "jcode Antigravity OAuth",
                                                         .cred_kind = JCODE_CRED_OAUTH,
                                                         .flags = JCODE_SOURCE_F_LOGIN_TARGET});
constexpr jcode_source_decl kOwnClient = plugin::source({.kind = JCODE_SOURCE_PLUGIN,
                                                         .id = "jcode_antigravity_oauth_own_client",
                                                         .location = "antigravity_oauth.json with JCODE_ANTIGRAVITY_CLIENT_ID",
                                                         .label = "jcode Antigravity OAuth (your JCODE_ANTIGRAVITY_CLIENT_ID client)",
                                                         .cred_kind = JCODE_CRED_OAUTH});
constexpr const jcode_source_decl* const kSources[] = {&kOwnClient, &kJcodeFile, &support::kOpenCodeAuthSource, &support::kPiAuthSource,
                                                       nullptr};

// The client the host refreshes with ([plugins.antigravity] client_id/client_secret override it).
constexpr jcode_oauth_client kOAuth = google::oauth_client(kClientId, kClientSecret, kScopes, JCODE_REDIRECT_LOOPBACK_FIXED,
                                                           51121, "/oauth-callback", nullptr, 0);

constexpr jcode_credential_api kCredentials = plugin::credential_api<Antigravity>();
constexpr jcode_login_api kLoginTable = plugin::login_api<Antigravity>(JCODE_LOGIN_CUSTOM, &kOAuth);
constexpr jcode_transport_api kTransport =
    plugin::transport_api<Antigravity>(kDefaultModel, JCODE_TRANSPORT_F_SUBPROCESS);

constexpr jcode_plugin_api kApiTable =
    plugin::plugin_api<Antigravity>({.id = "antigravity",
                                     .display_name = "Antigravity",
                                     .version = "0.1.0",
                                     .description = "Google OAuth for Antigravity; answers come from the Antigravity CLI",
                                     .endpoints = kEndpoints,
                                     .sources = kSources,
                                     .credentials = &kCredentials,
                                     .login = &kLoginTable,
                                     .transport = &kTransport});

}  // namespace
}  // namespace jcode::antigravity

JCODE_DEFINE_PLUGIN(jcode::antigravity::kApiTable, JCODE_ABI_MINOR)
