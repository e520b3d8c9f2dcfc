#include <jcode/support/gemini.hpp>
#include <jcode/support/json_event.hpp>

#include "conversation.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace jcode::support::gemini {
namespace {

using nlohmann::json;

// Gemini's function schemas are an OpenAPI subset: JSON-Schema-only keys make it refuse the
// whole request, so they are dropped (recursively).
json clean_schema(const json& s) {
  if (s.is_array()) {
    json out = json::array();
    for (const auto& v : s) out.push_back(clean_schema(v));
    return out;
  }
  if (!s.is_object()) return s;
  json out = json::object();
  for (const auto& [k, v] : s.items()) {
    if (k == "$schema" || k == "additionalProperties" || k == "$id" || k == "$comment" || k == "examples") continue;
    out[k] = clean_schema(v);
  }
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

int64_t num(const json& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

}  // namespace

Built build_request(std::string_view conversation_json, const SignatureLookup& signature_of) {
  json conv;
  if (std::string e = detail::parse_conversation(conversation_json, "gemini", conv); !e.empty()) return {{}, e};
  json req = json::object();
  json contents = json::array();
  std::map<std::string, std::string> call_names;  // tool_use id → name
  for (const auto& m : conv["messages"]) {
    std::string error;
    const std::string role = detail::message_role(m, error);
    if (!error.empty()) return {{}, error};
    const bool assistant = role == "assistant";
    json parts = json::array();
    const json& content = m["content"];
    if (content.is_string()) {
      if (!content.get<std::string>().empty()) parts.push_back({{"text", content}});
    } else if (content.is_array()) {
      for (const auto& b : content) {
        const std::string type = b.is_object() ? b.value("type", "") : "";
        if (type == "text") {
          if (b.contains("text") && b["text"].is_string() && !b["text"].get<std::string>().empty())
            parts.push_back({{"text", b["text"]}});
        } else if (type == "tool_use") {
          if (std::string e = detail::check_tool_use(b, assistant); !e.empty()) return {{}, e};
          json args = b.contains("input") && b["input"].is_object() ? b["input"] : json::object();
          if (b.contains("input") && b["input"].is_string()) {
            json parsed = json::parse(b["input"].get<std::string>(), nullptr, false);
            if (parsed.is_object()) args = parsed;
          }
          const std::string id = b["id"].get<std::string>();
          call_names[id] = b["name"].get<std::string>();
          json part = {{"functionCall", {{"name", b["name"]}, {"args", args}, {"id", id}}}};
          if (signature_of)
            if (std::string sig = signature_of(id); !sig.empty()) part["thoughtSignature"] = sig;
          parts.push_back(std::move(part));
        } else if (type == "tool_result") {
          if (std::string e = detail::check_tool_result(b, assistant); !e.empty()) return {{}, e};
          const std::string id = b["tool_use_id"].get<std::string>();
          auto it = call_names.find(id);
          if (it == call_names.end()) return {{}, "a tool_result answers no earlier tool_use (" + id + ")"};
          const std::string text = detail::tool_result_text(b);
          json response = b.value("is_error", false) ? json{{"error", text}} : json{{"output", text}};
          parts.push_back({{"functionResponse", {{"name", it->second}, {"id", id}, {"response", response}}}});
        }
      }
    } else {
      return {{}, "a conversation message's content is neither text nor blocks"};
    }
    if (parts.empty()) continue;
    contents.push_back({{"role", assistant ? "model" : "user"}, {"parts", parts}});
  }
  if (contents.empty()) return {{}, "the conversation has no text to send"};
  req["contents"] = contents;
  if (conv.contains("system") && conv["system"].is_string() && !conv["system"].get<std::string>().empty())
    req["systemInstruction"] = {{"role", "user"}, {"parts", json::array({{{"text", conv["system"]}}})}};
  if (conv.contains("tools") && conv["tools"].is_array() && !conv["tools"].empty()) {
    json decls = json::array();
    for (const auto& t : conv["tools"]) {
      detail::ToolDecl d;
      if (std::string e = detail::tool_decl(t, {}, d); !e.empty()) return {{}, e};
      decls.push_back({{"name", d.name}, {"description", d.description}, {"parameters", clean_schema(d.parameters)}});
    }
    req["tools"] = json::array({{{"functionDeclarations", decls}}});
    req["toolConfig"] = {{"functionCallingConfig", {{"mode", "AUTO"}}}};
  }
  if (conv.contains("max_tokens") && conv["max_tokens"].is_number_integer() && conv["max_tokens"].get<int64_t>() > 0)
    req["generationConfig"] = {{"maxOutputTokens", conv["max_tokens"]}};
  return {req, {}};
}

json code_assist_body(const json& request, std::string_view model, std::string_view project, std::string_view prompt_id,
                      std::string_view session_id) {
  json inner = request;
  if (!session_id.empty()) inner["session_id"] = std::string(session_id);
  json body = {{"model", std::string(model)}, {"request", inner}};
  if (!project.empty()) body["project"] = std::string(project);
  if (!prompt_id.empty()) body["user_prompt_id"] = std::string(prompt_id);
  return body;
}

StreamDecoder::StreamDecoder(Emit emit, OnSignature on_signature)
    : emit_(std::move(emit)), on_signature_(std::move(on_signature)) {}

jcode_status StreamDecoder::feed(std::string_view, std::string_view data) {
  if (data.empty() || data == "[DONE]") return JCODE_OK;
  json doc = json::parse(data, nullptr, false);
  if (!doc.is_object()) {
    error_message_ = "the Gemini stream sent an event that is not a JSON object";
    return JCODE_E_PROTOCOL;
  }
  if (auto e = doc.find("error"); e != doc.end()) {
    saw_error_ = true;
    if (e->is_object()) {
      error_code_ = e->value("status", "");
      if (error_code_.empty() && e->contains("code") && (*e)["code"].is_number_integer())
        error_code_ = std::to_string((*e)["code"].get<int64_t>());
      error_message_ = e->value("message", "the Gemini stream reported an error");
    } else {
      error_message_ = "the Gemini stream reported an error";
    }
    return JCODE_OK;
  }
  // Code Assist wraps each GenerateContentResponse: {"response": {...}, "traceId": ...}.
  if (auto r = doc.find("response"); r != doc.end() && r->is_object()) return on_response(*r);
  return on_response(doc);
}

jcode_status StreamDecoder::on_response(const json& r) {
  if (!model_sent_) {
    std::string model = r.value("modelVersion", "");
    if (!model.empty()) {
      model_sent_ = true;
      jcode_event e = make_event(JCODE_EVENT_MODEL);
      e.text = str(model);
      if (jcode_status st = emit_(e); st != JCODE_OK) return st;
    }
  }
  if (auto pf = r.find("promptFeedback"); pf != r.end() && pf->is_object() && pf->contains("blockReason")) {
    saw_error_ = true;
    error_code_ = "prompt_blocked";
    error_message_ = "Gemini refused the prompt (blockReason " + pf->value("blockReason", std::string("unknown")) + ")";
    return JCODE_OK;
  }
  const std::string response_id = r.value("responseId", "");
  if (auto cs = r.find("candidates"); cs != r.end() && cs->is_array() && !cs->empty() && (*cs)[0].is_object()) {
    const json& c = (*cs)[0];
    if (auto content = c.find("content"); content != c.end() && content->is_object()) {
      if (auto parts = content->find("parts"); parts != content->end() && parts->is_array()) {
        for (const auto& p : *parts) {
          if (!p.is_object()) continue;
          if (auto fc = p.find("functionCall"); fc != p.end() && fc->is_object()) {
            const int32_t index = calls_++ + 1;  // text is block 0
            std::string id = fc->value("id", "");
            if (id.empty())
              id = "gemini_call_" + std::to_string(index) + (response_id.empty() ? "" : "_" + response_id);
            const std::string name = fc->value("name", "");
            if (auto sig = p.find("thoughtSignature"); on_signature_ && sig != p.end() && sig->is_string())
              on_signature_(id, sig->get<std::string>());
            const std::string args = fc->contains("args") && (*fc)["args"].is_object() ? (*fc)["args"].dump() : "{}";
            jcode_event s = make_event(JCODE_EVENT_TOOL_CALL_START);
            s.id = str(id);
            s.name = str(name);
            s.index = index;
            if (jcode_status st = emit_(s); st != JCODE_OK) return st;
            jcode_event d = make_event(JCODE_EVENT_TOOL_CALL_END);
            d.id = str(id);
            d.name = str(name);
            d.index = index;
            d.json = str(args);
            if (jcode_status st = emit_(d); st != JCODE_OK) return st;
            continue;
          }
          if (auto t = p.find("text"); t != p.end() && t->is_string()) {
            const bool thought = p.value("thought", false);
            const std::string text = t->get<std::string>();
            if (text.empty()) continue;
            jcode_event e = make_event(thought ? JCODE_EVENT_THINKING : JCODE_EVENT_TEXT);
            e.text = str(text);
            if (jcode_status st = emit_(e); st != JCODE_OK) return st;
          }
        }
      }
    }
    if (auto fr = c.find("finishReason"); fr != c.end() && fr->is_string() && !fr->get<std::string>().empty() &&
                                          fr->get<std::string>() != "FINISH_REASON_UNSPECIFIED")
      finish_reason_ = fr->get<std::string>();
  }
  if (auto u = r.find("usageMetadata"); u != r.end() && u->is_object()) {
    input_tokens_ = std::max(input_tokens_, num(*u, "promptTokenCount"));
    output_tokens_ = std::max(output_tokens_, num(*u, "candidatesTokenCount") + num(*u, "thoughtsTokenCount"));
    cached_tokens_ = std::max(cached_tokens_, num(*u, "cachedContentTokenCount"));
    have_usage_ = true;
    jcode_event e = make_event(JCODE_EVENT_USAGE);
    e.input_tokens = input_tokens_;
    e.output_tokens = output_tokens_;
    e.cache_read_tokens = cached_tokens_;
    if (jcode_status st = emit_(e); st != JCODE_OK) return st;
  }
  if (!finish_reason_.empty() && !stop_sent_) return finish();
  return JCODE_OK;
}

jcode_status StreamDecoder::finish() {
  stop_sent_ = true;
  finished_ = true;
  if (finish_reason_ == "MALFORMED_FUNCTION_CALL" || finish_reason_ == "UNEXPECTED_TOOL_CALL") {
    saw_error_ = true;
    error_code_ = lower(finish_reason_);
    error_message_ = "Gemini produced a tool call it could not complete (" + finish_reason_ + ")";
    return JCODE_OK;
  }
  if (finish_reason_ == "STOP") stop_reason_ = calls_ > 0 ? "tool_use" : "end_turn";
  else if (finish_reason_ == "MAX_TOKENS") stop_reason_ = "max_tokens";
  else stop_reason_ = lower(finish_reason_);  // safety, recitation, …: the answer was cut
  jcode_event e = make_event(JCODE_EVENT_STOP);
  e.text = str(stop_reason_);
  return emit_(e);
}

jcode_status StreamDecoder::end_of_stream() { return JCODE_OK; }

}  // namespace jcode::support::gemini
