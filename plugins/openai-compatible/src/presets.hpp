// The preset catalogue: OpenAI-compatible Chat Completions services that differ only in data.
// Adding a service is adding a row. Services with a plugin of their own (fireworks, minimax)
// or a native login elsewhere (anthropic-api, openai-api, gemini-api) are not rows; if a row
// and an installed plugin ever share an id, the plugin wins (the host lists the row skipped).
#pragma once

#include <jcode/support/api_key_chat.hpp>

#include <array>

namespace jcode::openai_compatible {

using support::ChatPreset;

// One row: the key lives in <ID>.env as VAR; source ids are <id>_api_key_env / <id>_env.
#define JCODE_PRESET(ID, NAME, BASE, MODEL, VAR)                                                   \
  ChatPreset {                                                                                    \
    .id = ID, .display_name = NAME, .description = NAME " (OpenAI-compatible Chat Completions)", \
    .api_base = BASE, .default_model = MODEL, .key_variable = VAR, .env_file = ID ".env",        \
    .key_source_id = ID "_api_key_env", .env_source_id = ID "_env"                                \
  }

// A local server: a key is sent when one is configured, and none is needed.
constexpr ChatPreset local(ChatPreset p) {
  p.key_optional = true;
  return p;
}
// A service whose env file may still hold the key under an older variable name.
constexpr ChatPreset legacy(ChatPreset p, const char* old_variable, const char* source_id) {
  p.legacy_file_key = old_variable;
  p.legacy_source_id = source_id;
  return p;
}

inline constexpr std::array kRows = {
    JCODE_PRESET("opencode", "OpenCode Zen", "https://opencode.ai/zen/v1", "minimax-m2.7", "OPENCODE_API_KEY"),
    JCODE_PRESET("opencode-go", "OpenCode Go", "https://opencode.ai/zen/go/v1", "kimi-k2.5", "OPENCODE_GO_API_KEY"),
    legacy(JCODE_PRESET("zai", "Z.AI", "https://api.z.ai/api/coding/paas/v4", "glm-4.5", "ZHIPU_API_KEY"),
           "ZAI_API_KEY", "zai_env_legacy_key"),
    JCODE_PRESET("kimi", "Kimi Code", "https://api.kimi.com/coding/v1", "kimi-for-coding", "KIMI_API_KEY"),
    // Upstream jcode names the key 302AI_API_KEY, which is no variable name (a shell cannot
    // export it, env files cannot hold it): AI302_API_KEY here.
    JCODE_PRESET("302ai", "302.AI", "https://api.302.ai/v1", "qwen3-235b-a22b-instruct-2507", "AI302_API_KEY"),
    JCODE_PRESET("baseten", "Baseten", "https://inference.baseten.co/v1", "zai-org/GLM-4.7", "BASETEN_API_KEY"),
    JCODE_PRESET("cortecs", "Cortecs", "https://api.cortecs.ai/v1", "kimi-k2.5", "CORTECS_API_KEY"),
    JCODE_PRESET("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "anthropic/claude-sonnet-4",
                 "OPENROUTER_API_KEY"),
    JCODE_PRESET("orcarouter", "OrcaRouter", "https://api.orcarouter.ai/v1", nullptr, "ORCAROUTER_API_KEY"),
    JCODE_PRESET("deepseek", "DeepSeek", "https://api.deepseek.com", "deepseek-v4-flash", "DEEPSEEK_API_KEY"),
    JCODE_PRESET("comtegra", "Comtegra GPU Cloud", "https://llm.comtegra.cloud/v1", "glm-51-nvfp4", "COMTEGRA_API_KEY"),
    JCODE_PRESET("fpt", "FPT AI Marketplace", "https://mkp-api.fptcloud.com", "GLM-5.1", "FPT_API_KEY"),
    JCODE_PRESET("firmware", "Firmware", "https://app.frogbot.ai/api/v1", "kimi-k2.5", "FIRMWARE_API_KEY"),
    JCODE_PRESET("huggingface", "Hugging Face", "https://router.huggingface.co/v1", "zai-org/GLM-4.7", "HF_TOKEN"),
    JCODE_PRESET("moonshotai", "Moonshot AI", "https://api.moonshot.ai/v1", "kimi-k2.5", "MOONSHOT_API_KEY"),
    JCODE_PRESET("nebius", "Nebius Token Factory", "https://api.tokenfactory.nebius.com/v1", "openai/gpt-oss-120b",
                 "NEBIUS_API_KEY"),
    JCODE_PRESET("scaleway", "Scaleway", "https://api.scaleway.ai/v1", "qwen3-coder-30b-a3b-instruct",
                 "SCALEWAY_API_KEY"),
    JCODE_PRESET("stackit", "STACKIT", "https://api.openai-compat.model-serving.eu01.onstackit.cloud/v1",
                 "openai/gpt-oss-120b", "STACKIT_API_KEY"),
    JCODE_PRESET("groq", "Groq", "https://api.groq.com/openai/v1", "llama-3.1-8b-instant", "GROQ_API_KEY"),
    JCODE_PRESET("mistral", "Mistral", "https://api.mistral.ai/v1", "devstral-medium-2507", "MISTRAL_API_KEY"),
    JCODE_PRESET("perplexity", "Perplexity", "https://api.perplexity.ai", "sonar", "PERPLEXITY_API_KEY"),
    JCODE_PRESET("togetherai", "Together AI", "https://api.together.xyz/v1", "moonshotai/Kimi-K2-Instruct",
                 "TOGETHER_API_KEY"),
    JCODE_PRESET("deepinfra", "Deep Infra", "https://api.deepinfra.com/v1/openai", "moonshotai/Kimi-K2-Instruct",
                 "DEEPINFRA_API_KEY"),
    JCODE_PRESET("xai", "xAI", "https://api.x.ai/v1", "grok-code-fast-1", "XAI_API_KEY"),
    local(JCODE_PRESET("lmstudio", "LM Studio", "http://localhost:1234/v1", nullptr, "LMSTUDIO_API_KEY")),
    local(JCODE_PRESET("ollama", "Ollama", "http://localhost:11434/v1", nullptr, "OLLAMA_API_KEY")),
    JCODE_PRESET("chutes", "Chutes", "https://llm.chutes.ai/v1", nullptr, "CHUTES_API_KEY"),
    JCODE_PRESET("cerebras", "Cerebras", "https://api.cerebras.ai/v1", "gpt-oss-120b", "CEREBRAS_API_KEY"),
    JCODE_PRESET("alibaba-coding-plan", "Alibaba Cloud Coding Plan", "https://coding-intl.dashscope.aliyuncs.com/v1",
                 "qwen3-coder-plus", "BAILIAN_CODING_PLAN_API_KEY"),
    JCODE_PRESET("nvidia-nim", "NVIDIA NIM", "https://integrate.api.nvidia.com/v1",
                 "nvidia/llama-3.1-nemotron-ultra-253b-v1", "NVIDIA_API_KEY"),
    JCODE_PRESET("xiaomi-mimo", "Xiaomi MiMo", "https://api.xiaomimimo.com/v1", "mimo-v2.5", "XIAOMI_MIMO_API_KEY"),
    JCODE_PRESET("meta-muse", "Meta Model API", "https://api.meta.ai/v1", "muse-spark-1.2", "META_MUSE_API_KEY"),
    JCODE_PRESET("celeris", "Celeris", "https://inference.celeris.ai/celeris-1/v1", "celeris-1", "CELERIS_API_KEY"),
};

#undef JCODE_PRESET

// The plugin's own provider: any OpenAI-compatible API the user points it at (endpoint
// override JCODE_ENDPOINT_OPENAI_COMPATIBLE_API or [plugins.openai-compatible] endpoints).
inline constexpr ChatPreset kCustom{
    .id = "openai-compatible",
    .display_name = "OpenAI-compatible",
    .version = "0.1.0",
    .description = "Any OpenAI-compatible Chat Completions API (set its base URL), the preset catalogue and "
                   "[providers.<name>] profiles",
    .api_base = "https://api.openai.com/v1",
    .key_variable = "OPENAI_COMPAT_API_KEY",
    .env_file = "openai-compatible.env",
    .key_source_id = "openai_compatible_api_key_env",
    .env_source_id = "openai_compatible_env",
};

}  // namespace jcode::openai_compatible
