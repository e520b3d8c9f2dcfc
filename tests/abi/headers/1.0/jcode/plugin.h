/*
 * jcode/plugin.h — the jcode provider plugin ABI, version 1.
 *
 * This is the only header a provider plugin needs. It is C99, depends on <stdint.h> and
 * <stddef.h> only, and compiles as C and as C++. The normative rules (PAP-HOST-n,
 * PAP-PLUGIN-n) are in docs/plugin-abi.md; the comments here say, for every member, whether
 * it is MANDATORY or OPTIONAL and who owns the memory.
 *
 * Ground rules (details in docs/plugin-abi.md):
 *  - One exported symbol: jcode_plugin_entry. Everything else is reached through tables.
 *  - Every struct that may grow starts with uint32_t struct_size, set by whoever allocates
 *    it to its own sizeof. Fields are only ever appended; readers check JCODE_HAS_FIELD.
 *  - Strings crossing the boundary are jcode_str (pointer + length, UTF-8, not necessarily
 *    NUL-terminated), borrowed for the duration of the call. Static identifiers in
 *    declaration tables are NUL-terminated const char* that live as long as the library.
 *  - Variable-length output always goes into a host-provided jcode_sink: the host owns the
 *    memory; neither side ever frees what the other allocated.
 *  - No exceptions, no C++ types, no errno cross the boundary. Functions return
 *    jcode_status; a detail message goes through host->set_error (the host copies it).
 *  - Unknown things are ignored, not fatal: unknown flags, event types, status codes,
 *    option keys.
 */
#ifndef JCODE_PLUGIN_H
#define JCODE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JCODE_ABI_MAJOR 1
#define JCODE_ABI_MINOR 0

#if defined(_WIN32)
#define JCODE_EXPORT __declspec(dllexport)
#define JCODE_CALL __cdecl
#else
#define JCODE_EXPORT __attribute__((visibility("default")))
#define JCODE_CALL
#endif

/* True when the struct pointed to by p (which starts with struct_size) is large enough to
 * hold field f of type T. Every reader of a struct allocated by the other side uses this. */
#define JCODE_HAS_FIELD(p, T, f) \
  ((p) != NULL && (size_t)(p)->struct_size >= offsetof(T, f) + sizeof(((T *)0)->f))

/* ------------------------------------------------------------------------------------- */
/* Status codes. 0 is success, negatives are errors. Codes are only ever added; an unknown
 * negative code is treated as JCODE_E_INTERNAL. -1000..-1999 are plugin-private and may be
 * described by jcode_plugin_api.reason_string. */
typedef int32_t jcode_status;
#define JCODE_OK 0
#define JCODE_E_INVALID_ARG (-1)
#define JCODE_E_NOMEM (-2)
#define JCODE_E_INCOMPATIBLE (-3)   /* ABI major/minor cannot be served */
#define JCODE_E_DECLINE (-4)        /* "nothing for me here": the host tries the next source */
#define JCODE_E_NOT_SUPPORTED (-5)
#define JCODE_E_CANCELLED (-6)
#define JCODE_E_NONINTERACTIVE (-7) /* a prompt was needed but there is no terminal */
#define JCODE_E_AUTH_REQUIRED (-8)  /* no usable credential: the user must log in */
#define JCODE_E_AUTH_EXPIRED (-9)   /* the service refused the credential (401): refresh, retry once */
#define JCODE_E_NETWORK (-10)
#define JCODE_E_TIMEOUT (-11)
#define JCODE_E_PROTOCOL (-12)      /* the peer answered something malformed or unexpected */
#define JCODE_E_INTERNAL (-13)      /* also: a C++ exception caught at the boundary */
#define JCODE_E_IO (-14)
#define JCODE_E_NOT_FOUND (-15)
#define JCODE_E_DENIED (-16)        /* consent refused, permission denied, access_denied */
#define JCODE_E_RATE_LIMITED (-17)
#define JCODE_E_SERVER (-18)        /* the service failed (5xx) or returned an API error */
#define JCODE_E_PLUGIN_FIRST (-1000)
#define JCODE_E_PLUGIN_LAST (-1999)

/* ------------------------------------------------------------------------------------- */
/* Basic types */

/* A borrowed UTF-8 string: valid only during the call it is passed to. ptr may be NULL
 * when len is 0. */
typedef struct jcode_str {
  const char *ptr;
  size_t len;
} jcode_str;

/* A borrowed key/value pair (HTTP headers, login options, environment entries). */
typedef struct jcode_kv {
  jcode_str key;
  jcode_str value;
} jcode_kv;

/* Opaque handles. The host context is the first argument of every upcall; the instance is
 * whatever the plugin's create() made. */
