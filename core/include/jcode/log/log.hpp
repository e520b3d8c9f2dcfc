// Logging with redaction. Every line that reaches a sink has passed through the process-wide
// Redactor, which removes (a) every secret registered with add_secret, in its raw and
// URL-encoded forms, and (b) anything shaped like a credential even if never registered:
// "Bearer <token>", auth headers, sk-/sk-ant-/gh*_/AIza/ya29. keys, JWTs, and the values of
// access_token, refresh_token, id_token, code, code_verifier, client_secret, device_code,
// api_key, password, … in query strings, form bodies and JSON.
#pragma once

#include <jcode/error.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::log {

inline constexpr std::string_view kRedacted = "[REDACTED]";
inline constexpr std::size_t kMinSecretLength = 8;  // shorter strings would hit ordinary text

class Redactor {
 public:
  Redactor() = default;
  ~Redactor();
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  static Redactor& global();

  // Strings shorter than kMinSecretLength are ignored. Thread-safe.
  void add_secret(std::string_view secret);
  std::string redact(std::string_view text) const;
  std::size_t secret_count() const;
  void clear();  // wipes the registered secrets (tests, shutdown)

 private:
  mutable std::shared_mutex mu_;
  std::vector<std::string> secrets_;  // longest first, so a secret containing another wins
};

// Shorthands for the global redactor.
void add_secret(std::string_view secret);
std::string redact(std::string_view text);
// Only the pattern rules, without registered secrets (used by Redactor::redact).
std::string redact_patterns(std::string_view text);

// C0/C1 control characters (except newline and tab) escaped as \xNN / \u00NN.
std::string neutralise_controls(std::string_view text);
// What every message jcode prints to the user passes through: redacted, then neutralised.
std::string for_terminal(std::string_view message);

enum class Level : int { error = 0, warn = 1, info = 2, debug = 3 };
std::string_view to_string(Level level);

class Logger {
 public:
  // Receives one finished, redacted line without its trailing newline.
  using Sink = std::function<void(Level, std::string_view line)>;

  static Logger& global();

  // 0 (default): errors and warnings; 1 (-v): + info; 2 or more (-vv): + debug.
  void set_verbosity(int v);
  void set_max_level(Level level);
  Level max_level() const;
  bool enabled(Level level) const;
  // nullptr restores the default sink, stderr.
  void set_sink(Sink sink);

  // Redacts, neutralises terminal control characters, prefixes "jcode: <level>: " and
  // hands each line of the message to the sink. Thread-safe.
  void log(Level level, std::string_view message);

 private:
  mutable std::mutex mu_;
  Level max_ = Level::warn;
  Sink sink_;
};

void error(std::string_view message);
void warn(std::string_view message);
void info(std::string_view message);
void debug(std::string_view message);

// For a process that holds secrets: no core file (RLIMIT_CORE 0) and not dumpable, which
// also stops other processes of the same user from ptrace-attaching (PR_SET_DUMPABLE 0).
Status disable_core_dumps();

}  // namespace jcode::log
