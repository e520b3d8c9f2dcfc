/*
 * Layout lock, compiled as C (once against the current header, once against the frozen 1.0
 * copy): the size and offset of every ABI 1.0 field must equal the checked-in table for the
 * platform ABI. A change here is an ABI break; a new minor may only append fields, which
 * leaves every line below true. Sizes are compared up to the end of the 1.0 fields, so
 * appending does not fail the build either.
 */
#include <jcode/plugin.h>

#include <stddef.h>

#define END_OF(T, f) (offsetof(T, f) + sizeof(((T *)0)->f))
#define LOCK(cond) _Static_assert(cond, #cond)

#if defined(__x86_64__) || defined(__aarch64__) || defined(__powerpc64__) || defined(__s390x__) || \
    (defined(__riscv) && __riscv_xlen == 64)
/* LP64 SysV: pointers and size_t are 8 bytes, int64_t is 8-aligned. */
LOCK(sizeof(jcode_str) == 16);
LOCK(sizeof(jcode_kv) == 32);

LOCK(offsetof(jcode_sink, flags) == 4);
LOCK(offsetof(jcode_sink, self) == 8);
LOCK(END_OF(jcode_sink, write) == 24);

LOCK(offsetof(jcode_credential, kind) == 4);
LOCK(offsetof(jcode_credential, access_token) == 8);
LOCK(offsetof(jcode_credential, refresh_token) == 24);
LOCK(offsetof(jcode_credential, id_token) == 40);
LOCK(offsetof(jcode_credential, expires_at_ms) == 56);
LOCK(offsetof(jcode_credential, account_id) == 64);
LOCK(offsetof(jcode_credential, email) == 80);
LOCK(offsetof(jcode_credential, extra) == 96);
LOCK(offsetof(jcode_credential, source_id) == 112);
LOCK(END_OF(jcode_credential, source_id) == 128);

LOCK(offsetof(jcode_credential_sink, self) == 8);
LOCK(END_OF(jcode_credential_sink, put) == 24);

LOCK(offsetof(jcode_endpoint_decl, name) == 8);
LOCK(offsetof(jcode_endpoint_decl, default_url) == 16);
LOCK(END_OF(jcode_endpoint_decl, description) == 32);

LOCK(offsetof(jcode_source_decl, kind) == 4);
LOCK(offsetof(jcode_source_decl, id) == 8);
LOCK(offsetof(jcode_source_decl, location) == 16);
LOCK(offsetof(jcode_source_decl, key) == 24);
LOCK(offsetof(jcode_source_decl, label) == 32);
LOCK(offsetof(jcode_source_decl, cred_kind) == 40);
LOCK(offsetof(jcode_source_decl, flags) == 44);
LOCK(END_OF(jcode_source_decl, flags) == 48);

LOCK(offsetof(jcode_option_decl, name) == 8);
LOCK(offsetof(jcode_option_decl, help) == 16);
LOCK(END_OF(jcode_option_decl, flags) == 28);

LOCK(offsetof(jcode_http_request, method) == 8);
LOCK(offsetof(jcode_http_request, url) == 24);
LOCK(offsetof(jcode_http_request, headers) == 40);
LOCK(offsetof(jcode_http_request, header_count) == 48);
LOCK(offsetof(jcode_http_request, body) == 56);
LOCK(offsetof(jcode_http_request, flags) == 72);
LOCK(END_OF(jcode_http_request, timeout_ms) == 80);

LOCK(offsetof(jcode_http_response_sink, self) == 8);
LOCK(offsetof(jcode_http_response_sink, on_status) == 16);
LOCK(offsetof(jcode_http_response_sink, on_body) == 24);
LOCK(END_OF(jcode_http_response_sink, on_event) == 40);

LOCK(offsetof(jcode_prompt, kind) == 4);
LOCK(offsetof(jcode_prompt, question) == 8);
LOCK(offsetof(jcode_prompt, default_value) == 24);
LOCK(END_OF(jcode_prompt, choices) == 56);

