#include "settings.hpp"

#include <jcode/support/cli_print.hpp>

#include <cstdlib>

namespace jcode::antigravity {

CliSettings cli_settings(const EnvLookup& env, std::string_view request_model) {
  CliSettings s;
  if (auto v = env("JCODE_ANTIGRAVITY_CLI_PATH")) s.path = *v;
  if (!request_model.empty()) s.model = std::string(request_model);
  else if (auto v = env("JCODE_ANTIGRAVITY_MODEL")) s.model = *v;
  if (auto v = env("JCODE_ANTIGRAVITY_PROMPT_FLAG")) s.prompt_flag = *v;
  if (auto v = env("JCODE_ANTIGRAVITY_MODEL_FLAG")) s.model_flag = *v;
  if (auto v = env("JCODE_ANTIGRAVITY_CLI_TIMEOUT_S")) {
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (end == v->c_str() || *end != '\0' || n <= 0 || n > 86400)
      s.error = "JCODE_ANTIGRAVITY_CLI_TIMEOUT_S='" + *v + "' is not a number of seconds (fix: e.g. 600)";
    else s.timeout_ms = static_cast<uint32_t>(n) * 1000u;
  }
  auto flag_ok = [](const std::string& f) { return f.size() > 1 && f[0] == '-' && f.find(' ') == std::string::npos; };
  if (!support::cli::plain_arg(s.model))
    s.error = request_model.empty() ? "JCODE_ANTIGRAVITY_MODEL='" + s.model + "' is not a model name (fix: e.g. default)"
                                    : "the model '" + s.model + "' is not a model name for the Antigravity CLI";
  else if (!flag_ok(s.prompt_flag))
    s.error = "JCODE_ANTIGRAVITY_PROMPT_FLAG='" + s.prompt_flag + "' is not a command-line flag (fix: e.g. -p)";
  else if (!flag_ok(s.model_flag))
    s.error = "JCODE_ANTIGRAVITY_MODEL_FLAG='" + s.model_flag + "' is not a command-line flag (fix: e.g. --model)";
  return s;
}

std::vector<std::string> cli_args(const CliSettings& s, const std::string& prompt) {
  std::vector<std::string> a{s.prompt_flag, prompt};
  if (s.model != kDefaultModel) {
    a.push_back(s.model_flag);
    a.push_back(s.model);
  }
  return a;
}

nlohmann::json load_metadata() {
  return {{"ideType", "ANTIGRAVITY"}, {"platform", "PLATFORM_UNSPECIFIED"}, {"pluginType", "GEMINI"}};
}

std::vector<std::pair<std::string, std::string>> fingerprint_headers(std::string_view version) {
#if defined(__aarch64__) || defined(__arm64__)
  const char* arch = "arm64";
#else
  const char* arch = "amd64";
#endif
  const std::string meta = load_metadata().dump();
  return {{"user-agent", "antigravity/" + std::string(version) + " darwin/" + arch},
          {"x-goog-api-client", "google-cloud-sdk vscode_cloudshelleditor/0.1"},
          {"client-metadata", meta}};
}

}  // namespace jcode::antigravity
