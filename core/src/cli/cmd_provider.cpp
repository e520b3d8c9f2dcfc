// jcode provider add: a named profile of a Chat Completions API — [providers.<name>] edited into
// config.toml in place (comments and layout kept), the key in jcode's private env file, a
// report that says what to run next. Nothing is written until every input is checked.
#include "../app/provider_auth.hpp"
#include "commands.hpp"

#include <jcode/auth/discovery.hpp>
#include <jcode/cli/exit_codes.hpp>
#include <jcode/config/config.hpp>
#include <jcode/endpoints/endpoints.hpp>
#include <jcode/envfile/envfile.hpp>
#include <jcode/fs/fs.hpp>
#include <jcode/log/log.hpp>
#include <jcode/paths/paths.hpp>
#include <jcode/text/text.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <iostream>

namespace jcode::cli {
namespace {

Error usage(std::string message) { return Error{JCODE_E_INVALID_ARG, std::move(message) + " (nothing was changed)"}; }

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > 64 || !std::isalnum(static_cast<unsigned char>(n[0]))) return false;
  for (unsigned char c : n)
    if (!std::isalnum(c) && c != '_' && c != '-') return false;
  return true;
}

Result<std::string> read_key_from_stdin() {
  std::string line;
  if (!std::getline(std::cin, line)) return usage("--api-key-stdin: nothing could be read from stdin");
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  const std::string key = text::trim(line, " \t");
  if (key.empty()) return usage("--api-key-stdin: the key read from stdin is empty");
  if (const char* why = api_key_input_problem(key))
    return usage(std::string("--api-key-stdin: the key contains ") + why + "; pipe the key alone");
  log::add_secret(key);
  return key;
}

}  // namespace