LOCK(offsetof(jcode_process_spec, argv) == 8);
LOCK(offsetof(jcode_process_spec, argc) == 16);
LOCK(offsetof(jcode_process_spec, env) == 24);
LOCK(offsetof(jcode_process_spec, env_count) == 32);
LOCK(offsetof(jcode_process_spec, stdin_data) == 40);
LOCK(END_OF(jcode_process_spec, timeout_ms) == 60);

LOCK(offsetof(jcode_process_sink, self) == 8);
LOCK(END_OF(jcode_process_sink, on_stderr) == 32);

LOCK(offsetof(jcode_loopback_spec, port) == 4);
LOCK(offsetof(jcode_loopback_spec, host) == 8);
LOCK(END_OF(jcode_loopback_spec, path) == 40);

LOCK(offsetof(jcode_oauth_client, client_id) == 8);
LOCK(offsetof(jcode_oauth_client, client_secret) == 16);
LOCK(offsetof(jcode_oauth_client, authorize_endpoint) == 24);
LOCK(offsetof(jcode_oauth_client, token_endpoint) == 32);
LOCK(offsetof(jcode_oauth_client, revoke_endpoint) == 40);
LOCK(offsetof(jcode_oauth_client, scopes) == 48);
LOCK(offsetof(jcode_oauth_client, refresh_scopes) == 56);
LOCK(offsetof(jcode_oauth_client, extra_authorize_query) == 64);
LOCK(offsetof(jcode_oauth_client, token_body) == 72);
LOCK(offsetof(jcode_oauth_client, redirect_kind) == 76);
LOCK(offsetof(jcode_oauth_client, redirect_port) == 80);
LOCK(offsetof(jcode_oauth_client, timeout_s) == 84);
LOCK(offsetof(jcode_oauth_client, redirect_host) == 88);
LOCK(offsetof(jcode_oauth_client, redirect_path) == 96);
LOCK(offsetof(jcode_oauth_client, manual_redirect_uri) == 104);
LOCK(END_OF(jcode_oauth_client, flags) == 116);

LOCK(offsetof(jcode_device_client, client_id) == 8);
LOCK(offsetof(jcode_device_client, device_endpoint) == 16);
LOCK(offsetof(jcode_device_client, token_endpoint) == 24);
LOCK(END_OF(jcode_device_client, scopes) == 40);

LOCK(offsetof(jcode_login_request, flags) == 4);
LOCK(offsetof(jcode_login_request, callback_url) == 8);
LOCK(offsetof(jcode_login_request, auth_code) == 24);
LOCK(offsetof(jcode_login_request, options) == 40);
LOCK(END_OF(jcode_login_request, option_count) == 56);

/* The host table: every 1.0 function at a fixed slot (8 bytes each after two uint32_t). */
LOCK(offsetof(jcode_host_api, abi_minor) == 4);
LOCK(offsetof(jcode_host_api, log) == 8);
LOCK(offsetof(jcode_host_api, set_error) == 16);
LOCK(offsetof(jcode_host_api, add_secret) == 24);
LOCK(offsetof(jcode_host_api, notify) == 32);
LOCK(offsetof(jcode_host_api, config_get) == 40);
LOCK(offsetof(jcode_host_api, env_get) == 48);
LOCK(offsetof(jcode_host_api, endpoint_url) == 56);
LOCK(offsetof(jcode_host_api, now_ms) == 64);
LOCK(offsetof(jcode_host_api, random_bytes) == 72);
LOCK(offsetof(jcode_host_api, http) == 80);
LOCK(offsetof(jcode_host_api, prompt) == 88);
LOCK(offsetof(jcode_host_api, open_url) == 96);
LOCK(offsetof(jcode_host_api, loopback_listen) == 104);
LOCK(offsetof(jcode_host_api, loopback_wait) == 112);
LOCK(offsetof(jcode_host_api, loopback_close) == 120);
LOCK(offsetof(jcode_host_api, spawn) == 128);
LOCK(offsetof(jcode_host_api, store_read) == 136);
LOCK(offsetof(jcode_host_api, store_write) == 144);
LOCK(offsetof(jcode_host_api, state_put) == 152);
LOCK(offsetof(jcode_host_api, state_get) == 160);
LOCK(offsetof(jcode_host_api, state_erase) == 168);
LOCK(offsetof(jcode_host_api, oauth_authorize) == 176);
LOCK(offsetof(jcode_host_api, device_authorize) == 184);
LOCK(END_OF(jcode_host_api, is_cancelled) == 200);
#if JCODE_ABI_MINOR >= 1 /* the frozen 1.0 header has none of the 1.1 members */
/* ABI 1.1 appends two functions after the 1.0 table. */
LOCK(offsetof(jcode_host_api, resolve_url) == 200);
LOCK(END_OF(jcode_host_api, read_file) == 216);
#endif

