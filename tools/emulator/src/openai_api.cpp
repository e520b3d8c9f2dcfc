// OpenAI Responses API (API key) and the ChatGPT Codex backend (OAuth JWT + account header).
#include <set>

#include "modules.hpp"
#include "scripted_model.hpp"
#include "sse.hpp"

namespace jemu {

namespace {

Response openai_error(int status, const std::string& message, const std::string& type, const json& code,
                      const json& param = nullptr) {
  Response r = Response::json(
      status, {{"error", {{"message", message}, {"type", type}, {"param", param}, {"code", code}}}});
  r.headers.emplace("x-request-id", "req_" + random_hex(16));
  return r;
}

Response detail_error(int status, const std::string& detail) { return Response::json(status, {{"detail", detail}}); }

std::string mask_key(const std::string& key) {
  if (key.size() <= 8) return "****";
  return key.substr(0, 3) + "*****" + key.substr(key.size() - 4);
}

// Validates the request body shared by both hosts; returns an error message (empty = fine).
std::string validate_body(const json& body) {
  if (!body.contains("model") || !body["model"].is_string()) return "Missing required parameter: 'model'.";
  if (!body.contains("input") || (!body["input"].is_string() && !body["input"].is_array()))
    return "Missing required parameter: 'input'.";
  if (body.contains("stream") && !body["stream"].is_boolean()) return "Invalid type for 'stream': expected a boolean.";
  if (body.contains("previous_response_id") && !body["previous_response_id"].is_null())
    return "Previous response with id '" + body["previous_response_id"].dump() + "' not found.";
  if (body.contains("tools")) {
    if (!body["tools"].is_array()) return "Invalid type for 'tools': expected an array.";
    for (std::size_t i = 0; i < body["tools"].size(); ++i) {
      const json& t = body["tools"][i];
      if (!t.is_object() || !t.contains("type") || !t["type"].is_string())
        return "Missing required parameter: 'tools[" + std::to_string(i) + "].type'.";
      if (t["type"] == "function" && (!t.contains("name") || !t["name"].is_string()))
        return "Missing required parameter: 'tools[" + std::to_string(i) + "].name'.";
    }
  }
  if (body["input"].is_array()) {
    std::set<std::string> calls;
    for (std::size_t i = 0; i < body["input"].size(); ++i) {
      const json& item = body["input"][i];
      if (!item.is_object()) return "Invalid type for 'input[" + std::to_string(i) + "]': expected an object.";
      const std::string type = item.value("type", item.contains("role") ? "message" : "");
      if (type == "message") {
        const std::string role = item.value("role", "");
        if (role != "user" && role != "assistant" && role != "system" && role != "developer")
          return "Invalid value for 'input[" + std::to_string(i) + "].role'.";
        if (!item.contains("content")) return "Missing required parameter: 'input[" + std::to_string(i) + "].content'.";
      } else if (type == "function_call") {
        if (!item.contains("call_id") || !item["call_id"].is_string() || !item.contains("name") ||
            !item.contains("arguments"))
          return "Missing required parameter: 'input[" + std::to_string(i) + "].call_id'.";
        calls.insert(item["call_id"].get<std::string>());
      } else if (type == "function_call_output") {
        if (!item.contains("call_id") || !item["call_id"].is_string())
          return "Missing required parameter: 'input[" + std::to_string(i) + "].call_id'.";
        if (!calls.count(item["call_id"].get<std::string>()))
          return "No tool call found for function call output with call_id " + item["call_id"].get<std::string>() + ".";
        if (!item.contains("output")) return "Missing required parameter: 'input[" + std::to_string(i) + "].output'.";
      } else if (type.empty()) {
        return "Missing required parameter: 'input[" + std::to_string(i) + "].type'.";
      }
    }
  }
  return {};
}

Conversation conversation_of(const json& body) {
  Conversation c;
  if (body.contains("tools") && body["tools"].is_array())
    for (const auto& t : body["tools"])
      if (t.is_object() && t.contains("name") && t["name"].is_string()) c.tool_names.push_back(t["name"]);
  const json& input = body["input"];
  if (input.is_string()) {
    c.last_user_text = input.get<std::string>();
    return c;
  }
  for (std::size_t i = 0; i < input.size(); ++i) {
    const json& item = input[i];
    const bool last = i + 1 == input.size();
    const std::string type = item.value("type", "message");
    if (type == "message" && item.value("role", "") == "user") {
      std::string text = content_text(item["content"]);
      if (!text.empty()) c.last_user_text = text;
    }
    if (last) {
      c.last_is_tool_result = type == "function_call_output";
      if (c.last_is_tool_result) c.tool_result_text = content_text(item["output"]);
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
  const std::string resp_id = "resp_emu_" + random_hex(24);
  const std::string item_id = (m.tool_call ? "fc_emu_" : "msg_emu_") + random_hex(24);
  const std::string call_id = "call_emu_" + random_alnum(24);
  const std::string args = m.tool_input.dump();
  const int in_tokens = static_cast<int>(body.dump().size() / 4) + 1;
  const int out_tokens = static_cast<int>((m.tool_call ? args.size() : m.text.size()) / 4) + 1;

  json base = {{"id", resp_id},
               {"object", "response"},
               {"created_at", unix_now_s()},
               {"status", "in_progress"},
               {"background", false},
               {"error", nullptr},
               {"incomplete_details", nullptr},
               {"instructions", body.contains("instructions") ? body["instructions"] : json(nullptr)},
               {"max_output_tokens", body.contains("max_output_tokens") ? body["max_output_tokens"] : json(nullptr)},
               {"max_tool_calls", nullptr},
               {"model", body["model"]},
               {"output", json::array()},
               {"parallel_tool_calls", body.value("parallel_tool_calls", true)},
               {"previous_response_id", nullptr},
               {"prompt_cache_key", body.contains("prompt_cache_key") ? body["prompt_cache_key"] : json(nullptr)},
               {"prompt_cache_retention", nullptr},
               {"reasoning", {{"effort", nullptr}, {"summary", nullptr}}},
               {"safety_identifier", nullptr},
               {"service_tier", "auto"},
               {"store", body.value("store", true)},
               {"temperature", 1.0},
               {"text", {{"format", {{"type", "text"}}}}},
               {"tool_choice", body.contains("tool_choice") ? body["tool_choice"] : json("auto")},
               {"tools", body.contains("tools") ? body["tools"] : json::array()},
               {"top_logprobs", 0},
               {"top_p", 1.0},
               {"truncation", "disabled"},
               {"usage", nullptr},
               {"user", nullptr},
               {"metadata", json::object()}};
  json item_done;
  if (m.tool_call)
    item_done = {{"type", "function_call"}, {"id", item_id},     {"call_id", call_id},
                 {"name", m.tool_name},     {"arguments", args}, {"status", "completed"}};
  else
    item_done = {{"type", "message"},
                 {"id", item_id},
                 {"status", "completed"},
                 {"role", "assistant"},
                 {"content", json::array({{{"type", "output_text"}, {"text", m.text}, {"annotations", json::array()}}})}};
  json done = base;
  done["status"] = "completed";
  done["output"] = json::array({item_done});
  done["usage"] = {{"input_tokens", in_tokens},
                   {"input_tokens_details", {{"cached_tokens", 0}}},
                   {"output_tokens", out_tokens},
                   {"output_tokens_details", {{"reasoning_tokens", 0}}},
                   {"total_tokens", in_tokens + out_tokens}};
  if (!body.value("stream", false)) {
    Response r = Response::json(200, done);
    r.headers.emplace("x-request-id", "req_" + random_hex(16));
    return r;
  }

  std::vector<std::string> ev;
  int seq = 0;
  auto emit = [&](const std::string& type, json data) {
    json j = {{"type", type}, {"sequence_number", seq++}};
    for (auto& [k, v] : data.items()) j[k] = v;
    ev.push_back(sse_event(type, j));
  };
  emit("response.created", {{"response", base}});
  emit("response.in_progress", {{"response", base}});
  if (body.dump().find("EMULATOR_STREAM_ERROR") != std::string::npos) {
    emit("error", {{"error", {{"type", "server_error"}, {"code", "server_error"}, {"message", "The server had an error while processing your request."}, {"param", nullptr}}}});
    json failed = base;
    failed["status"] = "failed";
    failed["error"] = {{"code", "server_error"}, {"message", "The server had an error while processing your request."}};
    emit("response.failed", {{"response", failed}});
  } else if (m.tool_call) {
    emit("response.output_item.added",
         {{"output_index", 0},
          {"item", {{"type", "function_call"}, {"id", item_id}, {"call_id", call_id}, {"name", m.tool_name},
                    {"arguments", ""}, {"status", "in_progress"}}}});
    for (const auto& piece : utf8_chunks(args, chunk))
      emit("response.function_call_arguments.delta", {{"item_id", item_id}, {"output_index", 0}, {"delta", piece}});
    emit("response.function_call_arguments.done", {{"item_id", item_id}, {"output_index", 0}, {"arguments", args}});
    emit("response.output_item.done", {{"output_index", 0}, {"item", item_done}});
    emit("response.completed", {{"response", done}});
  } else {
    emit("response.output_item.added",
         {{"output_index", 0},
          {"item", {{"type", "message"}, {"id", item_id}, {"status", "in_progress"}, {"role", "assistant"},
                    {"content", json::array()}}}});
    const json empty_part = {{"type", "output_text"}, {"text", ""}, {"annotations", json::array()}};
    emit("response.content_part.added",
         {{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"part", empty_part}});
    for (const auto& piece : utf8_chunks(m.text, chunk))
      emit("response.output_text.delta",
           {{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"delta", piece}});
    emit("response.output_text.done",
         {{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"text", m.text}});
    emit("response.content_part.done",
         {{"item_id", item_id},
          {"output_index", 0},
          {"content_index", 0},
          {"part", {{"type", "output_text"}, {"text", m.text}, {"annotations", json::array()}}}});
    emit("response.output_item.done", {{"output_index", 0}, {"item", item_done}});
    emit("response.completed", {{"response", done}});
  }
  Response r = Response::sse(std::move(ev));
  r.chunk_delay_ms = delay;
  r.headers.emplace("x-request-id", "req_" + random_hex(16));
  return r;
}

Response api_responses(State& st, const Request& req) {
  const std::string key = req.bearer();
  {
    std::lock_guard lk(st.mu);
    if (key.empty())
      return openai_error(401,
                          "You didn't provide an API key. You need to provide your API key in an Authorization "
                          "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                          "invalid_request_error", nullptr);
    if (!st.has_api_key("openai", key))
      return openai_error(401, "Incorrect API key provided: " + mask_key(key) + ".", "invalid_request_error",
                          "invalid_api_key");
  }
  auto body = parse_json_object(req.body);
  if (!body) return openai_error(400, "We could not parse the JSON body of your request.", "invalid_request_error", nullptr);
  if (auto err = validate_body(*body); !err.empty()) return openai_error(400, err, "invalid_request_error", nullptr);
  return reply(st, *body, scripted_reply(conversation_of(*body)));
}

Response chatgpt_responses(State& st, const Request& req) {
  const std::string token = req.bearer();
  {
    std::lock_guard lk(st.mu);
    const AccessToken* at = st.valid_access(token, {"openai"});
    if (!at) {
      auto it = st.access_tokens.find(token);
      std::string code = "invalid_token", msg = "Could not parse your authentication token. Please try signing in again.";
      if (it != st.access_tokens.end() && it->second.provider == "openai") {
        bool revoked = it->second.revoked;
        if (auto g = st.grants.find(it->second.grant_id); g != st.grants.end() && g->second.revoked) revoked = true;
        code = revoked ? "token_revoked" : "token_expired";
        msg = revoked ? "Your authentication token has been invalidated. Please try signing in again."
                      : "Provided authentication token is expired. Please try signing in again.";
      }
      return openai_error(401, msg, "invalid_request_error", code);
    }
    if (req.header("originator") != "codex_cli_rs")
      return openai_error(403, "Missing or unsupported originator header (expected codex_cli_rs).",
                          "invalid_request_error", "invalid_originator");
    const std::string account = req.header("chatgpt-account-id");
    if (account.empty())
      return openai_error(403, "Missing chatgpt-account-id header.", "invalid_request_error", "missing_account_id");
    if (account != at->account_id)
      return openai_error(403, "chatgpt-account-id does not match the authenticated account.",
                          "invalid_request_error", "account_mismatch");
  }
  auto body = parse_json_object(req.body);
  if (!body) return detail_error(400, "Invalid JSON body");
  if (auto err = validate_body(*body); !err.empty()) return detail_error(400, err);
  if (!body->contains("stream") || (*body)["stream"] != true) return detail_error(400, "Stream must be set to true");
  if (!body->contains("store") || (*body)["store"] != false) return detail_error(400, "Store must be set to false");
  return reply(st, *body, scripted_reply(conversation_of(*body)));
}

}  // namespace

void register_openai(Router& r, State& st) {
  r.add_exact("POST", "/api.openai.com/v1/responses", [&st](const Request& req) { return api_responses(st, req); });
  r.add_exact("POST", "/chatgpt.com/backend-api/codex/responses",
              [&st](const Request& req) { return chatgpt_responses(st, req); });
}

}  // namespace jemu
