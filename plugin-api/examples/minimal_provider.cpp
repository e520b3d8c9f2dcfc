/*
 * minimal_provider.cpp — the echo provider of minimal_provider.c again, written with the
 * optional C++20 helper <jcode/plugin.hpp>, for third parties to copy. It needs nothing but
 * the two jcode headers:
 *
 *   c++ -std=c++20 -shared -fPIC -fvisibility=hidden -fvisibility-inlines-hidden \
 *       -I<prefix>/include minimal_provider.cpp -o jcode-provider-echo-cpp.so
 *   install -m 0755 jcode-provider-echo-cpp.so ~/.local/share/jcode/plugins/1/
 *
 * It declares what the C example declares (the ECHO_API_KEY source "echo_env", the "api"
 * endpoint, the "echo" transport) under its own id, so both can be installed side by side.
 *
 * What the helper takes care of (docs/plugin-abi.md §4): JCODE_DEFINE_PLUGIN writes the
 * entry point's negotiation; the trampolines behind credential_api<Echo>() and
 * transport_api<Echo>() run each member through jcode::plugin::guard, so an exception
 * (std::bad_alloc included) becomes a status and a message instead of unwinding into the
 * host; the roles follow from the tables given, so they cannot disagree with them.
 */
#include <jcode/plugin.hpp>

#include <string>
#include <string_view>

/* Internal linkage keeps our own names out of the export table whatever the flags; the
 * helper's inline code still needs -fvisibility=hidden (-inlines-hidden) for that. */
namespace {

namespace jp = jcode::plugin;

/* Declarations are constant data: the host copies them at discovery (PAP-HOST-6), but the
 * pointers must stay valid while the library is loaded, hence namespace-scope constexpr. */
constexpr jcode_endpoint_decl kApi =
    jp::endpoint("api", "https://echo.invalid", "Where a real provider would send requests");
constexpr const jcode_endpoint_decl* kEndpoints[] = {&kApi, nullptr};

constexpr jcode_source_decl kEnvSource = jp::source({.kind = JCODE_SOURCE_ENV_VAR,
                                                     .id = "echo_env",
                                                     .location = "ECHO_API_KEY",
                                                     .label = "ECHO_API_KEY environment variable",
                                                     .cred_kind = JCODE_CRED_API_KEY});
constexpr const jcode_source_decl* kSources[] = {&kEnvSource, nullptr};

/* Events borrow their strings for the emit() call only, so a temporary is fine here. */
jcode_status emit(const jcode_event_sink& events, int32_t type, std::string_view text) noexcept {
  jcode_event e{}; /* zero-filled: members a later minor appends stay absent */
  e.struct_size = sizeof e;
  e.type = type;
  e.text = jp::str(text);
  return events.emit(events.self, &e);
}

/* One instance per host context; create()/destroy() are generated from the constructor and
 * destructor. Instance keeps the Host, so members never touch the raw host table. */
class Echo : public jp::Instance {
 public:
  using Instance::Instance;

  /* The host read ECHO_API_KEY (the declared source) and hands us its value. */
  jcode_status parse(const jcode_source_decl&, std::string_view content, const jcode_credential_sink* out) {
    while (!content.empty() && (content.back() == '\n' || content.back() == ' ')) content.remove_suffix(1);
    if (content.empty()) return JCODE_E_DECLINE; /* set but empty: let the host try on */
    if (content.size() < 8)
      return host().error(JCODE_E_PROTOCOL, "ECHO_API_KEY is too short to be a key (fix: set the full key)");
    host().add_secret(content); /* before anything could log it */
    jp::Credential cred;
    cred.kind = JCODE_CRED_API_KEY;
    cred.access_token = std::string(content);
    return cred.put(out); /* the host copies before put() returns */
  }

  jcode_status send(const jcode_chat_request& req, const jcode_credential* cred, const jcode_event_sink& events) {
    if (!cred) return host().error(JCODE_E_AUTH_REQUIRED, "no ECHO_API_KEY: export ECHO_API_KEY=<key>");
    /* Asked per turn, never hard-coded: config, JCODE_ENDPOINT_ECHO_CPP_API or the emulator
     * may redirect it. On failure the host has already recorded why; pass that on. */
    const auto url = host().endpoint_url("api");
    if (!url) return JCODE_E_INVALID_ARG;
    host().log(JCODE_LOG_DEBUG, "echo-cpp: answering locally");

    std::string answer = "echo from " + *url;
    answer.append(": ").append(jp::view(req.conversation));
    const std::string_view model = req.model.len ? jp::view(req.model) : "echo-1";
    /* A non-OK emit means the host wants us to stop: return its status unchanged. */
    jcode_status st = emit(events, JCODE_EVENT_MODEL, model);
    if (st == JCODE_OK) st = emit(events, JCODE_EVENT_TEXT, answer);
    if (st == JCODE_OK) st = emit(events, JCODE_EVENT_STOP, "end_turn");
    return st;
  }
};

constexpr jcode_credential_api kCredentials = jp::credential_api<Echo>();
constexpr jcode_transport_api kTransport = jp::transport_api<Echo>("echo-1");

constexpr jcode_plugin_api kPlugin = jp::plugin_api<Echo>({
    .id = "echo-cpp", /* must match the file name jcode-provider-echo-cpp.so */
    .display_name = "Echo (C++)",
    .version = "1.0.0",
    .description = "A minimal example provider in C++: answers with what it was sent",
    .endpoints = kEndpoints,
    .sources = kSources,
    .credentials = &kCredentials,
    .transport = &kTransport, /* no login role */
});

}  // namespace

/* The one exported symbol. JCODE_ABI_MINOR: the newest minor of the header we build with. */
JCODE_DEFINE_PLUGIN(kPlugin, JCODE_ABI_MINOR)
