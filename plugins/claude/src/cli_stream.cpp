#include "cli_stream.hpp"

#include <jcode/support/cli_print.hpp>

#include <jcode/support/json_event.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace jcode::claude {
using support::get_int;
using support::get_str;
using support::make_event;
using support::str;

namespace {

// A sub-agent's messages carry the id of the Task tool call that started it; only the
// top-level conversation is the answer.
bool from_subagent(simdjson::dom::element doc) {
  simdjson::dom::element parent;
  return doc["parent_tool_use_id"].get(parent) == simdjson::SUCCESS && !parent.is_null();
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// A value that would be read as an option, or that holds spaces/control bytes, is refused
// rather than passed on: argv is not parsed by a shell, but the CLI parses its own flags.
std::optional<std::string> non_empty(const EnvLookup& env, std::string_view name) {
  auto v = env(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}


}  // namespace

bool cli_session_requested(std::string_view value) { return value == "1"; }

CliSettings cli_settings(const EnvLookup& env, std::string_view request_model) {
  CliSettings s;
  if (auto v = non_empty(env, "JCODE_CLAUDE_CLI_PATH")) s.path = *v;
  if (!request_model.empty())
    s.model = std::string(request_model);
  else if (auto v = non_empty(env, "JCODE_CLAUDE_CLI_MODEL"))
    s.model = *v;
  if (auto v = non_empty(env, "JCODE_CLAUDE_CLI_PERMISSION_MODE")) s.permission_mode = *v;
  if (auto v = env("JCODE_CLAUDE_CLI_PARTIAL")) {
    std::string l = lower(*v);
    s.partial = !(l == "0" || l == "false" || l == "no");
  }
  if (!support::cli::plain_arg(s.model))
    s.error = request_model.empty()
                  ? "JCODE_CLAUDE_CLI_MODEL='" + s.model + "' is not a model name (fix: e.g. " + kCliDefaultModel + ")"
                  : "the model '" + s.model + "' is not a model name for the Claude CLI";
  else if (!support::cli::plain_arg(s.permission_mode))
    s.error = "JCODE_CLAUDE_CLI_PERMISSION_MODE='" + s.permission_mode +
              "' is not a permission mode (fix: bypassPermissions, acceptEdits, default or plan)";
  return s;
}

std::vector<std::string> cli_argv(const CliSettings& s) {
  std::vector<std::string> argv = {s.path,   "-p",      "--verbose",           "--output-format",
                                   "stream-json", "--input-format", "stream-json", "--model",
                                   s.model,  "--permission-mode", s.permission_mode};
  if (s.partial) argv.emplace_back("--include-partial-messages");
  return argv;
}

CliInput cli_input(std::string_view conversation_json) {
  using nlohmann::json;
  json conv = json::parse(conversation_json, nullptr, false);
  if (conv.is_discarded() || !conv.is_object()) return {{}, "the conversation is not a JSON object"};
  if (!conv.contains("messages") || !conv["messages"].is_array() || conv["messages"].empty())
    return {{}, "the conversation has no messages"};
  const json* last_user = nullptr;
  for (const auto& m : conv["messages"])
    if (m.is_object() && m.value("role", "") == "user") last_user = &m;
  if (last_user == nullptr) return {{}, "the conversation has no user message"};

  std::string text;
  const json& content = last_user->contains("content") ? (*last_user)["content"] : json();
  if (content.is_string()) {
    text = content.get<std::string>();
  } else if (content.is_array()) {
    for (const auto& b : content) {
      if (!b.is_object() || b.value("type", "") != "text" || !b.contains("text") || !b["text"].is_string()) continue;
      if (!text.empty()) text += "\n\n";
      text += b["text"].get<std::string>();
    }
  }
  if (text.empty())
    return {{}, "the last user message has no text; the Claude CLI transport sends text only (no tool results)"};

  json blocks = json::array();
  if (conv.contains("system") && conv["system"].is_string() && !conv["system"].get<std::string>().empty())
    blocks.push_back({{"type", "text"}, {"text", conv["system"]}});
  blocks.push_back({{"type", "text"}, {"text", text}});
  json line = {{"type", "user"}, {"message", {{"role", "user"}, {"content", std::move(blocks)}}}};
  // Invalid UTF-8 in the conversation becomes U+FFFD rather than failing the turn.
  return {line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n", {}};
}

CliStreamParser::CliStreamParser(Emit emit)
    : emit_(std::move(emit)), decoder_({}, [this](const jcode_event& e) { return from_decoder(e); }) {}

jcode_status CliStreamParser::feed(std::string_view chunk) {
  buffer_.append(chunk);
  size_t start = 0;
  jcode_status st = JCODE_OK;
  while (st == JCODE_OK) {
    size_t nl = buffer_.find('\n', start);
    if (nl == std::string::npos) break;
    st = line(std::string_view(buffer_).substr(start, nl - start));
    start = nl + 1;
  }
  buffer_.erase(0, start);
  if (st != JCODE_OK) return st;
  if (buffer_.size() > kMaxLine) {
    error_ = "a line of the Claude CLI output is longer than 16 MiB";
    return JCODE_E_PROTOCOL;
  }
  return JCODE_OK;
}

jcode_status CliStreamParser::finish() {
  if (buffer_.empty()) return JCODE_OK;
  std::string last = std::move(buffer_);
  buffer_.clear();
  return line(last);
}

jcode_status CliStreamParser::line(std::string_view text) {
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty() || got_result_) return JCODE_OK;
  simdjson::dom::element doc;
  if (parser_.parse(text.data(), text.size()).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    last_noise_ = std::string(text.substr(0, 200));
    return JCODE_OK;
  }
  std::string_view type = get_str(doc, "type");
  if (auto sid = get_str(doc, "session_id"); !sid.empty() && session_id_.empty()) session_id_ = std::string(sid);
  if (type == "system") return get_str(doc, "subtype") == "init" ? emit_model(get_str(doc, "model")) : JCODE_OK;
  if (type == "result") return on_result(doc);
  if (from_subagent(doc)) return JCODE_OK;
  if (type == "stream_event") {
    simdjson::dom::element inner;
    if (doc["event"].get(inner) != simdjson::SUCCESS || !inner.is_object()) return JCODE_OK;
    saw_stream_ = true;
    return on_stream_event(inner);
  }
  if (type == "assistant") {
    simdjson::dom::element message;
    if (saw_stream_ || doc["message"].get(message) != simdjson::SUCCESS || !message.is_object()) return JCODE_OK;
    return on_assistant(message);
  }
  return JCODE_OK;  // user (tool results), rate_limit_event, future types
}

jcode_status CliStreamParser::on_stream_event(simdjson::dom::element inner) {
  std::string_view type = get_str(inner, "type");
  if (type == "message_start" && text_sent_) separate_next_ = true;
  // The decoder parses its input itself; the element dies with the next parse anyway.
  std::string json = simdjson::minify(inner);
  jcode_status st = decoder_.feed(type, json);
  if (st == JCODE_E_PROTOCOL) error_ = "Claude CLI stream_event: " + decoder_.error_message();
  return st;
}

jcode_status CliStreamParser::on_assistant(simdjson::dom::element message) {
  std::string_view id = get_str(message, "id");
  if (id != last_message_id_ && text_sent_) separate_next_ = true;
  last_message_id_ = std::string(id);
  if (jcode_status st = emit_model(get_str(message, "model")); st != JCODE_OK) return st;
  simdjson::dom::array content;
  if (message["content"].get_array().get(content) != simdjson::SUCCESS) return JCODE_OK;
  for (simdjson::dom::element block : content) {
    std::string_view btype = get_str(block, "type");
    jcode_status st = JCODE_OK;
    if (btype == "text") st = emit_text(JCODE_EVENT_TEXT, get_str(block, "text"));
    else if (btype == "thinking") st = emit_text(JCODE_EVENT_THINKING, get_str(block, "thinking"));
    if (st != JCODE_OK) return st;
  }
  return JCODE_OK;
}

jcode_status CliStreamParser::on_result(simdjson::dom::element doc) {
  got_result_ = true;
  std::string_view subtype = get_str(doc, "subtype");
  std::string_view result = get_str(doc, "result");
  bool is_error = false;
  if (doc["is_error"].get_bool().get(is_error) != simdjson::SUCCESS) is_error = false;
  if (is_error || (!subtype.empty() && subtype != "success")) {
    result_is_error_ = true;
    error_ = std::string(result);
    simdjson::dom::array errors;
    if (error_.empty() && doc["errors"].get_array().get(errors) == simdjson::SUCCESS)
      for (simdjson::dom::element e : errors)
        if (std::string_view m; e.get_string().get(m) == simdjson::SUCCESS && !m.empty()) {
          error_ = std::string(m);
          break;
        }
    if (!subtype.empty() && subtype != "success")
      error_ = error_.empty() ? "the run ended with " + std::string(subtype)
                              : error_ + " (" + std::string(subtype) + ")";
    if (error_.empty()) error_ = "the Claude CLI reported an error without a message";
    return JCODE_OK;
  }
  // Some versions print only the result (no assistant message we could use).
  if (!text_sent_ && !result.empty())
    if (jcode_status st = emit_text(JCODE_EVENT_TEXT, result); st != JCODE_OK) return st;
  jcode_event u = make_event(JCODE_EVENT_USAGE);
  simdjson::dom::element usage;
  if (doc["usage"].get(usage) == simdjson::SUCCESS && usage.is_object()) {
    u.input_tokens = get_int(usage, "input_tokens");
    u.output_tokens = get_int(usage, "output_tokens");
    u.cache_read_tokens = get_int(usage, "cache_read_input_tokens");
    u.cache_write_tokens = get_int(usage, "cache_creation_input_tokens");
  }
  if (jcode_status st = emit_(u); st != JCODE_OK) return st;
  std::string_view reason = get_str(doc, "stop_reason");
  jcode_event s = make_event(JCODE_EVENT_STOP);
  s.text = str(reason.empty() ? std::string_view("end_turn") : reason);
  return emit_(s);
}

jcode_status CliStreamParser::emit_model(std::string_view model) {
  if (model_sent_ || model.empty()) return JCODE_OK;
  model_sent_ = true;
  jcode_event e = make_event(JCODE_EVENT_MODEL);
  e.text = str(model);
  return emit_(e);
}

jcode_status CliStreamParser::emit_text(int32_t type, std::string_view text) {
  if (text.empty()) return JCODE_OK;
  if (type == JCODE_EVENT_TEXT && separate_next_) {
    separate_next_ = false;
    jcode_event sep = make_event(JCODE_EVENT_TEXT);
    sep.text = str("\n\n");
    if (jcode_status st = emit_(sep); st != JCODE_OK) return st;
  }
  if (type == JCODE_EVENT_TEXT) text_sent_ = true;
  jcode_event e = make_event(type);
  e.text = str(text);
  return emit_(e);
}

jcode_status CliStreamParser::from_decoder(const jcode_event& e) {
  switch (e.type) {
    case JCODE_EVENT_TEXT:
    case JCODE_EVENT_THINKING:
      return emit_text(e.type, std::string_view(e.text.ptr ? e.text.ptr : "", e.text.len));
    case JCODE_EVENT_MODEL:
      return emit_model(std::string_view(e.text.ptr ? e.text.ptr : "", e.text.len));
    default:
      // Tool calls are the CLI's own business; usage/stop come once from the result line;
      // API errors end in an error result.
      return JCODE_OK;
  }
}

CliFailure classify_cli_failure(const CliStreamParser& parser, int32_t exit_code, std::string_view stderr_tail,
                                std::string_view cli_path) {
  const std::string who = "the Claude CLI (" + std::string(cli_path) + ")";
  if (parser.result_is_error()) {
    const std::string l = lower(parser.error());
    if (contains(l, "/login") || contains(l, "invalid api key") || contains(l, "not logged in") ||
        contains(l, "oauth token") || contains(l, "authentication_error"))
      return {JCODE_E_AUTH_REQUIRED, who + " is not logged in: " + parser.error() +
                                         " (fix: run `claude` and log in there — this transport uses the CLI's "
                                         "own login — or unset JCODE_USE_CLAUDE_CLI)"};
    if (contains(l, "rate limit") || contains(l, "usage limit") || contains(l, "limit reached"))
      return {JCODE_E_RATE_LIMITED, who + " hit a limit: " + parser.error()};
    return {JCODE_E_SERVER, who + " reported an error: " + parser.error()};
  }
  if (exit_code != 0) {
    std::string tail = support::cli::tail_text(stderr_tail, 1000);
    if (tail.empty() && !parser.last_noise().empty()) tail = "stdout: " + parser.last_noise();
    return {JCODE_E_SERVER, who + " exited with status " + std::to_string(exit_code) + ": " +
                                (tail.empty() ? std::string("(nothing on stderr)") : tail)};
  }
  if (!parser.got_result())
    return {JCODE_E_PROTOCOL, who + " ended without a result line; it must be Claude Code with "
                                    "`--output-format stream-json` support (fix: update it or set "
                                    "JCODE_CLAUDE_CLI_PATH)" +
                                  (parser.last_noise().empty() ? "" : "; last output: " + parser.last_noise())};
  return {};
}

}  // namespace jcode::claude
