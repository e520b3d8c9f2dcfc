#include "http_types.hpp"

#include <algorithm>
#include <cctype>

#include "util.hpp"

namespace jemu {

bool CaseLess::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

std::string Request::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}
bool Request::has_header(const std::string& name) const { return headers.find(name) != headers.end(); }
std::string Request::param(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}
bool Request::has_param(const std::string& name) const { return query.find(name) != query.end(); }

std::string Request::bearer() const {
  std::string auth = header("Authorization");
  if (auth.size() > 7 && to_lower(auth.substr(0, 7)) == "bearer ") return trim(auth.substr(7));
  return {};
}

std::string Request::media_type() const {
  std::string ct = header("Content-Type");
  auto semi = ct.find(';');
  return to_lower(trim(ct.substr(0, semi)));
}

Response Response::json(int status, const nlohmann::ordered_json& body) {
  Response r;
  r.status = status;
  r.body = body.dump();
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response Response::redirect(const std::string& location) {
  Response r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace("Location", location);
  return r;
}

Response Response::sse(std::vector<std::string> events) {
  Response r;
  r.status = 200;
  r.content_type = "text/event-stream; charset=utf-8";
  r.streaming = true;
  r.chunks = std::move(events);
  r.headers.emplace("Cache-Control", "no-cache");
  return r;
}

std::string Response::full_body() const {
  if (!streaming) return body;
  std::string out;
  for (const auto& c : chunks) out += c;
  return out;
}

void Router::add(std::string method, const std::string& pattern, Handler h) {
  routes_.push_back(Route{std::move(method), std::regex(pattern, std::regex::ECMAScript), pattern, std::move(h)});
}

void Router::add_exact(std::string method, const std::string& path, Handler h) {
  routes_.push_back(Route{std::move(method), std::regex(), path, std::move(h), true});
}

const Handler* Router::match(Request& req, bool* path_known) const {
  if (path_known) *path_known = false;
  for (const auto& r : routes_) {
    std::smatch m;
    if (r.exact ? req.path != r.pattern : !std::regex_match(req.path, m, r.re)) continue;
    if (r.method != req.method) {
      if (path_known) *path_known = true;
      continue;
    }
    req.captures.clear();
    for (std::size_t i = 1; i < m.size(); ++i) req.captures.push_back(m[i].str());
    return &r.handler;
  }
  return nullptr;
}

}  // namespace jemu