int cmd_provider_add(app::Context& ctx, const ProviderAddOptions& opt) {
  // ---- check everything first ----
  if (!valid_name(opt.name))
    return fail(usage("invalid profile name '" + opt.name +
                      "': use 1-64 letters, digits, '_' or '-', starting with a letter or digit"));
  if (opt.name == "auto" || opt.name == "compat" || opt.name == "custom")
    return fail(usage("'" + opt.name + "' is reserved; choose another profile name"));
  std::string profile_type;  // written as `type`: the one of the plugin that runs profiles
  if (auto reg = ctx.registry(); reg) {
    const auto* same = (*reg)->find(opt.name);
    if (auto [plugin, alias] = (*reg)->find_alias(opt.name); plugin != nullptr || (same && !same->profile))
      return fail(usage("'" + opt.name + "' is the name of an installed provider; choose another profile name"));
    if (const auto* runner = (*reg)->untyped_profile_runner()) profile_type = runner->profile_type;
  }
  if (profile_type.empty())
    log::warn("no installed plugin runs profiles, so this one cannot be used yet (`jcode plugins list` shows what is "
              "installed); it is saved without a type");
  if (opt.api_key) {
    log::add_secret(*opt.api_key);
    log::warn("--api-key puts the key in your shell history and in the process list other users can read; "
              "prefer piping it into --api-key-stdin");
  }
  std::string base = text::trim(opt.base_url, " \t");
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.empty()) return fail(usage("--base-url is required (the API base, e.g. https://llm.example.com/v1)"));
  if (auto st = endpoints::validate_url(base, "--base-url", /*local_network=*/true); !st)
    return fail(usage(st.error().message));
  if (text::trim(opt.model, " \t").empty()) return fail(usage("--model is required (the model id the API expects)"));
  if (opt.context_window && *opt.context_window <= 0) return fail(usage("--context-window must be a positive number"));
  const int key_choices = (opt.api_key_stdin ? 1 : 0) + (!opt.api_key_env.empty() ? 1 : 0) + (opt.no_api_key ? 1 : 0) +
                          (opt.api_key ? 1 : 0);
  if (key_choices > 1)
    return fail(usage("--api-key-stdin, --api-key, --api-key-env and --no-api-key exclude each other"));
  const bool local = endpoints::is_loopback_url(base);  // no key needed by default only here
  std::string auth = opt.auth;
  if (!auth.empty() && auth != "bearer" && auth != "api-key" && auth != "none")
    return fail(usage("--auth must be bearer, api-key or none (got '" + auth + "')"));
  if (opt.no_api_key) {
    if (!auth.empty() && auth != "none") return fail(usage("--no-api-key and --auth " + auth + " contradict each other"));
    auth = "none";
  } else if (auth.empty()) {
    auth = (key_choices == 0 && local) ? "none" : "bearer";
  }
  if (auth == "none" && (opt.api_key_stdin || opt.api_key || !opt.api_key_env.empty()))
    return fail(usage("--auth none sends no key; drop --api-key-stdin/--api-key/--api-key-env"));
  if (auth != "none" && key_choices == 0)
    return fail(usage(base + " is not on this machine, so it needs a key: pipe it in with --api-key-stdin, name the "
                             "variable that holds it with --api-key-env, or pass --no-api-key if it needs none"));
  if (!opt.auth_header.empty() && auth != "api-key")
    return fail(usage("--auth-header only applies with --auth api-key"));
  const std::string key_var = opt.api_key_env.empty() ? config::profile_key_variable(opt.name) : opt.api_key_env;
  if (!envfile::valid_key(key_var))
    return fail(usage("--api-key-env '" + key_var + "' is not a variable name (letters, digits and _)"));
  std::string env_file = opt.env_file.empty() ? config::profile_env_file(opt.name) : opt.env_file;
  if (env_file.find('/') != std::string::npos || env_file == "." || env_file == "..")
    return fail(usage("--env-file is a file name inside jcode's config directory, not a path ('" + env_file + "')"));

  auto cfg_path = config::Config::default_path(ctx.env());
  if (!cfg_path) return fail(cfg_path.error());
  auto cfg = config::Config::load(*cfg_path, ctx.env());
  if (!cfg) return fail(cfg.error());
  auto conf_dir = paths::app_config_dir(ctx.env());
  if (!conf_dir) return fail(conf_dir.error());
  const auto env_path = *conf_dir / env_file;

  std::optional<std::string> key;
  if (opt.api_key) {
    const std::string k = text::trim(*opt.api_key, " \t");
    if (k.empty()) return fail(usage("--api-key is empty"));
    if (const char* why = api_key_input_problem(k)) return fail(usage(std::string("--api-key contains ") + why));
    key = k;
  } else if (opt.api_key_stdin) {
    auto k = read_key_from_stdin();
    if (!k) return fail(k.error());
    key = *k;
  }

  config::ProviderProfile p;
  p.name = opt.name;
  // The core names no dialect: the type is the one the plugin that runs profiles declares.
  p.type = profile_type;
  p.base_url = base;
  p.auth = auth == "api-key" ? "header" : auth;
  if (auth == "api-key") p.auth_header = opt.auth_header.empty() ? "api-key" : opt.auth_header;
  if (auth != "none") {
    p.api_key_env = key_var;
    p.env_file = env_file;
  }
  p.default_model = text::trim(opt.model, " \t");
  p.requires_api_key = auth != "none";
  if (opt.provider_routing) p.provider_routing = true;
  if (opt.model_catalog) p.model_catalog = true;
  p.models.push_back(config::ProviderModel{p.default_model, opt.context_window});
  if (auto st = cfg->add_provider_profile_text(p, opt.overwrite); !st) return fail(st.error());
  if (opt.set_default) cfg->set_default_provider(opt.name, p.default_model);
  if (!cfg->save_keeps_text())
    return fail(usage("cannot set [provider] default_provider in " + cfg_path->string() +
                      " without rewriting the file; set it by hand or drop --set-default"));

  // ---- write: the key first (a profile pointing at a key that was not saved is worse) ----
  if (key) {
    if (auto st = fs::ensure_private_dir(*conf_dir); !st) return fail(st.error());
    if (auto st = envfile::upsert(env_path, key_var, *key); !st) return fail(st.error());
  }
  if (auto st = fs::ensure_private_dir(cfg_path->parent_path()); !st) return fail(st.error());
  if (auto st = cfg->save(); !st) return fail(st.error());

  const std::string run = "jcode --provider-profile " + opt.name + " run 'hello'";
  const std::string test = "jcode --provider-profile " + opt.name + " auth-test --no-tool-smoke";
  if (ctx.global().json) {
    nlohmann::json j{{"status", "saved"},
                     {"profile", opt.name},
                     {"config_path", cfg_path->string()},
                     {"api_base", base},
                     {"model", p.default_model},
                     {"api_key_env", p.api_key_env.empty() ? nlohmann::json(nullptr) : nlohmann::json(key_var)},
                     {"env_file", p.env_file.empty() ? nlohmann::json(nullptr) : nlohmann::json(env_file)},
                     {"env_file_path", p.env_file.empty() ? nlohmann::json(nullptr) : nlohmann::json(env_path.string())},
                     {"api_key_stored", key.has_value()},
                     {"auth", auth},
                     {"default_set", opt.set_default},
                     {"run_command", run},
                     {"auth_test_command", test}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cerr << "Saved profile '" << opt.name << "' to " << cfg_path->string() << " ([providers." << opt.name << "], "
              << base << ", model " << p.default_model << ")";
    if (key) std::cerr << "; the key is in " << env_path.string() << " as " << key_var;
    else if (auth != "none") std::cerr << "; jcode reads the key from " << key_var;
    std::cerr << (opt.set_default ? "; it is now the default provider" : "") << ".\nCheck it with: " << test << "\n";
  }
  return exit_ok;
}

