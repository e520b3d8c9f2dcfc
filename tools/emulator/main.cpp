// jcode-emulator: prints "listening http://HOST:PORT" once ready, serves until SIGTERM/SIGINT.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <pthread.h>
#include <thread>

#include <CLI/CLI.hpp>

#include "server.hpp"

int main(int argc, char** argv) {
  CLI::App app{"jcode-emulator: strict in-memory emulator of the LLM providers jcode talks to"};
  std::string listen = "127.0.0.1:0";
  std::string cert, key;
  bool auto_approve = false;
  jemu::Config cfg;
#ifdef JCODE_EMULATOR_DEFAULT_FIXTURES
  cfg.fixtures_dir = JCODE_EMULATOR_DEFAULT_FIXTURES;
#endif
  if (const char* env = std::getenv("JCODE_EMULATOR_FIXTURES")) cfg.fixtures_dir = env;
  std::size_t threads = 64;
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 = any free port)");
  app.add_option("--tls-cert", cert, "PEM certificate (serve HTTPS)");
  app.add_option("--tls-key", key, "PEM private key (serve HTTPS)");
  app.add_flag("--auto-approve", auto_approve, "approve authorize pages and device codes without a user");
  app.add_option("--fixtures", cfg.fixtures_dir, "directory of recorded streams for queued fixture responses");
  app.add_option("--chunk-size", cfg.chunk_size, "bytes of text per streamed delta")->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "worker threads")->check(CLI::Range(2, 1024));
  CLI11_PARSE(app, argc, argv);
  cfg.auto_approve = auto_approve;

  jemu::ServerOptions opts;
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "jcode-emulator: --listen must be HOST:PORT\n";
    return 2;
  }
  opts.host = listen.substr(0, colon);
  if (opts.host.size() > 1 && opts.host.front() == '[' && opts.host.back() == ']')
    opts.host = opts.host.substr(1, opts.host.size() - 2);
  try {
    opts.port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
    opts.port = -1;
  }
  if (opts.port < 0 || opts.port > 65535) {
    std::cerr << "jcode-emulator: bad port in --listen\n";
    return 2;
  }
  opts.tls_cert = cert;
  opts.tls_key = key;
  opts.threads = threads;

  // Block the stop signals in every thread; a dedicated thread waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    jemu::Emulator emu(cfg);
    jemu::Server server(emu, opts);
    server.bind();
    std::thread waiter([&server, set] {
      int sig = 0;
      sigwait(&set, &sig);
      server.stop();
    });
    std::cout << "listening " << server.url() << std::endl;
    const bool ok = server.run();
    if (!ok) {
      // The accept loop failed on its own: wake the signal thread so it can exit.
      pthread_kill(waiter.native_handle(), SIGTERM);
    }
    waiter.join();
    return ok ? 0 : 1;
  } catch (const std::exception& ex) {
    std::cerr << "jcode-emulator: " << ex.what() << "\n";
    return 1;
  }
}
