// HTTP(S) front end of the emulator (the only code that includes httplib.h).
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "emulator.hpp"

namespace jemu {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = any free port
  std::string tls_cert, tls_key;
  std::size_t threads = 64;  // worker threads (each open connection occupies one)
};

class Server {
 public:
  Server(Emulator& emu, ServerOptions opts);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and listens; returns the port. Throws std::runtime_error on failure.
  int bind();
  /// Serves until stop(); returns false if the accept loop failed.
  bool run();
  void stop();
  bool is_running() const;
  /// Waits (bounded) until the accept loop runs, so a following stop() cannot be lost.
  void wait_running() const;
  /// "http://HOST:PORT" or "https://HOST:PORT".
  std::string url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Emulator + server on a background thread, for tests and embedding.
class BackgroundServer {
 public:
  explicit BackgroundServer(const Config& cfg = Config{}, ServerOptions opts = ServerOptions{});
  ~BackgroundServer();
  int port() const { return port_; }
  std::string url() const { return server_->url(); }
  Emulator& emulator() { return *emu_; }

 private:
  std::unique_ptr<Emulator> emu_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace jemu
