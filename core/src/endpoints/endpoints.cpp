#include <jcode/endpoints/endpoints.hpp>
#include <jcode/http/client.hpp>
#include <jcode/text/text.hpp>

#include <algorithm>

#include <arpa/inet.h>
#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <optional>

namespace jcode::endpoints {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStrDeleter {
  void operator()(char* s) const { curl_free(s); }
};

std::optional<std::string> part(CURLU* u, CURLUPart what) {
  char* raw = nullptr;
  if (curl_url_get(u, what, &raw, 0) != CURLUE_OK || raw == nullptr) return std::nullopt;
  std::unique_ptr<char, CurlStrDeleter> guard(raw);
  return std::string(raw);
}

// The URL without its query, for messages: a query may carry a key someone pasted.
std::string shown(std::string_view url) {
  auto q = url.find_first_of("?#");
  return std::string(url.substr(0, q)) + (q == std::string_view::npos ? "" : "?…");
}

struct Parsed {
  std::string scheme, host, port, path, query;
};

Result<Parsed> parse(std::string_view url, std::string_view setting, bool local_network = false) {
  auto refuse = [&](const std::string& why) -> Error {
    return Error{JCODE_E_INVALID_ARG, std::string(setting) + ": '" + shown(url) + "' " + why};
  };
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) return refuse("contains spaces or control characters; remove them");
  }
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return Error{JCODE_E_NOMEM, "out of memory parsing a URL"};
  const std::string text(url);
  // curl reads "https:///path" as host "path"; a URL must name its host right after "//".
  const auto sep = url.find("://");
  if (sep == std::string_view::npos || url.substr(sep + 3).starts_with("/")) {
    return refuse("is not a valid URL; write it as https://host/path");
  }
  if (curl_url_set(u.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return refuse("is not a valid URL; write it as https://host/path");
  }
  Parsed p;
  p.scheme = text::ascii_lower(part(u.get(), CURLUPART_SCHEME).value_or(""));
  p.host = text::ascii_lower(part(u.get(), CURLUPART_HOST).value_or(""));
  p.port = part(u.get(), CURLUPART_PORT).value_or("");
  p.path = part(u.get(), CURLUPART_PATH).value_or("");
  p.query = part(u.get(), CURLUPART_QUERY).value_or("");
  if (p.scheme != "https" && p.scheme != "http") return refuse("must start with https://");
  if (p.host.empty()) return refuse("has no host; write it as https://host/path");
  if (part(u.get(), CURLUPART_USER) || part(u.get(), CURLUPART_PASSWORD)) {
    return refuse("contains user:password@; put credentials in jcode's credential store, not in the URL");
  }
  if (part(u.get(), CURLUPART_FRAGMENT)) return refuse("has a #fragment, which is never sent; remove it");
  // curl reports "/" for an empty path; keep "https://host" without a trailing slash so a
  // rewrite plus the path a plugin appends does not produce "//".
  const std::string_view no_query = url.substr(0, url.find('?'));
  if (p.path == "/" && !no_query.ends_with("/")) p.path.clear();
  if (p.scheme == "http" && !is_loopback_host(p.host) && !http::is_instance_metadata_host(p.host) &&
      !(local_network && is_local_network_host(p.host))) {
    if (local_network)
      return refuse("uses plain http to a host outside the local network; use https://, or http:// only with this "
                    "machine or a private address (10/8, 172.16/12, 192.168/16, *.local, fc00::/7, ...)");
    return refuse("uses plain http to a host that is not this machine; use https://, or http:// only with "
                  "127.0.0.1, ::1 or localhost");
  }
  return p;
}

// Under JCODE_EMULATOR_URL every https URL (and the plain-http instance-metadata address)
// becomes <emulator>/<host[:port]><path>; plain http to this machine is already local and
// stays. nullopt: no emulator, or a URL that is not rewritten.
Result<std::optional<std::string>> emulated(const Parsed& p, const paths::Env& env) {
  auto emu = non_empty(env, "JCODE_EMULATOR_URL");
  if (!emu) return std::optional<std::string>();
  auto base = parse(*emu, "JCODE_EMULATOR_URL");
  if (!base.ok()) return std::move(base).error();
  if (!is_loopback_host(base->host)) {
    return Error{JCODE_E_INVALID_ARG, "JCODE_EMULATOR_URL: '" + shown(*emu) +
                                          "' is not on this machine; point it at the local emulator, "
                                          "e.g. http://127.0.0.1:PORT"};
  }
  if (p.scheme != "https" && !http::is_instance_metadata_host(p.host)) return std::optional<std::string>();
  std::string b = *emu;
  while (!b.empty() && b.back() == '/') b.pop_back();
  std::string url = b + "/" + p.host + (p.port.empty() ? "" : ":" + p.port) + p.path;
  if (!p.query.empty()) url += "?" + p.query;
  return std::optional<std::string>(std::move(url));
}

}  // namespace

Result<std::string> resolve_runtime(std::string_view url, std::string_view setting, const paths::Env& env) {
  auto p = parse(url, setting.empty() ? std::string_view("the URL") : setting);
  if (!p.ok()) return std::move(p).error();
  auto e = emulated(*p, env);
  if (!e) return e.error();
  if (*e) return **e;
  return std::string(url);
}

