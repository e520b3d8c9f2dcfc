// GitHub device flow (RFC 8628): pending, slow_down, approval, denial, expiry, auto-approve;
// Copilot token exchange and chat.
#include "helpers.hpp"

using namespace emutest;

namespace {

json start(Emu& e, bool json_accept = true) {
  httplib::Headers h;
  if (json_accept) h.emplace("Accept", "application/json");
  auto r = e.post_raw("/github.com/login/device/code",
                      jemu::build_query({{"client_id", kCopilotClient}, {"scope", "read:user"}}),
                      "application/x-www-form-urlencoded", h);
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return body_json(r);
}

json poll(Emu& e, const std::string& device_code, const std::string& client = kCopilotClient) {
  auto r = e.post_raw("/github.com/login/oauth/access_token",
                      jemu::build_query({{"client_id", client},
                                         {"device_code", device_code},
                                         {"grant_type", "urn:ietf:params:oauth:grant-type:device_code"}}),
                      "application/x-www-form-urlencoded", {{"Accept", "application/json"}});
  REQUIRE(r);
  CHECK(r->status == 200);
  return body_json(r);
}

}  // namespace

TEST_CASE("device code: JSON with Accept: application/json, form-encoded otherwise; client checked") {
  Emu e;
  json d = start(e);
  CHECK(d["device_code"].is_string());
  CHECK(d["user_code"].get<std::string>().size() == 9);
  CHECK(d["verification_uri"] == "https://github.com/login/device");
  CHECK(d["interval"] == 5);
  CHECK(d["expires_in"] == 900);
  auto form = e.post_raw("/github.com/login/device/code", "client_id=" + std::string(kCopilotClient),
                         "application/x-www-form-urlencoded");
  CHECK(form->get_header_value("Content-Type").find("application/x-www-form-urlencoded") == 0);
  CHECK(jemu::parse_form(form->body).count("device_code") == 1);
  auto bad = e.post_raw("/github.com/login/device/code", "client_id=Iv1.nope", "application/x-www-form-urlencoded",
                        {{"Accept", "application/json"}});
  CHECK(bad->status == 401);
}

TEST_CASE("device flow: pending, slow_down on early re-poll, approval, single use") {
  Emu e;
  json d = start(e);
  const std::string dc = d["device_code"];
  CHECK(poll(e, dc)["error"] == "authorization_pending");
  json slow = poll(e, dc);
  CHECK(slow["error"] == "slow_down");
  CHECK(slow["interval"] == 10);
  e.control("/_emulator/advance-time", {{"seconds", 10}});
  CHECK(poll(e, dc)["error"] == "authorization_pending");
  e.control("/_emulator/device/approve", {{"user_code", d["user_code"]}});
  e.control("/_emulator/advance-time", {{"seconds", 10}});
  json tok = poll(e, dc);
  CHECK(jemu::starts_with(tok["access_token"].get<std::string>(), "gho_"));
  CHECK(tok["token_type"] == "bearer");
  e.control("/_emulator/advance-time", {{"seconds", 20}});
  CHECK(poll(e, dc)["error"] == "incorrect_device_code");
  // The GitHub token works for the user API and the Copilot exchange.
  auto user = e.get("/api.github.com/user", {{"Authorization", "token " + tok["access_token"].get<std::string>()}});
  CHECK(user->status == 200);
  auto cp = e.get("/api.github.com/copilot_internal/v2/token",
                  {{"Authorization", "token " + tok["access_token"].get<std::string>()}});
  REQUIRE(cp->status == 200);
  json copilot = body_json(cp);
  CHECK(copilot["expires_at"].get<std::int64_t>() > jemu::unix_now_s());
  json chat = {{"model", "claude-sonnet-4.6"},
               {"stream", false},
               {"messages", json::array({{{"role", "user"}, {"content", kSmokePrompt}}})}};
  httplib::Headers ch{{"Authorization", "Bearer " + copilot["token"].get<std::string>()},
                      {"Copilot-Integration-Id", "vscode-chat"}};
  CHECK(e.post_json("/api.githubcopilot.com/chat/completions", chat, ch)->status == 400);  // no Editor-Version
  ch.emplace("Editor-Version", "jcode/1.0");
  auto ok = e.post_json("/api.githubcopilot.com/chat/completions", chat, ch);
  REQUIRE(ok->status == 200);
  CHECK(body_json(ok)["choices"][0]["message"]["content"] == "AUTH_TEST_OK");
  CHECK(e.get("/api.github.com/copilot_internal/v2/token", {{"Authorization", "token gho_bad"}})->status == 401);
}

TEST_CASE("device flow: denial, expiry, wrong client, wrong grant type") {
  Emu e;
  json d = start(e);
  e.control("/_emulator/device/deny", {{"user_code", d["user_code"]}});
  CHECK(poll(e, d["device_code"])["error"] == "access_denied");
  json d2 = start(e);
  CHECK(poll(e, d2["device_code"], "Iv1.other")["error"] == "incorrect_client_credentials");
  e.control("/_emulator/advance-time", {{"seconds", 901}});
  CHECK(poll(e, d2["device_code"])["error"] == "expired_token");
  CHECK(poll(e, "no-such-code")["error"] == "incorrect_device_code");
  auto r = e.post_raw("/github.com/login/oauth/access_token",
                      jemu::build_query({{"client_id", kCopilotClient}, {"device_code", d2["device_code"].get<std::string>()},
                                         {"grant_type", "authorization_code"}}),
                      "application/x-www-form-urlencoded", {{"Accept", "application/json"}});
  CHECK(body_json(r)["error"] == "unsupported_grant_type");
}

TEST_CASE("device flow: auto-approve approves after the first poll; interval configurable") {
  Emu e;
  e.control("/_emulator/config", {{"auto_approve", true}, {"device_interval_s", 0}});
  json d = start(e);
  CHECK(d["interval"] == 0);
  CHECK(poll(e, d["device_code"])["error"] == "authorization_pending");
  CHECK(poll(e, d["device_code"]).contains("access_token"));
  auto list = e.control_get("/_emulator/device");
  REQUIRE(list.size() == 1);
  CHECK(list[0]["status"] == "consumed");
}
