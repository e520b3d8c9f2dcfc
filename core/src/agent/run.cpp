#include <jcode/agent/run.hpp>

#include <algorithm>
#include <cstddef>
#include <map>
#include <exception>
#include <set>

namespace jcode::agent {

using nlohmann::json;

namespace {

// One content block of the assistant message being streamed, in arrival order.
struct Block {
  bool is_tool = false;
  std::string text;       // text blocks
  std::string id;         // tool blocks
  std::string name;
  std::string deltas;     // argument fragments
  std::string arguments;  // the complete arguments from the END event
  bool ended = false;
};

struct ServiceError {
  std::string message;
  int32_t http_status = 0;
};

// Everything one response delivered.
struct Response {
  std::vector<Block> blocks;
  std::map<int32_t, std::size_t> open_tools;  // event index → block
  std::string stop_reason;
  Usage usage;  // per field, the largest value seen (events are cumulative per response)
  std::vector<ServiceError> errors;

  // The block a tool event belongs to. A START opens a new block (also when its index is
  // reused by a later call); DELTA and END go to the open block of their index, or of their id.
  Block& tool_for(const Event& e, bool starting) {
    if (!starting) {
      auto it = open_tools.find(e.index);
      if (it != open_tools.end() && !blocks[it->second].ended) return blocks[it->second];
      if (!e.id.empty()) {
        for (auto& b : blocks) {
          if (b.is_tool && !b.ended && b.id == e.id) return b;
        }
      }
    }
    blocks.push_back(Block{.is_tool = true});
    open_tools[e.index] = blocks.size() - 1;
    return blocks.back();
  }
};

Usage operator+(const Usage& a, const Usage& b) {
  return Usage{a.input_tokens + b.input_tokens, a.output_tokens + b.output_tokens,
               a.cache_read_tokens + b.cache_read_tokens, a.cache_write_tokens + b.cache_write_tokens};
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
}

Error service_error(const std::vector<ServiceError>& errors) {
  std::string message;
  int32_t status = JCODE_E_SERVER;
  for (const auto& e : errors) {
    if (!message.empty()) message += "; ";
    message += e.message.empty() ? std::string("the service reported an error") : e.message;
    if (e.http_status != 0) message += " (HTTP " + std::to_string(e.http_status) + ")";
    if (e.http_status == 429) status = JCODE_E_RATE_LIMITED;
  }
  return Error{status, std::move(message)};
}

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

class Runner {
 public:
  Runner(Transport& transport, const CredentialProvider& credentials, Conversation& conversation,
         const Options& options, const Observer& observer)
      : transport_(transport), credentials_(credentials), conv_(conversation), opt_(options), obs_(observer) {}

  Result<RunResult> run() {
    if (auto st = declare_tools(); !st) return st.error();
    agent_tools::ToolContext local;
    ctx_ = opt_.tool_context ? opt_.tool_context : &local;
    // Tools poll the run's cancellation unless the caller gave them their own; restored after.
    struct Restore {
      agent_tools::ToolContext* ctx;
      std::function<bool()> saved;
      ~Restore() { ctx->cancelled = std::move(saved); }
    } restore{ctx_, ctx_->cancelled};
    if (!ctx_->cancelled) ctx_->cancelled = opt_.cancelled;
    if (credentials_) {
      auto cred = credentials_(false);
      if (!cred) return cred.error();
      cred_ = std::move(*cred);
      have_cred_ = true;
    }
    const int max_turns = std::max(1, opt_.max_turns);
    for (int turn = 1;; ++turn) {
      if (cancelled()) return Error{JCODE_E_CANCELLED, "cancelled"};
      auto response = send_turn();
      if (!response) return response.error();
      result_.turns = turn;
      const auto calls = finish_message(*response);
      if (calls.empty()) return std::move(result_);
      if (turn >= max_turns) {
        // Keep the conversation well formed (every tool_use answered) before giving up.
        json results = json::array();
        for (const auto& c : calls) {
          results.push_back(tool_result_block(c.id, "not run: the turn limit was reached", true));
        }
        conv_.add_message("user", std::move(results));
        return Error{JCODE_E_PROTOCOL, "the model was still calling tools after " + std::to_string(max_turns) +
                                           " turns (the turn limit); nothing more was run"};
      }
      json results = json::array();
      for (const auto& c : calls) {
        auto record = run_tool(c);
        if (!record) return record.error();
        results.push_back(tool_result_block(record->id, record->output, record->is_error));
        result_.tool_calls.push_back(std::move(*record));
      }
      conv_.add_message("user", std::move(results));
    }
  }