std::string_view to_string(Origin origin) {
  switch (origin) {
    case Origin::default_value: return "default";
    case Origin::config: return "config";
    case Origin::env: return "env";
    case Origin::emulator: return "emulator";
  }
  return "default";
}

bool is_loopback_host(std::string_view host) {
  std::string h = text::ascii_lower(host);
  if (h == "localhost") return true;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  struct in6_addr a6;
  if (::inet_pton(AF_INET6, h.c_str(), &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  struct in_addr a4;
  if (::inet_pton(AF_INET, h.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  return false;
}

bool is_local_network_host(std::string_view host) {
  if (is_loopback_host(host)) return true;
  std::string h = text::ascii_lower(host);
  if (h.ends_with(".local") || h.ends_with(".localhost")) return true;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  struct in6_addr a6;
  if (::inet_pton(AF_INET6, h.c_str(), &a6) == 1) {
    const unsigned char* b = a6.s6_addr;
    return IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_LINKLOCAL(&a6) || (b[0] & 0xfe) == 0xfc;
  }
  struct in_addr a4;
  if (::inet_pton(AF_INET, h.c_str(), &a4) != 1) return false;
  const uint32_t a = ntohl(a4.s_addr);
  return a == 0 || (a >> 24) == 10 || (a >> 20) == ((172u << 4) | 1u) || (a >> 16) == ((192u << 8) | 168u) ||
         (a >> 16) == ((169u << 8) | 254u) || (a >> 22) == ((100u << 2) | 1u);
}

std::string env_var_name(std::string_view plugin_id, std::string_view endpoint_name) {
  std::string out = "JCODE_ENDPOINT_";
  auto add = [&](std::string_view s) {
    for (unsigned char c : s) out.push_back(std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_');
  };
  add(plugin_id);
  out.push_back('_');
  add(endpoint_name);
  return out;
}

Status validate_url(std::string_view url, std::string_view setting, bool local_network) {
  auto p = parse(url, setting, local_network);
  if (!p.ok()) return std::move(p).error();
  return {};
}

Result<Resolved> resolve(std::string_view plugin_id, std::string_view endpoint_name,
                         std::string_view default_url, const config::Config& config,
                         const paths::Env& env, bool local_network) {
  const std::string full = std::string(plugin_id) + "." + std::string(endpoint_name);
  auto done = [local_network](std::string url, Origin origin, std::string setting) -> Result<Resolved> {
    if (auto s = validate_url(url, setting, local_network); !s.ok()) return std::move(s).error();
    return Resolved{std::move(url), origin, std::move(setting)};
  };

  const auto var = env_var_name(plugin_id, endpoint_name);
  if (auto v = non_empty(env, var)) return done(*v, Origin::env, var);

  if (auto v = config.endpoint(plugin_id, endpoint_name)) {
    return done(*v, Origin::config, "[endpoints] \"" + full + "\" in " + config.path().string());
  }

  const std::string default_setting = "the default URL of endpoint " + full + " (a plugin bug; report it)";
  auto def = parse(default_url, local_network ? "the profile's base_url" : default_setting, local_network);
  if (!def.ok()) return std::move(def).error();

  auto e = emulated(*def, env);
  if (!e) return e.error();
  if (*e) return done(std::move(**e), Origin::emulator, "JCODE_EMULATOR_URL");
  return Resolved{std::string(default_url), Origin::default_value, ""};
}

std::vector<std::string> unknown_endpoint_settings(const std::vector<std::pair<std::string, std::string>>& declared,
                                                   const std::vector<std::string>& plugins,
                                                   const config::Config& config, const paths::Env& env) {
  std::vector<std::string> out;
  std::vector<std::string> full, vars;
  for (const auto& [p, n] : declared) {
    full.push_back(p + "." + n);
    vars.push_back(env_var_name(p, n));
  }
  config.check_endpoint_names(full, plugins, out);
  constexpr std::string_view kPrefix = "JCODE_ENDPOINT_";
  for (const auto& name : env.names_with_prefix(kPrefix)) {
    if (std::find(vars.begin(), vars.end(), name) != vars.end()) continue;
    std::string owner;
    for (const auto& p : plugins) {
      const std::string prefix = env_var_name(p, "");  // "JCODE_ENDPOINT_<PLUGIN>_"
      if (name.starts_with(prefix) && prefix.size() > owner.size()) owner = p;
    }
    const std::string near = text::closest(name, vars);
    if (owner.empty() && near.empty()) continue;
    out.push_back(name + " names no endpoint" + (owner.empty() ? " of an installed provider" : " of " + owner) +
                  " and is ignored" + (near.empty() ? "" : "; did you mean " + near + "?") +
                  " (`jcode plugins info <provider>` lists the endpoints)");
  }
  return out;
}

bool is_loopback_url(std::string_view url) {
  auto p = parse(url, "url");
  return p.ok() && is_loopback_host(p->host);
}

}  // namespace jcode::endpoints
