#include <jcode/support/responses.hpp>
#include <jcode/support/json_event.hpp>

#include "conversation.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace jcode::support::responses {
namespace {

using nlohmann::json;

// A message's text blocks as Responses content: one block → a plain string (the shape the
// SDKs send), several → typed parts.
json message_content(const std::vector<std::string>& texts, bool assistant) {
  if (texts.size() == 1) return texts[0];
  json parts = json::array();
  for (const auto& t : texts) parts.push_back({{"type", assistant ? "output_text" : "input_text"}, {"text", t}});
  return parts;
}

}  // namespace

Built build_request(std::string_view conversation_json, const BuildOptions& o) {
  json conv;
  if (std::string error = detail::parse_conversation(conversation_json, o.model, conv); !error.empty())
    return {{}, error};

  json body;
  body["model"] = o.model;
  std::string instructions = conv.contains("system") && conv["system"].is_string() ? conv["system"].get<std::string>() : "";
  if (instructions.empty()) instructions = o.default_instructions;
  body["instructions"] = instructions;

  json input = json::array();
  for (const auto& m : conv["messages"]) {
    std::string error;
    const std::string role = detail::message_role(m, error);
    if (!error.empty()) return {{}, error};
    const bool assistant = role == "assistant";
    const json& content = m["content"];
    if (content.is_string()) {
      input.push_back({{"role", role}, {"content", content}});
      continue;
    }
    if (!content.is_array()) return {{}, "a conversation message's content is neither text nor blocks"};
    std::vector<std::string> texts;
    json calls = json::array(), outputs = json::array();
    for (const auto& b : content) {
      const std::string type = b.is_object() ? b.value("type", "") : "";
      if (type == "text") {
        if (b.contains("text") && b["text"].is_string() && !b["text"].get<std::string>().empty())
          texts.push_back(b["text"].get<std::string>());
      } else if (type == "tool_use") {
        if (std::string e = detail::check_tool_use(b, assistant); !e.empty()) return {{}, e};
        calls.push_back({{"type", "function_call"},
                         {"call_id", b["id"]},
                         {"name", detail::renamed(o.tool_names, b["name"].get<std::string>())},
                         {"arguments", detail::tool_input_text(b)}});
      } else if (type == "tool_result") {
        if (std::string e = detail::check_tool_result(b, assistant); !e.empty()) return {{}, e};
        outputs.push_back({{"type", "function_call_output"}, {"call_id", b["tool_use_id"]}, {"output", detail::tool_result_content(b)}});
      } else if (type == "thinking") {
        // Visible reasoning is not replayed: the Responses API keeps it server-side.
      } else {
        return {{}, "a conversation block has unknown type '" + type + "'"};
      }
    }
    // Order inside one turn: outputs answer the previous turn's calls; an assistant's text
    // precedes its calls.
    for (auto& x : outputs) input.push_back(std::move(x));
    if (!texts.empty()) input.push_back({{"role", role}, {"content", message_content(texts, assistant)}});
    for (auto& x : calls) input.push_back(std::move(x));
  }
  body["input"] = std::move(input);

  if (conv.contains("tools") && conv["tools"].is_array() && !conv["tools"].empty()) {
    json tools = json::array();
    for (const auto& t : conv["tools"]) {
      detail::ToolDecl d;
      if (std::string e = detail::tool_decl(t, o.tool_names, d); !e.empty()) return {{}, e};
      json wt = {{"type", "function"}, {"name", std::move(d.name)}};
      wt["description"] = std::move(d.description);
      wt["parameters"] = std::move(d.parameters);
      wt["strict"] = false;
      tools.push_back(std::move(wt));
    }
    body["tools"] = std::move(tools);
    body["tool_choice"] = "auto";
  }
  if (o.parallel_tool_calls) body["parallel_tool_calls"] = *o.parallel_tool_calls;
  if (o.send_max_output_tokens && conv.contains("max_tokens") && conv["max_tokens"].is_number_integer())
    body["max_output_tokens"] = conv["max_tokens"];
  if (o.store) body["store"] = *o.store;
  if (!o.include.empty()) body["include"] = o.include;
  body["stream"] = o.stream;
  return {body.dump(), {}};
}

// ---- stream decoding ----

StreamDecoder::StreamDecoder(Emit emit, std::map<std::string, std::string> wire_to_native)
    : emit_(std::move(emit)), wire_to_native_(std::move(wire_to_native)) {}

jcode_status StreamDecoder::text(int32_t type, std::string_view delta, int32_t index) {
  if (delta.empty()) return JCODE_OK;
  jcode_event e = make_event(type);
  e.text = str(delta);
  e.index = index;
  return emit_(e);
}

