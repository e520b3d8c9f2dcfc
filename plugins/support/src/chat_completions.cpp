#include <jcode/support/chat_completions.hpp>
#include <jcode/support/json_event.hpp>

#include "conversation.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <vector>

namespace jcode::support::chat_completions {
namespace {

using nlohmann::json;

}  // namespace

Built build_request(std::string_view conversation_json, const BuildOptions& o) {
  json conv;
  if (std::string error = detail::parse_conversation(conversation_json, o.model, conv); !error.empty())
    return {{}, error};

  json messages = json::array();
  if (conv.contains("system") && conv["system"].is_string() && !conv["system"].get<std::string>().empty())
    messages.push_back({{"role", "system"}, {"content", conv["system"]}});
  for (const auto& m : conv["messages"]) {
    std::string error;
    const std::string role = detail::message_role(m, error);
    if (!error.empty()) return {{}, error};
    const bool assistant = role == "assistant";
    const json& content = m["content"];
    if (content.is_string()) {
      messages.push_back({{"role", role}, {"content", content}});
      continue;
    }
    if (!content.is_array()) return {{}, "a conversation message's content is neither text nor blocks"};
    std::string text;
    json calls = json::array(), results = json::array();
    for (const auto& b : content) {
      const std::string type = b.is_object() ? b.value("type", "") : "";
      if (type == "text") {
        if (b.contains("text") && b["text"].is_string()) {
          if (!text.empty() && !b["text"].get<std::string>().empty()) text += "\n";
          text += b["text"].get<std::string>();
        }
      } else if (type == "tool_use") {
        if (std::string e = detail::check_tool_use(b, assistant); !e.empty()) return {{}, e};
        calls.push_back({{"function", {{"arguments", detail::tool_input_text(b)},
                                       {"name", detail::renamed(o.tool_names, b["name"].get<std::string>())}}},
                         {"id", b["id"]},
                         {"type", "function"}});
      } else if (type == "tool_result") {
        if (std::string e = detail::check_tool_result(b, assistant); !e.empty()) return {{}, e};
        results.push_back({{"content", detail::tool_result_content(b)}, {"role", "tool"}, {"tool_call_id", b["tool_use_id"]}});
      } else if (type == "thinking") {
        // Not replayed: Chat Completions has no field for earlier visible reasoning.
      } else {
        return {{}, "a conversation block has unknown type '" + type + "'"};
      }
    }
    for (auto& r : results) messages.push_back(std::move(r));
    if (assistant && !calls.empty()) {
      messages.push_back({{"content", text.empty() ? json(nullptr) : json(text)}, {"role", "assistant"},
                          {"tool_calls", std::move(calls)}});
    } else if (!text.empty()) {
      messages.push_back({{"content", text}, {"role", role}});
    }
  }

  json body;
  body["model"] = o.model;
  body["messages"] = std::move(messages);
  if (conv.contains("tools") && conv["tools"].is_array() && !conv["tools"].empty()) {
    json tools = json::array();
    for (const auto& t : conv["tools"]) {
      detail::ToolDecl d;
      if (std::string e = detail::tool_decl(t, o.tool_names, d); !e.empty()) return {{}, e};
      json fn = {{"name", std::move(d.name)}};
      fn["description"] = std::move(d.description);
      fn["parameters"] = std::move(d.parameters);
      tools.push_back({{"function", std::move(fn)}, {"type", "function"}});
    }
    body["tools"] = std::move(tools);
    body["tool_choice"] = "auto";
  }
  if (!o.max_tokens_field.empty() && conv.contains("max_tokens") && conv["max_tokens"].is_number_integer())
    body[o.max_tokens_field] = conv["max_tokens"];
  body["stream"] = o.stream;
  if (o.stream && o.include_usage) body["stream_options"] = {{"include_usage", true}};
  return {body.dump(), {}};
}

// ---- stream decoding ----

namespace {

std::string stop_reason_of(std::string_view finish_reason) {
  if (finish_reason == "stop") return "end_turn";
  if (finish_reason == "tool_calls" || finish_reason == "function_call") return "tool_use";
  if (finish_reason == "length") return "max_tokens";
  return std::string(finish_reason);
}

}  // namespace

StreamDecoder::StreamDecoder(Emit emit, std::map<std::string, std::string> wire_to_native)
    : emit_(std::move(emit)), wire_to_native_(std::move(wire_to_native)) {}

jcode_status StreamDecoder::close_calls() {
  for (auto& [index, call] : calls_) {
    if (call.ended) continue;
    call.ended = true;
    if (call.args.empty()) call.args = "{}";
    jcode_event e = make_event(JCODE_EVENT_TOOL_CALL_END);
    e.id = str(call.id);
    e.name = str(call.name);
    e.json = str(call.args);
    e.index = index;
    if (jcode_status st = emit_(e); st != JCODE_OK) return st;
  }
  return JCODE_OK;
}

jcode_status StreamDecoder::done() {
  if (finished_) return JCODE_OK;
  finished_ = true;
  if (jcode_status st = close_calls(); st != JCODE_OK) return st;
  jcode_event u = make_event(JCODE_EVENT_USAGE);
  u.input_tokens = input_tokens_;
  u.output_tokens = output_tokens_;
  u.cache_read_tokens = cached_tokens_;
  if (jcode_status st = emit_(u); st != JCODE_OK) return st;
  if (stop_reason_.empty()) stop_reason_ = calls_.empty() ? "end_turn" : "tool_use";
  jcode_event s = make_event(JCODE_EVENT_STOP);
  s.text = str(stop_reason_);
  return emit_(s);
}

jcode_status StreamDecoder::end_of_stream() {
  if (finished_ || saw_error_ || !saw_finish_reason_) return JCODE_OK;
  return done();
}

jcode_status StreamDecoder::feed(std::string_view event, std::string_view data) {
  std::string_view trimmed = data;
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\n' || trimmed.back() == '\r'))
    trimmed.remove_suffix(1);
  if (trimmed == "[DONE]") return saw_error_ ? JCODE_OK : done();

  simdjson::dom::parser parser;
  simdjson::padded_string padded(data);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    error_message_ = "malformed Chat Completions stream chunk" +
                     (event.empty() ? std::string() : " ('" + std::string(event) + "')") + ": data is not JSON";
    return JCODE_E_PROTOCOL;
  }
  simdjson::dom::element err;
  if (doc["error"].get(err) == simdjson::SUCCESS && !err.is_null()) {
    saw_error_ = true;
    std::string_view code, message;
    if (err.is_object()) {
      code = get_str(err, "code");
      if (code.empty()) code = get_str(err, "type");
      message = get_str(err, "message");
    } else {
      message = get_str(doc, "message");
    }
    error_code_ = std::string(code);
    error_message_ = std::string(message.empty() ? std::string_view("the stream reported an error") : message);
    jcode_event e = make_event(JCODE_EVENT_ERROR);
    e.name = str(error_code_);
    e.text = str(error_message_);
    return emit_(e);
  }

