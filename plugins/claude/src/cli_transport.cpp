#include "cli_transport.hpp"

#include "cli_stream.hpp"

#include <string>
#include <vector>

namespace jcode::claude {
namespace {

using plugin::str;
using plugin::view;

constexpr size_t kStderrTail = 4096;

EnvLookup env_of(const plugin::Host& host) {
  return [&host](std::string_view name) { return host.env(name); };
}

struct Run {
  CliStreamParser& parser;
  std::string stderr_tail;
  jcode_status stopped = JCODE_OK;  // why on_stdout asked the host to stop the child

  jcode_process_sink sink() {
    jcode_process_sink s{};
    s.struct_size = sizeof s;
    s.self = this;
    s.on_stdout = [](void* self, const char* data, size_t len) noexcept -> jcode_status {
      auto* r = static_cast<Run*>(self);
      try {
        jcode_status st = r->parser.feed(std::string_view(data, len));
        if (st != JCODE_OK) r->stopped = st;
        return st;
      } catch (...) {
        return r->stopped = JCODE_E_NOMEM;
      }
    };
    s.on_stderr = [](void* self, const char* data, size_t len) noexcept -> jcode_status {
      auto* r = static_cast<Run*>(self);
      try {
        // Only the end matters for the error message; keep memory bounded.
        r->stderr_tail.append(data, len);
        if (r->stderr_tail.size() > 2 * kStderrTail) r->stderr_tail.erase(0, r->stderr_tail.size() - kStderrTail);
        return JCODE_OK;
      } catch (...) {
        return JCODE_E_NOMEM;
      }
    };
    return s;
  }
};

}  // namespace

bool CliTransport::enabled(const plugin::Host& host) { return cli_transport_enabled(env_of(host)); }

jcode_status CliTransport::send(const plugin::Host& host, const jcode_chat_request& req,
                                const jcode_event_sink& events) {
  if (!warned_.exchange(true)) host.log(JCODE_LOG_WARN, kCliDeprecation);

  CliSettings settings = cli_settings(env_of(host), view(req.model));
  if (!settings.error.empty()) return host.error(JCODE_E_INVALID_ARG, settings.error);
  CliInput input = cli_input(view(req.conversation));
  if (!input.error.empty()) return host.error(JCODE_E_INVALID_ARG, input.error);
  if (!host || !host.api()->spawn) return host.error(JCODE_E_NOT_SUPPORTED, "the host cannot start processes");

  const std::vector<std::string> argv = cli_argv(settings);
  std::vector<jcode_str> cargv;
  cargv.reserve(argv.size());
  for (const auto& a : argv) cargv.push_back(str(a));
  jcode_process_spec spec{};
  spec.struct_size = sizeof spec;
  spec.argv = cargv.data();
  spec.argc = cargv.size();
  spec.stdin_data = str(input.stdin_data);
  spec.timeout_ms = 0;  // an agent run has no natural bound; Ctrl-C stops it through the host

  CliStreamParser parser([&events](const jcode_event& e) { return events.emit(events.self, &e); });
  Run run{parser, {}, JCODE_OK};
  jcode_process_sink sink = run.sink();
  int32_t exit_code = 0;
  jcode_status st = host.api()->spawn(host.ctx(), &spec, &sink, &exit_code);
  if (st == JCODE_E_NOT_FOUND && run.stopped == JCODE_OK)
    return host.error(JCODE_E_NOT_FOUND, "the Claude CLI '" + settings.path +
                                             "' was not found or is not executable (JCODE_CLAUDE_CLI_PATH); install "
                                             "Claude Code or set JCODE_CLAUDE_CLI_PATH to its full path");
  if (st != JCODE_OK) {
    if (run.stopped == JCODE_E_PROTOCOL) return host.error(JCODE_E_PROTOCOL, parser.error());
    return run.stopped != JCODE_OK ? run.stopped : st;  // the event sink's or the host's message stands
  }
  if (jcode_status fs = parser.finish(); fs != JCODE_OK)
    return fs == JCODE_E_PROTOCOL ? host.error(fs, parser.error()) : fs;
  CliFailure f = classify_cli_failure(parser, exit_code, run.stderr_tail, settings.path);
  if (f.status != JCODE_OK) return host.error(f.status, f.message);
  return JCODE_OK;
}

}  // namespace jcode::claude
