// Runs the real jcode-emulator binary for a test: --listen 127.0.0.1:0, the port read from its
// "listening http://127.0.0.1:PORT" line, killed and reaped at scope exit.
#pragma once

#include <jcode/http/client.hpp>

#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace jcode::test {

// Starts argv with stdin from in_fd (-1: inherited) and stdout to out_fd (-1: inherited).
inline pid_t spawn_process(const std::vector<std::string>& argv, int in_fd = -1, int out_fd = -1) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (in_fd >= 0) posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
  if (out_fd >= 0) posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("could not start " + argv[0]);
  return pid;
}

// Reads from fd until `until` appears or the deadline passes (poll, no sleeps).
inline std::string read_until(int fd, const std::string& until, std::chrono::milliseconds limit) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (out.find(until) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[512];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

class EmulatorProcess {
 public:
  EmulatorProcess() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = spawn_process({JCODE_EMULATOR_BINARY, "--listen", "127.0.0.1:0", "--threads", "32"}, -1, fds[1]);
    ::close(fds[1]);
    std::string line = read_until(fds[0], "\n", std::chrono::seconds(20));
    ::close(fds[0]);
    auto at = line.find("listening http://127.0.0.1:");
    if (at == std::string::npos) {
      stop();
      throw std::runtime_error("jcode-emulator did not report its port: " + line);
    }
    url_ = line.substr(at + 10);
    while (!url_.empty() && (url_.back() == '\n' || url_.back() == '\r')) url_.pop_back();
  }
  ~EmulatorProcess() { stop(); }
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  // http://127.0.0.1:PORT
  const std::string& url() const { return url_; }
  // https://HOST/PATH as the emulator serves it.
  std::string map(const std::string& https_url) const { return url_ + "/" + https_url.substr(8); }

  nlohmann::json control(const std::string& path, const nlohmann::json& body = nlohmann::json::object()) {
    http::Request req;
    req.method = "POST";
    req.url = url_ + path;
    req.headers = {{"Content-Type", "application/json"}};
    req.body = body.dump();
    return send(req);
  }
  nlohmann::json get(const std::string& path) {
    http::Request req;
    req.url = url_ + path;
    return send(req);
  }
  // How many times route ("POST /platform.claude.com/v1/oauth/token") was called.
  int64_t count(const std::string& route) {
    auto c = get("/_emulator/counters");
    return c.contains(route) ? c[route]["count"].get<int64_t>() : 0;
  }
  // The status code of GET path with a bearer token.
  int bearer_get(const std::string& path, const std::string& token) {
    http::Request req;
    req.url = url_ + path;
    req.headers = {{"Authorization", "Bearer " + token}, {"anthropic-beta", "oauth-2025-04-20"}};
    auto r = client_.fetch(req);
    return r ? r->status : 0;
  }

 private:
  nlohmann::json send(const http::Request& req) {
    auto r = client_.fetch(req);
    if (!r) throw std::runtime_error("emulator control call failed: " + r.error().message);
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_discarded()) throw std::runtime_error("emulator answered non-JSON: " + r->body);
    return j;
  }
  void stop() {
    if (pid_ > 0) {
      // SIGKILL: a graceful stop would wait for idle keep-alive connections to time out.
      ::kill(pid_, SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
      pid_ = -1;
    }
  }
  pid_t pid_ = -1;
  std::string url_;
  http::Client client_;
};

}  // namespace jcode::test
