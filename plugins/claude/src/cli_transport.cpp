#include "cli_transport.hpp"

#include "cli_stream.hpp"

#include <jcode/support/stream_send.hpp>

#include <string>

namespace jcode::claude {
namespace {

using plugin::view;

constexpr size_t kStderrTail = 4096;

EnvLookup env_of(const plugin::Host& host) {
  return [&host](std::string_view name) { return host.env(name); };
}

}  // namespace

jcode_status CliTransport::send(const plugin::Host& host, const jcode_chat_request& req,
                                const jcode_event_sink& events) {
  if (!warned_.exchange(true)) host.log(JCODE_LOG_WARN, kCliDeprecation);

  CliSettings settings = cli_settings(env_of(host), view(req.model));
  if (!settings.error.empty()) return host.error(JCODE_E_INVALID_ARG, settings.error);
  CliInput input = cli_input(view(req.conversation));
  if (!input.error.empty()) return host.error(JCODE_E_INVALID_ARG, input.error);
  CliStreamParser parser(support::emit_to(events));
  plugin::Host::Process proc;
  proc.argv = cli_argv(settings);
  proc.stdin_data = std::move(input.stdin_data);
  proc.timeout_ms = 0;  // an agent run has no natural bound; Ctrl-C stops it through the host
  proc.on_stdout = [&parser](std::string_view chunk) { return parser.feed(chunk); };
  proc.stderr_tail = kStderrTail;
  plugin::Host::ProcessResult run = host.spawn(proc);
  if (run.status == JCODE_E_NOT_SUPPORTED && !run.stopped)
    return host.error(JCODE_E_NOT_SUPPORTED, "the host cannot start processes");
  if (run.status == JCODE_E_NOT_FOUND && !run.stopped)
    return host.error(JCODE_E_NOT_FOUND, "the Claude CLI '" + settings.path +
                                             "' was not found or is not executable (JCODE_CLAUDE_CLI_PATH); install "
                                             "Claude Code or set JCODE_CLAUDE_CLI_PATH to its full path");
  if (run.status != JCODE_OK) {
    if (run.stopped && run.status == JCODE_E_PROTOCOL) return host.error(JCODE_E_PROTOCOL, parser.error());
    return run.status;  // the event sink's or the host's message stands
  }
  if (jcode_status fs = parser.finish(); fs != JCODE_OK)
    return fs == JCODE_E_PROTOCOL ? host.error(fs, parser.error()) : fs;
  CliFailure f = classify_cli_failure(parser, run.exit_code, run.err_tail, settings.path);
  if (f.status != JCODE_OK) return host.error(f.status, f.message);
  return JCODE_OK;
}

}  // namespace jcode::claude
