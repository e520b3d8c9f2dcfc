#include "entra.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace jcode::azure;

namespace {

// A scripted world: environment, HTTP answers by URL prefix, and an `az` result.
struct World {
  std::map<std::string, std::string> env;
  std::vector<std::pair<std::string, HttpAnswer>> answers;  // URL prefix → answer
  std::vector<HttpCall> calls;
  std::vector<std::vector<std::string>> runs;
  RunAnswer az;
  std::map<std::string, std::string> files;

  EntraIo io() {
    EntraIo io;
    io.env = [this](std::string_view k) -> std::optional<std::string> {
      auto it = env.find(std::string(k));
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    io.http = [this](const HttpCall& c) {
      calls.push_back(c);
      for (const auto& [prefix, a] : answers)
        if (c.url.rfind(prefix, 0) == 0) return a;
      HttpAnswer none;
      none.error = "refused: jcode sends plain http only to this machine";
      return none;
    };
    io.run = [this](const std::vector<std::string>& argv, uint32_t) {
      runs.push_back(argv);
      return az;
    };
    io.read_file = [this](const std::string& p) -> std::optional<std::string> {
      auto it = files.find(p);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    io.now_ms = [] { return int64_t{1000000}; };
    return io;
  }
};

HttpAnswer ok(const std::string& body) {
  HttpAnswer a;
  a.status = 200;
  a.body = body;
  return a;
}

}  // namespace

TEST_CASE("environment credentials answer first; nothing else is tried") {
  World w;
  w.env = {{"AZURE_TENANT_ID", "tenant-1"}, {"AZURE_CLIENT_ID", "client-1"}, {"AZURE_CLIENT_SECRET", "s3cr&t"}};
  w.answers = {{"https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token",
                ok(R"({"token_type":"Bearer","expires_in":3600,"access_token":"tok-env"})")}};
  EntraResult r = acquire_entra_token(w.io());
  REQUIRE(r.token);
  CHECK(r.token->credential == "environment");
  CHECK(r.token->access_token == "tok-env");
  CHECK(r.token->expires_at_ms == 1000000 + 3600 * 1000);
  REQUIRE(w.calls.size() == 1);
  CHECK(w.calls[0].method == "POST");
  CHECK(w.calls[0].body.find("grant_type=client_credentials") != std::string::npos);
  CHECK(w.calls[0].body.find("client_secret=s3cr%26t") != std::string::npos);
  CHECK(w.calls[0].body.find("scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default") != std::string::npos);
  CHECK(w.runs.empty());
  CHECK(r.attempts.empty());
}

TEST_CASE("workload identity sends the federated token as a client assertion") {
  World w;
  w.env = {{"AZURE_TENANT_ID", "t"}, {"AZURE_CLIENT_ID", "c"}, {"AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"}};
  w.files = {{"/var/run/token", "eyJhbGciOi.assert.ion\n"}};
  w.answers = {{"https://login.microsoftonline.com/t/", ok(R"({"access_token":"tok-wi","expires_in":600})")}};
  EntraResult r = acquire_entra_token(w.io());
  REQUIRE(r.token);
  CHECK(r.token->credential == "workload_identity");
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].credential == "environment");
  CHECK(w.calls.back().body.find("client_assertion=eyJhbGciOi.assert.ion&") != std::string::npos);
  CHECK(w.calls.back().body.find("jwt-bearer") != std::string::npos);
}