int cmd_provider_list(app::Context& ctx) {
  auto reg = ctx.registry();
  if (!reg) return fail(reg.error());
  auto cfg = ctx.config();
  if (!cfg) return fail(cfg.error());
  nlohmann::json rows = nlohmann::json::array();
  // Every provider that answers prompts: a plugin's own, a catalogue preset, a profile.
  // configured = a usable credential is found where `auth status` looks (files and variables
  // only: nothing runs, nothing is asked), or the provider needs none.
  for (const auto& p : (*reg)->plugins()) {
    const auto& info = p->info();
    if (!info.transport) continue;
    const char* kind = info.profile ? "profile" : info.library_id.empty() ? "provider" : "preset";
    nlohmann::json r{{"id", info.id},
                     {"name", info.display_name},
                     {"kind", kind},
                     {"default_model", info.transport->default_model},
                     {"configured", info.sources.empty()},
                     {"source", nullptr},
                     {"runnable", true}};
    if (!info.library_id.empty()) r["plugin"] = info.library_id;
    if (info.profile) {
      r["base_url"] = info.endpoints.empty() ? "" : info.endpoints.front().default_url;
    } else if (const auto* api = info.endpoint("api")) {
      r["base_url"] = api->default_url;
    }
    if (!info.sources.empty()) {
      if (auto inst = (*reg)->instance(info.id); inst) {
        app::ProviderAuth pa(ctx, **inst);
        if (auto d = pa.discover(false, false, /*probe_only=*/true); d && d->found) {
          r["configured"] = true;
          r["source"] = d->found->source.label;
        }
      }
      if (!r["configured"].get<bool>() && info.credential_optional) {
        r["configured"] = true;
        r["source"] = "no key needed";
      }
    }
    rows.push_back(std::move(r));
  }
  // Profiles that cannot run (no plugin for their type, a clashing name): listed with why.
  for (const auto& sp : (*reg)->skipped_profiles()) {
    auto prof = (*cfg)->provider(sp.name);
    rows.push_back({{"id", sp.name}, {"name", sp.name}, {"kind", "profile"},
                    {"base_url", prof ? prof->base_url : ""}, {"default_model", prof ? prof->default_model : ""},
                    {"configured", false}, {"source", nullptr}, {"runnable", false}, {"problem", sp.reason}});
  }
  if (ctx.global().json) {
    std::cout << rows.dump(2) << "\n";
    return exit_ok;
  }
  for (const auto& r : rows) {
    std::cout << r["id"].get<std::string>() << "  ";
    if (r["kind"] == "profile")  // its name is its id; where it points says more
      std::cout << "profile " << r.value("base_url", std::string());
    else
      std::cout << r["name"].get<std::string>();
    if (r["kind"] == "preset") std::cout << " (preset, " << r["plugin"].get<std::string>() << ")";
    if (!r["default_model"].get<std::string>().empty()) std::cout << ", model " << r["default_model"].get<std::string>();
    std::cout << (r["configured"].get<bool>() ? ", configured" : ", not configured");
    if (!r["source"].is_null()) std::cout << " (" << r["source"].get<std::string>() << ")";
    if (!r["runnable"].get<bool>()) std::cout << "; cannot run: " << r["problem"].get<std::string>();
    std::cout << "\n";
  }
  return exit_ok;
}

}  // namespace jcode::cli
