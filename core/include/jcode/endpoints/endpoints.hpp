// The effective URL of a plugin's declared endpoint ("<plugin>.<name>").
//
// Precedence, first match wins:
//   1. env JCODE_ENDPOINT_<PLUGIN>_<NAME>  (upper case, every non-alphanumeric → '_')
//   2. config.toml [endpoints] "<plugin>.<name>" = "…"
//      (env beats config so a one-off run can redirect without editing the file)
//   3. JCODE_EMULATOR_URL=http://127.0.0.1:PORT: the default https://HOST/PATH?Q becomes
//      http://127.0.0.1:PORT/HOST/PATH?Q (the emulator serves every host under /HOST/)
//   4. the plugin's declared default
//
// Every URL, whatever its origin, must be https://, or http:// to a loopback host
// (127.0.0.0/8, ::1, localhost); user:password@, fragments and malformed URLs are refused
// with an error naming the setting that holds the value and the fix. A URL the user gives
// for a server of their own (a profile's base_url, `provider add --base-url`) may also be
// plain http to the local network: see is_local_network_host.
#pragma once

#include <jcode/config/config.hpp>
#include <jcode/error.hpp>
#include <jcode/paths/env.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jcode::endpoints {

enum class Origin { default_value, config, env, emulator };
std::string_view to_string(Origin origin);  // "default", "config", "env", "emulator"

struct Resolved {
  std::string url;
  Origin origin = Origin::default_value;
  std::string setting;  // where it came from, for `jcode plugins info` and errors
};

// "JCODE_ENDPOINT_<PLUGIN>_<NAME>".
std::string env_var_name(std::string_view plugin_id, std::string_view endpoint_name);

Result<Resolved> resolve(std::string_view plugin_id, std::string_view endpoint_name,
                         std::string_view default_url, const config::Config& config,
                         const paths::Env& env = paths::process_env(), bool local_network = false);

// A URL a plugin builds at run time from the user's data (host->resolve_url): checked like
// an endpoint (`setting` names where it came from), then, under JCODE_EMULATOR_URL, rewritten
// to the emulator exactly as a declared endpoint's default is.
Result<std::string> resolve_runtime(std::string_view url, std::string_view setting,
                                    const paths::Env& env = paths::process_env());

// Checks one URL against the rules above; `setting` names where it came from and goes into
// the error message ("JCODE_ENDPOINT_OPENAI_TOKEN", "[endpoints] \"openai.token\" in …").
Status validate_url(std::string_view url, std::string_view setting, bool local_network = false);

// Settings that name no declared endpoint ([endpoints] "claude.nosuch",
// JCODE_ENDPOINT_CLAUDE_BOGUS): one warning each, naming the closest declared name. Ignored
// silently they would leave the user believing a URL is in use. `declared`: (plugin, name)
// of every loaded plugin; `plugins`: the ids of every plugin found, loaded or not.
std::vector<std::string> unknown_endpoint_settings(const std::vector<std::pair<std::string, std::string>>& declared,
                                                   const std::vector<std::string>& plugins,
                                                   const config::Config& config,
                                                   const paths::Env& env = paths::process_env());

// Whether a URL that validate_url accepts points at this machine (its host is loopback).
bool is_loopback_url(std::string_view url);

// True for 127.0.0.0/8, ::1 (with or without brackets) and "localhost".
bool is_loopback_host(std::string_view host);

// Loopback, "*.local" and "*.localhost" names, and addresses that do not leave the local
// network: RFC 1918 private, link-local (169.254/16, fe80::/10), 0.0.0.0 and ::, CGNAT
// 100.64/10, IPv6 unique-local fc00::/7.
bool is_local_network_host(std::string_view host);

}  // namespace jcode::endpoints
