#include "entra.hpp"

#include <jcode/support/json_file.hpp>
#include <jcode/support/openai_error.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace jcode::azure {
namespace {

using nlohmann::json;

std::string form_escape(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::optional<std::string> non_empty(const EntraIo& io, std::string_view name) {
  auto v = io.env(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

int64_t number_of(const json& j, const char* key) { return support::json_int(j, key); }

std::string short_text(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  if (s.size() > 300) s = s.substr(0, 300) + "…";
  return s;
}

// A token endpoint / managed identity answer → token, or why not.
std::optional<EntraToken> token_from(const HttpAnswer& a, const char* credential, const EntraIo& io, Attempt& at,
                                     bool refusal_ends_chain = false) {
  if (a.status == 0) {
    at.said = a.error.empty() ? "no answer" : a.error;
    return std::nullopt;
  }
  json j = json::parse(a.body, nullptr, false);
  if (a.status < 200 || a.status >= 300 || !j.is_object() || !j.contains("access_token") ||
      !j["access_token"].is_string()) {
    at.said = "HTTP " + std::to_string(a.status) + ": " + support::describe(support::parse_api_error(a.body));
    // A configured service principal the directory refused (wrong secret, expired assertion,
    // AADSTS…) ends the chain, as DefaultAzureCredential does: quietly using another
    // identity would hide the mistake and act as someone else.
    at.refused = refusal_ends_chain && a.status >= 400 && a.status < 500;
    return std::nullopt;
  }
  EntraToken t;
  t.access_token = j["access_token"].get<std::string>();
  t.credential = credential;
  if (int64_t on = number_of(j, "expires_on"); on > 0) t.expires_at_ms = on * 1000;
  else if (int64_t in = number_of(j, "expires_in"); in > 0) t.expires_at_ms = io.now_ms() + in * 1000;
  return t;
}

HttpCall token_request(const EntraIo& io, const std::string& tenant, std::string body) {
  HttpCall c;
  c.method = "POST";
  std::string base = io.authority;
  while (!base.empty() && base.back() == '/') base.pop_back();
  c.url = base + "/" + form_escape(tenant) + "/oauth2/v2.0/token";
  c.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  c.body = std::move(body) + "&scope=" + form_escape(kScope);
  c.timeout_ms = 30000;
  return c;
}

std::optional<EntraToken> environment(const EntraIo& io, Attempt& at) {
  auto tenant = non_empty(io, "AZURE_TENANT_ID"), client = non_empty(io, "AZURE_CLIENT_ID"),
       secret = non_empty(io, "AZURE_CLIENT_SECRET");
  if (!tenant || !client || !secret) {
    at.said = "not configured (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not all set)";
    return std::nullopt;
  }
  HttpCall c = token_request(io, *tenant, "grant_type=client_credentials&client_id=" + form_escape(*client) +
                                              "&client_secret=" + form_escape(*secret));
  return token_from(io.http(c), "environment", io, at, true);
}

std::optional<EntraToken> workload_identity(const EntraIo& io, Attempt& at) {
  auto tenant = non_empty(io, "AZURE_TENANT_ID"), client = non_empty(io, "AZURE_CLIENT_ID"),
       file = non_empty(io, "AZURE_FEDERATED_TOKEN_FILE");
  if (!tenant || !client || !file) {
    at.said = "not configured (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE are not all set)";
    return std::nullopt;
  }
  auto assertion = io.read_file(*file);
  std::string a = assertion ? short_text(*assertion) : "";
  if (a.empty()) {
    at.said = "cannot read the federated token file " + *file;
    return std::nullopt;
  }
  HttpCall c = token_request(io, *tenant,
                             "grant_type=client_credentials&client_id=" + form_escape(*client) +
                                 "&client_assertion_type=" +
                                 form_escape("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
                                 "&client_assertion=" + form_escape(a));
  return token_from(io.http(c), "workload_identity", io, at, true);
}

std::optional<EntraToken> managed_identity(const EntraIo& io, Attempt& at) {
  HttpCall c;
  c.method = "GET";
  const auto client = non_empty(io, "AZURE_CLIENT_ID");
  auto endpoint = non_empty(io, "IDENTITY_ENDPOINT"), header = non_empty(io, "IDENTITY_HEADER");
  if (endpoint && header) {
    // App Service / Functions / Container Apps.
    if (io.resolve_url) {
      auto u = io.resolve_url(*endpoint, "IDENTITY_ENDPOINT");
      if (!u) {
        at.said = "IDENTITY_ENDPOINT is not a URL jcode may contact (https://, or http:// to this machine)";
        return std::nullopt;
      }
      endpoint = *u;
    }
    c.url = *endpoint + (endpoint->find('?') == std::string::npos ? "?" : "&") +
            "api-version=2019-08-01&resource=" + form_escape(kResource);
    if (client) c.url += "&client_id=" + form_escape(*client);
    c.headers = {{"X-IDENTITY-HEADER", *header}, {"Accept", "application/json"}};
    c.timeout_ms = 10000;
  } else {
    // A VM's instance metadata service: a short timeout, since off Azure nothing answers.
    std::string base = io.imds;
    while (!base.empty() && base.back() == '/') base.pop_back();
    c.url = base + "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" + form_escape(kResource);
    if (client) c.url += "&client_id=" + form_escape(*client);
    c.headers = {{"Metadata", "true"}, {"Accept", "application/json"}};
    c.timeout_ms = 1500;
  }
  HttpAnswer a = io.http(c);
  if (a.status == 0) {
    at.said = "not available (" + (a.error.empty() ? std::string("no answer") : a.error) + ")";
    return std::nullopt;
  }
  return token_from(a, "managed_identity", io, at);
}

std::optional<EntraToken> azure_cli(const EntraIo& io, Attempt& at) {
  std::vector<std::string> argv = {"az", "account", "get-access-token", "--scope", kScope, "-o", "json"};
  if (auto tenant = non_empty(io, "AZURE_TENANT_ID")) {
    argv.push_back("--tenant");
    argv.push_back(*tenant);
  }
  RunAnswer r = io.run(argv, 30000);
  if (!r.started) {
    at.said = "not available (`az` is not installed or could not start" + (r.error.empty() ? "" : ": " + r.error) + ")";
    return std::nullopt;
  }
  if (r.exit_code != 0) {
    std::string err = short_text(r.err);
    at.said = "`az account get-access-token` failed (exit " + std::to_string(r.exit_code) + ")" +
            (err.empty() ? "" : ": " + err);
    return std::nullopt;
  }
  return parse_az_output(r.out, &at.said);
}

}  // namespace

std::optional<EntraToken> parse_az_output(std::string_view text, std::string* error) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("accessToken") || !j["accessToken"].is_string()) {
    if (error) *error = "`az account get-access-token` printed no accessToken";
    return std::nullopt;
  }
  EntraToken t;
  t.access_token = j["accessToken"].get<std::string>();
  t.credential = "azure_cli";
  if (int64_t on = number_of(j, "expires_on"); on > 0) {
    t.expires_at_ms = on * 1000;
  } else if (j.contains("expiresOn") && j["expiresOn"].is_string()) {
    // Older az: "2025-01-31 10:00:00.000000" in local time.
    std::tm tm{};
    const std::string s = j["expiresOn"].get<std::string>();
    if (std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                    &tm.tm_sec) == 6) {
      tm.tm_year -= 1900;
      tm.tm_mon -= 1;
      tm.tm_isdst = -1;
      std::time_t when = std::mktime(&tm);
      if (when > 0) t.expires_at_ms = static_cast<int64_t>(when) * 1000;
    }
  }
  return t;
}

std::string credential_label(std::string_view id) {
  if (id == "environment") return "environment credential";
  if (id == "workload_identity") return "workload identity";
  if (id == "managed_identity") return "managed identity";
  if (id == "azure_cli") return "Azure CLI";
  return std::string(id);
}

EntraResult acquire_entra_token(const EntraIo& io) {
  using Step = std::optional<EntraToken> (*)(const EntraIo&, Attempt&);
  static const std::pair<const char*, Step> kChain[] = {{"environment", environment},
                                                        {"workload_identity", workload_identity},
                                                        {"managed_identity", managed_identity},
                                                        {"azure_cli", azure_cli}};
  EntraResult r;
  for (const auto& [name, step] : kChain) {
    Attempt at{name, {}, false};
    if (auto t = step(io, at)) {
      r.token = std::move(t);
      return r;
    }
    r.attempts.push_back(std::move(at));
    if (r.attempts.back().refused) break;
  }
  return r;
}

std::string chain_failure_message(const EntraResult& r) {
  if (!r.attempts.empty() && r.attempts.back().refused) {
    const auto& a = r.attempts.back();
    return "Azure Entra ID refused the " + credential_label(a.credential) + " (" + a.said +
           "). jcode did not try other identities. Fix " +
           (a.credential == "environment" ? std::string("AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET")
                                          : std::string("AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE")) +
           ", or unset them to use managed identity or `az login`.";
  }
  std::string m = "Azure Entra ID: no credential produced a token for " + std::string(kScope) + ":";
  for (const auto& a : r.attempts) m += "\n  - " + credential_label(a.credential) + ": " + a.said;
  m += "\nTry `az login` first, make sure your identity has access to the Azure OpenAI resource, or re-run "
       "`jcode login --provider azure` and choose API key mode.";
  return m;
}

}  // namespace jcode::azure
