// The jcode_host_api bridge driven directly from C, as a plugin would: copying, redaction,
// argument checks, exceptions stopped at the boundary, callbacks back into the plugin.
#include "support.hpp"

#include "plugins/host_ctx.hpp"

#include <cstring>

using namespace jcode::test;
using jcode::plugins::detail::CallScope;

namespace {

jcode_str S(std::string_view s) { return jcode_str{s.data(), s.size()}; }

struct Buf {
  jcode_sink sink{};
  std::string data;
  Buf() {
    sink.struct_size = sizeof sink;
    sink.self = this;
    sink.write = [](void* self, const char* d, size_t n) -> jcode_status {
      static_cast<Buf*>(self)->data.append(d, n);
      return JCODE_OK;
    };
  }
};

class ThrowingHost : public FakeHost {
 public:
  Result<std::string> config_get(std::string_view, std::string_view key) override {
    if (key == "oom") throw std::bad_alloc();
    throw std::runtime_error("config exploded");
  }
};

class RichHost : public FakeHost {
 public:
  struct Lb : Loopback {
    std::string uri = "http://127.0.0.1:5555/callback";
    bool* closed;
    explicit Lb(bool* c) : closed(c) {}
    ~Lb() override { *closed = true; }
    const std::string& redirect_uri() const override { return uri; }
    Result<std::string> wait(uint32_t timeout_ms) override {
      if (timeout_ms == 0) return Error{JCODE_E_TIMEOUT, "no callback arrived"};
      return std::string("code=abc&state=xyz");
    }
  };
  bool lb_closed = false;
  LoopbackSpec last_spec;
  ProcessSpec last_process;
  Prompt last_prompt;

  Result<std::unique_ptr<Loopback>> loopback_listen(std::string_view, const LoopbackSpec& s) override {
    last_spec = s;
    return std::unique_ptr<Loopback>(new Lb(&lb_closed));
  }
  Result<int32_t> spawn(std::string_view, const ProcessSpec& s, const ProcessOutput& o) override {
    last_process = s;
    if (o.on_stdout)
      if (auto st = o.on_stdout("out-bytes"); !st) return st.error();
    return 7;
  }
  Result<std::string> prompt(std::string_view, const Prompt& p) override {
    last_prompt = p;
    return std::string("typed-answer");
  }
  Status random_bytes(std::string_view, std::span<std::byte> out) override {
    for (auto& b : out) b = std::byte{0x5a};
    return {};
  }
};

}  // namespace

TEST_CASE("set_error and host failures become the call's error; secrets are redacted") {
  FakeHost host;
  auto ctx = jcode::plugins::detail::make_host_ctx("demo", host);
  const jcode_host_api& api = jcode::plugins::detail::host_api_table();
  CHECK(api.struct_size == sizeof(jcode_host_api));
  CHECK(api.abi_minor == JCODE_ABI_MINOR);

  api.add_secret(ctx.get(), S("sk-very-secret-123"));
  REQUIRE(host.secrets.size() == 1);
  {
    CallScope scope(ctx.get());
    std::string msg = "token sk-very-secret-123 was refused";
    api.set_error(ctx.get(), JCODE_E_DENIED, S(msg));
    std::memset(msg.data(), 'X', msg.size());  // the host must have copied it
    auto e = scope.error(JCODE_E_DENIED, "parse", "");
    CHECK(e.status == JCODE_E_DENIED);
    CHECK(e.message == "provider 'demo': token [REDACTED] was refused");
  }
  api.log(ctx.get(), JCODE_LOG_WARN, S("using sk-very-secret-123 now"));
  api.notify(ctx.get(), S("sk-very-secret-123!"));
  CHECK(host.logs.back() == "demo: using [REDACTED] now");
  CHECK(host.notes.back() == "[REDACTED]!");

  {
    CallScope scope(ctx.get());
    Buf out;
    CHECK(api.env_get(ctx.get(), S("NOPE"), &out.sink) == JCODE_E_NOT_FOUND);
    auto e = scope.error(JCODE_E_NOT_FOUND, "resolve", "");
    CHECK(e.message == "provider 'demo': NOPE is not set");
  }
  {
    CallScope scope(ctx.get());
    auto e = scope.error(-77, "send", "");
    CHECK(e.status == JCODE_E_INTERNAL);  // unknown codes are treated as INTERNAL
    CHECK(e.message == "provider 'demo': send failed with unknown (code -77)");
  }
  // set_error outside any call is harmless.
  api.set_error(ctx.get(), JCODE_E_IO, S("stray"));
}

