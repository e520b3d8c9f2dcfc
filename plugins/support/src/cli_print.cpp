#include <jcode/support/cli_print.hpp>
#include <jcode/support/json_event.hpp>

#include "conversation.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace jcode::support::cli {

std::string tail_text(std::string_view s, size_t budget) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return {};
  size_t b = s.find_last_not_of(" \t\r\n");
  s = s.substr(a, b - a + 1);
  if (s.size() <= budget) return std::string(s);
  size_t start = s.size() - budget;
  while (start < s.size() && (static_cast<unsigned char>(s[start]) & 0xC0u) == 0x80u) ++start;
  return "…" + std::string(s.substr(start));
}

bool plain_arg(std::string_view v) {
  if (v.empty() || v.front() == '-') return false;
  return std::none_of(v.begin(), v.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

jcode_status run_lines(const plugin::Host& host, const PrintCall& call,
                       const std::function<jcode_status(std::string_view line)>& on_line) {
  for (const auto& name : call.secret_env)
    for (const auto& [k, v] : call.env)
      if (k == name && !v.empty()) {
        host.add_secret(v);
        for (const auto& a : call.args)
          if (a.find(v) != std::string::npos)
            return host.error(JCODE_E_INTERNAL, "refusing to start " + call.label + ": a secret would be in its arguments");
      }
  plugin::Host::Process proc;
  proc.argv.push_back(call.program);
  proc.argv.insert(proc.argv.end(), call.args.begin(), call.args.end());
  proc.env = call.env;
  proc.stdin_data = call.stdin_data;
  proc.timeout_ms = call.timeout_ms;
  proc.stderr_tail = call.stderr_tail;
  std::string buffer;
  jcode_status line_status = JCODE_OK;
  auto flush = [&](bool all) -> jcode_status {
    size_t pos = 0;
    while (true) {
      size_t nl = buffer.find('\n', pos);
      if (nl == std::string::npos) break;
      std::string_view line(buffer.data() + pos, nl - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (jcode_status st = on_line(line); st != JCODE_OK) return line_status = st;
      pos = nl + 1;
    }
    buffer.erase(0, pos);
    if (all && !buffer.empty()) {
      std::string_view line(buffer);
      if (line.back() == '\r') line.remove_suffix(1);
      jcode_status st = on_line(line);
      buffer.clear();
      if (st != JCODE_OK) return line_status = st;
    }
    if (buffer.size() > (16u << 20)) return line_status = JCODE_E_PROTOCOL;
    return JCODE_OK;
  };
  proc.on_stdout = [&](std::string_view chunk) {
    buffer.append(chunk);
    return flush(false);
  };
  plugin::Host::ProcessResult r = host.spawn(proc);
  const std::string err = tail_text(r.err_tail, 1500);
  const std::string said = err.empty() ? std::string() : ": " + err;
  if (r.stopped) {
    if (r.status == JCODE_E_PROTOCOL && line_status == JCODE_E_PROTOCOL)
      return host.error(JCODE_E_PROTOCOL, call.label + " wrote a line longer than 16 MiB");
    return r.status;  // the event sink or on_line said why
  }
  if (r.status == JCODE_E_NOT_FOUND)
    return host.error(JCODE_E_NOT_FOUND, call.label + " '" + call.program + "' was not found or is not executable (" +
                                             call.path_setting + "); " +
                                             (call.install_hint.empty() ? std::string("install it") : call.install_hint) +
                                             " or set " + call.path_setting + " to its full path");
  if (r.status == JCODE_E_TIMEOUT)
    return host.error(JCODE_E_TIMEOUT, call.label + " did not finish within " + std::to_string(call.timeout_ms / 1000) +
                                           " s and was stopped" + said);
  if (r.status == JCODE_E_NOT_SUPPORTED) return host.error(JCODE_E_NOT_SUPPORTED, "this jcode cannot start processes");
  if (r.status != JCODE_OK) return r.status;  // cancelled, or the host's message
  if (jcode_status st = flush(true); st != JCODE_OK) return st;
  if (r.exit_code != 0)
    return host.error(JCODE_E_SERVER, call.label + " exited with status " + std::to_string(r.exit_code) +
                                          (said.empty() ? " and wrote nothing on stderr" : said));
  return JCODE_OK;
}

jcode_status run_text(const plugin::Host& host, const PrintCall& call, const jcode_event_sink& events) {
  bool any = false;
  bool first = true;
  std::string text;
  jcode_status st = run_lines(host, call, [&](std::string_view line) {
    text.assign(first ? "" : "\n");
    text.append(line);
    first = false;
    if (!line.empty()) any = true;
    jcode_event e = make_event(JCODE_EVENT_TEXT);
    e.text = str(text);
    return events.emit(events.self, &e);
  });
  if (st != JCODE_OK) return st;
  if (!any) return host.error(JCODE_E_PROTOCOL, call.label + " finished without an answer on stdout");
  jcode_event stop = make_event(JCODE_EVENT_STOP);
  stop.text = str("end_turn");
  return events.emit(events.self, &stop);
}

std::string flatten(std::string_view conversation_json, std::string& error) {
  nlohmann::json conv;
  if (std::string e = detail::parse_conversation(conversation_json, "cli", conv); !e.empty()) {
    error = e;
    return {};
  }
  struct Turn {
    std::string role, text;
  };
  std::vector<Turn> turns;
  for (const auto& m : conv["messages"]) {
    const std::string role = detail::message_role(m, error);
    if (!error.empty()) return {};
    std::string text;
    auto add = [&text](const std::string& t) {
      if (t.empty()) return;
      if (!text.empty()) text += "\n";
      text += t;
    };
    const auto& content = m["content"];
    if (content.is_string()) add(content.get<std::string>());
    else if (content.is_array())
      for (const auto& b : content) {
        const std::string type = b.is_object() ? b.value("type", "") : "";
        if (type == "text" && b.contains("text") && b["text"].is_string()) add(b["text"].get<std::string>());
        else if (type == "tool_use") add("[tool call " + b.value("name", std::string("?")) + ": " + detail::tool_input_text(b) + "]");
        else if (type == "tool_result") add("[tool result: " + detail::tool_result_content(b) + "]");
      }
    if (!text.empty()) turns.push_back({role, text});
  }
  if (turns.empty()) {
    error = "the conversation has no text to send";
    return {};
  }
  const std::string system = conv.contains("system") && conv["system"].is_string() ? conv["system"].get<std::string>() : "";
  if (turns.size() == 1 && turns[0].role == "user") return system.empty() ? turns[0].text : system + "\n\n" + turns[0].text;
  std::string out = system.empty() ? std::string() : system + "\n\n";
  for (const auto& t : turns) out += (t.role == "user" ? "User: " : "Assistant: ") + t.text + "\n\n";
  out += "Assistant:";
  return out;
}

}  // namespace jcode::support::cli