  std::string_view model = get_str(doc, "model");
  if (!model.empty() && !model_sent_) {
    model_sent_ = true;
    model_ = std::string(model);
    jcode_event e = make_event(JCODE_EVENT_MODEL);
    e.text = str(model_);
    if (jcode_status st = emit_(e); st != JCODE_OK) return st;
  }
  simdjson::dom::element usage;
  if (doc["usage"].get(usage) == simdjson::SUCCESS && usage.is_object()) {
    input_tokens_ = get_int(usage, "prompt_tokens", input_tokens_);
    output_tokens_ = get_int(usage, "completion_tokens", output_tokens_);
    simdjson::dom::element details;
    if (usage["prompt_tokens_details"].get(details) == simdjson::SUCCESS && details.is_object())
      cached_tokens_ = get_int(details, "cached_tokens", cached_tokens_);
  }
  simdjson::dom::array choices;
  if (doc["choices"].get_array().get(choices) != simdjson::SUCCESS) return JCODE_OK;
  for (simdjson::dom::element choice : choices) {
    // jcode asks for one choice; a second one (n>1) would interleave two answers.
    if (get_int(choice, "index", 0) != 0) continue;
    simdjson::dom::element delta;
    if (choice["delta"].get(delta) == simdjson::SUCCESS && delta.is_object()) {
      for (const char* key : {"reasoning_content", "reasoning"}) {
        std::string_view r = get_str(delta, key);
        if (r.empty()) continue;
        jcode_event e = make_event(JCODE_EVENT_THINKING);
        e.text = str(r);
        if (jcode_status st = emit_(e); st != JCODE_OK) return st;
      }
      for (const char* key : {"content", "refusal"}) {
        std::string_view t = get_str(delta, key);
        if (t.empty()) continue;
        jcode_event e = make_event(JCODE_EVENT_TEXT);
        e.text = str(t);
        if (jcode_status st = emit_(e); st != JCODE_OK) return st;
      }
      simdjson::dom::array tool_calls;
      if (delta["tool_calls"].get_array().get(tool_calls) == simdjson::SUCCESS) {
        for (simdjson::dom::element tc : tool_calls) {
          int32_t index = static_cast<int32_t>(get_int(tc, "index", static_cast<int64_t>(calls_.size())));
          bool fresh = calls_.find(index) == calls_.end();
          Call& call = calls_[index];
          std::string_view id = get_str(tc, "id");
          if (!id.empty() && call.id.empty()) call.id = std::string(id);
          simdjson::dom::element fn;
          std::string_view args;
          if (tc["function"].get(fn) == simdjson::SUCCESS && fn.is_object()) {
            std::string_view wire = get_str(fn, "name");
            if (!wire.empty() && call.name.empty()) {
              auto it = wire_to_native_.find(std::string(wire));
              call.name = it == wire_to_native_.end() ? std::string(wire) : it->second;
            }
            args = get_str(fn, "arguments");
          }
          if (fresh) {
            jcode_event e = make_event(JCODE_EVENT_TOOL_CALL_START);
            e.id = str(call.id);
            e.name = str(call.name);
            e.index = index;
            if (jcode_status st = emit_(e); st != JCODE_OK) return st;
          }
          if (!args.empty()) {
            call.args.append(args);
            jcode_event e = make_event(JCODE_EVENT_TOOL_CALL_DELTA);
            e.id = str(call.id);
            e.json = str(args);
            e.index = index;
            if (jcode_status st = emit_(e); st != JCODE_OK) return st;
          }
        }
      }
    }
    std::string_view finish = get_str(choice, "finish_reason");
    if (!finish.empty()) {
      saw_finish_reason_ = true;
      stop_reason_ = stop_reason_of(finish);
      if (jcode_status st = close_calls(); st != JCODE_OK) return st;
    }
  }
  return JCODE_OK;
}

}  // namespace jcode::support::chat_completions