typedef struct jcode_host_ctx jcode_host_ctx;
typedef struct jcode_instance jcode_instance;
typedef struct jcode_loopback jcode_loopback;

/* A host-owned output buffer. The callee calls write() zero or more times; the bytes are
 * appended. write() returns JCODE_OK, or an error (e.g. the host's size limit) that the
 * callee must return promptly. */
#define JCODE_SINK_SECRET 0x1u /* the host zeroises the bytes when it drops them */
typedef struct jcode_sink {
  uint32_t struct_size; /* MANDATORY: set by the host */
  uint32_t flags;       /* JCODE_SINK_* — informational for the writer */
  void *self;           /* host-owned, opaque to the plugin */
  jcode_status(JCODE_CALL *write)(void *self, const char *data, size_t len);
  /* ---- ABI 1.0 ends here ---- */
} jcode_sink;

/* ------------------------------------------------------------------------------------- */
/* Credentials */

#define JCODE_CRED_OAUTH 1   /* access (+ refresh) token from an OAuth grant */
#define JCODE_CRED_API_KEY 2 /* a static key; access_token holds the key */
#define JCODE_CRED_SESSION 3 /* a local CLI's own session (cursor-agent, gh); no token held */
#define JCODE_CRED_BEARER 4  /* a short-lived bearer from an identity chain; no refresh token */

/* A credential. When the host passes one to a plugin, every jcode_str is borrowed for the
 * call. When a plugin hands one to the host (jcode_credential_sink.put) the host copies it
 * before put() returns. Optional strings are empty when absent. */
typedef struct jcode_credential {
  uint32_t struct_size;    /* MANDATORY */
  int32_t kind;            /* MANDATORY: JCODE_CRED_* */
  jcode_str access_token;  /* MANDATORY except for JCODE_CRED_SESSION; the API key for keys */
  jcode_str refresh_token; /* OPTIONAL */
  jcode_str id_token;      /* OPTIONAL (OpenAI, Google) */
  int64_t expires_at_ms;   /* OPTIONAL: Unix ms; 0 = unknown or never */
  jcode_str account_id;    /* OPTIONAL: provider account (e.g. chatgpt account id) */
  jcode_str email;         /* OPTIONAL */
  jcode_str extra;         /* OPTIONAL: a JSON object, private to the plugin (project id, tier…) */
  jcode_str source_id;     /* set by the HOST when passing a credential in: where it came from;
                              ignored when the plugin hands a credential out */
  /* ---- ABI 1.0 ends here ---- */
} jcode_credential;

typedef struct jcode_credential_sink {
  uint32_t struct_size; /* MANDATORY: set by the host */
  void *self;
  /* Copies *cred. May be called once per operation; a second call replaces the first. */
  jcode_status(JCODE_CALL *put)(void *self, const jcode_credential *cred);
  /* ---- ABI 1.0 ends here ---- */
} jcode_credential_sink;

/* ------------------------------------------------------------------------------------- */
/* Static declarations a plugin makes (all const data inside the plugin image, valid for the
 * life of the library; the host copies what it keeps). Arrays of declarations are arrays of
 * pointers terminated by NULL, so each element can carry its own struct_size. */

/* A URL the plugin contacts. Its full name is "<plugin id>.<name>"; the host resolves it
 * (config [endpoints], env JCODE_ENDPOINT_<PLUGIN>_<NAME>, JCODE_EMULATOR_URL) and plugins
 * get the effective URL from host->endpoint_url. OAuth providers declare "authorize" and
 * "token" (and "device_code", "revoke" where used) as full URLs; "api" is the API origin
 * to which the plugin appends the real path. */
typedef struct jcode_endpoint_decl {
  uint32_t struct_size;    /* MANDATORY */
  const char *name;        /* MANDATORY: [a-z0-9_]+ */
  const char *default_url; /* MANDATORY: https:// (plain http only to loopback) */
  const char *description; /* OPTIONAL */
  /* ---- ABI 1.0 ends here ---- */
} jcode_endpoint_decl;

/* Kinds of credential source, in the order the plugin lists them = discovery order. */
#define JCODE_SOURCE_JCODE_FILE 1    /* jcode's own file; location relative to jcode home
                                        ("auth.json"); the host reads and writes it (0600, atomic) */
#define JCODE_SOURCE_APP_ENV_FILE 2  /* jcode's own KEY=value file; location relative to the app
                                        config dir ("fireworks.env"); key = the variable */
#define JCODE_SOURCE_EXTERNAL_FILE 3 /* another tool's file, read only after consent, never
                                        written; location starts with "~/" */