 private:
  struct Call {
    std::string id;
    std::string name;
    std::string raw;
    json input;
    bool valid = true;
    std::string problem;
  };

  Status declare_tools() {
    conv_.tools.clear();
    if (!opt_.only_tools) {
      for (const auto& t : agent_tools::builtin()) conv_.declare(t);
      return {};
    }
    for (const auto& name : *opt_.only_tools) {
      const auto* t = agent_tools::find(name);
      if (!t) return Error{JCODE_E_INVALID_ARG, "unknown tool \"" + name + "\" in the tool restriction"};
      conv_.declare(*t);
    }
    return {};
  }

  bool cancelled() const { return opt_.cancelled && opt_.cancelled(); }

  bool declared(const std::string& name) const {
    return !opt_.only_tools || listed(*opt_.only_tools, name);
  }

  Status on_event(Response& r, const Event& e) {
    if (cancelled()) return Error{JCODE_E_CANCELLED, "cancelled"};
    switch (e.type) {
      case EventType::text:
        if (r.blocks.empty() || r.blocks.back().is_tool) r.blocks.push_back(Block{});
        r.blocks.back().text += e.text;
        if (obs_.on_text) obs_.on_text(e.text);
        break;
      case EventType::thinking:
        if (obs_.on_thinking) obs_.on_thinking(e.text);
        break;
      case EventType::tool_call_start: {
        auto& b = r.tool_for(e, true);
        b.id = e.id;
        b.name = e.name;
        break;
      }
      case EventType::tool_call_delta:
        r.tool_for(e, false).deltas += e.json;
        break;
      case EventType::tool_call_end: {
        auto& b = r.tool_for(e, false);
        if (!e.id.empty()) b.id = e.id;
        if (!e.name.empty()) b.name = e.name;
        b.arguments = e.json;
        b.ended = true;
        break;
      }
      case EventType::usage:
        r.usage.input_tokens = std::max(r.usage.input_tokens, e.input_tokens);
        r.usage.output_tokens = std::max(r.usage.output_tokens, e.output_tokens);
        r.usage.cache_read_tokens = std::max(r.usage.cache_read_tokens, e.cache_read_tokens);
        r.usage.cache_write_tokens = std::max(r.usage.cache_write_tokens, e.cache_write_tokens);
        if (obs_.on_usage) obs_.on_usage(result_.usage + r.usage);
        break;
      case EventType::stop:
        r.stop_reason = e.text;
        if (obs_.on_stop) obs_.on_stop(e.text);
        break;
      case EventType::error: {
        std::string message = e.name.empty() || e.text.find(e.name) != std::string::npos ? e.text
                                                                                          : e.name + ": " + e.text;
        r.errors.push_back(ServiceError{message, e.http_status});
        if (obs_.on_error) obs_.on_error(message, e.http_status);
        break;
      }
      case EventType::model:
        result_.model = e.text;
        if (obs_.on_model) obs_.on_model(e.text);
        break;
    }
    return {};
  }

  Result<Response> send_once() {
    Response r;
    ChatRequest req{opt_.model, conv_.serialize()};
    const EventHandler handler = [&](const Event& e) { return on_event(r, e); };
    auto st = transport_.send(req, have_cred_ ? &cred_ : nullptr, handler);
    if (!st) return st.error();
    return r;
  }

  Result<Response> send_turn() {
    auto r = send_once();
    if (!r && r.status() == JCODE_E_AUTH_EXPIRED && credentials_) {
      auto fresh = credentials_(true);
      // Nothing to renew: the plugin's message (which key, how to fix it) says it best.
      if (!fresh && fresh.status() == JCODE_E_NOT_SUPPORTED) return r.error();
      if (!fresh) return fresh.error();
      cred_ = std::move(*fresh);
      have_cred_ = true;
      r = send_once();
    }
    if (!r) return r.error();
    if (!r->errors.empty()) return service_error(r->errors);
    result_.usage = result_.usage + r->usage;
    result_.stop_reason = r->stop_reason;
    return r;
  }