TEST_CASE("exceptions in a host service never reach the plugin") {
  ThrowingHost host;
  auto ctx = jcode::plugins::detail::make_host_ctx("demo", host);
  const jcode_host_api& api = jcode::plugins::detail::host_api_table();
  CallScope scope(ctx.get());
  Buf out;
  CHECK(api.config_get(ctx.get(), S("x"), &out.sink) == JCODE_E_INTERNAL);
  CHECK(scope.error(JCODE_E_INTERNAL, "create", "").message ==
        "provider 'demo': internal error in host service config_get: config exploded");
  CHECK(api.config_get(ctx.get(), S("oom"), &out.sink) == JCODE_E_NOMEM);
}

TEST_CASE("malformed arguments are refused with INVALID_ARG, not a crash") {
  FakeHost host;
  auto ctx = jcode::plugins::detail::make_host_ctx("demo", host);
  const jcode_host_api& api = jcode::plugins::detail::host_api_table();
  Buf out;
  CHECK(api.env_get(nullptr, S("X"), &out.sink) == JCODE_E_INVALID_ARG);
  CHECK(api.env_get(ctx.get(), jcode_str{nullptr, 5}, &out.sink) == JCODE_E_INVALID_ARG);
  CHECK(api.env_get(ctx.get(), S("X"), nullptr) == JCODE_E_INVALID_ARG);
  CHECK(api.http(ctx.get(), nullptr, nullptr) == JCODE_E_INVALID_ARG);
  jcode_http_request small{};
  small.struct_size = 8;  // too small to hold url
  jcode_http_response_sink rs{};
  rs.struct_size = sizeof rs;
  CHECK(api.http(ctx.get(), &small, &rs) == JCODE_E_INVALID_ARG);
  jcode_oauth_client oc{};
  oc.struct_size = 4;
  CHECK(api.oauth_authorize(ctx.get(), &oc, nullptr, &out.sink) == JCODE_E_INVALID_ARG);
  CHECK(api.random_bytes(ctx.get(), nullptr, 4) == JCODE_E_INVALID_ARG);
  CHECK(api.loopback_wait(nullptr, 0, &out.sink) == JCODE_E_INVALID_ARG);
  api.loopback_close(nullptr);
  CHECK(api.now_ms(nullptr) == 0);
  CHECK(api.now_ms(ctx.get()) > 1600000000000LL);
  CHECK(api.is_cancelled(ctx.get()) == 0);
}

TEST_CASE("http: headers, body and flags are copied; a plugin callback can stop the transfer") {
  FakeHost host;
  auto ctx = jcode::plugins::detail::make_host_ctx("demo", host);
  const jcode_host_api& api = jcode::plugins::detail::host_api_table();
  std::string url = "https://x.test/v1";
  jcode_kv hdr{S("X-Test"), S("1")};
  jcode_http_request req{};
  req.struct_size = sizeof req;
  req.method = S("GET");
  req.url = S(url);
  req.headers = &hdr;
  req.header_count = 1;
  req.flags = JCODE_HTTP_F_SSE;
  req.timeout_ms = 1234;

  struct Seen {
    int32_t status = 0;
    std::string body;
    size_t headers = 0;
  } seen;
  jcode_http_response_sink rs{};
  rs.struct_size = sizeof rs;
  rs.self = &seen;
  rs.on_status = [](void* self, int32_t status, const jcode_kv*, size_t n) -> jcode_status {
    static_cast<Seen*>(self)->status = status;
    static_cast<Seen*>(self)->headers = n;
    return JCODE_OK;
  };
  rs.on_body = [](void* self, const char* d, size_t n) -> jcode_status {
    static_cast<Seen*>(self)->body.append(d, n);
    return JCODE_OK;
  };
  CHECK(api.http(ctx.get(), &req, &rs) == JCODE_OK);
  CHECK(seen.status == 200);
  CHECK(seen.headers == 1);
  CHECK(seen.body == "echo-body");
  REQUIRE(host.requests.size() == 1);
  CHECK(host.requests[0].url == url);
  CHECK(host.requests[0].headers[0] == std::pair<std::string, std::string>{"X-Test", "1"});
  CHECK(host.requests[0].timeout_ms == 1234);
  CHECK(host.requests[0].flags == JCODE_HTTP_F_SSE);

  rs.on_status = [](void*, int32_t, const jcode_kv*, size_t) -> jcode_status { return JCODE_E_CANCELLED; };
  CallScope scope(ctx.get());
  CHECK(api.http(ctx.get(), &req, &rs) == JCODE_E_CANCELLED);
  CHECK(scope.error(JCODE_E_CANCELLED, "send", "").message == "provider 'demo': stopped by the plugin's on_status");
}