#define JCODE_SOURCE_ENV_VAR 4       /* an environment variable; location = its name */
#define JCODE_SOURCE_COMMAND 5       /* stdout of another tool's command, after consent;
                                        location = argv joined by spaces ("gh auth token") */
#define JCODE_SOURCE_PLUGIN 6        /* the plugin resolves it itself (credential_api.resolve),
                                        e.g. the Azure Entra credential chain */

#define JCODE_SOURCE_F_LOGIN_TARGET 0x1u /* login saves here (exactly one per plugin) */
#define JCODE_SOURCE_F_SHARED 0x2u       /* a multi-provider file (OpenCode, pi): parse may DECLINE */

typedef struct jcode_source_decl {
  uint32_t struct_size;  /* MANDATORY */
  int32_t kind;          /* MANDATORY: JCODE_SOURCE_* */
  const char *id;        /* MANDATORY: stable id, the key of consent records
                            ("claude_code_credentials"); sources with equal id and path share
                            one approval across plugins */
  const char *location;  /* MANDATORY: see the kinds */
  const char *key;       /* OPTIONAL: the variable inside an env file */
  const char *label;     /* MANDATORY: human name ("Claude Code CLI") */
  int32_t cred_kind;     /* MANDATORY: JCODE_CRED_* this source yields */
  uint32_t flags;        /* JCODE_SOURCE_F_* */
  /* ---- ABI 1.0 ends here ---- */
} jcode_source_decl;

/* An extra option of `jcode login --provider <id>` (e.g. Azure's --endpoint). */
#define JCODE_OPTION_F_FLAG 0x1u   /* takes no value; value is "1" when given */
#define JCODE_OPTION_F_SECRET 0x2u /* value read from stdin when given as "-"; never in argv */
typedef struct jcode_option_decl {
  uint32_t struct_size; /* MANDATORY */
  const char *name;     /* MANDATORY: long flag without dashes: "endpoint" */
  const char *help;     /* MANDATORY */
  uint32_t flags;       /* JCODE_OPTION_F_* */
  /* ---- ABI 1.0 ends here ---- */
} jcode_option_decl;

/* ------------------------------------------------------------------------------------- */
/* Host services: HTTP */

#define JCODE_HTTP_F_RETRY 0x1u  /* the host may retry (backoff, Retry-After) on connect errors,
                                    429 and 5xx, as long as no response body was delivered */
#define JCODE_HTTP_F_SSE 0x2u    /* parse the body as Server-Sent Events: on_event instead of on_body
                                    for 2xx responses */
typedef struct jcode_http_request {
  uint32_t struct_size;       /* MANDATORY */
  jcode_str method;           /* MANDATORY: "GET", "POST", … */
  jcode_str url;              /* MANDATORY: from host->endpoint_url plus a path */
  const jcode_kv *headers;    /* OPTIONAL: header_count entries */
  size_t header_count;
  jcode_str body;             /* OPTIONAL */
  uint32_t flags;             /* JCODE_HTTP_F_* */
  uint32_t timeout_ms;        /* OPTIONAL: 0 = host default; idle timeout for streams */
  /* ---- ABI 1.0 ends here ---- */
} jcode_http_request;

/* Callbacks for one response. Returning an error from a callback aborts the transfer and
 * the http call returns that error. */
typedef struct jcode_http_response_sink {
  uint32_t struct_size; /* MANDATORY: set by the plugin */
  void *self;
  /* MANDATORY: the final status and headers (after host retries), before any body. */
  jcode_status(JCODE_CALL *on_status)(void *self, int32_t status, const jcode_kv *headers,
                                       size_t header_count);
  /* OPTIONAL: raw body bytes (always for non-2xx, and for 2xx without JCODE_HTTP_F_SSE). */
  jcode_status(JCODE_CALL *on_body)(void *self, const char *data, size_t len);
  /* OPTIONAL: one SSE event (JCODE_HTTP_F_SSE, 2xx): event name ("" if none) and its data
   * lines joined by "\n". */
  jcode_status(JCODE_CALL *on_event)(void *self, jcode_str event, jcode_str data);
  /* ---- ABI 1.0 ends here ---- */
} jcode_http_response_sink;

/* ------------------------------------------------------------------------------------- */
/* Host services: prompts, processes, loopback */

#define JCODE_PROMPT_TEXT 1
#define JCODE_PROMPT_SECRET 2  /* no echo; the answer sink is flagged JCODE_SINK_SECRET */
#define JCODE_PROMPT_CHOICE 3  /* choices: "a|b|c"; the answer is one of them */
#define JCODE_PROMPT_CONFIRM 4 /* the answer is "y" or "n" */
typedef struct jcode_prompt {
  uint32_t struct_size;      /* MANDATORY */
  int32_t kind;              /* MANDATORY: JCODE_PROMPT_* */
  jcode_str question;        /* MANDATORY */
  jcode_str default_value;   /* OPTIONAL */
  jcode_str choices;         /* MANDATORY for CHOICE */
  /* ---- ABI 1.0 ends here ---- */
} jcode_prompt;