// The *.done events carry the whole text. Whatever the deltas missed (a proxy that dropped
// events, a recording that trimmed them) is emitted once, so the rendered answer is whole.
jcode_status StreamDecoder::reconcile(const std::string& key, std::string_view full, int32_t index) {
  std::string& seen = texts_[key];
  if (full.size() <= seen.size() || full.substr(0, seen.size()) != seen) return JCODE_OK;
  std::string rest(full.substr(seen.size()));
  seen.append(rest);
  return text(JCODE_EVENT_TEXT, rest, index);
}

jcode_status StreamDecoder::start_call(int32_t index, Call& call) {
  if (call.started) return JCODE_OK;
  call.started = true;
  ++tool_calls_in_response_;
  jcode_event e = make_event(JCODE_EVENT_TOOL_CALL_START);
  e.id = str(call.call_id);
  e.name = str(call.name);
  e.index = index;
  return emit_(e);
}

jcode_status StreamDecoder::end_call(int32_t index, Call& call) {
  if (call.ended) return JCODE_OK;
  if (jcode_status st = start_call(index, call); st != JCODE_OK) return st;
  call.ended = true;
  if (call.args.empty()) call.args = "{}";
  jcode_event e = make_event(JCODE_EVENT_TOOL_CALL_END);
  e.id = str(call.call_id);
  e.name = str(call.name);
  e.json = str(call.args);
  e.index = index;
  return emit_(e);
}

jcode_status StreamDecoder::report_error(std::string_view code, std::string_view message) {
  saw_error_ = true;
  error_code_ = std::string(code);
  error_message_ = std::string(message.empty() ? std::string_view("the stream reported an error") : message);
  if (error_sent_) return JCODE_OK;
  error_sent_ = true;
  jcode_event e = make_event(JCODE_EVENT_ERROR);
  e.name = str(error_code_);
  e.text = str(error_message_);
  return emit_(e);
}

jcode_status StreamDecoder::finish(std::string_view status, std::string_view incomplete_reason, int64_t input_tokens,
                                   int64_t output_tokens, int64_t cached_tokens) {
  finished_ = true;
  for (auto& [index, call] : calls_)
    if (call.started || !call.call_id.empty())
      if (jcode_status st = end_call(index, call); st != JCODE_OK) return st;
  jcode_event u = make_event(JCODE_EVENT_USAGE);
  u.input_tokens = input_tokens;
  u.output_tokens = output_tokens;
  u.cache_read_tokens = cached_tokens;
  if (jcode_status st = emit_(u); st != JCODE_OK) return st;
  if (status == "incomplete")
    stop_reason_ = incomplete_reason == "max_output_tokens" ? "max_tokens"
                   : incomplete_reason.empty()             ? "incomplete"
                                                           : std::string(incomplete_reason);
  else
    stop_reason_ = tool_calls_in_response_ > 0 ? "tool_use" : "end_turn";
  jcode_event s = make_event(JCODE_EVENT_STOP);
  s.text = str(stop_reason_);
  return emit_(s);
}

