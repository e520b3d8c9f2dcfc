// jcode-provider-google: Gmail as a tool credential (not a model provider). Google has no
// public client for Gmail, so the login first saves the user's own OAuth client (typed in, or
// the Google Cloud console's JSON file) to ~/.jcode/google_credentials.json, then runs the
// host's OAuth engine with it (PKCE + state, loopback redirect, the Gmail scopes of the chosen
// access tier). Because that client is the user's, the plugin resolves and refreshes the
// saved login itself (a JCODE_SOURCE_PLUGIN source over its own store) with that client.
#include "client_file.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/google_oauth.hpp>

#include <string>

namespace jcode::google_tool {
namespace {

namespace google = support::google;
using plugin::Host;
using plugin::view;

constexpr const char* kLogin = "jcode login --provider google";
constexpr const char* kTokensSource = "jcode_google_oauth";
constexpr const char* kClientSource = "jcode_google_credentials";
constexpr const char* kNoClient =
    "no Google OAuth client is saved yet (Gmail has no built-in client). Create one in the Google Cloud console "
    "(APIs & Services → Credentials → Create credentials → OAuth client ID → Desktop app), download its JSON, then run "
    "`jcode login --provider google --credentials-file PATH` (or --client-id ID --client-secret - with the secret on "
    "stdin)";

class Google : public plugin::Instance {
 public:
  using Instance::Instance;

  // ---- credentials ----
  jcode_status parse(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out) {
    if (std::string_view(source.id) == kClientSource) return JCODE_E_DECLINE;  // a client, not a login
    return google::parse_source(host(), source, content, {}, out);
  }

  jcode_status serialize(const jcode_source_decl&, std::string_view current, const jcode_credential* cred, jcode_sink* out) {
    return google::serialize_source(host(), "google_oauth.json", current, cred, out);
  }

  // The saved login, refreshed with the user's client when it is stale (Google does not rotate
  // refresh tokens, so two processes refreshing at once both end with a valid login).
  jcode_status resolve(const jcode_source_decl&, const jcode_credential_sink* out) {
    google::RuntimeClient rc;
    rc.what = "google_credentials.json";
    if (auto c = saved_client()) {
      rc.id = c->id;
      rc.secret = c->secret;
    }
    return google::resolve_stored(host(), kTokensSource, "google_oauth.json", rc, kLogin, nullptr, out);
  }

  // ---- login ----
  jcode_status token_response(std::string_view json_text, const jcode_credential* previous,
                              const jcode_credential_sink* out) {
    return google::put_token_response(host(), json_text, previous, kLogin, out);
  }

  jcode_status run(const jcode_login_request& req, const jcode_credential_sink* out) {
    const std::string tier = std::string(plugin::login_option(req, "google-access-tier").value_or("full"));
    auto scopes = scopes_for_tier(tier);
    if (!scopes)
      return host().error(JCODE_E_INVALID_ARG, "--google-access-tier '" + tier +
                                                   "' is not an access tier (fix: --google-access-tier full or readonly)");
    Client client;
    if (jcode_status st = choose_client(req, client); st != JCODE_OK) return st;
    host().add_secret(client.secret);
    jcode_oauth_client oc = google::oauth_client(client.id.c_str(), client.secret.c_str(), scopes->c_str(),
                                                 JCODE_REDIRECT_LOOPBACK_ANY, 0, "/", nullptr, 0);
    std::string token_json;
    if (jcode_status st = host().oauth_authorize(oc, req, token_json); st != JCODE_OK) return st;
    google::Parsed p = google::map_token_response(token_json, nullptr, host().now_ms(), kLogin);
    if (!p.tokens) return host().error(JCODE_E_PROTOCOL, p.error);
    host().add_secret(p.tokens->access);
    host().add_secret(p.tokens->refresh);
    if (auto gmail = host().endpoint_url("gmail")) {
      google::ApiReply r = google::call_json(host(), "GET", *gmail + "/gmail/v1/users/me/profile", p.tokens->access, nullptr);
      if (r.ok() && r.body.is_object()) p.tokens->email = r.body.value("emailAddress", std::string());
      else host().log(JCODE_LOG_WARN, "the Gmail profile was not available (" + google::error_text(r) + ")");
    }
    host().notify("Gmail: " + (p.tokens->email.empty() ? std::string("account") : p.tokens->email) + ", access tier " +
                  tier_of_scope(p.tokens->scope.empty() ? *scopes : p.tokens->scope));
    return google::put(host(), *p.tokens, out);
  }