  // Appends the assistant message and returns the tool calls it makes.
  std::vector<Call> finish_message(const Response& r) {
    json content = json::array();
    std::vector<Call> calls;
    std::string text;
    for (const auto& b : r.blocks) {
      if (!b.is_tool) {
        if (b.text.empty()) continue;
        text += b.text;
        content.push_back(text_block(b.text));
        continue;
      }
      Call c;
      c.id = b.id.empty() ? "jcode_call_" + std::to_string(result_.turns) + "_" + std::to_string(calls.size())
                          : b.id;
      c.name = b.name;
      c.raw = b.ended && !b.arguments.empty() ? b.arguments : b.deltas;
      if (is_blank(c.raw)) {
        c.input = json::object();
      } else {
        try {
          c.input = json::parse(c.raw);
          if (!c.input.is_object()) {
            c.valid = false;
            c.problem = "the arguments are JSON but not an object";
          }
        } catch (const json::exception& e) {
          c.valid = false;
          c.problem = std::string("the arguments are not valid JSON: ") + e.what();
        }
      }
      if (!c.valid) c.input = json::object();
      content.push_back(tool_use_block(c.id, c.name, c.input));
      calls.push_back(std::move(c));
    }
    conv_.add_message("assistant", std::move(content));
    result_.final_text = std::move(text);
    return calls;
  }

  Result<ToolCallRecord> run_tool(const Call& c) {
    ToolCallRecord rec;
    rec.id = c.id;
    rec.name = c.name;
    rec.input = c.input;
    rec.raw_input = c.raw;
    rec.valid_input = c.valid;
    if (obs_.on_tool_call) obs_.on_tool_call(c.name, c.input);
    auto answer = [&](std::string output, bool is_error) {
      rec.output = std::move(output);
      rec.is_error = is_error;
      if (obs_.on_tool_result) obs_.on_tool_result(rec.name, rec.output, rec.is_error);
      return rec;
    };

    const agent_tools::Tool* tool = agent_tools::find(c.name);
    if (!tool) return answer("unknown tool \"" + c.name + "\"", true);
    if (!declared(c.name)) return answer("tool \"" + c.name + "\" is not available in this session", true);
    if (!c.valid) return answer("invalid tool call: " + c.problem + "; call " + c.name + " again with a JSON object", true);
    if (!tool->read_only && !listed(opt_.allow_tools, "*") && !listed(opt_.allow_tools, c.name) &&
        !always_allowed_.contains(c.name)) {
      const Permission p = opt_.ask_permission ? opt_.ask_permission(*tool, c.input) : Permission::deny;
      if (p == Permission::deny) return answer("the user did not allow " + c.name, true);
      if (p == Permission::allow_always) always_allowed_.insert(c.name);
    }
    if (cancelled()) return Error{JCODE_E_CANCELLED, "cancelled"};
    Result<agent_tools::ToolOutput> out = Error{JCODE_E_INTERNAL, ""};
    try {
      out = tool->run(c.input, *ctx_);
    } catch (const std::exception& e) {
      // A tool bug must not end the session; the model is told and may carry on.
      return answer("internal error in " + c.name + ": " + e.what(), true);
    }
    if (!out) {
      if (out.status() == JCODE_E_CANCELLED) return out.error();
      return answer(out.error().message, true);
    }
    return answer(std::move(out->content), out->is_error);
  }

  Transport& transport_;
  const CredentialProvider& credentials_;
  Conversation& conv_;
  const Options& opt_;
  const Observer& obs_;
  agent_tools::ToolContext* ctx_ = nullptr;
  model::Credential cred_;
  bool have_cred_ = false;
  std::set<std::string> always_allowed_;
  RunResult result_;
};

}  // namespace

Result<RunResult> run_turns(Transport& transport, const CredentialProvider& credentials,
                            Conversation& conversation, const Options& options, const Observer& observer) {
  Runner runner(transport, credentials, conversation, options, observer);
  return runner.run();
}

Result<RunResult> run_turns(plugins::Plugin& plugin, const CredentialProvider& credentials,
                            Conversation& conversation, const Options& options, const Observer& observer) {
  PluginTransport transport(plugin);
  return run_turns(transport, credentials, conversation, options, observer);
}

Result<std::vector<std::string>> parse_tool_list(std::string_view csv, std::string_view flag) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= csv.size()) {
    auto comma = csv.find(',', start);
    std::string_view item = csv.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      if (item != "*" && !agent_tools::find(item)) {
        std::string valid;
        for (const auto& t : agent_tools::builtin()) valid += (valid.empty() ? "" : ", ") + t.name;
        return Error{JCODE_E_INVALID_ARG, std::string(flag) + ": unknown tool \"" + std::string(item) +
                                              "\"; the tools are: " + valid + " (or * for all)"};
      }
      if (!listed(out, std::string(item))) out.emplace_back(item);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace jcode::agent
