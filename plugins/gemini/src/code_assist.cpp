#include "code_assist.hpp"

#include <jcode/support/google_oauth.hpp>

namespace jcode::gemini {
namespace {

using nlohmann::json;

std::string str(const json& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

Setup fail(jcode_status st, std::string msg) {
  Setup s;
  s.kind = Setup::Kind::fail;
  s.status = st;
  s.message = std::move(msg);
  return s;
}

}  // namespace

json client_metadata() {
  return {{"ideType", "IDE_UNSPECIFIED"}, {"platform", "PLATFORM_UNSPECIFIED"}, {"pluginType", "GEMINI"}};
}

Setup decide(const json& load, std::string_view env_project) {
  if (!load.is_object()) return fail(JCODE_E_PROTOCOL, "Gemini Code Assist answered loadCodeAssist with something that is not a JSON object");
  const std::string answered = support::google::project_of(load.value("cloudaicompanionProject", json()));
  if (auto ct = load.find("currentTier"); ct != load.end() && ct->is_object()) {
    std::string project = !answered.empty() ? answered : std::string(env_project);
    if (project.empty())
      return fail(JCODE_E_DENIED, "this Google account is on the Code Assist tier '" + str(*ct, "id") +
                                      "', which needs a Google Cloud project (Workspace and school accounts): " +
                                      kProjectHint);
    Setup s;
    s.kind = Setup::Kind::ready;
    s.project = project;
    return s;
  }
  // Not onboarded yet. A tier Google refuses until the user proves who they are says where.
  if (auto in = load.find("ineligibleTiers"); in != load.end() && in->is_array()) {
    for (const auto& t : *in) {
      if (!t.is_object() || str(t, "reasonCode") != "VALIDATION_REQUIRED") continue;
      std::string url = str(t, "validationUrl");
      return fail(JCODE_E_DENIED, "Google needs to verify this account before Gemini Code Assist can be used (VALIDATION_REQUIRED" +
                                      (str(t, "reasonMessage").empty() ? std::string() : ": " + str(t, "reasonMessage")) +
                                      "). Open " + (url.empty() ? std::string("the Gemini Code Assist page") : url) +
                                      " in a browser, complete the verification, then retry");
    }
  }
  const json* tier = nullptr;
  if (auto at = load.find("allowedTiers"); at != load.end() && at->is_array()) {
    for (const auto& t : *at)
      if (t.is_object() && t.value("isDefault", false)) tier = &t;
    if (tier == nullptr && !at->empty() && (*at)[0].is_object()) tier = &(*at)[0];
  }
  if (tier == nullptr) {
    std::string why;
    if (auto in = load.find("ineligibleTiers"); in != load.end() && in->is_array())
      for (const auto& t : *in)
        if (t.is_object() && !str(t, "reasonMessage").empty()) why += (why.empty() ? "" : "; ") + str(t, "reasonMessage");
    return fail(JCODE_E_DENIED, "this Google account is not entitled to Gemini Code Assist" +
                                    (why.empty() ? std::string() : " (" + why + ")") + ". For a Workspace account " +
                                    kProjectHint + "; or use a Gemini API key (GEMINI_API_KEY, or `jcode login --provider gemini` and choose api-key)");
  }
  Setup s;
  s.kind = Setup::Kind::onboard;
  s.tier = str(*tier, "id");
  if (s.tier.empty()) s.tier = "legacy-tier";
  s.send_project = s.tier != "free-tier";
  if (tier->value("userDefinedCloudaicompanionProject", false) && env_project.empty())
    return fail(JCODE_E_DENIED, "the Code Assist tier '" + s.tier +
                                    "' of this Google account (Workspace or school) needs a Google Cloud project: " + kProjectHint);
  return s;
}

Setup http_failure(std::string_view call, int32_t http_status, std::string_view error_text) {
  const std::string what = "Gemini Code Assist " + std::string(call) + " failed (HTTP " + std::to_string(http_status) +
                           ": " + std::string(error_text) + ")";
  if (http_status == 401) return fail(JCODE_E_AUTH_EXPIRED, what + "; run `jcode login --provider gemini`");
  if (http_status == 403)
    return fail(JCODE_E_DENIED, what + ". The account is not entitled to Code Assist as it is: for a Workspace or school "
                                       "account " + kProjectHint + "; or use a Gemini API key (GEMINI_API_KEY)");
  if (http_status == 429) return fail(JCODE_E_RATE_LIMITED, what + "; wait a moment and retry");
  if (http_status >= 500) return fail(JCODE_E_SERVER, what + "; retry later");
  return fail(JCODE_E_SERVER, what);
}

json onboard_body(const Setup& s, std::string_view env_project) {
  json body = {{"tierId", s.tier}, {"metadata", client_metadata()}};
  if (s.send_project && !env_project.empty()) {
    body["cloudaicompanionProject"] = std::string(env_project);
    body["metadata"]["duetProject"] = std::string(env_project);
  }
  return body;
}

Operation read_operation(const json& op) {
  Operation o;
  if (!op.is_object()) {
    o.done = true;
    o.error = "Gemini Code Assist answered onboardUser with something that is not a JSON object";
    return o;
  }
  o.name = str(op, "name");
  o.done = op.value("done", false);
  if (!o.done) {
    if (o.name.empty()) {
      o.done = true;
      o.error = "Gemini Code Assist's onboarding operation has neither a result nor a name to poll";
    }
    return o;
  }
  if (auto e = op.find("error"); e != op.end() && e->is_object()) {
    o.error = "Gemini Code Assist onboarding failed: " + e->value("message", std::string("unknown error"));
    return o;
  }
  if (auto r = op.find("response"); r != op.end() && r->is_object())
    o.project = support::google::project_of(r->value("cloudaicompanionProject", json()));
  return o;
}

}  // namespace jcode::gemini
