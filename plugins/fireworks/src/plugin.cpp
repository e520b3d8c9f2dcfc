// jcode-provider-fireworks: Fireworks AI, an OpenAI-compatible Chat Completions service with
// an API key. The whole provider is the table row below; the mechanism (key sources, the
// API-key login, the shared send path) is plugins/support's ApiKeyChat.
#include <jcode/plugin.hpp>
#include <jcode/support/api_key_chat.hpp>

namespace {

constexpr jcode::support::ChatPreset kFireworks{
    .id = "fireworks",
    .display_name = "Fireworks AI",
    .version = "0.1.0",
    .description = "Fireworks AI (OpenAI-compatible Chat Completions) with an API key",
    .api_base = "https://api.fireworks.ai/inference/v1",
    .default_model = "accounts/fireworks/routers/kimi-k2p5-turbo",
    .key_variable = "FIREWORKS_API_KEY",
    .env_file = "fireworks.env",
    .key_source_id = "fireworks_api_key_env",
    .env_source_id = "fireworks_env",
};

}  // namespace

JCODE_DEFINE_PLUGIN(jcode::support::ApiKeyChatTables<kFireworks>::api, JCODE_ABI_MINOR)
