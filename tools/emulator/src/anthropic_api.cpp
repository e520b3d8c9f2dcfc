// Anthropic Messages API (x-api-key and Claude Code OAuth modes) and the OAuth profile endpoint.
#include <set>

#include "modules.hpp"
#include "scripted_model.hpp"
#include "sse.hpp"

namespace jemu {

namespace {

const char* const kIdentity = "You are Claude Code, Anthropic's official CLI for Claude.";
const char* const kClaudeCodeOnly =
    "This credential is only authorized for use with Claude Code and cannot be used for other API requests.";

const std::set<std::string>& oauth_tool_allow_list() {
  static const std::set<std::string> names{"shell_exec", "file_read",   "file_write", "file_edit", "file_glob",
                                           "file_grep",  "task_runner", "todo_read",  "todo_write"};
  return names;
}

Response anthropic_error(int status, const std::string& type, const std::string& message) {
  Response r = Response::json(status, {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}});
  r.headers.emplace("request-id", "req_" + random_alnum(24));
  return r;
}

Response invalid(const std::string& message) { return anthropic_error(400, "invalid_request_error", message); }

struct AuthResult {
  bool ok = false;
  bool oauth = false;
  Response error;
};

AuthResult authenticate(State& st, const Request& req) {
  AuthResult a;
  std::lock_guard lk(st.mu);
  if (req.has_header("x-api-key")) {
    if (st.has_api_key("anthropic", req.header("x-api-key"))) {
      a.ok = true;
      return a;
    }
    a.error = anthropic_error(401, "authentication_error", "invalid x-api-key");
    return a;
  }
  const std::string bearer = req.bearer();
  if (bearer.empty()) {
    a.error = anthropic_error(401, "authentication_error", "x-api-key header is required");
    return a;
  }
  if (st.has_api_key("anthropic", bearer)) {
    a.ok = true;
    return a;
  }
  if (st.valid_access(bearer, {"claude"})) {
    a.ok = a.oauth = true;
    return a;
  }
  auto it = st.access_tokens.find(bearer);
  if (it != st.access_tokens.end() && it->second.provider == "claude") {
    bool revoked = it->second.revoked;
    if (auto g = st.grants.find(it->second.grant_id); g != st.grants.end() && g->second.revoked) revoked = true;
    a.error = revoked ? anthropic_error(401, "authentication_error",
                                        "OAuth token has been revoked. Please obtain a new token.")
                      : anthropic_error(401, "authentication_error",
                                        "OAuth token has expired. Please obtain a new token or refresh your "
                                        "existing token.");
    return a;
  }
  a.error = anthropic_error(401, "authentication_error", "Invalid bearer token");
  return a;
}

bool has_beta(const std::string& header, const std::string& beta) {
  for (const auto& part : split(header, ','))
    if (trim(part) == beta) return true;
  return false;
}

// Checks the Claude Code OAuth contract (spec: auth-notes.md, "Claude OAuth direct API compatibility").
std::optional<Response> check_oauth_contract(const Request& req, const json& body) {
  // Without the OAuth beta the real API does not accept OAuth tokens at all.
  const std::string betas = req.header("anthropic-beta");
  if (!has_beta(betas, "oauth-2025-04-20"))
    return anthropic_error(401, "authentication_error", "OAuth authentication is currently not supported.");
  if (!has_beta(betas, "claude-code-20250219"))
    return invalid(std::string(kClaudeCodeOnly) + " (anthropic-beta must include claude-code-20250219)");
  if (req.param("beta") != "true")
    return invalid(std::string(kClaudeCodeOnly) + " (the Messages endpoint must be called with ?beta=true)");
  if (req.header("User-Agent") != "claude-cli/1.0.0")
    return invalid(std::string(kClaudeCodeOnly) + " (User-Agent must be claude-cli/1.0.0)");
  std::string first_block;
  if (body.contains("system")) {
    const json& sys = body["system"];
    if (sys.is_string())
      first_block = sys.get<std::string>();
    else if (sys.is_array() && !sys.empty() && sys[0].is_object() && sys[0].value("type", "") == "text" &&
             sys[0].contains("text") && sys[0]["text"].is_string())
      first_block = sys[0]["text"].get<std::string>();
  }
  if (first_block != kIdentity)
    return invalid(std::string(kClaudeCodeOnly) + " (the first system block must be the Claude Code identity line)");
  if (body.contains("tools") && body["tools"].is_array()) {
    for (const auto& tool : body["tools"]) {
      std::string name = tool.is_object() ? tool.value("name", "") : "";
      if (!oauth_tool_allow_list().count(name))
        return invalid(std::string(kClaudeCodeOnly) + " (tool name '" + name + "' is not allowed with OAuth)");
    }
  }
  return std::nullopt;
}

std::optional<Response> validate_body(const json& body) {
  if (!body.contains("model") || !body["model"].is_string()) return invalid("model: Field required");
  if (!body.contains("max_tokens") || !body["max_tokens"].is_number_integer())
    return invalid("max_tokens: Field required");
  if (body["max_tokens"].get<long long>() < 1) return invalid("max_tokens: must be greater than or equal to 1");
  if (body.contains("stream") && !body["stream"].is_boolean()) return invalid("stream: Input should be a valid boolean");
  if (!body.contains("messages") || !body["messages"].is_array()) return invalid("messages: Field required");
  const json& msgs = body["messages"];
  if (msgs.empty()) return invalid("messages: at least one message is required");
  if (body.contains("system") && !body["system"].is_string() && !body["system"].is_array())
    return invalid("system: Input should be a valid string or list of text blocks");
  if (body.contains("tools")) {
    if (!body["tools"].is_array()) return invalid("tools: Input should be a valid list");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < body["tools"].size(); ++i) {
      const json& t = body["tools"][i];
      const std::string at = "tools." + std::to_string(i);
      if (!t.is_object() || !t.contains("name") || !t["name"].is_string()) return invalid(at + ".name: Field required");
      if (!seen.insert(t["name"].get<std::string>()).second) return invalid("tools: Tool names must be unique.");
      bool custom = !t.contains("type") || t["type"] == "custom";
      if (custom && (!t.contains("input_schema") || !t["input_schema"].is_object()))
        return invalid(at + ".input_schema: Field required");
    }
  }
  std::set<std::string> pending_tool_uses;  // tool_use ids of the previous assistant message
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const json& m = msgs[i];
    const std::string at = "messages." + std::to_string(i);
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) return invalid(at + ".role: Field required");
    const std::string role = m["role"].get<std::string>();
    if (role != "user" && role != "assistant")
      return invalid(at + ".role: Input should be 'user' or 'assistant'");
    if (!m.contains("content") || (!m["content"].is_string() && !m["content"].is_array()))
      return invalid(at + ".content: Field required");
    std::set<std::string> uses, results;
    if (m["content"].is_array()) {
      for (std::size_t k = 0; k < m["content"].size(); ++k) {
        const json& b = m["content"][k];
        if (!b.is_object() || !b.contains("type") || !b["type"].is_string())
          return invalid(at + ".content." + std::to_string(k) + ".type: Field required");
        const std::string type = b["type"].get<std::string>();
        if (type == "tool_use") {
          if (role != "assistant") return invalid(at + ".content." + std::to_string(k) + ": tool_use blocks are only allowed in assistant messages");
          if (!b.contains("id") || !b["id"].is_string() || !b.contains("name") || !b.contains("input"))
            return invalid(at + ".content." + std::to_string(k) + ": tool_use requires id, name and input");
          uses.insert(b["id"].get<std::string>());
        } else if (type == "tool_result") {
          if (role != "user") return invalid(at + ".content." + std::to_string(k) + ": tool_result blocks are only allowed in user messages");
          if (!b.contains("tool_use_id") || !b["tool_use_id"].is_string())
            return invalid(at + ".content." + std::to_string(k) + ".tool_use_id: Field required");
          const std::string id = b["tool_use_id"].get<std::string>();
          if (!pending_tool_uses.count(id))
            return invalid(at + ".content." + std::to_string(k) +
                           ": unexpected `tool_use_id` found in `tool_result` blocks: " + id +
                           ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.");
          results.insert(id);
        } else if (type == "text") {
          if (!b.contains("text") || !b["text"].is_string())
            return invalid(at + ".content." + std::to_string(k) + ".text: Field required");
        }
      }
    }
    if (!pending_tool_uses.empty()) {
      for (const auto& id : pending_tool_uses)
        if (!results.count(id))
          return invalid("messages." + std::to_string(i - 1) +
                         ": `tool_use` ids were found without `tool_result` blocks immediately after: " + id +
                         ". Each `tool_use` block must have a corresponding `tool_result` block in the next message.");
    }
    pending_tool_uses = uses;
  }
  const std::string model = body["model"].get<std::string>();
  if (!starts_with(model, "claude-")) return anthropic_error(404, "not_found_error", "model: " + model);
  return std::nullopt;
}

