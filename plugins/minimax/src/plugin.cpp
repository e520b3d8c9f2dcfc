// jcode-provider-minimax: MiniMax, an OpenAI-compatible Chat Completions service with an API
// key. The provider is the table row below; its two quirks are data too: keys issued by the
// China platform (prefix sk-cp-) go to that platform's own API base, and minimax.env files
// written by older jcode versions hold the key as OPENAI_API_KEY.
#include <jcode/plugin.hpp>
#include <jcode/support/api_key_chat.hpp>

namespace {

constexpr jcode::support::ChatPreset kMiniMax{
    .id = "minimax",
    .display_name = "MiniMax",
    .version = "0.1.0",
    .description = "MiniMax (OpenAI-compatible Chat Completions) with an API key",
    .api_base = "https://api.minimax.io/v1",
    .default_model = "MiniMax-M2.7",
    .key_variable = "MINIMAX_API_KEY",
    .env_file = "minimax.env",
    .key_source_id = "minimax_api_key_env",
    .env_source_id = "minimax_env",
    .legacy_file_key = "OPENAI_API_KEY",
    .legacy_source_id = "minimax_env_legacy_openai_key",
    .regional_key_prefix = "sk-cp-",
    .regional_endpoint = "api_cn",
    .regional_api_base = "https://api.minimaxi.com/v1",
    .regional_description = "API base for keys issued by the China platform (sk-cp-…)",
};

}  // namespace

JCODE_DEFINE_PLUGIN(jcode::support::ApiKeyChatTables<kMiniMax>::api, JCODE_ABI_MINOR)