typedef struct jcode_process_spec {
  uint32_t struct_size;     /* MANDATORY */
  const jcode_str *argv;    /* MANDATORY: argc entries; argv[0] searched in PATH. Never put a
                               secret here: use env */
  size_t argc;
  const jcode_kv *env;      /* OPTIONAL: added to (or replacing) the inherited environment */
  size_t env_count;
  jcode_str stdin_data;     /* OPTIONAL: written to the child's stdin, then closed */
  uint32_t timeout_ms;      /* OPTIONAL: 0 = none; the child is killed on expiry */
  /* ---- ABI 1.0 ends here ---- */
} jcode_process_spec;

typedef struct jcode_process_sink {
  uint32_t struct_size; /* MANDATORY: set by the plugin */
  void *self;
  jcode_status(JCODE_CALL *on_stdout)(void *self, const char *data, size_t len); /* OPTIONAL */
  jcode_status(JCODE_CALL *on_stderr)(void *self, const char *data, size_t len); /* OPTIONAL */
  /* ---- ABI 1.0 ends here ---- */
} jcode_process_sink;

typedef struct jcode_loopback_spec {
  uint32_t struct_size;  /* MANDATORY */
  uint32_t port;         /* 0 = any free port; otherwise fixed (busy → JCODE_E_IO at once) */
  jcode_str host;        /* host name used in the redirect URI: "localhost" or "127.0.0.1"
                            (the listener always binds 127.0.0.1) */
  jcode_str path;        /* MANDATORY: "/callback" */
  /* ---- ABI 1.0 ends here ---- */
} jcode_loopback_spec;

/* ------------------------------------------------------------------------------------- */
/* OAuth descriptions: data the host's OAuth engine runs (PKCE, loopback, paste, device,
 * refresh). Endpoint fields name declared endpoints ("token"), not URLs. */

#define JCODE_BODY_FORM 1 /* application/x-www-form-urlencoded (RFC 6749) */
#define JCODE_BODY_JSON 2 /* application/json (Anthropic) */

#define JCODE_REDIRECT_LOOPBACK_ANY 1   /* http://<host>:<free port><path> (RFC 8252) */
#define JCODE_REDIRECT_LOOPBACK_FIXED 2 /* http://<host>:<redirect_port><path>; busy → paste */
#define JCODE_REDIRECT_MANUAL 3         /* only manual_redirect_uri, the user pastes the code */

#define JCODE_OAUTH_F_BARE_CODE 0x1u      /* a pasted bare code (no state) is accepted */
#define JCODE_OAUTH_F_STATE_IN_TOKEN 0x2u /* send state in the code exchange body (Anthropic) */
#define JCODE_OAUTH_F_CODE_HASH_STATE 0x4u /* the manual page shows "code#state" */

typedef struct jcode_oauth_client {
  uint32_t struct_size;              /* MANDATORY */
  const char *client_id;             /* MANDATORY; config key "client_id" overrides */
  const char *client_secret;         /* OPTIONAL: installed-app secret (Google) */
  const char *authorize_endpoint;    /* MANDATORY: endpoint name, e.g. "authorize" */
  const char *token_endpoint;        /* MANDATORY: endpoint name, e.g. "token" */
  const char *revoke_endpoint;       /* OPTIONAL: endpoint name (RFC 7009) used by logout */
  const char *scopes;                /* MANDATORY: space-separated, for authorize */
  const char *refresh_scopes;        /* OPTIONAL: "scope" sent with the refresh grant */
  const char *extra_authorize_query; /* OPTIONAL: "k=v&k2=v2" appended to the authorize URL */
  int32_t token_body;                /* MANDATORY: JCODE_BODY_* */
  int32_t redirect_kind;             /* MANDATORY: JCODE_REDIRECT_* */
  uint32_t redirect_port;            /* for LOOPBACK_FIXED */
  uint32_t timeout_s;                /* OPTIONAL: wait for the callback; 0 = 300 */
  const char *redirect_host;         /* OPTIONAL: "localhost" (default) or "127.0.0.1" */
  const char *redirect_path;         /* MANDATORY for loopback kinds: "/callback" */
  const char *manual_redirect_uri;   /* OPTIONAL: redirect for the paste flow */
  uint32_t flags;                    /* JCODE_OAUTH_F_* */
  /* ---- ABI 1.0 ends here ---- */
} jcode_oauth_client;

