#include "credentials.hpp"

#include "jwt.hpp"

#include <jcode/support/json_file.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace jcode::openai {
namespace {

using nlohmann::json;

std::string str(const json& o, const char* k) { return support::json_string(o, k); }

int64_t stored_expiry(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return 0;
  if (it->is_number_integer()) return expiry_ms(it->get<int64_t>());
  if (it->is_number_float()) return expiry_ms(static_cast<int64_t>(it->get<double>()));
  return 0;
}

Tokens from_account(const json& a) {
  Tokens t;
  t.access = str(a, "access_token");
  t.refresh = str(a, "refresh_token");
  t.id_token = str(a, "id_token");
  t.account_id = str(a, "account_id");
  t.email = str(a, "email");
  t.expires_at_ms = stored_expiry(a, "expires_at");
  complete_from_jwts(t);
  return t;
}

void write_account(json& a, const Tokens& t) {
  a["access_token"] = t.access;
  a["refresh_token"] = t.refresh;
  auto set_or_erase = [&a](const char* key, const std::string& v) {
    if (v.empty()) a.erase(key);
    else a[key] = v;
  };
  set_or_erase("id_token", t.id_token);
  set_or_erase("account_id", t.account_id);
  set_or_erase("email", t.email);
  if (t.expires_at_ms > 0) a["expires_at"] = t.expires_at_ms;
  else a.erase("expires_at");
}

}  // namespace

int64_t expiry_ms(int64_t stored) {
  // 10^11 ms is 1973; 10^11 s is the year 5138: anything below is seconds.
  if (stored > 0 && stored < 100000000000LL) return stored * 1000;
  return stored > 0 ? stored : 0;
}

void complete_from_jwts(Tokens& t) {
  if (t.api_key) return;
  if (t.account_id.empty() && !t.id_token.empty()) t.account_id = chatgpt_account_id(t.id_token);
  if (t.account_id.empty() && !t.access.empty()) t.account_id = chatgpt_account_id(t.access);
  if (t.email.empty() && !t.id_token.empty()) t.email = jwt_email(t.id_token);
  if (t.expires_at_ms == 0 && !t.access.empty()) t.expires_at_ms = jwt_exp_ms(t.access);
}

ParseResult parse_jcode_auth(std::string_view text) {
  json doc;
  // No advice here: the host adds the one that works (repair or move aside, then log in);
  // `jcode logout` would stumble on the same file.
  if (std::string why = support::parse_json_object(text, doc); !why.empty()) return {std::nullopt, "openai-auth.json " + why};
  if (auto it = doc.find("openai_accounts"); it != doc.end()) {
    if (!it->is_array())
      return {std::nullopt, "openai-auth.json: \"openai_accounts\" is not a list; run `jcode login --provider openai` "
                            "after moving the file away"};
    const std::string active = str(doc, "active_openai_account");
    const json* chosen = nullptr;
    for (const auto& a : *it) {
      if (!a.is_object()) continue;
      if (!active.empty() && str(a, "label") == active) chosen = &a;
      if (chosen == nullptr && active.empty()) chosen = &a;
    }
    if (chosen == nullptr && !it->empty() && (*it)[0].is_object()) chosen = &(*it)[0];
    if (chosen == nullptr) return {};
    Tokens t = from_account(*chosen);
    if (t.access.empty() && t.refresh.empty()) return {};
    return {t, {}};
  }
  // Flat legacy shape: the token fields at the top level.
  Tokens t = from_account(doc);
  if (t.access.empty() && t.refresh.empty()) return {};
  return {t, {}};
}

