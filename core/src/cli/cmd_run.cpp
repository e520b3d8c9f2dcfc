// jcode run "<prompt>": one agent run on the tool-attached path normal chat uses.
#include "../app/provider_auth.hpp"
#include "../app/provider_select.hpp"
#include "../app/services.hpp"
#include "commands.hpp"

#include <jcode/agent/run.hpp>
#include <jcode/auth/io.hpp>
#include <jcode/cli/exit_codes.hpp>
#include <jcode/log/log.hpp>
#include <jcode/agent_tools/tool.hpp>
#include <jcode/ui/terminal.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <unistd.h>

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

// The prompt: the argument, or with "-" (or none, stdin not a terminal) everything on stdin,
// so long prompts never pass through argv.
Result<std::string> read_prompt(const RunOptions& opt) {
  const bool from_stdin = opt.prompt == "-" || (opt.prompt.empty() && ::isatty(STDIN_FILENO) == 0);
  std::string prompt = opt.prompt;
  if (from_stdin) {
    constexpr std::size_t kMax = 16u << 20;
    prompt.clear();
    char buf[65536];
    for (;;) {
      std::cin.read(buf, sizeof buf);
      prompt.append(buf, static_cast<std::size_t>(std::cin.gcount()));
      if (prompt.size() > kMax)
        return Error{JCODE_E_INVALID_ARG, "the prompt on stdin is larger than 16 MiB; send a shorter one"};
      if (!std::cin) break;
    }
  }
  if (prompt.find_first_not_of(" \t\r\n") == std::string::npos)
    return Error{JCODE_E_INVALID_ARG, from_stdin ? "jcode run -: stdin held no prompt (only whitespace or nothing)"
                                                 : "jcode run needs a prompt: jcode run \"<prompt>\" (or - to read it from stdin)"};
  return prompt;
}

}  // namespace

int cmd_run(app::Context& ctx, const RunOptions& opt_in) {
  RunOptions opt = opt_in;
  auto prompt = read_prompt(opt);
  if (!prompt) return fail(prompt.error());
  opt.prompt = std::move(*prompt);
  agent::Options ao;
  if (!opt.allow_tools.empty()) {
    std::string csv;
    for (const auto& t : opt.allow_tools) csv += (csv.empty() ? "" : ",") + t;
    auto allowed = agent::parse_tool_list(csv, "--allow-tools");
    if (!allowed) return fail(allowed.error());
    ao.allow_tools = *allowed;
  }
  auto selected = app::select_provider(ctx);
  if (!selected) return fail(selected.error());
  plugins::Plugin& plugin = *selected->plugin;
  const auto& info = plugin.info();
  if (!info.transport)
    return fail(Error{JCODE_E_NOT_SUPPORTED, info.display_name + " is not a model provider: it cannot answer prompts "
                                                                 "(no transport); choose a model provider with --provider"});

  ao.model = ctx.global().model.empty() ? selected->model : ctx.global().model;
  if (!info.transport->tools()) ao.only_tools = std::vector<std::string>{};
  ao.cancelled = [] { return auth::cancel_requested(); };
  ui::Console console = ui::default_console();
  if (console.interactive) {
    ao.ask_permission = [&](const agent_tools::Tool& tool, const nlohmann::json& input) {
      auto yes = ui::confirm(console, "Allow " + tool.name + ": " + brief(input) + "?");
      return yes && *yes ? agent::Permission::allow_once : agent::Permission::deny;
    };
  }

  const bool json = ctx.global().json;
  const bool ndjson = opt.ndjson;
  auto emit = [&](nlohmann::json j) { std::cout << j.dump() << "\n" << std::flush; };
  // Model text on a terminal must not drive it (OSC, clear-screen, title sequences): control
  // characters are shown escaped. A pipe, --json and --ndjson get the text as sent.
  const bool tty_out = ::isatty(STDOUT_FILENO) != 0;
  agent::Observer ob;
  ob.on_text = [&](std::string_view d) {
    if (ndjson) emit({{"type", "text"}, {"text", d}});
    else if (!json) std::cout << (tty_out ? log::neutralise_controls(d) : std::string(d)) << std::flush;
  };
  ob.on_thinking = [&](std::string_view d) {
    if (ndjson) emit({{"type", "thinking"}, {"text", d}});
  };
  ob.on_tool_call = [&](const std::string& name, const nlohmann::json& input) {
    if (ndjson) emit({{"type", "tool_call"}, {"name", name}, {"input", input}});
    else if (!json) std::cerr << "\n[tool] " << name << ": " << log::for_terminal(brief(input)) << "\n";
  };
  ob.on_tool_result = [&](const std::string& name, const std::string& output, bool is_error) {
    if (ndjson) emit({{"type", "tool_result"}, {"name", name}, {"output", output}, {"is_error", is_error}});
    else if (!json && is_error) std::cerr << "[tool] " << name << " failed: " << log::for_terminal(output.substr(0, 500)) << "\n";
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
    return fail(result.error());
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