typedef struct jcode_device_client {
  uint32_t struct_size;         /* MANDATORY */
  const char *client_id;        /* MANDATORY */
  const char *device_endpoint;  /* MANDATORY: endpoint name of the device authorization endpoint */
  const char *token_endpoint;   /* MANDATORY: endpoint name */
  const char *scopes;           /* OPTIONAL */
  /* ---- ABI 1.0 ends here ---- */
} jcode_device_client;

/* What the user asked `jcode login` for. */
#define JCODE_LOGIN_F_NO_BROWSER 0x1u
#define JCODE_LOGIN_F_PRINT_AUTH_URL 0x2u /* save pending state, print the URL, exit */
#define JCODE_LOGIN_F_COMPLETE 0x4u       /* resume a pending device flow */
#define JCODE_LOGIN_F_JSON 0x8u
#define JCODE_LOGIN_F_NONINTERACTIVE 0x10u
typedef struct jcode_login_request {
  uint32_t struct_size;     /* MANDATORY: set by the host */
  uint32_t flags;           /* JCODE_LOGIN_F_* */
  jcode_str callback_url;   /* OPTIONAL: --callback-url (already read from stdin for "-") */
  jcode_str auth_code;      /* OPTIONAL: --auth-code */
  const jcode_kv *options;  /* the plugin's declared options the user gave, by name */
  size_t option_count;
  /* ---- ABI 1.0 ends here ---- */
} jcode_login_request;

/* ------------------------------------------------------------------------------------- */
/* Host services table. Allocated and owned by the host, valid for the process lifetime.
 * Every function is thread-safe, never throws, and takes the ctx the plugin was given.
 * Functions returning jcode_status set a message readable by the user on failure (the
 * host's own). Functions added after 1.0 must be checked with JCODE_HAS_FIELD. */

#define JCODE_LOG_ERROR 1
#define JCODE_LOG_WARN 2
#define JCODE_LOG_INFO 3
#define JCODE_LOG_DEBUG 4

