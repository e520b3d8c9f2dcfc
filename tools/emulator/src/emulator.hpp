// The transport-independent emulator: state, routes, queued responses, request log.
#pragma once

#include <optional>
#include <string>

#include "http_types.hpp"
#include "state.hpp"

namespace jemu {

class Emulator {
 public:
  explicit Emulator(const Config& initial);
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  /// Handles one request (thread-safe).
  Response handle(Request req);
  State& state() { return state_; }

 private:
  std::optional<Response> take_queued(const Request& req);
  void record(const Request& req, int status);

  State state_;
  Router router_;
};

/// Reads a fixture below `dir`; refuses absolute paths and "..". Sets *err on failure.
std::optional<std::string> load_fixture(const std::string& dir, const std::string& rel, std::string* err);

}  // namespace jemu