TEST_CASE("managed identity: App Service endpoint, else IMDS with a short timeout") {
  World w;
  w.env = {{"IDENTITY_ENDPOINT", "http://127.0.0.1:41000/msi/token"}, {"IDENTITY_HEADER", "hdr"}};
  w.answers = {{"http://127.0.0.1:41000/msi/token",
                ok(R"({"access_token":"tok-mi","expires_on":"1700000000","resource":"https://cognitiveservices.azure.com"})")}};
  EntraResult r = acquire_entra_token(w.io());
  REQUIRE(r.token);
  CHECK(r.token->credential == "managed_identity");
  CHECK(r.token->expires_at_ms == 1700000000000LL);
  CHECK(w.calls.back().url.find("api-version=2019-08-01&resource=https%3A%2F%2Fcognitiveservices.azure.com") !=
        std::string::npos);
  CHECK(w.calls.back().headers.at(0).first == "X-IDENTITY-HEADER");

  World v;
  v.answers = {{"http://127.0.0.1:9/169.254.169.254/metadata/identity/oauth2/token",
                ok(R"({"access_token":"tok-imds","expires_in":"100"})")}};
  EntraIo io = v.io();
  io.imds = "http://127.0.0.1:9/169.254.169.254";
  EntraResult r2 = acquire_entra_token(io);
  REQUIRE(r2.token);
  CHECK(r2.token->access_token == "tok-imds");
  CHECK(v.calls.back().headers.at(0) == std::make_pair(std::string("Metadata"), std::string("true")));
  CHECK(v.calls.back().timeout_ms <= 2000);
}

TEST_CASE("Azure CLI is last; its JSON in both formats") {
  World w;
  w.env = {{"AZURE_TENANT_ID", "t9"}};
  w.az.started = true;
  w.az.exit_code = 0;
  w.az.out = R"({"accessToken":"tok-cli","expiresOn":"2030-01-01 00:00:00.000000","expires_on":1893456000,"tenant":"t9","tokenType":"Bearer"})";
  EntraResult r = acquire_entra_token(w.io());
  REQUIRE(r.token);
  CHECK(r.token->credential == "azure_cli");
  CHECK(r.token->expires_at_ms == 1893456000000LL);
  REQUIRE(w.runs.size() == 1);
  CHECK(w.runs[0] == std::vector<std::string>{"az", "account", "get-access-token", "--scope",
                                              "https://cognitiveservices.azure.com/.default", "-o", "json", "--tenant", "t9"});
  // Order: environment, workload identity, managed identity, then the CLI.
  REQUIRE(r.attempts.size() == 3);
  CHECK(r.attempts[0].credential == "environment");
  CHECK(r.attempts[1].credential == "workload_identity");
  CHECK(r.attempts[2].credential == "managed_identity");
  CHECK(r.attempts[2].said.find("not available") != std::string::npos);

  std::string err;
  auto older = parse_az_output(R"({"accessToken":"x","expiresOn":"2030-01-01 00:00:00.000000"})", &err);
  REQUIRE(older);
  CHECK(older->expires_at_ms > 1893000000000LL);  // local time: within a day of the UTC value
  CHECK(older->expires_at_ms < 1893600000000LL);
  CHECK_FALSE(parse_az_output("ERROR: Please run 'az login'", &err));
  CHECK(err.find("accessToken") != std::string::npos);
}

TEST_CASE("every credential failing: the message lists what each said and suggests az login") {
  World w;
  w.env = {{"AZURE_TENANT_ID", "t"}};  // no service principal configured: every credential is tried
  w.az.started = true;
  w.az.exit_code = 1;
  w.az.err = "ERROR: Please run 'az login' to setup account.\n";
  EntraResult r = acquire_entra_token(w.io());
  CHECK_FALSE(r.token);
  REQUIRE(r.attempts.size() == 4);
  std::string m = chain_failure_message(r);
  CHECK(m.find("environment credential: not configured") != std::string::npos);
  CHECK(m.find("workload identity: not configured") != std::string::npos);
  CHECK(m.find("managed identity: not available (refused") != std::string::npos);
  CHECK(m.find("Azure CLI: `az account get-access-token` failed (exit 1): ERROR: Please run 'az login'") !=
        std::string::npos);
  CHECK(m.find("Try `az login`") != std::string::npos);

  World none;
  none.az.started = false;
  none.az.error = "not found in PATH";
  EntraResult r2 = acquire_entra_token(none.io());
  CHECK(chain_failure_message(r2).find("`az` is not installed") != std::string::npos);
}

TEST_CASE("a configured service principal the directory refuses ends the chain with its AADSTS text") {
  World w;
  w.env = {{"AZURE_TENANT_ID", "t"}, {"AZURE_CLIENT_ID", "c"}, {"AZURE_CLIENT_SECRET", "wrong-secret"}};
  HttpAnswer refused;
  refused.status = 401;
  refused.body = R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})";
  w.answers = {{"https://login.microsoftonline.com/t/", refused},
               // Managed identity would answer: it must not be asked (no silent identity switch).
               {"http://169.254.169.254/", ok(R"({"access_token":"tok-imds","expires_in":"100"})")}};
  w.az.started = true;
  w.az.exit_code = 0;
  w.az.out = R"({"accessToken":"tok-cli","expires_on":1893456000})";
  EntraResult r = acquire_entra_token(w.io());
  CHECK_FALSE(r.token);
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].refused);
  CHECK(w.calls.size() == 1);
  CHECK(w.runs.empty());
  const std::string m = chain_failure_message(r);
  CHECK(m.find("AADSTS7000215") != std::string::npos);
  CHECK(m.find("environment credential") != std::string::npos);
  CHECK(m.find("did not try other identities") != std::string::npos);
  CHECK(m.find("AZURE_CLIENT_SECRET") != std::string::npos);
  CHECK(m.find("wrong-secret") == std::string::npos);
}
