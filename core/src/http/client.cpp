// The libcurl-backed client. One easy handle driven by a private multi handle: the multi
// loop lets us enforce the idle timeout to the millisecond and poll for cancellation while
// keeping the connection cache across requests (curl_easy_reset keeps live connections).
#include <jcode/http/client.hpp>
#include <jcode/http/sse.hpp>
#include <jcode/text/text.hpp>

#include "http/debug_log.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>

#ifndef JCODE_VERSION
#define JCODE_VERSION "0"
#endif

namespace jcode::http {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Bodies of responses that will be retried are read and dropped so the connection can be
// reused, up to this size; beyond it the transfer is cut.
constexpr size_t kMaxDiscard = 64 * 1024;
// How often the transfer loop wakes to check cancellation when nothing else happens.
constexpr milliseconds kCancelPoll{200};

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool retryable_status(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504 ||
         status == 529;
}

// Failures before any response byte where a new attempt can succeed.
bool transient(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

bool connect_failure(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return true;
    default:
      return false;
  }
}

bool has_bad_chars(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool valid_header_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c > ' ' && c < 127 && c != ':';
  });
}

// A header line's name or value: OWS around it, and the line's CRLF after the value.
std::string_view trim_header(std::string_view s) {
  return text::trim_right_view(text::trim_left_view(s, text::http_ows), " \t\r\n");
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// State of one attempt, shared with the curl callbacks.
struct Attempt {
  const Request* req = nullptr;
  const ResponseHandler* handler = nullptr;
  const ClientOptions* opt = nullptr;
  CURL* easy = nullptr;
  bool may_retry = false;

  int status = 0;
  Headers headers;
  bool decided = false;
  bool committed = false;   // on_status was called: no more retries
  bool discarding = false;  // a retryable response whose body is dropped
  size_t discarded = 0;
  milliseconds retry_delay{-1};  // from Retry-After, when the server sent one
  std::optional<Error> callback_error;
  std::optional<SseParser> sse;
  Clock::time_point last_activity = Clock::now();
  curl_off_t last_upload = 0;

  Status deliver_body(std::string_view bytes) {
    if (sse) return sse->feed(bytes);
    if (handler->on_body) return handler->on_body(bytes);
    return {};
  }

  // Called once the status of this attempt is known (first body byte or end of transfer).
  void decide() {
    decided = true;
    long code = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    status = static_cast<int>(code);
    if (may_retry && retryable_status(status)) {
      const std::string* ra = find_header(headers, "retry-after");
      const std::string* ra_ms = find_header(headers, "retry-after-ms");
      auto wait = parse_retry_after(ra ? *ra : std::string_view{}, ra_ms ? *ra_ms : std::string_view{});
      if (!wait || *wait <= opt->retry_after_max) {
        discarding = true;
        retry_delay = wait.value_or(milliseconds(-1));
        return;
      }
      debug_log("http: " + std::to_string(status) + " from " + display_url(req->url) +
                " asks to wait " + std::to_string(wait->count()) +
                " ms, more than the cap: not retrying");
    }
    committed = true;
    if (handler->on_status) {
      if (Status st = handler->on_status(status, headers); !st) {
        callback_error = st.error();
        return;
      }
    }
    if ((req->flags & SSE) && status >= 200 && status < 300) {
      sse.emplace([this](const SseEvent& ev) -> Status {
        if (handler->on_event) return handler->on_event(ev.event, ev.data);
        return {};
      });
    }
  }

  static size_t on_header(char* data, size_t size, size_t n, void* self) {
    auto* a = static_cast<Attempt*>(self);
    const size_t len = size * n;
    a->last_activity = Clock::now();
    std::string_view line(data, len);
    if (line.starts_with("HTTP/")) {
      // A new response (after 1xx, or a proxy's CONNECT answer): forget earlier headers.
      a->headers.clear();
      return len;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return len;
    a->headers.push_back(Header{std::string(trim_header(line.substr(0, colon))),
                                std::string(trim_header(line.substr(colon + 1)))});
    return len;
  }

  static size_t on_write(char* data, size_t size, size_t n, void* self) {
    auto* a = static_cast<Attempt*>(self);
    const size_t len = size * n;
    a->last_activity = Clock::now();
    if (!a->decided) a->decide();
    if (a->callback_error) return CURL_WRITEFUNC_ERROR;
    if (a->discarding) {
      a->discarded += len;
      return a->discarded > kMaxDiscard ? CURL_WRITEFUNC_ERROR : len;
    }
    if (Status st = a->deliver_body(std::string_view(data, len)); !st) {
      a->callback_error = st.error();
      return CURL_WRITEFUNC_ERROR;
    }
    return len;
  }

  static int on_progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t ulnow) {
    auto* a = static_cast<Attempt*>(self);
    if (ulnow != a->last_upload) {  // sending a large body counts as activity
      a->last_upload = ulnow;
      a->last_activity = Clock::now();
    }
    return 0;
  }
};

// One header per line: the log redactor treats the rest of a line after an auth header's
// name as its value.
std::string describe_headers(const Headers& headers) {
  std::string out;
  for (const Header& h : headers) {
    out += "\n  " + h.name + ": " + (is_sensitive_header(h.name) ? std::string("[REDACTED]") : h.value);
  }
  return out;
}

}  // namespace

