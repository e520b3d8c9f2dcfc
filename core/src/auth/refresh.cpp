#include <jcode/auth/file_lock.hpp>
#include <jcode/auth/refresh.hpp>
#include <jcode/crypto/crypto.hpp>
#include <jcode/log/log.hpp>
#include <jcode/fs/fs.hpp>
#include <jcode/text/text.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace jcode::auth {

namespace {

std::string state_key(const std::string& provider, const std::string& account) {
  return account.empty() ? provider : provider + ":" + account;
}

// In-process single flight: one mutex per jcode home + provider/account, kept for the
// process lifetime (there are only a handful).
std::mutex& flight_mutex(const std::string& key) {
  static std::mutex registry_mu;
  static std::map<std::string, std::unique_ptr<std::mutex>> registry;
  std::lock_guard lock(registry_mu);
  auto& slot = registry[key];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

std::string display_of(const RefreshTarget& t) { return t.display.empty() ? t.provider : t.display; }

std::string login_command(const RefreshTarget& t) { return "`jcode login --provider " + t.provider + "`"; }

bool same_tokens(const model::Credential& a, const model::Credential& b) {
  return a.access_token == b.access_token && a.refresh_token == b.refresh_token;
}

nlohmann::json entry_to_json(const RefreshStateEntry& e) {
  nlohmann::json j{{"last_attempt_ms", e.last_attempt_ms}};
  if (e.last_success_ms) j["last_success_ms"] = *e.last_success_ms;
  if (e.last_error) j["last_error"] = *e.last_error;
  if (e.rejected_refresh_fingerprint) j["rejected_refresh_fingerprint"] = *e.rejected_refresh_fingerprint;
  return j;
}

RefreshStateEntry entry_from_json(const nlohmann::json& j) {
  RefreshStateEntry e;
  if (!j.is_object()) return e;
  if (auto it = j.find("last_attempt_ms"); it != j.end() && it->is_number_integer()) e.last_attempt_ms = it->get<int64_t>();
  if (auto it = j.find("last_success_ms"); it != j.end() && it->is_number_integer()) e.last_success_ms = it->get<int64_t>();
  if (auto it = j.find("last_error"); it != j.end() && it->is_string()) e.last_error = it->get<std::string>();
  if (auto it = j.find("rejected_refresh_fingerprint"); it != j.end() && it->is_string())
    e.rejected_refresh_fingerprint = it->get<std::string>();
  return e;
}

Result<nlohmann::json> load_state_doc(const std::filesystem::path& path) {
  auto text = fs::read_file(path, 1 << 20);
  if (!text) {
    if (text.status() == JCODE_E_NOT_FOUND) return nlohmann::json::object();
    return text.error();
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Error{JCODE_E_PROTOCOL, path.string() + " is not valid JSON. It only holds refresh bookkeeping: "
                                                   "delete it and retry."};
  return j;
}

}  // namespace

bool needs_refresh(const model::Credential& c, int64_t now_ms, int64_t window_ms) {
  return c.expires_at_ms != 0 && c.expires_at_ms - window_ms <= now_ms;
}

bool is_expired(const model::Credential& c, int64_t now_ms) { return c.expires_at_ms != 0 && c.expires_at_ms <= now_ms; }

std::string token_fingerprint(std::string_view secret) { return crypto::fingerprint(secret); }

RefreshCoordinator::RefreshCoordinator(std::filesystem::path jcode_home, HttpFn http, NowMs now,
                                       std::chrono::milliseconds lock_timeout)
    : home_(std::move(jcode_home)), http_(std::move(http)), now_(std::move(now)), lock_timeout_(lock_timeout) {
  if (!http_) http_ = default_http();
  if (!now_) now_ = system_now_ms;
}

std::filesystem::path RefreshCoordinator::lock_path(const std::string& provider, const std::string& account) const {
  std::string name = provider;
  if (!account.empty()) {
    name += '.';
    for (char c : account) name.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_');
  }
  return home_ / "locks" / (name + ".lock");
}

std::filesystem::path RefreshCoordinator::state_path() const { return home_ / "auth-refresh-state.json"; }

Result<std::optional<RefreshStateEntry>> RefreshCoordinator::state(const std::string& key) const {
  auto doc = load_state_doc(state_path());
  if (!doc) return doc.error();
  auto it = doc->find(key);
  if (it == doc->end()) return std::optional<RefreshStateEntry>{};
  return std::optional<RefreshStateEntry>(entry_from_json(*it));
}

Status RefreshCoordinator::record(const std::string& key, const std::function<void(RefreshStateEntry&)>& update) const {
  // Several providers share the file: read-modify-write under its own lock.
  auto lock = FileLock::acquire(home_ / "locks" / "auth-refresh-state.lock", lock_timeout_);
  if (!lock) return lock.error();
  auto doc = load_state_doc(state_path());
  if (!doc) return doc.error();
  RefreshStateEntry e = doc->contains(key) ? entry_from_json((*doc)[key]) : RefreshStateEntry{};
  update(e);
  (*doc)[key] = entry_to_json(e);
  return fs::atomic_write(state_path(), doc->dump(2) + "\n", 0600);
}

void RefreshCoordinator::note(const std::string& key, const std::function<void(RefreshStateEntry&)>& update) const {
  // Bookkeeping only (the login itself is saved elsewhere), but a rejected token that is not
  // remembered would be sent again: say so instead of failing silently.
  if (auto st = record(key, update); !st)
    log::warn("could not update " + state_path().string() + " (" + st.error().message + ")");
}

Result<RefreshResult> RefreshCoordinator::ensure_fresh(const RefreshTarget& t, const model::Credential& current,
                                                       bool force) const {
  const int64_t now = now_();
  log::add_secret(current.access_token);
  log::add_secret(current.refresh_token);
  if (!force && !needs_refresh(current, now)) return RefreshResult{current, false, false};

  if (t.external) {
    // Another tool owns this token: look whether it has refreshed it, never refresh it here.
    std::optional<model::Credential> again;
    if (t.load) {
      auto r = t.load();
      if (!r) return r.error();
      again = std::move(*r);
    }
    if (again && !same_tokens(*again, current) && !is_expired(*again, now)) return RefreshResult{*again, false, true};
    if (again && !force && !is_expired(*again, now)) return RefreshResult{*again, false, false};
    std::string label = t.external_label.empty() ? "another tool" : t.external_label;
    std::string msg = "The " + display_of(t) + " token from " + label +
                      (force ? " was refused by the service" : " has expired") +
                      ". jcode does not refresh another tool's login (that would log it out).";
    msg += t.external_hint.empty() ? " Refresh it with " + label + ", then retry;" : " " + t.external_hint + ", then retry;";
    msg += " or run " + login_command(t) + " to give jcode its own login.";
    return Error{JCODE_E_AUTH_REQUIRED, msg};
  }

  const std::string key = state_key(t.provider, t.account);
  std::lock_guard in_process(flight_mutex(home_.string() + "|" + key));
  auto lock = FileLock::acquire(lock_path(t.provider, t.account), lock_timeout_);
  if (!lock) return lock.error();
  return refresh_locked(t, current, force);
}

Result<RefreshResult> RefreshCoordinator::refresh_locked(const RefreshTarget& t, const model::Credential& current,
                                                         bool force) const {
  const int64_t now = now_();
  model::Credential base = current;
  if (t.load) {
    auto stored = t.load();
    if (!stored) return stored.error();
    if (*stored) {
      // Someone refreshed while we waited (or our copy was stale): use theirs.
      if (!same_tokens(**stored, current) && !needs_refresh(**stored, now)) return RefreshResult{**stored, false, true};
      base = **stored;
    }
  }
  if (!force && !needs_refresh(base, now)) return RefreshResult{base, false, false};
  if (base.refresh_token.empty())
    return Error{JCODE_E_AUTH_REQUIRED, "The " + display_of(t) + " login has expired and holds no refresh token. Run " +
                                            login_command(t) + " to log in again."};

  const std::string key = state_key(t.provider, t.account);
  const std::string fp = token_fingerprint(base.refresh_token);
  log::add_secret(base.refresh_token);
  if (auto st = state(key); st && *st && (*st)->rejected_refresh_fingerprint == fp)
    return Error{JCODE_E_AUTH_REQUIRED, "The " + display_of(t) + " login was rejected by the server earlier and is no "
                                            "longer valid. Run " + login_command(t) + " to log in again."};

  // Spending the refresh token cannot be undone: first prove its successor can be saved.
  if (t.save && t.check_save) {
    if (auto st = t.check_save(); !st)
      return Error{st.error().status, "not refreshing the " + display_of(t) + " login: the new tokens could not be saved (" +
                                          st.error().message + "). The saved login is unchanged and still valid; fix that, "
                                          "then retry."};
  }
  log::add_secret(t.client_secret);

  text::FormFields p{{"grant_type", "refresh_token"}, {"refresh_token", base.refresh_token}, {"client_id", t.client_id}};
  if (!t.client_secret.empty()) p.emplace_back("client_secret", t.client_secret);
  if (!t.refresh_scopes.empty()) p.emplace_back("scope", t.refresh_scopes);
  auto reply = post_token_request(http_, t.token_url, t.body, p);
  if (reply && !reply->success() && !t.refresh_scopes.empty() &&
      (reply->error == "invalid_scope" || reply->error_description.find("scope is invalid") != std::string::npos)) {
    p.pop_back();  // some servers refuse a narrowed scope: ask for the grant's own
    reply = post_token_request(http_, t.token_url, t.body, p);
  }
  if (!reply) {
    note(key, [&](RefreshStateEntry& e) {
      e.last_attempt_ms = now;
      e.last_error = log::redact(reply.error().message).substr(0, 240);
    });
    return reply.error();
  }
  if (!reply->success()) {
    Error err = token_error(*reply, "refreshing the " + display_of(t) + " token at " + http::display_url(t.token_url));
    const bool permanent = is_permanent_rejection(*reply);
    note(key, [&](RefreshStateEntry& e) {
      e.last_attempt_ms = now;
      e.last_error = log::redact(err.message).substr(0, 240);
      if (permanent) e.rejected_refresh_fingerprint = fp;
    });
    if (permanent)
      return Error{JCODE_E_AUTH_REQUIRED, err.message + ". The saved login is no longer valid; run " +
                                              login_command(t) + " to log in again."};
    return err;
  }
  auto mapped = t.mapper ? t.mapper(reply->body, &base) : map_token_response(reply->body, &base, now);
  if (!mapped) return mapped.error();
  mapped->source_id = base.source_id;
  for (const auto* secret : {&mapped->access_token, &mapped->refresh_token, &mapped->id_token}) log::add_secret(*secret);
  if (t.save) {
    // The old refresh token is spent: the new one must be on disk before anything uses it.
    // check_save passed a moment ago, so a failure here is transient (a race for space, an
    // interrupted call): try again before giving up on the only copy of the new grant.
    Status st = t.save(*mapped);
    for (int attempt = 1; !st && attempt < 4; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt * attempt));
      st = t.save(*mapped);
    }
    if (!st)
      return Error{st.error().status, "the " + display_of(t) + " token was refreshed but could not be saved (" +
                                          st.error().message + "); run " + login_command(t) + " if it keeps failing."};
  }
  note(key, [&](RefreshStateEntry& e) {
    e.last_attempt_ms = now;
    e.last_success_ms = now;
    e.last_error.reset();
    e.rejected_refresh_fingerprint.reset();
  });
  return RefreshResult{std::move(*mapped), true, false};
}

}  // namespace jcode::auth