LOCK(offsetof(jcode_credential_api, parse) == 8);
LOCK(offsetof(jcode_credential_api, serialize) == 16);
LOCK(END_OF(jcode_credential_api, resolve) == 32);

LOCK(offsetof(jcode_login_api, method) == 4);
LOCK(offsetof(jcode_login_api, oauth) == 8);
LOCK(offsetof(jcode_login_api, device) == 16);
LOCK(offsetof(jcode_login_api, options) == 24);
LOCK(offsetof(jcode_login_api, token_response) == 32);
LOCK(offsetof(jcode_login_api, after_login) == 40);
LOCK(END_OF(jcode_login_api, run) == 56);

LOCK(offsetof(jcode_chat_request, model) == 8);
LOCK(END_OF(jcode_chat_request, conversation) == 40);

LOCK(offsetof(jcode_event, type) == 4);
LOCK(offsetof(jcode_event, text) == 8);
LOCK(offsetof(jcode_event, id) == 24);
LOCK(offsetof(jcode_event, name) == 40);
LOCK(offsetof(jcode_event, json) == 56);
LOCK(offsetof(jcode_event, input_tokens) == 72);
LOCK(offsetof(jcode_event, output_tokens) == 80);
LOCK(offsetof(jcode_event, cache_read_tokens) == 88);
LOCK(offsetof(jcode_event, cache_write_tokens) == 96);
LOCK(offsetof(jcode_event, index) == 104);
LOCK(END_OF(jcode_event, http_status) == 112);

LOCK(offsetof(jcode_event_sink, self) == 8);
LOCK(END_OF(jcode_event_sink, emit) == 24);

LOCK(offsetof(jcode_transport_api, flags) == 4);
LOCK(offsetof(jcode_transport_api, default_model) == 8);
LOCK(END_OF(jcode_transport_api, send) == 24);

LOCK(offsetof(jcode_plugin_api, id) == 8);
LOCK(offsetof(jcode_plugin_api, display_name) == 16);
LOCK(offsetof(jcode_plugin_api, version) == 24);
LOCK(offsetof(jcode_plugin_api, description) == 32);
LOCK(offsetof(jcode_plugin_api, roles) == 40);
LOCK(offsetof(jcode_plugin_api, flags) == 44);
LOCK(offsetof(jcode_plugin_api, endpoints) == 48);
LOCK(offsetof(jcode_plugin_api, sources) == 56);
LOCK(offsetof(jcode_plugin_api, create) == 64);
LOCK(offsetof(jcode_plugin_api, destroy) == 72);
LOCK(offsetof(jcode_plugin_api, credentials) == 80);
LOCK(offsetof(jcode_plugin_api, login) == 88);
LOCK(offsetof(jcode_plugin_api, transport) == 96);
LOCK(END_OF(jcode_plugin_api, reason_string) == 112);
#if JCODE_ABI_MINOR >= 1
/* ABI 1.1: the aliases array after the 1.0 table; the alias declaration itself. */
LOCK(offsetof(jcode_plugin_api, aliases) == 112);
LOCK(END_OF(jcode_plugin_api, aliases) == 120);
LOCK(offsetof(jcode_alias_decl, name) == 8);
LOCK(offsetof(jcode_alias_decl, env_name) == 16);
LOCK(offsetof(jcode_alias_decl, env_value) == 24);
LOCK(offsetof(jcode_alias_decl, replacement) == 32);
LOCK(END_OF(jcode_alias_decl, flags) == 44);
#endif
#if JCODE_ABI_MINOR >= 2
/* ABI 1.2: the settings array after the 1.1 table; the setting declaration itself. */
LOCK(offsetof(jcode_plugin_api, config_keys) == 120);
LOCK(END_OF(jcode_plugin_api, config_keys) == 128);
LOCK(offsetof(jcode_config_decl, key) == 8);
LOCK(offsetof(jcode_config_decl, type) == 16);
LOCK(offsetof(jcode_config_decl, help) == 24);
LOCK(END_OF(jcode_config_decl, help) == 32);
#endif
#if JCODE_ABI_MINOR >= 3
/* ABI 1.3: providers and profile_type after the 1.2 table; provider_id after the 1.1 host
 * table; the provider declaration itself. */
