#include <jcode/auth/loopback.hpp>
#include <jcode/text/text.hpp>

#include <httplib.h>
#include <sys/socket.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace jcode::auth {

namespace {

// A tiny page for the browser tab; never a redirect, never echoing request data.
std::string page(std::string_view title, std::string_view text) {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>jcode: " + std::string(title) +
         "</title></head><body style=\"font-family:sans-serif;margin:3em\"><h2>" +
         std::string(title) + "</h2><p>" + std::string(text) + "</p></body></html>\n";
}

}  // namespace

struct LoopbackListener::Impl {
  LoopbackOptions options;
  httplib::Server server;
  std::thread thread;
  std::promise<void> finished;
  std::future<void> finished_future = finished.get_future();
  uint16_t port = 0;
  std::string redirect_uri;

  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<LoopbackResult>> outcome;
  bool closed = false;

  bool complete(Result<LoopbackResult> r) {
    {
      std::lock_guard lock(mu);
      if (outcome) return false;
      outcome.emplace(std::move(r));
    }
    cv.notify_all();
    return true;
  }

  bool done() {
    std::lock_guard lock(mu);
    return outcome.has_value();
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("Connection", "close");
    auto reply = [&](int status, std::string_view title, std::string_view text) {
      res.status = status;
      res.set_content(page(title, text), "text/html; charset=utf-8");
    };
    if (done()) {
      reply(200, "Login already handled",
            "This login has already been handled. You can close this window.");
      return;
    }
    // httplib has decoded the parameters; rebuild the raw query for host->loopback_wait.
    text::FormFields params;
    for (const auto& [k, v] : req.params) params.emplace_back(k, v);
    std::string query;
    if (auto q = req.target.find('?'); q != std::string::npos) query = req.target.substr(q + 1);
    if (auto h = query.find('#'); h != std::string::npos) query.resize(h);
    CallbackParams cb;
    cb.code = text::form_value(params, "code").value_or("");
    cb.state = text::form_value(params, "state").value_or("");
    cb.error = text::form_value(params, "error").value_or("");
    cb.error_description = text::form_value(params, "error_description").value_or("");

    if (!options.expected_state) {
      if (query.empty()) {
        reply(400, "Login not completed", "This request carried no login result.");
        return;
      }
      if (complete(LoopbackResult{cb, query}))
        reply(200, "Login received", "You can close this window and return to the terminal.");
      else
        reply(200, "Login already handled", "You can close this window.");
      return;
    }
    if (!cb.error.empty()) {
      // Only an error for this attempt ends it; one without our state may be stale.
      // A missing state is unverified too: anyone could request that URL.
      if (cb.state.empty() || !constant_time_equal(cb.state, *options.expected_state)) {
        reply(400, "Login not completed", "This error does not carry this login's state and was ignored.");
        return;
      }
      auto st = check_callback(cb, *options.expected_state, PasteInput::callback_url);
      complete(st.error());
      reply(400, "Login failed", "Authentication was denied or cancelled. Return to the terminal for details.");
      return;
    }
    if (cb.code.empty() || cb.state.empty()) {
      reply(400, "Login not completed", "The callback is missing its code or state.");
      return;
    }
    if (!constant_time_equal(cb.state, *options.expected_state)) {
      reply(400, "Login not completed", "OAuth state mismatch. Please retry the latest login flow.");
      return;
    }
    if (complete(LoopbackResult{cb, query}))
      reply(200, "Login successful", "Success! You can close this window and return to the terminal.");
    else
      reply(200, "Login already handled", "You can close this window.");
  }
};

LoopbackListener::LoopbackListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LoopbackListener::~LoopbackListener() { close(); }

Result<std::unique_ptr<LoopbackListener>> LoopbackListener::start(const LoopbackOptions& options) {
  if (options.path.empty() || options.path.front() != '/')
    return Error{JCODE_E_INVALID_ARG, "the loopback redirect path must start with '/'"};
  if (options.host != "localhost" && options.host != "127.0.0.1")
    return Error{JCODE_E_INVALID_ARG,
                 "the loopback redirect host must be localhost or 127.0.0.1, not '" + options.host + "'"};
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  auto& srv = impl->server;
  // httplib's default also sets SO_REUSEPORT, which would let us share a busy fixed port
  // with another listener; SO_REUSEADDR alone only skips TIME_WAIT leftovers.
  srv.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  srv.new_task_queue = [] { return new httplib::ThreadPool(3); };
  srv.set_keep_alive_max_count(1);
  srv.set_read_timeout(5, 0);
  srv.set_write_timeout(5, 0);
  srv.set_payload_max_length(64 * 1024);
  Impl* raw = impl.get();
  srv.Get(options.path, [raw](const httplib::Request& req, httplib::Response& res) { raw->handle(req, res); });

  if (options.port == 0) {
    int port = srv.bind_to_any_port("127.0.0.1");
    if (port <= 0)
      return Error{JCODE_E_IO, "could not open a loopback port on 127.0.0.1 for the login callback"};
    impl->port = static_cast<uint16_t>(port);
  } else {
    if (!srv.bind_to_port("127.0.0.1", options.port))
      return Error{JCODE_E_IO, "port " + std::to_string(options.port) +
                                   " on 127.0.0.1 is busy (or not allowed), so the browser cannot "
                                   "return to jcode there"};
    impl->port = options.port;
  }
  impl->redirect_uri = "http://" + options.host + ":" + std::to_string(impl->port) + options.path;
  impl->thread = std::thread([raw] {
    raw->server.listen_after_bind();
    raw->finished.set_value();
  });
  return std::unique_ptr<LoopbackListener>(new LoopbackListener(std::move(impl)));
}

uint16_t LoopbackListener::port() const { return impl_->port; }
const std::string& LoopbackListener::redirect_uri() const { return impl_->redirect_uri; }

Result<LoopbackResult> LoopbackListener::wait(std::chrono::milliseconds timeout,
                                              const std::function<bool()>& cancelled) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(impl_->mu);
  while (!impl_->outcome) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      return Error{JCODE_E_TIMEOUT, "no login callback arrived within " +
                                        std::to_string(timeout.count() / 1000) + " s"};
    if (cancelled && cancelled()) return Error{JCODE_E_CANCELLED, "login cancelled"};
    // Wake up now and then only to look at the cancel flag.
    auto slice = std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(100));
    impl_->cv.wait_for(lock, slice);
  }
  return *impl_->outcome;
}

bool LoopbackListener::deliver(Result<LoopbackResult> outcome) { return impl_->complete(std::move(outcome)); }

void LoopbackListener::close() {
  if (!impl_) return;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->closed) return;
    impl_->closed = true;
  }
  // stop() is a no-op until the serving thread has started running, so repeat it until
  // that thread is seen to finish.
  do {
    impl_->server.stop();
  } while (impl_->finished_future.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready);
  impl_->thread.join();
}

}  // namespace jcode::auth
