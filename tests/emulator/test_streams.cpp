// Stream formats: a grammar per API, first checked against every recorded real stream (so the
// grammar is the real one), then applied to the emulator's own streams. Also: every key the
// real events always carry must be present in the emulator's events of the same type.
#include <dirent.h>

#include <functional>
#include <map>
#include <set>

#include "helpers.hpp"
#include "scripted_model.hpp"
#include "sse.hpp"

using namespace emutest;

namespace {

std::string fixtures() { return JCODE_TEST_FIXTURES_DIR; }

std::vector<std::string> fixture_files(const std::string& sub, const std::function<bool(const std::string&)>& pick) {
  std::vector<std::string> out;
  DIR* d = opendir((fixtures() + "/" + sub).c_str());
  REQUIRE(d);
  while (dirent* ent = readdir(d)) {
    std::string n = ent->d_name;
    if (pick(n)) out.push_back(fixtures() + "/" + sub + "/" + n);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

bool ends_with(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

// ---- Anthropic Messages ----
// message_start (ping | block)* message_delta message_stop, where
// block = content_block_start(i) (content_block_delta(i) | ping)* content_block_stop(i); `error` ends a stream.
std::string check_anthropic(const std::vector<jemu::SseEvent>& evs) {
  enum { Start, Body, InBlock, Delta, Stopped, Errored } st = Start;
  int next_index = 0, open_index = -1;
  std::string block_type;
  for (std::size_t i = 0; i < evs.size(); ++i) {
    const auto& ev = evs[i];
    json d = json::parse(ev.data, nullptr, false);
    if (d.is_discarded()) return "event " + std::to_string(i) + ": data is not JSON";
    if (d.value("type", "") != ev.event) return "event " + std::to_string(i) + ": event name != data.type";
    const std::string& t = ev.event;
    if (st == Stopped || st == Errored) return "event after the end: " + t;
    if (t == "error") {
      if (st == Start) return "error before message_start";
      if (!d.contains("error") || !d["error"].contains("type")) return "error without error.type";
      st = Errored;
      continue;
    }
    if (t == "ping") {
      if (st == Start) return "ping before message_start";
      continue;
    }
    switch (st) {
      case Start:
        if (t != "message_start" || !d["message"].contains("id")) return "stream must begin with message_start";
        st = Body;
        break;
      case Body:
        if (t == "content_block_start") {
          if (d["index"] != next_index) return "content_block_start index out of order";
          open_index = next_index++;
          block_type = d["content_block"]["type"];
          st = InBlock;
        } else if (t == "message_delta") {
          if (!d["delta"].contains("stop_reason") || !d.contains("usage")) return "message_delta without stop_reason/usage";
          st = Delta;
        } else {
          return "unexpected " + t + " between blocks";
        }
        break;
      case InBlock:
        if (d["index"] != open_index) return t + " for a block that is not open";
        if (t == "content_block_delta") {
          const std::string dt = d["delta"]["type"];
          static const std::map<std::string, std::set<std::string>> allowed{
              {"text", {"text_delta", "citations_delta"}},
              {"tool_use", {"input_json_delta"}},
              {"server_tool_use", {"input_json_delta"}},
              {"thinking", {"thinking_delta", "signature_delta"}}};
          auto it = allowed.find(block_type);
          if (it != allowed.end() && !it->second.count(dt)) return dt + " inside a " + block_type + " block";
        } else if (t == "content_block_stop") {
          st = Body;
        } else {
          return "unexpected " + t + " inside a block";
        }
        break;
      case Delta:
        if (t != "message_stop") return "expected message_stop after message_delta, got " + t;
        st = Stopped;
        break;
      default:
        break;
    }
  }
  if (st != Stopped && st != Errored) return "stream ended without message_stop";
  return {};
}

// ---- OpenAI Responses ----
std::string check_responses(const std::vector<jemu::SseEvent>& evs) {
  enum { Start, Body, InItem, Done } st = Start;
  int open_index = -1, next_index = 0;
  std::string item_type;
  long long last_seq = -1;
  bool saw_error = false;
  for (std::size_t i = 0; i < evs.size(); ++i) {
    const auto& ev = evs[i];
    json d = json::parse(ev.data, nullptr, false);
    if (d.is_discarded()) return "data is not JSON";
    if (d.value("type", "") != ev.event) return "event name != data.type at " + std::to_string(i);
    if (d.contains("sequence_number")) {
      if (d["sequence_number"].get<long long>() <= last_seq) return "sequence_number not increasing";
      last_seq = d["sequence_number"];
    }
    const std::string& t = ev.event;
    if (st == Done) return "event after the terminal event: " + t;
    if (t == "error") {
      if (st == Start) return "error before response.created";
      saw_error = true;
      continue;
    }
    if (t == "response.failed" || t == "response.completed" || t == "response.incomplete") {
      if (st == InItem && t == "response.completed") return "response.completed with an open item";
      if (t == "response.completed" && saw_error) return "completed after an error";
      if (!d.contains("response") || !d["response"].contains("status")) return t + " without response.status";
      st = Done;
      continue;
    }
    if (st == Start) {
      if (t != "response.created") return "stream must begin with response.created";
      st = Body;
      continue;
    }
    if (t == "response.in_progress") continue;
    if (st == Body) {
      if (t != "response.output_item.added") return "unexpected " + t + " outside an item";
      // Recordings trimmed by their publishers skip indexes; order must still increase.
      if (d["output_index"].get<int>() < next_index) return "output_index out of order";
      open_index = d["output_index"].get<int>();
      next_index = open_index + 1;
      item_type = d["item"]["type"];
      st = InItem;
      continue;
    }
    // InItem
    if (d.contains("output_index") && d["output_index"] != open_index) return t + " for an item that is not open";
    if (t == "response.output_item.done") {
      if (d["item"]["type"] != item_type) return "output_item.done type differs from added";
      st = Body;
    } else if (jemu::starts_with(t, "response.function_call_arguments.")) {
      if (item_type != "function_call") return t + " inside a " + item_type + " item";
    } else if (jemu::starts_with(t, "response.output_text.") || jemu::starts_with(t, "response.content_part.")) {
      if (item_type != "message") return t + " inside a " + item_type + " item";
    } else if (jemu::starts_with(t, "response.reasoning")) {
      if (item_type != "reasoning") return t + " inside a " + item_type + " item";
    }
  }
  if (st != Done) return "stream ended without a terminal response event";
  return {};
}

// ---- Chat Completions ----
std::string check_chat(const std::vector<jemu::SseEvent>& evs) {
  if (evs.empty() || evs.back().data != "[DONE]") return "stream must end with data: [DONE]";
  bool finished = false, first = true;
  for (std::size_t i = 0; i + 1 < evs.size(); ++i) {
    json d = json::parse(evs[i].data, nullptr, false);
    if (d.is_discarded() || d.value("object", "") != "chat.completion.chunk") return "not a chat.completion.chunk";
    if (d["choices"].empty()) {
      if (!finished || !d.contains("usage")) return "empty choices outside the final usage chunk";
      continue;
    }
    if (finished) return "chunk after finish_reason";
    const json& c = d["choices"][0];
    if (first && c["delta"].value("role", "") != "assistant") return "first delta must carry role assistant";
    first = false;
    if (!c["finish_reason"].is_null()) finished = true;
  }
  if (!finished) return "no chunk with a finish_reason";
  return {};
}

using KeyMap = std::map<std::string, std::set<std::string>>;  // event type -> keys always present

void collect_keys(const std::vector<jemu::SseEvent>& evs, KeyMap& keys, std::map<std::string, bool>& seen) {
  for (const auto& ev : evs) {
    json d = json::parse(ev.data, nullptr, false);
    if (!d.is_object()) continue;
    std::string type = d.value("type", "");
    std::vector<std::pair<std::string, const json*>> objs{{type, &d}};
    if (d.contains("message") && d["message"].is_object()) objs.emplace_back(type + ".message", &d["message"]);
    if (d.contains("response") && d["response"].is_object()) objs.emplace_back(type + ".response", &d["response"]);
    if (d.contains("delta") && d["delta"].is_object() && d["delta"].contains("type"))
      objs.emplace_back(type + ".delta." + d["delta"]["type"].get<std::string>(), &d["delta"]);
    for (const auto& [name, obj] : objs) {
      std::set<std::string> ks;
      for (auto& [k, v] : obj->items()) ks.insert(k);
      if (!seen[name]) {
        keys[name] = ks;
        seen[name] = true;
      } else {
        std::set<std::string> inter;
        for (const auto& k : keys[name])
          if (ks.count(k)) inter.insert(k);
        keys[name] = inter;
      }
    }
  }
}

void check_keys_like_real(const std::vector<jemu::SseEvent>& emu, const KeyMap& real) {
  KeyMap mine;
  std::map<std::string, bool> seen;
  collect_keys(emu, mine, seen);
  for (const auto& [name, ks] : mine) {
    auto it = real.find(name);
    if (it == real.end()) continue;
    for (const auto& k : it->second) CHECK_MESSAGE(ks.count(k), name << " lacks key '" << k << "' that real streams always carry");
  }
}

std::vector<jemu::SseEvent> parse_file(const std::string& path) { return jemu::sse_parse(read_file(path)); }

}  // namespace

TEST_CASE("stream grammar: Anthropic recordings and the emulator's streams") {
  auto files = fixture_files("derived-sse", [](const std::string& n) {
    return ends_with(n, ".sse") && (n.find("anthropic") != std::string::npos);
  });
  for (auto& f : fixture_files("anthropic-sdk-python", [](const std::string& n) { return ends_with(n, ".txt"); })) files.push_back(f);
  REQUIRE(files.size() >= 5);
  KeyMap real;
  std::map<std::string, bool> seen;
  for (const auto& f : files) {
    auto evs = parse_file(f);
    CHECK_MESSAGE(check_anthropic(evs).empty(), f << ": " << check_anthropic(evs));
    collect_keys(evs, real, seen);
  }
  Emu e;
  httplib::Headers h{{"x-api-key", "sk-ant-api03-emulator-key"}, {"anthropic-version", "2023-06-01"}};
  for (const char* prompt : {kSmokePrompt, kToolPrompt, "EMULATOR_STREAM_ERROR please"}) {
    json b = {{"model", "claude-sonnet-4-5"}, {"max_tokens", 64}, {"stream", true},
              {"tools", json::array({{{"name", "bash"}, {"input_schema", {{"type", "object"}}}}})},
              {"messages", json::array({{{"role", "user"}, {"content", prompt}}})}};
    auto r = e.post_json("/api.anthropic.com/v1/messages", b, h);
    REQUIRE(r->status == 200);
    auto evs = jemu::sse_parse(r->body);
    CHECK_MESSAGE(check_anthropic(evs).empty(), prompt << ": " << check_anthropic(evs));
    check_keys_like_real(evs, real);
  }
}

TEST_CASE("stream grammar: OpenAI Responses recordings and the emulator's streams") {
  auto files = fixture_files("derived-sse", [](const std::string& n) {
    return ends_with(n, ".sse") && (n.find("openai_responses") != std::string::npos ||
                                    (n.find("vercel-openai") != std::string::npos && n.find("openai-text") == std::string::npos));
  });
  REQUIRE(files.size() >= 6);
  KeyMap real;
  std::map<std::string, bool> seen;
  for (const auto& f : files) {
    // Some recordings hold several turns back to back: check each stream on its own.
    std::vector<std::vector<jemu::SseEvent>> streams;
    for (const auto& ev : parse_file(f)) {
      if (ev.event == "response.created" || streams.empty()) streams.emplace_back();
      streams.back().push_back(ev);
    }
    for (const auto& evs : streams) {
      CHECK_MESSAGE(check_responses(evs).empty(), f << ": " << check_responses(evs));
      collect_keys(evs, real, seen);
    }
  }
  Emu e;
  for (const char* prompt : {kSmokePrompt, kToolPrompt, "EMULATOR_STREAM_ERROR"}) {
    json b = {{"model", "gpt-5"}, {"input", prompt}, {"stream", true},
              {"tools", json::array({{{"type", "function"}, {"name", "bash"}, {"parameters", {{"type", "object"}}}}})}};
    auto r = e.post_json("/api.openai.com/v1/responses", b, {{"Authorization", "Bearer sk-emulator-openai-key"}});
    REQUIRE(r->status == 200);
    auto evs = jemu::sse_parse(r->body);
    CHECK_MESSAGE(check_responses(evs).empty(), prompt << ": " << check_responses(evs));
    check_keys_like_real(evs, real);
  }
}

TEST_CASE("stream grammar: Chat Completions recordings and the emulator's streams") {
  auto files = fixture_files("derived-sse", [](const std::string& n) {
    return ends_with(n, ".sse") && (n.find("test_openai_test_run_stream") != std::string::npos || n == "vercel-openai-text.sse");
  });
  REQUIRE(files.size() >= 3);
  for (const auto& f : files) {
    auto evs = parse_file(f);
    CHECK_MESSAGE(check_chat(evs).empty(), f << ": " << check_chat(evs));
  }
  Emu e;
  for (const char* prompt : {kSmokePrompt, kToolPrompt}) {
    json b = {{"model", "gpt-4o"}, {"stream", true}, {"stream_options", {{"include_usage", true}}},
              {"tools", json::array({{{"type", "function"}, {"function", {{"name", "bash"}, {"parameters", {{"type", "object"}}}}}}})},
              {"messages", json::array({{{"role", "user"}, {"content", prompt}}})}};
    auto r = e.post_json("/api.openai.com/v1/chat/completions", b, {{"Authorization", "Bearer sk-emulator-openai-key"}});
    REQUIRE(r->status == 200);
    auto evs = jemu::sse_parse(r->body);
    CHECK_MESSAGE(check_chat(evs).empty(), prompt << ": " << check_chat(evs));
  }
}

TEST_CASE("scripted model patterns") {
  CHECK(jemu::requested_exact_reply(kSmokePrompt) == "AUTH_TEST_OK");
  CHECK(jemu::requested_exact_reply("reply with exactly \"two words\" please") == "two words");
  CHECK(jemu::requested_command(kToolPrompt) == "echo JCODE_TOOL_OK");
  CHECK(jemu::requested_command("please run `ls -la /tmp`") == "ls -la /tmp");
  jemu::Conversation c;
  c.last_user_text = kToolPrompt;
  c.tool_names = {"read", "shell_exec"};
  auto r = jemu::scripted_reply(c);
  CHECK(r.tool_call);
  CHECK(r.tool_name == "shell_exec");
  c.last_is_tool_result = true;
  CHECK(jemu::scripted_reply(c).text == "AUTH_TEST_OK");
  c = jemu::Conversation{};
  c.last_user_text = "hello there";
  CHECK(jemu::scripted_reply(c).text == "Echo: hello there");
}