struct Client::Impl {
  ClientOptions opt;
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  std::minstd_rand rng{std::random_device{}()};
  char errbuf[CURL_ERROR_SIZE] = {};

  explicit Impl(ClientOptions o) : opt(std::move(o)) {
    global_init();
    easy = curl_easy_init();
    multi = curl_multi_init();
  }
  ~Impl() {
    if (easy) curl_easy_cleanup(easy);
    if (multi) curl_multi_cleanup(multi);
  }

  bool cancelled() const { return opt.cancelled && opt.cancelled(); }

  void sleep_for(milliseconds d) {
    if (opt.sleep) return opt.sleep(d);
    if (d.count() <= 0) return;
    // Sleep in slices so a cancellation is noticed within kCancelPoll.
    const auto until = Clock::now() + d;
    while (!cancelled()) {
      const auto now = Clock::now();
      if (now >= until) return;
      std::this_thread::sleep_for(std::min<Clock::duration>(until - now, kCancelPoll));
    }
  }

  milliseconds backoff(int attempt) {
    const long long base = opt.backoff_initial.count();
    long long d = base;
    for (int i = 0; i < attempt && d < opt.backoff_max.count(); ++i) d *= 2;
    d = std::min<long long>(d, opt.backoff_max.count());
    // "Equal jitter": half fixed, half random, so concurrent clients spread out.
    std::uniform_int_distribution<long long> dist(d / 2, std::max<long long>(d / 2, d));
    return milliseconds(dist(rng));
  }

