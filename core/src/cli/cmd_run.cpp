// jcode run "<prompt>": one agent run on the tool-attached path normal chat uses.
#include "../app/provider_auth.hpp"
#include "../app/services.hpp"
#include "commands.hpp"
#include "provider_select.hpp"

#include <jcode/agent/run.hpp>
#include <jcode/auth/io.hpp>
#include <jcode/cli/exit_codes.hpp>
#include <jcode/tools/tool.hpp>
#include <jcode/ui/terminal.hpp>

#include <nlohmann/json.hpp>

#include <iostream>

namespace jcode::cli {
namespace {

nlohmann::json usage_json(const agent::Usage& u) {
  return {{"input_tokens", u.input_tokens}, {"output_tokens", u.output_tokens},
          {"cache_read_tokens", u.cache_read_tokens}, {"cache_write_tokens", u.cache_write_tokens}};
}

std::string brief(const nlohmann::json& input) {
  std::string s = input.is_object() && input.contains("command") && input["command"].is_string()
                      ? input["command"].get<std::string>()
                      : input.dump();
  return s.size() > 200 ? s.substr(0, 200) + "…" : s;
}

}  // namespace

int cmd_run(Context& ctx, const RunOptions& opt) {
  if (opt.prompt.empty()) return ctx.fail(Error{JCODE_E_INVALID_ARG, "jcode run needs a prompt: jcode run \"<prompt>\""});
  agent::Options ao;
  if (!opt.allow_tools.empty()) {
    std::string csv;
    for (const auto& t : opt.allow_tools) csv += (csv.empty() ? "" : ",") + t;
    auto allowed = agent::parse_tool_list(csv, "--allow-tools");
    if (!allowed) return ctx.fail(allowed.error());
    ao.allow_tools = *allowed;
  }
  auto selected = select_provider(ctx);
  if (!selected) return ctx.fail(selected.error());
  plugins::Plugin& plugin = *selected->plugin;
  const auto& info = plugin.info();
  if (!info.transport) return ctx.fail(Error{JCODE_E_NOT_SUPPORTED, info.display_name + " cannot answer prompts (no transport)"});

  ao.model = ctx.global().model;
  if (!info.transport->tools()) ao.only_tools = std::vector<std::string>{};
  ao.cancelled = [] { return auth::cancel_requested(); };
  ui::Console console = ui::default_console();
  if (console.interactive) {
    ao.ask_permission = [&](const tools::Tool& tool, const nlohmann::json& input) {
      auto yes = ui::confirm(console, "Allow " + tool.name + ": " + brief(input) + "?");
      return yes && *yes ? agent::Permission::allow_once : agent::Permission::deny;
    };
  }

  const bool json = ctx.global().json;
  const bool ndjson = opt.ndjson;
  auto emit = [&](nlohmann::json j) { std::cout << j.dump() << "\n" << std::flush; };
  agent::Observer ob;
  ob.on_text = [&](std::string_view d) {
    if (ndjson) emit({{"type", "text"}, {"text", d}});
    else if (!json) std::cout << d << std::flush;
  };
  ob.on_thinking = [&](std::string_view d) {
    if (ndjson) emit({{"type", "thinking"}, {"text", d}});
  };
  ob.on_tool_call = [&](const std::string& name, const nlohmann::json& input) {
    if (ndjson) emit({{"type", "tool_call"}, {"name", name}, {"input", input}});
    else if (!json) std::cerr << "\n[tool] " << name << ": " << brief(input) << "\n";
  };
  ob.on_tool_result = [&](const std::string& name, const std::string& output, bool is_error) {
    if (ndjson) emit({{"type", "tool_result"}, {"name", name}, {"output", output}, {"is_error", is_error}});
    else if (!json && is_error) std::cerr << "[tool] " << name << " failed: " << output.substr(0, 500) << "\n";
  };
  ob.on_model = [&](const std::string& m) {
    if (ndjson) emit({{"type", "model"}, {"model", m}});
  };
  ob.on_error = [&](const std::string& message, int32_t status) {
    if (ndjson) emit({{"type", "error"}, {"message", message}, {"http_status", status}});
  };

  agent::Conversation conv;
  conv.add_user_text(opt.prompt);
  auto result = agent::run_turns(plugin, selected->credentials, conv, ao, ob);
  if (!result) {
    if (!json && !ndjson) std::cout << std::flush;
    return ctx.fail(result.error());
  }
  if (json) {
    emit({{"provider", info.id}, {"model", result->model}, {"text", result->final_text},
          {"stop_reason", result->stop_reason}, {"usage", usage_json(result->usage)}, {"turns", result->turns}});
  } else if (ndjson) {
    emit({{"type", "done"}, {"provider", info.id}, {"model", result->model}, {"stop_reason", result->stop_reason},
          {"usage", usage_json(result->usage)}});
  } else if (!result->final_text.empty() && result->final_text.back() != '\n') {
    std::cout << "\n";
  }
  return exit_ok;
}

}  // namespace jcode::cli