typedef struct jcode_host_api {
  uint32_t struct_size;
  uint32_t abi_minor; /* the minor the host implements */

  /* -- Messages. The host copies every string before returning. -- */
  /* Log at a level; shown with -v. Secrets the host knows of are redacted. */
  void(JCODE_CALL *log)(jcode_host_ctx *ctx, int32_t level, jcode_str message);
  /* Set the detail message for the status the current call will return. */
  void(JCODE_CALL *set_error)(jcode_host_ctx *ctx, jcode_status code, jcode_str message);
  /* Tell the host a value is secret: it is redacted from every log line and error after. */
  void(JCODE_CALL *add_secret)(jcode_host_ctx *ctx, jcode_str secret);
  /* Print a message for the user (stderr), e.g. "Enter code ABCD-EFGH". Redacted. */
  void(JCODE_CALL *notify)(jcode_host_ctx *ctx, jcode_str message);

  /* -- Configuration and environment. JCODE_E_NOT_FOUND when absent. -- */
  /* A value of the plugin's config table [plugins.<id>] (dotted keys inside it). */
  jcode_status(JCODE_CALL *config_get)(jcode_host_ctx *ctx, jcode_str key, jcode_sink *out);
  /* An environment variable (the host may sandbox or override it in tests). */
  jcode_status(JCODE_CALL *env_get)(jcode_host_ctx *ctx, jcode_str name, jcode_sink *out);
  /* The effective URL of one of the plugin's declared endpoints, by short name ("token"). */
  jcode_status(JCODE_CALL *endpoint_url)(jcode_host_ctx *ctx, jcode_str name, jcode_sink *out);

  /* -- Clock and randomness (injectable by tests). -- */
  int64_t(JCODE_CALL *now_ms)(jcode_host_ctx *ctx);
  jcode_status(JCODE_CALL *random_bytes)(jcode_host_ctx *ctx, void *buf, size_t len);

  /* -- HTTP(S). Blocking; the host owns TLS, proxies, CA bundle, timeouts, retries. -- */
  jcode_status(JCODE_CALL *http)(jcode_host_ctx *ctx, const jcode_http_request *req,
                                 const jcode_http_response_sink *sink);

  /* -- The user. JCODE_E_NONINTERACTIVE without a terminal. -- */
  jcode_status(JCODE_CALL *prompt)(jcode_host_ctx *ctx, const jcode_prompt *prompt,
                                   jcode_sink *answer);
  /* Opens a browser unless suppressed (--no-browser, NO_BROWSER, SSH, no display); then it
   * prints the URL (and a QR code) instead and returns JCODE_E_NOT_SUPPORTED. */
  jcode_status(JCODE_CALL *open_url)(jcode_host_ctx *ctx, jcode_str url);

  /* -- Loopback redirect listener (binds 127.0.0.1; the bound socket is the one that serves). */
  jcode_status(JCODE_CALL *loopback_listen)(jcode_host_ctx *ctx, const jcode_loopback_spec *spec,
                                            jcode_loopback **out, jcode_sink *redirect_uri);
  /* Waits for one request on the path; writes its query string (without '?'). */
  jcode_status(JCODE_CALL *loopback_wait)(jcode_loopback *lb, uint32_t timeout_ms,
                                          jcode_sink *query);
  void(JCODE_CALL *loopback_close)(jcode_loopback *lb);

  /* -- Subprocesses. Blocking; secrets go through env or stdin_data, never argv. -- */
  jcode_status(JCODE_CALL *spawn)(jcode_host_ctx *ctx, const jcode_process_spec *spec,
                                  const jcode_process_sink *sink, int32_t *exit_code);

  /* -- Credential store: the plugin's own declared JCODE_FILE / APP_ENV_FILE sources only,
   *    by source id. Writes are atomic with mode 0600. -- */
  jcode_status(JCODE_CALL *store_read)(jcode_host_ctx *ctx, jcode_str source_id, jcode_sink *out);
  jcode_status(JCODE_CALL *store_write)(jcode_host_ctx *ctx, jcode_str source_id,
                                        jcode_str content);

  /* -- Pending login state (survives the process; expires after ttl_ms). -- */
  jcode_status(JCODE_CALL *state_put)(jcode_host_ctx *ctx, jcode_str key, jcode_str value,
                                      int64_t ttl_ms);
  jcode_status(JCODE_CALL *state_get)(jcode_host_ctx *ctx, jcode_str key, jcode_sink *out);
  jcode_status(JCODE_CALL *state_erase)(jcode_host_ctx *ctx, jcode_str key);

  /* -- The OAuth engine, for plugins whose login needs steps around it. Writes the token
   *    endpoint's JSON response. -- */
  jcode_status(JCODE_CALL *oauth_authorize)(jcode_host_ctx *ctx, const jcode_oauth_client *client,
                                            const jcode_login_request *req, jcode_sink *token_json);
  jcode_status(JCODE_CALL *device_authorize)(jcode_host_ctx *ctx,
                                             const jcode_device_client *client,
                                             const jcode_login_request *req, jcode_sink *token_json);

  /* Nonzero once the user asked to stop (Ctrl-C); long loops poll it. */
  int32_t(JCODE_CALL *is_cancelled)(jcode_host_ctx *ctx);
  /* ---- ABI 1.0 ends here ---- */
} jcode_host_api;

/* ------------------------------------------------------------------------------------- */
/* Role: credential source */

typedef struct jcode_credential_api {
  uint32_t struct_size; /* MANDATORY */
  /* MANDATORY. Turn the content of a declared source into a credential and put() it.
   * content: the file's bytes, the env var's value, or the command's stdout (already
   * consented to and read by the host). Return JCODE_E_DECLINE when it holds nothing for
   * this provider, JCODE_E_PROTOCOL (with set_error) when it is malformed. */
  jcode_status(JCODE_CALL *parse)(jcode_instance *inst, const jcode_source_decl *source,
                                  jcode_str content, const jcode_credential_sink *out);
  /* MANDATORY when a JCODE_FILE source exists. Write to out the new content of own source
   * `source` holding cred, given its current content (empty when new) so the plugin keeps
   * what else it holds (other accounts). cred == NULL: remove the active credential. */
  jcode_status(JCODE_CALL *serialize)(jcode_instance *inst, const jcode_source_decl *source,
                                      jcode_str current, const jcode_credential *cred,
                                      jcode_sink *out);
  /* OPTIONAL, for JCODE_SOURCE_PLUGIN sources: find a credential with host services. */
  jcode_status(JCODE_CALL *resolve)(jcode_instance *inst, const jcode_source_decl *source,
                                    const jcode_credential_sink *out);
  /* ---- ABI 1.0 ends here ---- */
} jcode_credential_api;

/* ------------------------------------------------------------------------------------- */
/* Role: login flow */

#define JCODE_LOGIN_OAUTH_PKCE 1 /* the host runs `oauth` (loopback, paste, scriptable) */
#define JCODE_LOGIN_DEVICE 2     /* the host runs `device` (RFC 8628) */
#define JCODE_LOGIN_API_KEY 3    /* the host prompts (or reads stdin) for a key and saves it to
                                    the LOGIN_TARGET env-file source */