jcode_status StreamDecoder::feed(std::string_view event, std::string_view data) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(data);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    error_message_ = "malformed Responses stream event '" + std::string(event) + "': data is not a JSON object";
    return JCODE_E_PROTOCOL;
  }
  std::string_view type = get_str(doc, "type");
  if (type.empty()) type = event;
  const int32_t index = static_cast<int32_t>(get_int(doc, "output_index", 0));

  if (type == "response.created" || type == "response.in_progress") {
    if (type == "response.created") {
      // A new response (a recording may hold several turns): per-response state restarts.
      calls_.clear();
      texts_.clear();
      tool_calls_in_response_ = 0;
      model_sent_ = false;
      finished_ = false;
    }
    simdjson::dom::element resp;
    if (doc["response"].get(resp) == simdjson::SUCCESS) {
      std::string_view model = get_str(resp, "model");
      if (!model.empty() && !model_sent_) {
        model_sent_ = true;
        model_ = std::string(model);
        jcode_event e = make_event(JCODE_EVENT_MODEL);
        e.text = str(model_);
        return emit_(e);
      }
    }
    return JCODE_OK;
  }
  if (type == "response.output_item.added" || type == "response.output_item.done") {
    simdjson::dom::element item;
    if (doc["item"].get(item) != simdjson::SUCCESS) {
      error_message_ = "malformed " + std::string(type) + " event: no item";
      return JCODE_E_PROTOCOL;
    }
    std::string_view itype = get_str(item, "type");
    if (itype == "function_call") {
      Call& call = calls_[index];
      if (call.call_id.empty()) call.call_id = std::string(get_str(item, "call_id"));
      if (call.item_id.empty()) call.item_id = std::string(get_str(item, "id"));
      if (call.name.empty()) {
        std::string wire(get_str(item, "name"));
        auto it = wire_to_native_.find(wire);
        call.name = it == wire_to_native_.end() ? wire : it->second;
      }
      if (type == "response.output_item.added") return start_call(index, call);
      std::string_view args = get_str(item, "arguments");
      if (!args.empty()) call.args = std::string(args);
      return end_call(index, call);
    }
    if (itype == "message" && type == "response.output_item.done") {
      simdjson::dom::array parts;
      if (item["content"].get_array().get(parts) != simdjson::SUCCESS) return JCODE_OK;
      std::string item_id(get_str(item, "id"));
      int64_t ci = 0;
      for (simdjson::dom::element part : parts) {
        if (get_str(part, "type") == "output_text")
          if (jcode_status st = reconcile(item_id + ":" + std::to_string(ci), get_str(part, "text"), index);
              st != JCODE_OK)
            return st;
        ++ci;
      }
    }
    return JCODE_OK;
  }
  if (type == "response.output_text.delta" || type == "response.refusal.delta") {
    std::string_view delta = get_str(doc, "delta");
    texts_[std::string(get_str(doc, "item_id")) + ":" + std::to_string(get_int(doc, "content_index", 0))].append(delta);
    return text(JCODE_EVENT_TEXT, delta, index);
  }
  if (type == "response.output_text.done" || type == "response.refusal.done") {
    std::string_view full = get_str(doc, type == "response.output_text.done" ? "text" : "refusal");
    return reconcile(std::string(get_str(doc, "item_id")) + ":" + std::to_string(get_int(doc, "content_index", 0)),
                     full, index);
  }
  if (type == "response.reasoning_summary_text.delta" || type == "response.reasoning_text.delta")
    return text(JCODE_EVENT_THINKING, get_str(doc, "delta"), index);
  if (type == "response.function_call_arguments.delta") {
    auto it = calls_.find(index);
    if (it == calls_.end()) {
      error_message_ = "function_call_arguments.delta for an output item that never started";
      return JCODE_E_PROTOCOL;
    }
    std::string_view delta = get_str(doc, "delta");
    it->second.args.append(delta);
    if (delta.empty()) return JCODE_OK;
    jcode_event e = make_event(JCODE_EVENT_TOOL_CALL_DELTA);
    e.index = index;
    e.id = str(it->second.call_id);
    e.json = str(delta);
    return emit_(e);
  }
  if (type == "response.function_call_arguments.done") {
    auto it = calls_.find(index);
    std::string_view args = get_str(doc, "arguments");
    if (it != calls_.end() && !args.empty()) it->second.args = std::string(args);
    return JCODE_OK;
  }
  if (type == "response.completed" || type == "response.incomplete" || type == "response.failed") {
    simdjson::dom::element resp;
    if (doc["response"].get(resp) != simdjson::SUCCESS) {
      error_message_ = "malformed " + std::string(type) + " event: no response";
      return JCODE_E_PROTOCOL;
    }
    if (type == "response.failed") {
      finished_ = true;
      simdjson::dom::element err;
      std::string_view code, message;
      if (resp["error"].get(err) == simdjson::SUCCESS && err.is_object()) {
        code = get_str(err, "code");
        message = get_str(err, "message");
      }
      return report_error(code, message.empty() ? std::string_view("the response failed") : message);
    }
    int64_t in = 0, out = 0, cached = 0;
    simdjson::dom::element usage;
    if (resp["usage"].get(usage) == simdjson::SUCCESS && usage.is_object()) {
      in = get_int(usage, "input_tokens", 0);
      out = get_int(usage, "output_tokens", 0);
      simdjson::dom::element details;
      if (usage["input_tokens_details"].get(details) == simdjson::SUCCESS && details.is_object())
        cached = get_int(details, "cached_tokens", 0);
    }
    std::string_view reason;
    simdjson::dom::element inc;
    if (resp["incomplete_details"].get(inc) == simdjson::SUCCESS && inc.is_object()) reason = get_str(inc, "reason");
    return finish(type == "response.incomplete" ? "incomplete" : "completed", reason, in, out, cached);
  }
  if (type == "error") {
    // {"type":"error","error":{"type","code","message"}} or the flat {"type":"error","code","message"}.
    simdjson::dom::element err = doc;
    simdjson::dom::element inner;
    if (doc["error"].get(inner) == simdjson::SUCCESS && inner.is_object()) err = inner;
    std::string_view code = get_str(err, "code");
    if (code.empty()) code = get_str(err, "type");
    if (code == "error") code = {};
    return report_error(code, get_str(err, "message"));
  }
  // Lifecycle noise (content_part.*, reasoning_summary_part.*, *.in_progress…) and future
  // event types carry nothing to show.
  return JCODE_OK;
}

}  // namespace jcode::support::responses