  Status setup(const Request& req, Attempt& a, Slist& headers) {
    curl_easy_reset(easy);
    errbuf[0] = '\0';
    const std::string display = display_url(req.url);
    curl_easy_setopt(easy, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(req.total_timeout.count()));
    // Proxies: nothing is set on purpose, so libcurl applies http_proxy / https_proxy /
    // HTTPS_PROXY / ALL_PROXY / NO_PROXY from the environment itself.

    std::string ca = opt.ca_bundle;
    if (ca.empty()) {
      if (const char* env = std::getenv("SSL_CERT_FILE"); env && *env) ca = env;
    }
    if (!ca.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, ca.c_str());

    const std::string& m = req.method;
    if (m.empty() || has_bad_chars(m) || m.find(' ') != std::string::npos) {
      return Error{JCODE_E_INVALID_ARG, "invalid HTTP method for " + display};
    }
    if (m == "GET") {
      curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else if (m == "HEAD") {
      curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else {
      if (m != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, m.c_str());
      if (m == "POST" || !req.body.empty()) {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req.body.data());
      }
    }

    curl_slist* list = nullptr;
    auto add = [&](const std::string& line) -> bool {
      curl_slist* next = curl_slist_append(list, line.c_str());
      if (!next) return false;
      list = next;  // the head: new on the first append only
      if (!headers) headers.reset(list);
      return true;
    };
    for (const Header& h : req.headers) {
      if (!valid_header_name(h.name) || has_bad_chars(h.value)) {
        return Error{JCODE_E_INVALID_ARG, "invalid HTTP header '" +
                                              (valid_header_name(h.name) ? h.name : std::string("?")) +
                                              "' for " + display +
                                              ": names and values must not hold CR, LF or NUL"};
      }
      // "Name;" is curl's way to send a header with an empty value.
      if (!add(h.value.empty() ? h.name + ";" : h.name + ": " + h.value)) {
        return Error{JCODE_E_NOMEM, "out of memory building request headers"};
      }
    }
    // No "Expect: 100-continue" round trip for larger POST bodies.
    if (!find_header(req.headers, "expect") && !add("Expect:")) {
      return Error{JCODE_E_NOMEM, "out of memory building request headers"};
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
    if (!find_header(req.headers, "user-agent")) {
      const std::string& ua = opt.user_agent;
      curl_easy_setopt(easy, CURLOPT_USERAGENT,
                       ua.empty() ? "jcode/" JCODE_VERSION : ua.c_str());
    }
    if (!find_header(req.headers, "accept-encoding")) {
      curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
    }

    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Attempt::on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &a);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Attempt::on_write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &Attempt::on_progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &a);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    return {};
  }

  enum class Stop { none, idle, cancelled };

