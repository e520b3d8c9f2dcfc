// jcode-provider-cursor: Cursor through its CLI. Login runs `cursor-agent login` on the
// user's terminal (the CLI keeps that session itself), or saves a Cursor API key to jcode's
// cursor.env when the CLI is missing, the user asks for a key (--use-api-key) or a script pipes
// one (--api-key-stdin). A key — CURSOR_API_KEY in the environment first, then cursor.env —
// is handed to cursor-agent in its environment; without one, `cursor-agent status` says
// whether the CLI's own session can answer. Answers come from `cursor-agent --print`.
#include "session.hpp"

#include <jcode/plugin.hpp>
#include <jcode/support/api_key.hpp>
#include <jcode/support/cli_print.hpp>

#include <string>

namespace jcode::cursor {
namespace {

using plugin::view;

constexpr const char* kDefaultModel = "gpt-5";
constexpr const char* kKeyVariable = "CURSOR_API_KEY";
constexpr const char* kPathSetting = "JCODE_CURSOR_CLI_PATH";
constexpr const char* kInstallHint = "install the Cursor CLI (curl https://cursor.com/install -fsS | bash)";
constexpr uint32_t kStatusTimeoutMs = 15 * 1000;
constexpr uint32_t kLoginTimeoutMs = 10 * 60 * 1000;
constexpr uint32_t kAnswerTimeoutMs = 10 * 60 * 1000;

std::optional<std::string> nonblank(const plugin::Host& h, std::string_view name) {
  auto v = h.env(name);
  if (!v || v->find_first_not_of(" \t") == std::string::npos) return std::nullopt;
  return v;
}

class Cursor : public plugin::Instance {
 public:
  using Instance::Instance;

  // ---- credentials: a key (variable, cursor.env) or the CLI's own session ----
  jcode_status parse(const jcode_source_decl& source, std::string_view content, const jcode_credential_sink* out) {
    return support::parse_api_key(host(), source, content, kKeyVariable, out);
  }

  // `cursor-agent status`: a SESSION credential (no secret held) when the CLI is logged in.
  jcode_status resolve(const jcode_source_decl&, const jcode_credential_sink* out) {
    plugin::Host::Process p;
    p.argv = {program(), "status"};
    p.timeout_ms = kStatusTimeoutMs;
    p.max_stdout = 64 * 1024;
    plugin::Host::ProcessResult r = host().spawn(p);
    if (r.status == JCODE_E_NOT_FOUND) return JCODE_E_DECLINE;  // no CLI: no session either
    if (r.status != JCODE_OK) return r.status;
    auto session = read_status(r.exit_code, r.out + "\n" + r.err_tail);
    if (!session) return JCODE_E_DECLINE;
    plugin::Credential c;
    c.kind = JCODE_CRED_SESSION;
    c.account_id = session->account;
    return c.put(out);
  }

  // ---- login ----
  jcode_status run(const jcode_login_request& req, const jcode_credential_sink* out) {
    if (req.flags & (JCODE_LOGIN_F_PRINT_AUTH_URL | JCODE_LOGIN_F_COMPLETE))
      return host().error(JCODE_E_INVALID_ARG,
                          "Cursor has no two-step login: on a terminal run `jcode login --provider cursor`; in a "
                          "script pipe a Cursor API key into `jcode login --provider cursor --api-key-stdin`");
    if (auto key = plugin::login_option(req, "api-key-stdin")) return save_key(*key, out);
    const bool want_key = plugin::login_option(req, "use-api-key").has_value();
    if (req.flags & JCODE_LOGIN_F_NONINTERACTIVE)
      return host().error(JCODE_E_NONINTERACTIVE,
                          want_key ? "no terminal to type the Cursor API key on; pipe it into `jcode login --provider "
                                     "cursor --api-key-stdin`"
                                   : "`cursor-agent login` needs a terminal; in a script pipe a Cursor API key into "
                                     "`jcode login --provider cursor --api-key-stdin`");
    if (!want_key) {
      plugin::Host::Process p;
      p.argv = {program(), "login"};
      p.flags = JCODE_PROCESS_F_TERMINAL;
      p.timeout_ms = kLoginTimeoutMs;
      plugin::Host::ProcessResult r = host().spawn(p);
      if (r.status == JCODE_OK && r.exit_code == 0) return confirm_session();
      if (r.status == JCODE_OK)
        return host().error(JCODE_E_AUTH_REQUIRED,
                            "`" + p.argv[0] + " login` exited with status " + std::to_string(r.exit_code) +
                                "; nothing was saved. Try again, or log in with a Cursor API key: "
                                "`jcode login --provider cursor --use-api-key`");
      if (r.status != JCODE_E_NOT_FOUND) return r.status;
      host().notify(p.argv[0] + " is not installed (" + kPathSetting + " sets its path; " + kInstallHint +
                    "). Log in with a Cursor API key instead: create one in the Cursor dashboard under "
                    "Integrations → User API Keys.");
    }
    std::string key;
    if (jcode_status st = host().prompt(JCODE_PROMPT_SECRET, "Cursor API key", key); st != JCODE_OK) return st;
    return save_key(key, out);
  }

