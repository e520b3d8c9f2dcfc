// URL checks shared by the client and its callers: what may be contacted, and what of a URL
// may be shown (never the query string or userinfo, which can hold secrets).
#include <jcode/http/client.hpp>
#include <jcode/text/text.hpp>

#include <curl/curl.h>

#include <arpa/inet.h>

#include <algorithm>
#include <memory>

namespace jcode::http {

namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlPtr = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlFree {
  void operator()(char* p) const { curl_free(p); }
};
using CurlStr = std::unique_ptr<char, CurlFree>;

UrlPtr parse(std::string_view url) {
  UrlPtr u(curl_url());
  if (!u) return nullptr;
  const std::string s(url);
  if (curl_url_set(u.get(), CURLUPART_URL, s.c_str(), 0) != CURLUE_OK) return nullptr;
  return u;
}

std::string part(CURLU* u, CURLUPart which) {
  char* p = nullptr;
  if (curl_url_get(u, which, &p, 0) != CURLUE_OK || p == nullptr) return {};
  CurlStr owned(p);
  return std::string(p);
}

}  // namespace

std::string display_url(std::string_view url) {
  UrlPtr u = parse(url);
  if (!u) return std::string(url.substr(0, url.find_first_of("?#")));
  std::string out = part(u.get(), CURLUPART_SCHEME) + "://" + part(u.get(), CURLUPART_HOST);
  if (std::string port = part(u.get(), CURLUPART_PORT); !port.empty()) out += ":" + port;
  std::string path = part(u.get(), CURLUPART_PATH);
  out += path.empty() ? "/" : path;
  return out;
}

bool is_loopback_host(std::string_view host) {
  std::string h = text::ascii_lower(host);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h == "localhost" || h.ends_with(".localhost")) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

bool is_instance_metadata_host(std::string_view host) { return host == "169.254.169.254"; }

Status check_url(std::string_view url) {
  UrlPtr u = parse(url);
  if (!u) {
    return Error{JCODE_E_INVALID_ARG,
                 "invalid URL '" + display_url(url) + "': expected https://host/path"};
  }
  const std::string scheme = text::ascii_lower(part(u.get(), CURLUPART_SCHEME));
  const std::string host = part(u.get(), CURLUPART_HOST);
  if (scheme == "https") return {};
  if (scheme == "http") {
    if (is_loopback_host(host) || is_instance_metadata_host(host)) return {};
    return Error{JCODE_E_INVALID_ARG,
                 "refusing plain http:// to non-loopback host '" + host + "' (" +
                     display_url(url) + "): use https://, or http:// only to localhost/127.0.0.1"};
  }
  return Error{JCODE_E_INVALID_ARG, "unsupported URL scheme '" + scheme + "' in " +
                                        display_url(url) + ": only https:// is allowed"};
}

bool is_sensitive_header(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "authorization", "proxy-authorization", "api-key",      "x-api-key",
      "cookie",        "set-cookie",          "x-goog-api-key", "ocp-apim-subscription-key"};
  const std::string n = text::ascii_lower(name);
  return std::find(std::begin(kNames), std::end(kNames), n) != std::end(kNames);
}

const std::string* find_header(const Headers& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (text::iequals(h.name, name)) return &h.value;
  }
  return nullptr;
}

}  // namespace jcode::http