#define JCODE_LOGIN_CUSTOM 4     /* run() does everything with host services (multi-field
                                    setup like Azure's, CLI-delegated like cursor-agent) */

typedef struct jcode_login_api {
  uint32_t struct_size;                 /* MANDATORY */
  int32_t method;                       /* MANDATORY: JCODE_LOGIN_* */
  const jcode_oauth_client *oauth;      /* MANDATORY for OAUTH_PKCE */
  const jcode_device_client *device;    /* MANDATORY for DEVICE */
  const jcode_option_decl *const *options; /* OPTIONAL: NULL-terminated */
  /* OPTIONAL: turn a token endpoint JSON response (login or refresh) into a credential.
   * previous: the credential being refreshed, NULL at login (keep its refresh token when
   * the response has none). NULL function: the host maps RFC 6749 fields itself. */
  jcode_status(JCODE_CALL *token_response)(jcode_instance *inst, jcode_str json,
                                           const jcode_credential *previous,
                                           const jcode_credential_sink *out);
  /* OPTIONAL: enrich a fresh login (e.g. fetch the profile email); put() the result. */
  jcode_status(JCODE_CALL *after_login)(jcode_instance *inst, const jcode_credential *cred,
                                        const jcode_credential_sink *out);
  /* MANDATORY for CUSTOM: the whole login. put() a credential to have the host save it to
   * the LOGIN_TARGET source, or save through host->store_write and put nothing. */
  jcode_status(JCODE_CALL *run)(jcode_instance *inst, const jcode_login_request *req,
                                const jcode_credential_sink *out);
  /* ---- ABI 1.0 ends here ---- */
} jcode_login_api;

/* ------------------------------------------------------------------------------------- */
/* Role: transport */

/* One request. conversation is JSON in jcode's neutral format (docs/plugin-abi.md §
 * "Conversation format"): {"system": "...", "messages": [{"role": "user"|"assistant",
 * "content": [{"type":"text","text":..} | {"type":"tool_use","id":..,"name":..,"input":{}} |
 * {"type":"tool_result","tool_use_id":..,"content":"..","is_error":false}]}],
 * "tools": [{"name":..,"description":..,"input_schema":{}}], "max_tokens": N}. Tool names
 * are jcode's native ones; wire-name mapping is the plugin's business. */
typedef struct jcode_chat_request {
  uint32_t struct_size;   /* MANDATORY */
  jcode_str model;        /* OPTIONAL: empty = the plugin's default */
  jcode_str conversation; /* MANDATORY */
  /* ---- ABI 1.0 ends here ---- */
} jcode_chat_request;

#define JCODE_EVENT_TEXT 1            /* text: a delta of the answer */
#define JCODE_EVENT_THINKING 2        /* text: a delta of visible reasoning */
#define JCODE_EVENT_TOOL_CALL_START 3 /* id, name (native name), index */
#define JCODE_EVENT_TOOL_CALL_DELTA 4 /* index, json: a fragment of the arguments */
#define JCODE_EVENT_TOOL_CALL_END 5   /* id, name, index, json: the complete arguments */
#define JCODE_EVENT_USAGE 6           /* token counters (cumulative for the response) */
#define JCODE_EVENT_STOP 7            /* text: stop reason (end_turn, tool_use, max_tokens…) */
#define JCODE_EVENT_ERROR 8           /* text: message, http_status if any; name: error type */
#define JCODE_EVENT_MODEL 9           /* text: the model that answers */
typedef struct jcode_event {
  uint32_t struct_size;   /* MANDATORY: set by the plugin */
  int32_t type;           /* JCODE_EVENT_*; unknown types are ignored by the host */
  jcode_str text;
  jcode_str id;
  jcode_str name;
  jcode_str json;
  int64_t input_tokens;
  int64_t output_tokens;
  int64_t cache_read_tokens;
  int64_t cache_write_tokens;
  int32_t index;
  int32_t http_status;
  /* ---- ABI 1.0 ends here ---- */
} jcode_event;

typedef struct jcode_event_sink {
  uint32_t struct_size; /* MANDATORY: set by the host */
  void *self;
  /* Copies what it keeps. A non-OK return asks the plugin to stop and return it. */
  jcode_status(JCODE_CALL *emit)(void *self, const jcode_event *event);
  /* ---- ABI 1.0 ends here ---- */
} jcode_event_sink;

#define JCODE_TRANSPORT_F_TOOLS 0x1u      /* tool calls are supported */
#define JCODE_TRANSPORT_F_SUBPROCESS 0x2u /* answers come from a local CLI (host->spawn) */