TEST_CASE("loopback, spawn, prompt and random bytes are forwarded") {
  RichHost host;
  auto ctx = jcode::plugins::detail::make_host_ctx("demo", host);
  const jcode_host_api& api = jcode::plugins::detail::host_api_table();

  jcode_loopback_spec spec{};
  spec.struct_size = sizeof spec;
  spec.port = 1455;
  spec.host = S("127.0.0.1");
  spec.path = S("/callback");
  jcode_loopback* lb = nullptr;
  Buf uri;
  REQUIRE(api.loopback_listen(ctx.get(), &spec, &lb, &uri.sink) == JCODE_OK);
  REQUIRE(lb);
  CHECK(uri.data == "http://127.0.0.1:5555/callback");
  CHECK(host.last_spec.port == 1455);
  CHECK(host.last_spec.path == "/callback");
  Buf q;
  CHECK(api.loopback_wait(lb, 1000, &q.sink) == JCODE_OK);
  CHECK(q.data == "code=abc&state=xyz");
  Buf none;
  CHECK(api.loopback_wait(lb, 0, &none.sink) == JCODE_E_TIMEOUT);
  CHECK_FALSE(host.lb_closed);
  api.loopback_close(lb);
  CHECK(host.lb_closed);

  jcode_str argv[] = {S("gh"), S("auth"), S("token")};
  jcode_kv env[] = {{S("GH_TOKEN"), S("secret-env")}};
  jcode_process_spec ps{};
  ps.struct_size = sizeof ps;
  ps.argv = argv;
  ps.argc = 3;
  ps.env = env;
  ps.env_count = 1;
  ps.stdin_data = S("input");
  std::string out;
  jcode_process_sink sink{};
  sink.struct_size = sizeof sink;
  sink.self = &out;
  sink.on_stdout = [](void* self, const char* d, size_t n) -> jcode_status {
    static_cast<std::string*>(self)->append(d, n);
    return JCODE_OK;
  };
  int32_t code = -1;
  CHECK(api.spawn(ctx.get(), &ps, &sink, &code) == JCODE_OK);
  CHECK(code == 7);
  CHECK(out == "out-bytes");
  CHECK(host.last_process.argv == std::vector<std::string>{"gh", "auth", "token"});
  CHECK(host.last_process.env[0].first == "GH_TOKEN");

  jcode_prompt pr{};
  pr.struct_size = sizeof pr;
  pr.kind = JCODE_PROMPT_SECRET;
  pr.question = S("API key:");
  Buf answer;
  CHECK(api.prompt(ctx.get(), &pr, &answer.sink) == JCODE_OK);
  CHECK(answer.data == "typed-answer");
  CHECK(host.last_prompt.kind == PromptKind::secret);
  CHECK(host.last_prompt.question == "API key:");
  pr.kind = JCODE_PROMPT_CHOICE;  // without choices
  CHECK(api.prompt(ctx.get(), &pr, &answer.sink) == JCODE_E_INVALID_ARG);

  unsigned char bytes[8] = {};
  CHECK(api.random_bytes(ctx.get(), bytes, sizeof bytes) == JCODE_OK);
  CHECK(bytes[7] == 0x5a);
}

TEST_CASE("services left at their defaults answer NOT_SUPPORTED, naming the service") {
  HostServices bare;
  auto ctx = jcode::plugins::detail::make_host_ctx("demo", bare);
  const jcode_host_api& api = jcode::plugins::detail::host_api_table();
  CallScope scope(ctx.get());
  Buf out;
  CHECK(api.store_read(ctx.get(), S("auth"), &out.sink) == JCODE_E_NOT_SUPPORTED);
  CHECK(scope.error(JCODE_E_NOT_SUPPORTED, "run", "").message ==
        "provider 'demo': the host service 'store_read' is not available in this host build");
  CHECK(api.state_put(ctx.get(), S("k"), S("v"), 10) == JCODE_E_NOT_SUPPORTED);
  CHECK(api.open_url(ctx.get(), S("https://x")) == JCODE_E_NOT_SUPPORTED);
  unsigned char b[4];
  CHECK(api.random_bytes(ctx.get(), b, 4) == JCODE_E_NOT_SUPPORTED);
}