LOCK(offsetof(jcode_plugin_api, providers) == 128);
LOCK(offsetof(jcode_plugin_api, profile_type) == 136);
LOCK(END_OF(jcode_plugin_api, profile_type) == 144);
LOCK(offsetof(jcode_host_api, provider_id) == 216);
LOCK(END_OF(jcode_host_api, provider_id) == 224);
LOCK(offsetof(jcode_provider_decl, id) == 8);
LOCK(offsetof(jcode_provider_decl, display_name) == 16);
LOCK(offsetof(jcode_provider_decl, description) == 24);
LOCK(offsetof(jcode_provider_decl, endpoints) == 32);
LOCK(offsetof(jcode_provider_decl, sources) == 40);
LOCK(offsetof(jcode_provider_decl, default_model) == 48);
LOCK(END_OF(jcode_provider_decl, flags) == 60);
LOCK(offsetof(jcode_process_spec, flags) == 60);
LOCK(END_OF(jcode_process_spec, flags) == 64);
LOCK(JCODE_PROCESS_F_TERMINAL == 0x1u);
LOCK(JCODE_PROVIDER_F_CREDENTIAL_OPTIONAL == 0x1u && JCODE_PLUGIN_F_UNTYPED_PROFILES == 0x2u);
#endif

/* Frozen for every major: struct_size and abi_major come first. */
LOCK(offsetof(jcode_init_in, struct_size) == 0);
LOCK(offsetof(jcode_init_in, abi_major) == 4);
LOCK(offsetof(jcode_init_in, abi_minor_min) == 8);
LOCK(offsetof(jcode_init_in, abi_minor_max) == 12);
LOCK(offsetof(jcode_init_in, host) == 16);
LOCK(END_OF(jcode_init_in, ctx) == 32);
LOCK(offsetof(jcode_init_out, abi_minor) == 4);
LOCK(END_OF(jcode_init_out, api) == 16);
#else
#error "jcode: add this platform's ABI 1.0 layout table to tests/abi/layout_check.c"
#endif

/* Status codes and flag values are ABI too. */
LOCK(JCODE_ABI_MAJOR == 1);
LOCK(JCODE_OK == 0 && JCODE_E_INVALID_ARG == -1 && JCODE_E_INCOMPATIBLE == -3 && JCODE_E_DECLINE == -4);
LOCK(JCODE_E_AUTH_EXPIRED == -9 && JCODE_E_INTERNAL == -13 && JCODE_E_SERVER == -18);
LOCK(JCODE_E_PLUGIN_FIRST == -1000 && JCODE_E_PLUGIN_LAST == -1999);
LOCK(JCODE_ROLE_CREDENTIALS == 1 && JCODE_ROLE_LOGIN == 2 && JCODE_ROLE_TRANSPORT == 4);
LOCK(JCODE_SOURCE_JCODE_FILE == 1 && JCODE_SOURCE_PLUGIN == 6);
LOCK(JCODE_EVENT_TEXT == 1 && JCODE_EVENT_MODEL == 9);

/* Something to link, so the object is not empty. */
int jcode_abi_layout_checked(void) { return 1; }