typedef struct jcode_transport_api {
  uint32_t struct_size;      /* MANDATORY */
  uint32_t flags;            /* JCODE_TRANSPORT_F_* */
  const char *default_model; /* MANDATORY */
  /* MANDATORY. Send one turn and emit events until the response ends. cred: the credential
   * the host discovered (and refreshed); NULL when the plugin declares no sources.
   * Return JCODE_E_AUTH_EXPIRED when the service refused the credential: the host
   * refreshes once and calls again. Other failures: emit an ERROR event or set_error. */
  jcode_status(JCODE_CALL *send)(jcode_instance *inst, const jcode_chat_request *req,
                                 const jcode_credential *cred, const jcode_event_sink *events);
  /* ---- ABI 1.0 ends here ---- */
} jcode_transport_api;

/* ------------------------------------------------------------------------------------- */
/* The plugin table and the entry point */

#define JCODE_ROLE_CREDENTIALS 0x1u
#define JCODE_ROLE_LOGIN 0x2u
#define JCODE_ROLE_TRANSPORT 0x4u
#define JCODE_PLUGIN_F_THREAD_SAFE 0x1u /* calls into one instance may be concurrent */

typedef struct jcode_plugin_api {
  uint32_t struct_size;       /* MANDATORY */
  const char *id;             /* MANDATORY: [a-z0-9-]+, equals the <id> of the file name */
  const char *display_name;   /* MANDATORY: "Claude" */
  const char *version;        /* MANDATORY: the plugin's own version */
  const char *description;    /* OPTIONAL */
  uint32_t roles;             /* MANDATORY: JCODE_ROLE_*, must match the tables given */
  uint32_t flags;             /* JCODE_PLUGIN_F_* */
  const jcode_endpoint_decl *const *endpoints; /* OPTIONAL: NULL-terminated */
  const jcode_source_decl *const *sources;     /* OPTIONAL: NULL-terminated, discovery order */
  /* MANDATORY. Make an instance; may read config and env through host services, but does
   * no network I/O. The host calls it once per process, lazily, on the thread that uses it. */
  jcode_status(JCODE_CALL *create)(jcode_host_ctx *ctx, jcode_instance **out);
  /* MANDATORY. Frees the instance; called at host shutdown. */
  void(JCODE_CALL *destroy)(jcode_instance *inst);
  const jcode_credential_api *credentials; /* MANDATORY with ROLE_CREDENTIALS, else NULL */
  const jcode_login_api *login;            /* MANDATORY with ROLE_LOGIN, else NULL */
  const jcode_transport_api *transport;    /* MANDATORY with ROLE_TRANSPORT, else NULL */
  /* OPTIONAL: a static string for a plugin-private status code, or NULL. */
  const char *(JCODE_CALL *reason_string)(jcode_status code);
  /* ---- ABI 1.0 ends here ---- */
} jcode_plugin_api;

/* Input of the entry point: allocated by the host. The first two fields are frozen for
 * every major version, so any plugin can recognise a major it does not serve. */
typedef struct jcode_init_in {
  uint32_t struct_size;   /* frozen */
  uint32_t abi_major;     /* frozen */
  uint32_t abi_minor_min; /* oldest minor the host accepts */
  uint32_t abi_minor_max; /* newest minor the host implements */
  const jcode_host_api *host;
  jcode_host_ctx *ctx;    /* this plugin's context, for create() and upcalls */
  /* ---- ABI 1.0 ends here ---- */
} jcode_init_in;

/* Output of the entry point: allocated and zero-filled by the host, which sets
 * struct_size; the plugin writes only fields that fit. */
typedef struct jcode_init_out {
  uint32_t struct_size;        /* set by the host */
  uint32_t abi_minor;          /* the plugin's answer: min(its minor, abi_minor_max) */
  const jcode_plugin_api *api; /* static const inside the plugin */
  /* ---- ABI 1.0 ends here ---- */
} jcode_init_out;

/* The one exported symbol. Does no I/O, allocates nothing, starts no thread: it checks the
 * major (JCODE_E_INCOMPATIBLE and nothing written if it cannot serve it) and fills out. */
typedef jcode_status(JCODE_CALL *jcode_plugin_entry_fn)(const jcode_init_in *in,
                                                        jcode_init_out *out);
#define JCODE_PLUGIN_ENTRY_SYMBOL "jcode_plugin_entry"

#ifndef JCODE_NO_ENTRY_DECLARATION
JCODE_EXPORT jcode_status JCODE_CALL jcode_plugin_entry(const jcode_init_in *in,
                                                        jcode_init_out *out);
#endif

#ifdef __cplusplus
}
#endif
#endif /* JCODE_PLUGIN_H */