Conversation conversation_of(const json& body) {
  Conversation c;
  if (body.contains("tools") && body["tools"].is_array())
    for (const auto& t : body["tools"])
      if (t.is_object() && t.contains("name") && t["name"].is_string()) c.tool_names.push_back(t["name"]);
  const json& msgs = body["messages"];
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const json& m = msgs[i];
    const bool last = i + 1 == msgs.size();
    if (m["role"] != "user") {
      if (last) c.last_is_tool_result = false;
      continue;
    }
    const json& content = m["content"];
    std::string text;
    bool tool_result = false;
    std::string result_text;
    if (content.is_string()) {
      text = content.get<std::string>();
    } else {
      for (const auto& b : content) {
        if (b["type"] == "text") text += (text.empty() ? "" : "\n") + b["text"].get<std::string>();
        if (b["type"] == "tool_result") {
          tool_result = true;
          if (b.contains("content")) result_text += content_text(b["content"]);
        }
      }
    }
    if (!tool_result && !text.empty()) c.last_user_text = text;
    if (last) {
      c.last_is_tool_result = tool_result;
      c.tool_result_text = result_text;
    }
  }
  return c;
}

Response reply(State& st, const json& body, const ModelReply& m) {
  std::size_t chunk = 16;
  int delay = 0;
  {
    std::lock_guard lk(st.mu);
    chunk = st.config.chunk_size;
    delay = st.config.stream_chunk_delay_ms;
  }
  const std::string id = "msg_emu_" + random_alnum(24);
  const std::string model = body["model"].get<std::string>();
  const int input_tokens = static_cast<int>(body.dump().size() / 4) + 1;
  const std::string tool_id = "toolu_emu_" + random_alnum(24);
  const std::string input_json = m.tool_input.dump();
  const int output_tokens = static_cast<int>((m.tool_call ? input_json.size() : m.text.size()) / 4) + 1;
  const std::string stop_reason = m.tool_call ? "tool_use" : "end_turn";
  const bool stream = body.value("stream", false);
  const bool force_error = body.dump().find("EMULATOR_STREAM_ERROR") != std::string::npos;

  if (!stream) {
    json content = json::array();
    if (m.tool_call)
      content.push_back({{"type", "tool_use"}, {"id", tool_id}, {"name", m.tool_name}, {"input", m.tool_input}});
    else
      content.push_back({{"type", "text"}, {"text", m.text}});
    Response r = Response::json(200, {{"id", id},
                                      {"type", "message"},
                                      {"role", "assistant"},
                                      {"model", model},
                                      {"content", content},
                                      {"stop_reason", stop_reason},
                                      {"stop_sequence", nullptr},
                                      {"usage",
                                       {{"input_tokens", input_tokens},
                                        {"cache_creation_input_tokens", 0},
                                        {"cache_read_input_tokens", 0},
                                        {"output_tokens", output_tokens}}}});
    r.headers.emplace("request-id", "req_" + random_alnum(24));
    return r;
  }
  std::vector<std::string> ev;
  ev.push_back(sse_event("message_start", {{"type", "message_start"},
                                           {"message",
                                            {{"id", id},
                                             {"type", "message"},
                                             {"role", "assistant"},
                                             {"model", model},
                                             {"content", json::array()},
                                             {"stop_reason", nullptr},
                                             {"stop_sequence", nullptr},
                                             {"usage",
                                              {{"input_tokens", input_tokens},
                                               {"cache_creation_input_tokens", 0},
                                               {"cache_read_input_tokens", 0},
                                               {"output_tokens", 1}}}}}}));
  if (force_error) {
    ev.push_back(sse_event("error", {{"type", "error"},
                                     {"error", {{"type", "overloaded_error"}, {"message", "Overloaded"}}}}));
  } else {
    if (m.tool_call) {
      ev.push_back(sse_event("content_block_start",
                             {{"type", "content_block_start"},
                              {"index", 0},
                              {"content_block",
                               {{"type", "tool_use"}, {"id", tool_id}, {"name", m.tool_name}, {"input", json::object()}}}}));
      ev.push_back(sse_event("ping", {{"type", "ping"}}));
      ev.push_back(sse_event("content_block_delta", {{"type", "content_block_delta"},
                                                     {"index", 0},
                                                     {"delta", {{"type", "input_json_delta"}, {"partial_json", ""}}}}));
      for (const auto& piece : utf8_chunks(input_json, chunk))
        ev.push_back(sse_event("content_block_delta",
                               {{"type", "content_block_delta"},
                                {"index", 0},
                                {"delta", {{"type", "input_json_delta"}, {"partial_json", piece}}}}));
    } else {
      ev.push_back(sse_event("content_block_start", {{"type", "content_block_start"},
                                                     {"index", 0},
                                                     {"content_block", {{"type", "text"}, {"text", ""}}}}));
      ev.push_back(sse_event("ping", {{"type", "ping"}}));
      for (const auto& piece : utf8_chunks(m.text, chunk))
        ev.push_back(sse_event("content_block_delta", {{"type", "content_block_delta"},
                                                       {"index", 0},
                                                       {"delta", {{"type", "text_delta"}, {"text", piece}}}}));
    }
    ev.push_back(sse_event("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}));
    ev.push_back(sse_event("message_delta", {{"type", "message_delta"},
                                             {"delta", {{"stop_reason", stop_reason}, {"stop_sequence", nullptr}}},
                                             {"usage", {{"output_tokens", output_tokens}}}}));
    ev.push_back(sse_event("message_stop", {{"type", "message_stop"}}));
  }
  Response r = Response::sse(std::move(ev));
  r.chunk_delay_ms = delay;
  r.headers.emplace("request-id", "req_" + random_alnum(24));
  return r;
}

Response messages(State& st, const Request& req) {
  AuthResult auth = authenticate(st, req);
  if (!auth.ok) return auth.error;
  const std::string version = req.header("anthropic-version");
  if (version.empty()) return invalid("anthropic-version: header is required");
  if (version != "2023-06-01" && version != "2023-01-01")
    return invalid("anthropic-version: unsupported version '" + version + "'");
  auto body = parse_json_object(req.body);
  if (!body) return invalid("There was an error parsing the body: expected a JSON object");
  if (auth.oauth)
    if (auto err = check_oauth_contract(req, *body)) return *err;
  if (auto err = validate_body(*body)) return *err;
  return reply(st, *body, scripted_reply(conversation_of(*body)));
}

Response profile(State& st, const Request& req) {
  std::lock_guard lk(st.mu);
  const AccessToken* at = st.valid_access(req.bearer(), {"claude"});
  if (!at) return anthropic_error(401, "authentication_error", "Invalid or expired OAuth token");
  const Grant& g = st.grants.at(at->grant_id);
  return Response::json(200, {{"account",
                               {{"uuid", g.account_id},
                                {"email", g.email},
                                {"email_address", g.email},
                                {"full_name", "Emulator User"},
                                {"display_name", "Emulator"},
                                {"has_claude_max", true},
                                {"has_claude_pro", false}}},
                              {"organization",
                               {{"uuid", "org-" + g.account_id.substr(0, 8)},
                                {"name", "Emulator Org"},
                                {"organization_type", "claude_max"},
                                {"rate_limit_tier", "default_claude_max_20x"}}}});
}

}  // namespace

void register_anthropic(Router& r, State& st) {
  r.add_exact("POST", "/api.anthropic.com/v1/messages", [&st](const Request& req) { return messages(st, req); });
  r.add_exact("GET", "/api.anthropic.com/api/oauth/profile", [&st](const Request& req) { return profile(st, req); });
}

}  // namespace jemu
