#include "server.hpp"

#include <httplib.h>

#include <sys/socket.h>

#include <chrono>
#include <stdexcept>

namespace jemu {

struct Server::Impl {
  Emulator& emu;
  ServerOptions opts;
  std::unique_ptr<httplib::Server> http;
  int port = 0;
  bool tls = false;
  int listen_fd = -1;

  Impl(Emulator& e, ServerOptions o) : emu(e), opts(std::move(o)) {
    if (!opts.tls_cert.empty() || !opts.tls_key.empty()) {
      if (opts.tls_cert.empty() || opts.tls_key.empty())
        throw std::runtime_error("--tls-cert and --tls-key must be given together");
      auto ssl = std::make_unique<httplib::SSLServer>(opts.tls_cert.c_str(), opts.tls_key.c_str());
      if (!ssl->is_valid()) throw std::runtime_error("cannot load TLS certificate/key");
      http = std::move(ssl);
      tls = true;
    } else {
      http = std::make_unique<httplib::Server>();
    }
    const std::size_t n = opts.threads;
    http->new_task_queue = [n] { return new httplib::ThreadPool(n); };
    http->set_keep_alive_max_count(100000);
    http->set_keep_alive_timeout(2);
    http->set_tcp_nodelay(true);
    // Remember the listening socket: httplib's backlog of 5 drops bursts of connects (16+
    // clients); bind() raises it afterwards.
    http->set_socket_options([this](socket_t sock) {
      httplib::default_socket_options(sock);
      listen_fd = sock;
    });
    auto handler = [this](const httplib::Request& hr, httplib::Response& res) { serve(hr, res); };
    http->Get(".*", handler);
    http->Post(".*", handler);
    http->Put(".*", handler);
    http->Patch(".*", handler);
    http->Delete(".*", handler);
    http->Options(".*", handler);
  }

  void serve(const httplib::Request& hr, httplib::Response& res) {
    Request r;
    r.method = hr.method == "HEAD" ? "GET" : hr.method;
    r.path = hr.path;
    for (const auto& [k, v] : hr.params) r.query.emplace(k, v);
    for (const auto& [k, v] : hr.headers) r.headers.emplace(k, v);
    r.body = hr.body;
    Response out = emu.handle(std::move(r));
    if (out.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(out.delay_ms));
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k.c_str(), v);
    if (out.streaming) {
      auto chunks = std::make_shared<std::vector<std::string>>(std::move(out.chunks));
      const int delay = out.chunk_delay_ms;
      res.set_chunked_content_provider(out.content_type, [chunks, delay](size_t, httplib::DataSink& sink) {
        bool first = true;
        for (const auto& c : *chunks) {
          if (c.empty()) continue;
          if (!first && delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
          first = false;
          if (!sink.write(c.data(), c.size())) return false;
        }
        sink.done();
        return true;
      });
    } else {
      res.set_content(out.body, out.content_type.c_str());
    }
  }
};

Server::Server(Emulator& emu, ServerOptions opts) : impl_(std::make_unique<Impl>(emu, std::move(opts))) {}
Server::~Server() = default;

int Server::bind() {
  auto& i = *impl_;
  if (i.opts.port == 0) {
    i.port = i.http->bind_to_any_port(i.opts.host.c_str());
    if (i.port < 0) throw std::runtime_error("cannot bind " + i.opts.host);
  } else {
    if (!i.http->bind_to_port(i.opts.host.c_str(), i.opts.port))
      throw std::runtime_error("cannot bind " + i.opts.host + ":" + std::to_string(i.opts.port));
    i.port = i.opts.port;
  }
  if (i.listen_fd >= 0) ::listen(i.listen_fd, SOMAXCONN);  // Linux: re-listen updates the backlog
  return i.port;
}

bool Server::run() { return impl_->http->listen_after_bind(); }
void Server::stop() {
  wait_running();
  impl_->http->stop();
}
bool Server::is_running() const { return impl_->http->is_running(); }
void Server::wait_running() const {
  for (int i = 0; i < 5000 && !impl_->http->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

std::string Server::url() const {
  std::string host = impl_->opts.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(impl_->tls ? "https" : "http") + "://" + host + ":" + std::to_string(impl_->port);
}

BackgroundServer::BackgroundServer(const Config& cfg, ServerOptions opts)
    : emu_(std::make_unique<Emulator>(cfg)), server_(std::make_unique<Server>(*emu_, std::move(opts))) {
  port_ = server_->bind();
  thread_ = std::thread([this] { server_->run(); });
  server_->wait_running();
}

BackgroundServer::~BackgroundServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace jemu
