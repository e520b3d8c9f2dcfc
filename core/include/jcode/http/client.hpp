// HTTP(S) client of the host, on libcurl. Plugins reach it through host->http; the core's
// OAuth engine, device grant and refresh coordinator call it directly.
//
// One Client per thread: it owns one curl easy handle, so consecutive requests reuse the
// connection (keep-alive, TLS session) and the DNS cache. A Client is not thread-safe.
#pragma once

#include <jcode/error.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jcode::http {

// Request flags; the values equal JCODE_HTTP_F_* of plugin.h.
inline constexpr uint32_t RETRY = 0x1u;  // retry connect errors, 429, 5xx until body bytes flow
inline constexpr uint32_t SSE = 0x2u;    // 2xx bodies are Server-Sent Events: on_event

struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

// Case-insensitive lookup of the first header with that name; nullptr when absent.
const std::string* find_header(const Headers& headers, std::string_view name);

struct Request {
  std::string method = "GET";
  std::string url;  // https://…, or http:// to a loopback host only
  Headers headers;  // names and values must not contain CR, LF or NUL
  std::string body;
  uint32_t flags = 0;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{0};  // 0 = none (streams may be long)
  // Abort with JCODE_E_TIMEOUT when no byte arrives for this long (0 = never).
  std::chrono::milliseconds idle_timeout{60'000};
};

// Callbacks for one exchange; any may be empty. A callback returning an error aborts the
// transfer and perform() returns that error unchanged.
struct ResponseHandler {
  // The final status and headers (after retries), called once before any body byte.
  std::function<Status(int status, const Headers& headers)> on_status;
  // Raw body bytes: non-2xx responses always, 2xx unless the request has the SSE flag.
  std::function<Status(std::string_view bytes)> on_body;
  // One SSE event of a 2xx response with the SSE flag: name ("" if none), data lines joined
  // with '\n'.
  std::function<Status(std::string_view event, std::string_view data)> on_event;
};

// A whole buffered response, for small exchanges (token endpoints, profiles).
struct Response {
  int status = 0;
  Headers headers;
  std::string body;
};

struct ClientOptions {
  std::string user_agent;  // empty = "jcode/<version>"; a request's own User-Agent wins
  std::string ca_bundle;   // empty = $SSL_CERT_FILE, else the system store
  int max_retries = 3;     // with the RETRY flag
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{8'000};
  // A Retry-After / retry-after-ms longer than this is not waited for: the response is
  // returned to the caller as it is.
  std::chrono::milliseconds retry_after_max{60'000};
  // How to wait between attempts; tests inject one that records and returns at once.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Polled during transfers and before retries; true aborts with JCODE_E_CANCELLED.
  std::function<bool()> cancelled;
  // Largest body fetch() buffers (JCODE_E_PROTOCOL beyond).
  size_t max_buffered_body = 16u << 20;
};

class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // Runs one exchange, retrying when req.flags has RETRY. Returns the final HTTP status
  // (any status, including 4xx/5xx, is a success here: the handler saw it), or an Error:
  // JCODE_E_INVALID_ARG (bad URL, plain http to a non-loopback host, bad header),
  // JCODE_E_NETWORK (could not connect / transfer failed), JCODE_E_TIMEOUT,
  // JCODE_E_CANCELLED, or whatever a callback returned. Messages name the URL without its
  // query string and never hold header values or bodies.
  Result<int> perform(const Request& req, const ResponseHandler& handler);

  // perform() with the body buffered (SSE flag ignored).
  Result<Response> fetch(const Request& req);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The URL without userinfo, query and fragment, safe to show and log. Returns the input
// cut at the first '?' or '#' when it does not parse.
std::string display_url(std::string_view url);

// True for "localhost", "*.localhost", 127.0.0.0/8 and ::1 (with or without brackets).
bool is_loopback_host(std::string_view host);

// The cloud instance-metadata address (169.254.169.254: Azure IMDS and the like). It is
// plain http by design and link-local (never routed off the machine's link), so it is
// allowed like loopback; managed-identity credentials depend on it.
bool is_instance_metadata_host(std::string_view host);

// Checks a URL the client may contact: http(s) only, plain http only to loopback hosts and
// the instance-metadata address.
Status check_url(std::string_view url);

// Parses a Retry-After value (delta seconds or an HTTP date, relative to now) or, when
// retry_after_ms is non-empty, that header's milliseconds (which wins). nullopt when neither
// parses. Dates in the past give 0.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view retry_after, std::string_view retry_after_ms,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Header names whose values are never logged (compared case-insensitively).
bool is_sensitive_header(std::string_view name);

}  // namespace jcode::http