  // ---- transport: cursor-agent in print mode ----
  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (cred == nullptr)
      return host().error(JCODE_E_AUTH_REQUIRED, "no Cursor login; run `jcode login --provider cursor`");
    std::string model(view(req.model));
    if (model.empty()) model = nonblank(host(), "JCODE_CURSOR_MODEL").value_or(kDefaultModel);
    if (!support::cli::plain_arg(model))
      return host().error(JCODE_E_INVALID_ARG, "the Cursor model '" + model + "' is not a plain name (JCODE_CURSOR_MODEL, -m)");
    std::string error;
    std::string prompt = support::cli::flatten(view(req.conversation), error);
    if (!error.empty()) return host().error(JCODE_E_INVALID_ARG, error);
    support::cli::PrintCall call;
    call.label = "cursor-agent";
    call.program = program();
    call.path_setting = kPathSetting;
    call.install_hint = kInstallHint;
    // "--" ends the options: a prompt that starts with "-" stays the prompt.
    call.args = {"--print", "--output-format", "text", "--model", model, "--", prompt};
    if (cred->kind == JCODE_CRED_API_KEY && cred->access_token.len > 0) {
      call.env = {{kKeyVariable, std::string(view(cred->access_token))}};
      call.secret_env = {kKeyVariable};
    }
    call.timeout_ms = kAnswerTimeoutMs;
    return support::cli::run_text(host(), call, events);
  }

 private:
  std::string program() const { return nonblank(host(), kPathSetting).value_or("cursor-agent"); }

  jcode_status save_key(std::string_view key, const jcode_credential_sink* out) {
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.remove_suffix(1);
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    if (key.empty()) return host().error(JCODE_E_INVALID_ARG, "an empty Cursor API key was given; nothing was saved");
    if (const char* why = support::api_key_problem(key))
      return host().error(JCODE_E_INVALID_ARG,
                          std::string("the Cursor API key contains ") + why + "; paste the key alone. Nothing was saved");
    host().add_secret(key);
    plugin::Credential c;
    c.kind = JCODE_CRED_API_KEY;
    c.access_token = std::string(key);
    return c.put(out);  // the host writes it to cursor.env
  }

  // The CLI said it logged in; `status` must agree, or the next `run` would fail confusingly.
  jcode_status confirm_session() {
    plugin::Host::Process p;
    p.argv = {program(), "status"};
    p.timeout_ms = kStatusTimeoutMs;
    plugin::Host::ProcessResult r = host().spawn(p);
    if (r.status == JCODE_OK && read_status(r.exit_code, r.out + "\n" + r.err_tail)) return JCODE_OK;
    return host().error(JCODE_E_AUTH_REQUIRED, "`" + p.argv[0] + " login` finished, but `" + p.argv[0] +
                                                   " status` does not report a login; run `" + p.argv[0] +
                                                   " status` to see why, or use `jcode login --provider cursor --use-api-key`");
  }
};

// ---- static declarations ----

constexpr jcode_source_decl kEnv = plugin::source({.kind = JCODE_SOURCE_ENV_VAR,
                                                   .id = "cursor_api_key_env",
                                                   .location = kKeyVariable,
                                                   .label = kKeyVariable,
                                                   .cred_kind = JCODE_CRED_API_KEY});
constexpr jcode_source_decl kEnvFile = plugin::source({.kind = JCODE_SOURCE_APP_ENV_FILE,
                                                       .id = "cursor_env",
                                                       .location = "cursor.env",
                                                       .label = "cursor.env",
                                                       .cred_kind = JCODE_CRED_API_KEY,
                                                       .flags = JCODE_SOURCE_F_LOGIN_TARGET,
                                                       .key = kKeyVariable});
constexpr jcode_source_decl kSession = plugin::source({.kind = JCODE_SOURCE_PLUGIN,
                                                       .id = "cursor_cli_session",
                                                       .location = "cursor-agent status",
                                                       .label = "cursor-agent login (its own session)",
                                                       .cred_kind = JCODE_CRED_SESSION});
constexpr const jcode_source_decl* const kSources[] = {&kEnv, &kEnvFile, &kSession, nullptr};

constexpr jcode_option_decl kKeyStdin =
    plugin::option("api-key-stdin", "read a Cursor API key from stdin and save it to cursor.env",
                   JCODE_OPTION_F_FLAG | JCODE_OPTION_F_SECRET);
constexpr jcode_option_decl kKey =
    plugin::option("use-api-key", "type a Cursor API key (hidden) instead of running `cursor-agent login`", JCODE_OPTION_F_FLAG);
constexpr const jcode_option_decl* const kOptions[] = {&kKeyStdin, &kKey, nullptr};

constexpr jcode_credential_api kCredentials = plugin::credential_api<Cursor>();
constexpr jcode_login_api kLoginTable = plugin::login_api<Cursor>(JCODE_LOGIN_CUSTOM, nullptr, nullptr, kOptions);
constexpr jcode_transport_api kTransport = plugin::transport_api<Cursor>(kDefaultModel, JCODE_TRANSPORT_F_SUBPROCESS);

constexpr jcode_plugin_api kApiTable =
    plugin::plugin_api<Cursor>({.id = "cursor",
                                .display_name = "Cursor",
                                .version = "0.1.0",
                                .description = "cursor-agent login or a Cursor API key; answers come from cursor-agent",
                                .sources = kSources,
                                .credentials = &kCredentials,
                                .login = &kLoginTable,
                                .transport = &kTransport,
                                .config_keys = plugin::no_settings});

}  // namespace
}  // namespace jcode::cursor

JCODE_DEFINE_PLUGIN(jcode::cursor::kApiTable, JCODE_ABI_MINOR)