SerializeResult serialize_jcode_auth(std::string_view current, const Tokens* t) {
  json doc = json::object();
  if (!current.empty()) {
    if (std::string why = support::parse_json_object(current, doc); !why.empty())
      return {{}, "openai-auth.json " + why + "; repair it, or move it aside and log in again"};
  }
  if (!doc.contains("openai_accounts")) {
    // Migrate a flat legacy record into the accounts list.
    json accounts = json::array();
    if (doc.contains("access_token") || doc.contains("refresh_token")) {
      json a = {{"label", "default"}};
      for (const char* k : {"access_token", "refresh_token", "id_token", "account_id", "expires_at", "email"})
        if (doc.contains(k)) {
          a[k] = doc[k];
          doc.erase(k);
        }
      accounts.push_back(std::move(a));
      doc["active_openai_account"] = "default";
    }
    doc["openai_accounts"] = std::move(accounts);
  }
  json& accounts = doc["openai_accounts"];
  if (!accounts.is_array()) return {{}, "openai-auth.json: \"openai_accounts\" is not a list; move the file away"};
  const std::string active = doc.contains("active_openai_account") && doc["active_openai_account"].is_string()
                                 ? doc["active_openai_account"].get<std::string>()
                                 : std::string{};

  auto index_of_label = [&](const std::string& label) -> long {
    for (size_t i = 0; i < accounts.size(); ++i)
      if (accounts[i].is_object() && str(accounts[i], "label") == label) return static_cast<long>(i);
    return -1;
  };

  if (t == nullptr) {
    long i = active.empty() ? (accounts.empty() ? -1 : 0) : index_of_label(active);
    if (i >= 0) accounts.erase(static_cast<size_t>(i));
    if (!accounts.empty() && accounts[0].is_object()) doc["active_openai_account"] = str(accounts[0], "label");
    else doc.erase("active_openai_account");
    return {doc.dump(2) + "\n", {}};
  }

  // The same ChatGPT account is updated in place; another account is added beside it.
  long target = -1;
  if (!t->account_id.empty())
    for (size_t i = 0; i < accounts.size(); ++i)
      if (accounts[i].is_object() && from_account(accounts[i]).account_id == t->account_id) target = static_cast<long>(i);
  if (target < 0 && !active.empty()) {
    long i = index_of_label(active);
    if (i >= 0) {
      // The stored account id, or the one its tokens' claims name.
      std::string stored = from_account(accounts[static_cast<size_t>(i)]).account_id;
      if (stored.empty() || t->account_id.empty() || stored == t->account_id) target = i;
    }
  }
  if (target < 0) {
    std::string label = accounts.empty() ? "default" : "";
    for (size_t n = accounts.size() + 1; label.empty() || index_of_label(label) >= 0; ++n)
      label = "openai-" + std::to_string(n);
    accounts.push_back({{"label", label}});
    target = static_cast<long>(accounts.size() - 1);
  }
  json& a = accounts[static_cast<size_t>(target)];
  write_account(a, *t);
  doc["active_openai_account"] = str(a, "label");
  return {doc.dump(2) + "\n", {}};
}

ParseResult parse_codex_auth(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return {std::nullopt, "~/.codex/auth.json is not a JSON object; run `codex login` to repair it"};
  const std::string mode = str(doc, "auth_mode");
  const std::string key = str(doc, "OPENAI_API_KEY");
  const bool prefer_key = (mode == "apikey" || mode == "api_key" || mode == "ApiKey") && !key.empty();
  if (!prefer_key) {
    auto tk = doc.find("tokens");
    if (tk != doc.end() && tk->is_object()) {
      Tokens t;
      t.access = str(*tk, "access_token");
      t.refresh = str(*tk, "refresh_token");
      t.id_token = str(*tk, "id_token");
      t.account_id = str(*tk, "account_id");
      t.expires_at_ms = stored_expiry(*tk, "expires_at");
      if (!t.access.empty()) {
        complete_from_jwts(t);
        return {t, {}};
      }
    }
  }
  if (!key.empty()) {
    Tokens t;
    t.api_key = true;
    t.access = key;
    return {t, {}};
  }
  return {};
}

ParseResult map_token_response(std::string_view text, const Tokens* previous, int64_t now_ms) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string() ||
      j["access_token"].get<std::string>().empty())
    return {std::nullopt, "the OpenAI token endpoint answered without an access_token"};
  Tokens t;
  t.access = j["access_token"].get<std::string>();
  t.refresh = str(j, "refresh_token");
  t.id_token = str(j, "id_token");
  if (previous != nullptr) {
    if (t.refresh.empty()) t.refresh = previous->refresh;
    if (t.id_token.empty()) t.id_token = previous->id_token;
  }
  auto ei = j.find("expires_in");
  int64_t expires_in = 0;
  if (ei != j.end() && ei->is_number()) expires_in = static_cast<int64_t>(ei->get<double>());
  if (ei != j.end() && ei->is_string()) expires_in = std::strtoll(ei->get<std::string>().c_str(), nullptr, 10);
  if (expires_in > 0) t.expires_at_ms = now_ms + expires_in * 1000;
  complete_from_jwts(t);
  if (previous != nullptr) {
    if (t.account_id.empty()) t.account_id = previous->account_id;
    if (t.email.empty()) t.email = previous->email;
  }
  return {t, {}};
}

}  // namespace jcode::openai
