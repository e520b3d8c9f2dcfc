// Code Assist setup decisions: a ready project, onboarding, the Workspace project error,
// VALIDATION_REQUIRED with its URL, and the onboarding operation.
#include "code_assist.hpp"

#include <doctest/doctest.h>

using namespace jcode::gemini;
using nlohmann::json;

TEST_CASE("a current tier with a project is ready; without one the error names GOOGLE_CLOUD_PROJECT") {
  Setup s = decide(json{{"currentTier", {{"id", "free-tier"}}}, {"cloudaicompanionProject", "proj-1"}}, "");
  CHECK(s.kind == Setup::Kind::ready);
  CHECK(s.project == "proj-1");
  Setup env = decide(json{{"currentTier", {{"id", "standard-tier"}}}}, "my-proj");
  CHECK(env.project == "my-proj");
  Setup ws = decide(json{{"currentTier", {{"id", "standard-tier"}}}}, "");
  CHECK(ws.kind == Setup::Kind::fail);
  CHECK(ws.message.find("GOOGLE_CLOUD_PROJECT") != std::string::npos);
}

TEST_CASE("no tier yet: the default allowed tier is onboarded; a user-defined project tier needs the env") {
  json load = {{"allowedTiers", {{{"id", "free-tier"}, {"isDefault", true}}, {{"id", "standard-tier"}}}}};
  Setup s = decide(load, "");
  CHECK(s.kind == Setup::Kind::onboard);
  CHECK(s.tier == "free-tier");
  CHECK_FALSE(s.send_project);
  CHECK_FALSE(onboard_body(s, "x").contains("cloudaicompanionProject"));
  json ws = {{"allowedTiers", {{{"id", "standard-tier"}, {"isDefault", true}, {"userDefinedCloudaicompanionProject", true}}}}};
  Setup f = decide(ws, "");
  CHECK(f.kind == Setup::Kind::fail);
  CHECK(f.message.find("GOOGLE_CLOUD_PROJECT") != std::string::npos);
  Setup ok = decide(ws, "corp-proj");
  CHECK(ok.kind == Setup::Kind::onboard);
  CHECK(onboard_body(ok, "corp-proj")["cloudaicompanionProject"] == "corp-proj");
}

TEST_CASE("VALIDATION_REQUIRED says where to verify the account") {
  json load = {{"ineligibleTiers", {{{"reasonCode", "VALIDATION_REQUIRED"}, {"reasonMessage", "Verify your account"},
                                     {"validationUrl", "https://accounts.google.com/verify?x=1"}}}}};
  Setup s = decide(load, "");
  CHECK(s.kind == Setup::Kind::fail);
  CHECK(s.status == JCODE_E_DENIED);
  CHECK(s.message.find("https://accounts.google.com/verify?x=1") != std::string::npos);
  CHECK(s.message.find("VALIDATION_REQUIRED") != std::string::npos);
}

TEST_CASE("no allowed tier at all is the entitlement error; 403 on load says what to do") {
  Setup s = decide(json{{"ineligibleTiers", {{{"reasonCode", "INELIGIBLE_ACCOUNT"}, {"reasonMessage", "not eligible"}}}}}, "");
  CHECK(s.kind == Setup::Kind::fail);
  CHECK(s.message.find("not entitled") != std::string::npos);
  CHECK(s.message.find("not eligible") != std::string::npos);
  Setup h = http_failure("loadCodeAssist", 403, "The caller does not have permission (PERMISSION_DENIED)");
  CHECK(h.status == JCODE_E_DENIED);
  CHECK(h.message.find("GOOGLE_CLOUD_PROJECT") != std::string::npos);
  CHECK(http_failure("loadCodeAssist", 401, "x").status == JCODE_E_AUTH_EXPIRED);
}

TEST_CASE("the onboarding operation: pending with a name, done with the project, done with an error") {
  Operation p = read_operation(json{{"name", "operations/1"}, {"done", false}});
  CHECK_FALSE(p.done);
  CHECK(p.name == "operations/1");
  Operation d = read_operation(json{{"done", true}, {"response", {{"cloudaicompanionProject", {{"id", "proj-9"}}}}}});
  CHECK(d.done);
  CHECK(d.project == "proj-9");
  Operation e = read_operation(json{{"done", true}, {"error", {{"message", "boom"}}}});
  CHECK(e.error.find("boom") != std::string::npos);
  Operation bad = read_operation(json{{"done", false}});
  CHECK(bad.done);
  CHECK_FALSE(bad.error.empty());
}
