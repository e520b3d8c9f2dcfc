// Transport-neutral request/response types and the router. Modules only see these, so
// httplib.h stays confined to server.cpp.
#pragma once

#include <functional>
#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace jemu {

struct CaseLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using HeaderMap = std::multimap<std::string, std::string, CaseLess>;
using ParamMap = std::multimap<std::string, std::string>;

struct Request {
  std::string method;        // "GET", "POST", ...
  std::string path;          // decoded path, e.g. "/api.anthropic.com/v1/messages"
  ParamMap query;            // decoded query parameters
  HeaderMap headers;
  std::string body;
  std::vector<std::string> captures;  // regex groups of the matched route

  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const;
  std::string param(const std::string& name) const;
  bool has_param(const std::string& name) const;
  /// Bearer token from Authorization ("" if absent or another scheme).
  std::string bearer() const;
  /// Media type of Content-Type, lower-cased, without parameters.
  std::string media_type() const;
};

struct Response {
  int status = 200;
  HeaderMap headers;
  std::string content_type = "application/json";
  std::string body;
  /// When set, the body is sent with chunked transfer encoding, one write per element.
  bool streaming = false;
  std::vector<std::string> chunks;
  int chunk_delay_ms = 0;
  int delay_ms = 0;  // applied before the status line is sent

  static Response json(int status, const nlohmann::ordered_json& body);
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response redirect(const std::string& location);
  static Response sse(std::vector<std::string> events);
  Response& with_header(const std::string& k, const std::string& v) {
    headers.emplace(k, v);
    return *this;
  }
  /// The complete body (joins chunks for streaming responses).
  std::string full_body() const;
};

using Handler = std::function<Response(const Request&)>;

class Router {
 public:
  /// `pattern` is an ECMAScript regex matched against the whole path.
  void add(std::string method, const std::string& pattern, Handler h);
  /// Literal path (no regex); dots in host names need no escaping.
  void add_exact(std::string method, const std::string& path, Handler h);
  /// Finds a handler; fills req.captures. Sets *path_known when the path exists for another method.
  const Handler* match(Request& req, bool* path_known) const;

 private:
  struct Route {
    std::string method;
    std::regex re;
    std::string pattern;
    Handler handler;
    bool exact = false;
  };
  std::vector<Route> routes_;
};

}  // namespace jemu