  // Drives one transfer; returns curl's result, or why we stopped it ourselves.
  std::pair<CURLcode, Stop> transfer(const Request& req, Attempt& a) {
    if (CURLMcode mc = curl_multi_add_handle(multi, easy); mc != CURLM_OK) {
      return {CURLE_FAILED_INIT, Stop::none};
    }
    CURLcode rc = CURLE_OK;
    Stop stop = Stop::none;
    int running = 1;
    for (;;) {
      if (curl_multi_perform(multi, &running) != CURLM_OK) {
        rc = CURLE_FAILED_INIT;
        break;
      }
      if (running == 0) {
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
          if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) rc = msg->data.result;
        }
        break;
      }
      if (cancelled()) {
        stop = Stop::cancelled;
        break;
      }
      milliseconds wait = opt.cancelled ? kCancelPoll : milliseconds(1000);
      if (req.idle_timeout.count() > 0) {
        const auto idle_for = std::chrono::duration_cast<milliseconds>(Clock::now() - a.last_activity);
        if (idle_for >= req.idle_timeout) {
          stop = Stop::idle;
          break;
        }
        wait = std::min(wait, req.idle_timeout - idle_for);
      }
      curl_multi_poll(multi, nullptr, 0, static_cast<int>(std::max<long long>(1, wait.count())),
                      nullptr);
    }
    curl_multi_remove_handle(multi, easy);
    return {rc, stop};
  }

  Result<int> perform(const Request& req, const ResponseHandler& handler) {
    if (!easy || !multi) return Error{JCODE_E_NOMEM, "could not initialise libcurl"};
    if (Status st = check_url(req.url); !st) return st.error();
    const std::string display = display_url(req.url);
    const int max_retries = (req.flags & RETRY) ? std::max(0, opt.max_retries) : 0;

    for (int attempt = 0;; ++attempt) {
      if (cancelled()) return Error{JCODE_E_CANCELLED, "request to " + display + " cancelled"};
      Attempt a;
      a.req = &req;
      a.handler = &handler;
      a.opt = &opt;
      a.easy = easy;
      a.may_retry = attempt < max_retries;
      Slist header_list;
      if (Status st = setup(req, a, header_list); !st) return st.error();
      debug_log("http: " + req.method + " " + display + " (attempt " + std::to_string(attempt + 1) +
                ", body " + std::to_string(req.body.size()) + " bytes)" +
                describe_headers(req.headers));
      a.last_activity = Clock::now();
      auto [rc, stop] = transfer(req, a);

      if (a.callback_error) return *a.callback_error;
      if (stop == Stop::cancelled) {
        return Error{JCODE_E_CANCELLED, "request to " + display + " cancelled"};
      }
      if (stop == Stop::idle) {
        return Error{JCODE_E_TIMEOUT, "no data from " + display + " for " +
                                          std::to_string(req.idle_timeout.count()) +
                                          " ms: gave up (the service or the network stalled)"};
      }
      if (rc == CURLE_OK && !a.decided) {
        a.decide();  // a response without body
        if (a.callback_error) return *a.callback_error;
      }

      bool retry = false;
      milliseconds delay{0};
      if (a.discarding) {
        retry = true;
        delay = a.retry_delay.count() >= 0 ? a.retry_delay : backoff(attempt);
        debug_log("http: " + std::to_string(a.status) + " from " + display + ", retrying in " +
                  std::to_string(delay.count()) + " ms");
      } else if (rc != CURLE_OK && !a.committed && a.may_retry && transient(rc)) {
        retry = true;
        delay = backoff(attempt);
        debug_log("http: " + display + ": " + curl_easy_strerror(rc) + ", retrying in " +
                  std::to_string(delay.count()) + " ms");
      }
      if (retry) {
        sleep_for(delay);
        continue;
      }

      if (rc == CURLE_OK) {
        if (a.sse && a.sse->finish()) {
          debug_log("http: event stream from " + display +
                    " ended inside an event; the partial event was dropped");
        }
        debug_log("http: " + std::to_string(a.status) + " from " + display);
        return a.status;
      }
      return transfer_error(req, rc, a.committed);
    }
  }

  Error transfer_error(const Request& req, CURLcode rc, bool committed) const {
    const std::string display = display_url(req.url);
    std::string detail = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      return Error{JCODE_E_TIMEOUT, "timed out talking to " + display + ": " + detail};
    }
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
      return Error{JCODE_E_NETWORK,
                   "could not connect to " + display + ": " + detail +
                       " (behind a TLS-intercepting proxy? set SSL_CERT_FILE to a CA bundle "
                       "that includes its certificate)"};
    }
    if (!committed && connect_failure(rc)) {
      return Error{JCODE_E_NETWORK, "could not connect to " + display + ": " + detail};
    }
    if (rc == CURLE_FILESIZE_EXCEEDED || rc == CURLE_BAD_CONTENT_ENCODING) {
      return Error{JCODE_E_PROTOCOL, "bad response from " + display + ": " + detail};
    }
    return Error{JCODE_E_NETWORK,
                 (committed ? "connection to " : "could not connect to ") + display +
                     (committed ? " failed during the response: " : ": ") + detail};
  }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Result<int> Client::perform(const Request& req, const ResponseHandler& handler) {
  return impl_->perform(req, handler);
}

Result<Response> Client::fetch(const Request& req) {
  Request plain = req;
  plain.flags &= ~SSE;
  Response resp;
  const size_t cap = impl_->opt.max_buffered_body;
  ResponseHandler h;
  h.on_status = [&](int status, const Headers& headers) -> Status {
    resp.status = status;
    resp.headers = headers;
    return {};
  };
  h.on_body = [&](std::string_view bytes) -> Status {
    if (resp.body.size() + bytes.size() > cap) {
      return Error{JCODE_E_PROTOCOL, "response from " + display_url(req.url) + " is larger than " +
                                         std::to_string(cap) + " bytes"};
    }
    resp.body.append(bytes);
    return {};
  };
  Result<int> r = impl_->perform(plain, h);
  if (!r) return std::move(r).error();
  return resp;
}

}  // namespace jcode::http