 private:
  std::optional<Client> saved_client() const {
    std::string text;
    if (host().store_read(kClientSource, text) != JCODE_OK) return std::nullopt;
    ClientResult r = parse_saved(text);
    return r.client;
  }

  jcode_status save_client(const Client& c) {
    if (jcode_status st = host().store_write(kClientSource, google_tool::serialize(c)); st != JCODE_OK) return st;
    host().notify("Google: saved the OAuth client " + c.id + " to google_credentials.json");
    return JCODE_OK;
  }

  jcode_status import_file(const std::string& path, Client& out) {
    std::string text;
    jcode_status st = host().read_file(path, text, 256 * 1024);
    if (st == JCODE_E_NOT_FOUND) return host().error(JCODE_E_NOT_FOUND, "--credentials-file " + path + ": no such file");
    if (st != JCODE_OK) return st;  // the host said why (not a regular file, too large, unreadable)
    ClientResult r = parse_console_file(text, "--credentials-file " + path);
    if (!r.client) return host().error(JCODE_E_INVALID_ARG, r.error);
    out = *r.client;
    return save_client(out);
  }

  // The client for this login: given now (--credentials-file, --client-id), saved earlier, or
  // asked for on a terminal. A scriptable login never asks.
  jcode_status choose_client(const jcode_login_request& req, Client& out) {
    if (auto path = plugin::login_option(req, "credentials-file")) return import_file(std::string(*path), out);
    if (auto id = plugin::login_option(req, "client-id")) {
      auto secret = plugin::login_option(req, "client-secret");
      if (!secret || secret->empty())
        return host().error(JCODE_E_INVALID_ARG, "--client-id needs --client-secret - (the secret on stdin)");
      out = Client{std::string(*id), std::string(*secret), "manual"};
      return save_client(out);
    }
    {
      std::string text;
      jcode_status st = host().store_read(kClientSource, text);
      if (st != JCODE_OK && st != JCODE_E_NOT_FOUND) return st;
      ClientResult r = parse_saved(text);
      if (!r.error.empty())
        return host().error(JCODE_E_PROTOCOL, r.error + "; import the client again with --credentials-file PATH");
      if (r.client) {
        out = *r.client;
        return JCODE_OK;
      }
    }
    const bool scripted = (req.flags & (JCODE_LOGIN_F_PRINT_AUTH_URL | JCODE_LOGIN_F_NONINTERACTIVE)) != 0 ||
                          req.callback_url.len > 0 || req.auth_code.len > 0;
    if (scripted) return host().error(JCODE_E_INVALID_ARG, kNoClient);
    host().notify("Gmail needs your own Google OAuth client: Google Cloud console → APIs & Services → Credentials → "
                  "Create credentials → OAuth client ID → Desktop app (enable the Gmail API for the project).");
    std::string path;
    jcode_status st = host().prompt(JCODE_PROMPT_TEXT, "Path of the client JSON you downloaded (Enter to type the client ID "
                                                       "and secret instead)", path);
    if (st != JCODE_OK) return st;
    if (!path.empty()) return import_file(path, out);
    std::string id, secret;
    if ((st = host().prompt(JCODE_PROMPT_TEXT, "OAuth client ID", id)) != JCODE_OK) return st;
    if ((st = host().prompt(JCODE_PROMPT_SECRET, "OAuth client secret", secret)) != JCODE_OK) return st;
    if (id.empty() || secret.empty()) return host().error(JCODE_E_INVALID_ARG, "both the client ID and the secret are needed");
    out = Client{id, secret, "manual"};
    return save_client(out);
  }
};

// ---- static declarations ----

constexpr jcode_endpoint_decl kAuthorize = plugin::endpoint("authorize", google::kAuthorizeUrl, "Google OAuth authorization page");
constexpr jcode_endpoint_decl kToken = plugin::endpoint("token", google::kTokenUrl, "Google OAuth token endpoint (form body)");
constexpr jcode_endpoint_decl kRevoke = plugin::endpoint("revoke", google::kRevokeUrl, "Google OAuth token revocation (logout)");
constexpr jcode_endpoint_decl kGmail =
    plugin::endpoint("gmail", "https://gmail.googleapis.com", "Gmail API origin; the profile is /gmail/v1/users/me/profile");
constexpr const jcode_endpoint_decl* const kEndpoints[] = {&kAuthorize, &kToken, &kRevoke, &kGmail, nullptr};

constexpr jcode_source_decl kResolved = plugin::source({.kind = JCODE_SOURCE_PLUGIN,
                                                        .id = "jcode_google_oauth_fresh",
                                                        .location = "google_oauth.json (refreshed with your client)",
                                                        .label = "jcode Google/Gmail OAuth",
                                                        .cred_kind = JCODE_CRED_OAUTH});
constexpr jcode_source_decl kTokens = plugin::source({.kind = JCODE_SOURCE_JCODE_FILE,
                                                      .id = kTokensSource,
                                                      .location = "google_oauth.json",
                                                      .label = "jcode Google/Gmail OAuth file",
                                                      .cred_kind = JCODE_CRED_OAUTH,
                                                      .flags = JCODE_SOURCE_F_LOGIN_TARGET});
constexpr jcode_source_decl kClientFile = plugin::source({.kind = JCODE_SOURCE_JCODE_FILE,
                                                          .id = kClientSource,
                                                          .location = "google_credentials.json",
                                                          .label = "jcode Google OAuth client",
                                                          .cred_kind = JCODE_CRED_OAUTH});
constexpr const jcode_source_decl* const kSources[] = {&kResolved, &kTokens, &kClientFile, nullptr};

// The login runs with the saved client (see run); this declaration only lets the host defer a
// login without a terminal and revoke a token at logout (Google's revoke needs no client).
constexpr jcode_oauth_client kOAuth =
    google::oauth_client("the-client-saved-in-google_credentials.json", nullptr,
                         "https://www.googleapis.com/auth/gmail.readonly", JCODE_REDIRECT_LOOPBACK_ANY, 0, "/", nullptr, 0);
constexpr jcode_option_decl kFileOption =
    plugin::option("credentials-file", "import the OAuth client JSON downloaded from the Google Cloud console");
constexpr jcode_option_decl kIdOption = plugin::option("client-id", "your Google OAuth client ID (with --client-secret -)");
constexpr jcode_option_decl kSecretOption =
    plugin::option("client-secret", "your Google OAuth client secret, read from stdin (--client-secret -)", JCODE_OPTION_F_SECRET);
constexpr jcode_option_decl kTierOption =
    plugin::option("google-access-tier", "Gmail scopes: full (read, compose, send, modify; default) or readonly");
constexpr const jcode_option_decl* const kOptions[] = {&kFileOption, &kIdOption, &kSecretOption, &kTierOption, nullptr};

constexpr jcode_alias_decl kGmailAlias{sizeof(jcode_alias_decl), "gmail", nullptr, nullptr, nullptr, 0};
constexpr const jcode_alias_decl* const kAliases[] = {&kGmailAlias, nullptr};

constexpr jcode_credential_api kCredentials = plugin::credential_api<Google>();
constexpr jcode_login_api kLoginTable = plugin::login_api<Google>(JCODE_LOGIN_CUSTOM, &kOAuth, nullptr, kOptions);

constexpr jcode_plugin_api kApiTable =
    plugin::plugin_api<Google>({.id = "google",
                                .display_name = "Google (Gmail)",
                                .version = "0.1.0",
                                .description = "Gmail tool credential (your own Google OAuth client); not a model provider",
                                .endpoints = kEndpoints,
                                .sources = kSources,
                                .credentials = &kCredentials,
                                .login = &kLoginTable,
                                .aliases = kAliases});

}  // namespace
}  // namespace jcode::google_tool

JCODE_DEFINE_PLUGIN(jcode::google_tool::kApiTable, JCODE_ABI_MINOR)
