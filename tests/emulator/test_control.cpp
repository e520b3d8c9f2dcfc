// Control API: queued responses (incl. recorded streams byte for byte), request log cap,
// counters, reset, and concurrency/latency.
#include <atomic>
#include <chrono>
#include <thread>

#include "helpers.hpp"

using namespace emutest;

namespace {
const char* kPath = "/api.anthropic.com/v1/messages";
httplib::Headers key_headers() {
  return {{"x-api-key", "sk-ant-api03-emulator-key"}, {"anthropic-version", "2023-06-01"}};
}
json smoke_body() {
  return {{"model", "claude-sonnet-4-5"},
          {"max_tokens", 64},
          {"messages", json::array({{{"role", "user"}, {"content", kSmokePrompt}}})}};
}
}  // namespace

TEST_CASE("queue: status, headers and body of the next responses, then normal service") {
  Emu e;
  e.control("/_emulator/queue",
            {{"route", kPath},
             {"responses",
              {{{"status", 429},
                {"headers", {{"retry-after", "1"}}},
                {"body", {{"type", "error"}, {"error", {{"type", "rate_limit_error"}, {"message", "slow down"}}}}}},
               {{"status", 529}, {"body", "overloaded"}, {"content_type", "text/plain"}}}}});
  auto r1 = e.post_json(kPath, smoke_body(), key_headers());
  CHECK(r1->status == 429);
  CHECK(r1->get_header_value("retry-after") == "1");
  CHECK(body_json(r1)["error"]["type"] == "rate_limit_error");
  auto r2 = e.post_json(kPath, smoke_body(), key_headers());
  CHECK(r2->status == 529);
  CHECK(r2->body == "overloaded");
  CHECK(e.post_json(kPath, smoke_body(), key_headers())->status == 200);
}

TEST_CASE("queue: a recorded real stream is played byte for byte; delay is applied") {
  Emu e;
  const std::string fixture = "derived-sse/vercel-anthropic-json-tool.1.sse";
  e.control("/_emulator/queue", {{"route", kPath}, {"responses", {{{"fixture", fixture}, {"chunk_delay_ms", 1}}, {{"fixture", fixture}, {"delay_ms", 50}}}}});
  auto r = e.post_json(kPath, smoke_body(), key_headers());
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type").find("text/event-stream") == 0);
  CHECK(r->body == read_file(std::string(JCODE_TEST_FIXTURES_DIR) + "/" + fixture));
  auto t0 = std::chrono::steady_clock::now();
  auto r2 = e.post_json(kPath, smoke_body(), key_headers());
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(50));
  CHECK(r2->body == r->body);
  e.control("/_emulator/queue", {{"route", kPath}, {"responses", {{{"fixture", "../../etc/passwd"}}}}}, 400);
  e.control("/_emulator/queue", {{"route", kPath}, {"responses", {{{"fixture", "no-such.sse"}}}}}, 400);
}

TEST_CASE("request log: method, path, headers, body; path filter; capped") {
  Emu e;
  e.control("/_emulator/config", {{"log_capacity", 5}});
  for (int i = 0; i < 8; ++i) e.post_json(kPath, smoke_body(), key_headers());
  e.get("/api.github.com/user");
  json log = e.control_get("/_emulator/requests");
  CHECK(log.size() == 5);
  json filtered = e.control_get("/_emulator/requests?path=%2Fapi.anthropic.com%2Fv1%2Fmessages");
  CHECK(filtered.size() == 4);
  CHECK(filtered[0]["method"] == "POST");
  CHECK(filtered[0]["headers"]["x-api-key"] == "sk-ant-api03-emulator-key");
  CHECK(filtered[0]["json"]["model"] == "claude-sonnet-4-5");
  CHECK(filtered[0]["status"] == 200);
  json counters = e.control_get("/_emulator/counters");
  CHECK(counters["POST /api.anthropic.com/v1/messages"]["count"] == 8);
  CHECK(counters["GET /api.github.com/user"]["status"]["401"] == 1);
  e.control("/_emulator/reset");
  CHECK(e.control_get("/_emulator/requests").empty());
  CHECK(e.control_get("/_emulator/config")["log_capacity"] == 1000);
}

TEST_CASE("unknown routes are 404, wrong methods 405") {
  Emu e;
  CHECK(e.get("/nowhere.example/x")->status == 404);
  CHECK(e.get(kPath)->status == 405);
}

TEST_CASE("16 concurrent keep-alive clients") {
  Emu e;
  constexpr int kClients = 16, kRequests = 40;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  const std::string body = smoke_body().dump();
  auto t0 = std::chrono::steady_clock::now();
  for (int c = 0; c < kClients; ++c)
    threads.emplace_back([&] {
      httplib::Client cli("127.0.0.1", e.srv.port());
      cli.set_keep_alive(true);
      cli.set_tcp_nodelay(true);
      for (int i = 0; i < kRequests; ++i) {
        auto r = cli.Post(kPath, key_headers(), body, "application/json");
        if (r && r->status == 200)
          ++ok;
        else
          MESSAGE("request failed: " << (r ? std::to_string(r->status) : httplib::to_string(r.error())));
      }
    });
  for (auto& t : threads) t.join();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  CHECK(ok == kClients * kRequests);
  MESSAGE("640 requests from 16 clients in " << ms << " ms (" << ms / (kClients * kRequests) << " ms/request wall)");
}
