// Shared by the ABI tests: a recording fake of HostServices, temp plugin directories, and
// access to the fixture plugins built by tests/fixtures.
#pragma once

#include <jcode/plugins/host_services.hpp>
#include <jcode/plugins/registry.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace jcode::test {

namespace fs = std::filesystem;
using namespace jcode::plugins;
using jcode::Error;
using jcode::Result;
using jcode::Status;

inline fs::path fixture(const std::string& id) {
  return fs::path(JCODE_FIXTURE_PLUGIN_DIR) / ("jcode-provider-" + id + ".so");
}

// A fresh directory under $TMPDIR (ctest points it into the build tree), removed at the end.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/jcode-abi-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
    ::chmod(path_.c_str(), 0755);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  // A plugin directory inside this temp dir (created, mode 0755).
  fs::path dir(const std::string& name) const {
    fs::path d = path_ / name;
    fs::create_directories(d);
    ::chmod(d.c_str(), 0755);
    return d;
  }

 private:
  fs::path path_;
};

// Copies fixture `id` into dir (optionally under another id), mode 0755; returns the path.
inline fs::path install(const fs::path& dir, const std::string& id, const std::string& as = "") {
  fs::path to = dir / ("jcode-provider-" + (as.empty() ? id : as) + ".so");
  fs::copy_file(fixture(id), to, fs::copy_options::overwrite_existing);
  ::chmod(to.c_str(), 0755);
  return to;
}

inline void write_file(const fs::path& p, const std::string& bytes, mode_t mode = 0644) {
  std::ofstream(p, std::ios::binary) << bytes;
  ::chmod(p.c_str(), mode);
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::vector<SearchDir> dirs(std::initializer_list<fs::path> paths) {
  std::vector<SearchDir> out;
  for (const auto& p : paths) out.push_back(SearchDir{p, "test"});
  return out;
}

inline const SkippedFile* skipped(const Registry& r, const std::string& id) {
  for (const auto& s : r.skipped())
    if (s.id == id) return &s;
  return nullptr;
}

// Records what plugins ask for; answers from its maps.
class FakeHost : public HostServices {
 public:
  std::mutex mu;
  std::vector<std::string> logs, notes, secrets;
  std::map<std::string, std::string> env, config, endpoints, state, store;
  std::vector<HttpRequest> requests;
  int32_t http_status = 200;
  std::string http_body = "echo-body";
  std::string oauth_json = R"({"access_token":"at-from-oauth","refresh_token":"rt-from-oauth"})";
  std::vector<model::OAuthClient> oauth_clients;
  std::vector<model::LoginRequest> login_requests;
  bool cancelled = false;

  void log(std::string_view plugin, LogLevel, std::string_view m) override {
    std::lock_guard l(mu);
    logs.push_back(std::string(plugin) + ": " + std::string(m));
  }
  void add_secret(std::string_view, std::string_view s) override {
    std::lock_guard l(mu);
    secrets.emplace_back(s);
  }
  void notify(std::string_view, std::string_view m) override {
    std::lock_guard l(mu);
    notes.emplace_back(m);
  }
  Result<std::string> env_get(std::string_view, std::string_view name) override { return lookup(env, name); }
  Result<std::string> config_get(std::string_view, std::string_view key) override { return lookup(config, key); }
  // ABI 1.1: answers are scripted; what was asked is recorded.
  std::vector<std::string> resolved, files_read;
  std::map<std::string, std::string> files;
  Result<std::string> resolve_url(std::string_view, std::string_view url, std::string_view setting) override {
    std::lock_guard l(mu);
    resolved.push_back(std::string(setting) + "=" + std::string(url));
    if (url.substr(0, 8) != "https://") return Error{JCODE_E_INVALID_ARG, std::string(setting) + ": must be https"};
    return "http://127.0.0.1:1/" + std::string(url.substr(8));
  }
  Result<std::string> read_file(std::string_view, std::string_view path, uint64_t max_bytes) override {
    {
      std::lock_guard l(mu);
      files_read.push_back(std::string(path) + "#" + std::to_string(max_bytes));
    }
    return lookup(files, path);  // takes mu itself
  }
  Result<std::string> endpoint_url(std::string_view plugin, std::string_view name) override {
    auto it = endpoints.find(std::string(plugin) + "." + std::string(name));
    if (it == endpoints.end()) return Error{JCODE_E_NOT_FOUND, "unknown endpoint " + std::string(name)};
    return it->second;
  }
  Status http(std::string_view, const HttpRequest& req, const HttpResponseHandler& h) override {
    {
      std::lock_guard l(mu);
      requests.push_back(req);
    }
    if (auto st = h.on_status(http_status, {{"content-type", "text/plain"}}); !st) return st;
    if (h.on_body) return h.on_body(http_body);
    return {};
  }
  Status state_put(std::string_view, std::string_view k, std::string_view v, int64_t) override {
    std::lock_guard l(mu);
    state[std::string(k)] = std::string(v);
    return {};
  }
  Result<std::string> oauth_authorize(std::string_view, const model::OAuthClient& c,
                                      const model::LoginRequest& r) override {
    std::lock_guard l(mu);
    oauth_clients.push_back(c);
    login_requests.push_back(r);
    return oauth_json;
  }
  bool is_cancelled(std::string_view) override { return cancelled; }

 private:
  Result<std::string> lookup(const std::map<std::string, std::string>& m, std::string_view k) {
    std::lock_guard l(mu);
    auto it = m.find(std::string(k));
    if (it == m.end()) return Error{JCODE_E_NOT_FOUND, std::string(k) + " is not set"};
    return it->second;
  }
};

}  // namespace jcode::test
