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
 *  - Variable-length output always goes into a jcode_sink provided by the side that asks
 *    for it: the host provides the sinks it passes to plugin functions (serialize, the
 *    credential and event sinks), the plugin provides the sinks it passes to host functions
 *    (config_get, prompt, store_read, ...). The provider owns the sink and the bytes written
 *    into it; the writer only calls write(). Neither side ever frees what the other
 *    allocated.
 *  - No exceptions, no C++ types, no errno cross the boundary. Functions return
 *    jcode_status; a detail message goes through host->set_error (the host copies it).
 *  - Unknown things are ignored, not fatal: unknown flags, event types, status codes,
 *    option keys.
 *
 * How to read the member comments (krb5 style):
 *  - MANDATORY: whoever fills the struct must set the member to a valid value (a function
 *    pointer: non-NULL); the reader may rely on it. "MANDATORY for X": only in case X.
 *  - OPTIONAL: may be left 0 / NULL / empty; the comment says what that means. An OPTIONAL
 *    function pointer may be NULL and the caller checks it before calling.
 *  - "set by the host" / "set by the plugin": who fills the struct. In a struct the host
 *    fills, MANDATORY means the host always sets it and OPTIONAL that it may be empty.
 *  - Ownership words: "borrowed" = valid only until the function it was passed to returns
 *    (copy what you keep); "copied" = the receiver copies it before returning; "static" =
 *    lives in the plugin image as long as the library (forever: the host never unloads);
 *    "sink" = written through a jcode_sink owned by whoever provided it.
 *  - "ABI 1.N ends here" closes the fields of minor N; later fields must be checked with
 *    JCODE_HAS_FIELD by a reader that may meet an older peer.
 *
 * Function pointer types: every function pointer has a typedef named
 * <struct name without a trailing _api>_<member>_fn, declared just before its struct
 * (jcode_host_log_fn for jcode_host_api.log, jcode_transport_send_fn for
 * jcode_transport_api.send, jcode_sink_write_fn for jcode_sink.write, ...), as OpenSSL's
 * OSSL_FUNC_*_fn. The members are declared with them, so the types are the same as the 1.0
 * ones. Check an implementation's signature by assigning it to a variable of the typedef
 * (an error in C++, a diagnostic in C), e.g.
 *   static const jcode_transport_send_fn check_send = my_send;
 */
#ifndef JCODE_PLUGIN_H
#define JCODE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JCODE_ABI_MAJOR 1
#define JCODE_ABI_MINOR 3

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
  const char *ptr; /* MANDATORY when len > 0 (ptr == NULL with len > 0 is JCODE_E_INVALID_ARG);
                      OPTIONAL when len == 0 (NULL and "" are the same empty string) */
  size_t len;      /* MANDATORY: length in bytes; a NUL terminator is neither needed nor counted */
} jcode_str;

/* A borrowed key/value pair (HTTP headers, login options, environment entries). Owned by
 * whoever made the array; borrowed by the receiver for the call. */
typedef struct jcode_kv {
  jcode_str key;   /* MANDATORY: header name, option name, variable name */
  jcode_str value; /* MANDATORY: may be empty (a flag option given without value is "1") */
} jcode_kv;

/* Opaque handles.
 *  - jcode_host_ctx: one per loaded plugin, made and owned by the host, valid for the
 *    process lifetime (the plugin may keep it). The first argument of every host function
 *    except loopback_wait and loopback_close.
 *  - jcode_instance: whatever the plugin's create() made; owned by the plugin, freed by its
 *    destroy(). The first argument of every role function.
 *  - jcode_loopback: a listener made by host->loopback_listen; owned by the host, released
 *    by host->loopback_close (exactly once). The first argument of loopback_wait/_close. */
typedef struct jcode_host_ctx jcode_host_ctx;
typedef struct jcode_instance jcode_instance;
typedef struct jcode_loopback jcode_loopback;

/* An output buffer, owned by whoever provides it: the host for the sinks it passes to plugin
 * functions, the plugin for the sinks it passes to host functions. The writer calls write()
 * zero or more times, only before the call that received the sink returns; the bytes are
 * appended. write() returns JCODE_OK, or an error (e.g. a size limit) that the writer must
 * return promptly. The writer never keeps the sink after that call. */
#define JCODE_SINK_SECRET 0x1u /* the provider zeroises the bytes when it drops them; the writer
                                  must not log them */

/* Appends len bytes at data (borrowed for the call; the provider copies them). data may be
 * NULL when len is 0. */
typedef jcode_status(JCODE_CALL *jcode_sink_write_fn)(void *self, const char *data, size_t len);

typedef struct jcode_sink {
  uint32_t struct_size;      /* MANDATORY: set by the sink's provider (host or plugin) */
  uint32_t flags;            /* OPTIONAL: JCODE_SINK_*, 0 = none; informational for the writer */
  void *self;                /* OPTIONAL: the provider's opaque pointer, passed back to write();
                                never touched by the writer */
  jcode_sink_write_fn write; /* MANDATORY: a sink without write is JCODE_E_INVALID_ARG */
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
  uint32_t struct_size;    /* MANDATORY: set by whoever fills it (host or plugin) */
  int32_t kind;            /* MANDATORY: JCODE_CRED_* */
  jcode_str access_token;  /* MANDATORY except for JCODE_CRED_SESSION; the API key for keys */
  jcode_str refresh_token; /* OPTIONAL */
  jcode_str id_token;      /* OPTIONAL (OpenAI, Google) */
  int64_t expires_at_ms;   /* OPTIONAL: Unix ms; 0 = unknown or never */
  jcode_str account_id;    /* OPTIONAL: provider account (e.g. chatgpt account id) */
  jcode_str email;         /* OPTIONAL */
  jcode_str extra;         /* OPTIONAL: a JSON object, private to the plugin (project id, tier…) */
  jcode_str source_id;     /* OPTIONAL, set by the HOST when passing a credential in: the id of
                              the source it came from (empty when unknown); the plugin leaves
                              it empty when handing a credential out: the host ignores it */
  /* ---- ABI 1.0 ends here ---- */
} jcode_credential;

/* Copies *cred (and every string in it) before returning: the plugin may free it right after.
 * JCODE_E_INVALID_ARG for a NULL or too small credential, an unknown kind, a string with
 * ptr == NULL and len > 0, or a missing access_token (except JCODE_CRED_SESSION). */
typedef jcode_status(JCODE_CALL *jcode_credential_sink_put_fn)(void *self,
                                                               const jcode_credential *cred);

/* Provided by the host to the plugin functions that produce a credential; host-owned and
 * borrowed by the plugin for that call only. */
typedef struct jcode_credential_sink {
  uint32_t struct_size;             /* MANDATORY: set by the host */
  void *self;                       /* OPTIONAL: host-owned, opaque; pass it back to put() */
  /* MANDATORY (always set by the host). May be called once per operation; a second call
   * replaces the first. parse, resolve, token_response and after_login must put() before
   * returning JCODE_OK (JCODE_OK without a credential is a protocol error); login run may
   * put nothing. */
  jcode_credential_sink_put_fn put;
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
  uint32_t struct_size;    /* MANDATORY: set by the plugin */
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
  uint32_t struct_size;  /* MANDATORY: set by the plugin */
  int32_t kind;          /* MANDATORY: JCODE_SOURCE_* */
  const char *id;        /* MANDATORY: stable id, the key of consent records
                            ("claude_code_credentials"); sources with equal id and path share
                            one approval across plugins */
  const char *location;  /* MANDATORY: see the kinds */
  const char *key;       /* OPTIONAL: the variable inside an env file */
  const char *label;     /* MANDATORY: human name ("Claude Code CLI") */
  int32_t cred_kind;     /* MANDATORY: JCODE_CRED_* this source yields */
  uint32_t flags;        /* OPTIONAL: JCODE_SOURCE_F_*, 0 = none */
  /* ---- ABI 1.0 ends here ---- */
} jcode_source_decl;

/* An extra option of `jcode login --provider <id>` (e.g. Azure's --endpoint). */
#define JCODE_OPTION_F_FLAG 0x1u   /* takes no value; value is "1" when given */
#define JCODE_OPTION_F_SECRET 0x2u /* value read from stdin when given as "-"; never in argv */
typedef struct jcode_option_decl {
  uint32_t struct_size; /* MANDATORY: set by the plugin */
  const char *name;     /* MANDATORY: long flag without dashes: "endpoint" */
  const char *help;     /* MANDATORY */
  uint32_t flags;       /* OPTIONAL: JCODE_OPTION_F_*, 0 = takes a value, not secret */
  /* ---- ABI 1.0 ends here ---- */
} jcode_option_decl;

/* ------------------------------------------------------------------------------------- */
/* Host services: HTTP */

#define JCODE_HTTP_F_RETRY 0x1u  /* the host may retry (backoff, Retry-After) on connect errors,
                                    429 and 5xx, as long as no response body was delivered */
#define JCODE_HTTP_F_SSE 0x2u    /* parse the body as Server-Sent Events: on_event instead of on_body
                                    for 2xx responses */
/* Filled by the plugin; borrowed by the host for the http() call (it copies the request and
 * wipes its copies of headers and body afterwards). */
typedef struct jcode_http_request {
  uint32_t struct_size;       /* MANDATORY: set by the plugin */
  jcode_str method;           /* MANDATORY: "GET", "POST", … */
  jcode_str url;              /* MANDATORY: from host->endpoint_url plus a path */
  const jcode_kv *headers;    /* OPTIONAL: header_count entries; NULL when there are none */
  size_t header_count;        /* OPTIONAL: 0 = no headers (MANDATORY when headers != NULL) */
  jcode_str body;             /* OPTIONAL: empty = no body */
  uint32_t flags;             /* OPTIONAL: JCODE_HTTP_F_*, 0 = no retry, raw body */
  uint32_t timeout_ms;        /* OPTIONAL: 0 = host default; an idle timeout (no data for that
                                 long: JCODE_E_TIMEOUT), which matters for streams */
  /* ---- ABI 1.0 ends here ---- */
} jcode_http_request;

/* Callbacks for one response, provided and owned by the plugin; the host calls them on the
 * calling thread, only during the http() call, and keeps nothing after it. Everything passed
 * to a callback is host-owned and borrowed for that callback. Returning an error from a
 * callback aborts the transfer and the http call returns that error. */
typedef jcode_status(JCODE_CALL *jcode_http_response_sink_on_status_fn)(void *self, int32_t status,
                                                                        const jcode_kv *headers,
                                                                        size_t header_count);
typedef jcode_status(JCODE_CALL *jcode_http_response_sink_on_body_fn)(void *self, const char *data,
                                                                      size_t len);
typedef jcode_status(JCODE_CALL *jcode_http_response_sink_on_event_fn)(void *self, jcode_str event,
                                                                       jcode_str data);

typedef struct jcode_http_response_sink {
  uint32_t struct_size; /* MANDATORY: set by the plugin */
  void *self;           /* OPTIONAL: the plugin's pointer, passed back to every callback */
  /* MANDATORY: the final status and headers (after host retries), before any body.
   * headers may be NULL when header_count is 0. */
  jcode_http_response_sink_on_status_fn on_status;
  /* OPTIONAL: raw body bytes (always for non-2xx, and for 2xx without JCODE_HTTP_F_SSE).
   * NULL: the body is dropped. */
  jcode_http_response_sink_on_body_fn on_body;
  /* OPTIONAL: one SSE event (JCODE_HTTP_F_SSE, 2xx): event name ("" if none) and its data
   * lines joined by "\n". NULL: the events are dropped. */
  jcode_http_response_sink_on_event_fn on_event;
  /* ---- ABI 1.0 ends here ---- */
} jcode_http_response_sink;

/* ------------------------------------------------------------------------------------- */
/* Host services: prompts, processes, loopback */

#define JCODE_PROMPT_TEXT 1
#define JCODE_PROMPT_SECRET 2  /* no echo; the host wipes its copy of the answer, and the plugin
                                  should pass an answer sink flagged JCODE_SINK_SECRET */
#define JCODE_PROMPT_CHOICE 3  /* choices: "a|b|c"; the answer is one of them */
#define JCODE_PROMPT_CONFIRM 4 /* the answer is "y" or "n" */
/* Filled by the plugin; borrowed by the host for the prompt() call. */
typedef struct jcode_prompt {
  uint32_t struct_size;      /* MANDATORY: set by the plugin */
  int32_t kind;              /* MANDATORY: JCODE_PROMPT_* (another value: JCODE_E_INVALID_ARG) */
  jcode_str question;        /* MANDATORY */
  jcode_str default_value;   /* OPTIONAL: empty = no default (TEXT, CHOICE) */
  jcode_str choices;         /* MANDATORY for CHOICE, ignored otherwise */
  /* ---- ABI 1.0 ends here ---- */
} jcode_prompt;

/* Filled by the plugin; borrowed by the host for the spawn() call (it wipes its copies of env
 * and stdin_data afterwards). */
typedef struct jcode_process_spec {
  uint32_t struct_size;     /* MANDATORY: set by the plugin */
  const jcode_str *argv;    /* MANDATORY: argc entries; argv[0] searched in PATH. Never put a
                               secret here: use env */
  size_t argc;              /* MANDATORY: >= 1 (0 is JCODE_E_INVALID_ARG) */
  const jcode_kv *env;      /* OPTIONAL: added to (or replacing) the inherited environment;
                               NULL when env_count is 0 */
  size_t env_count;         /* OPTIONAL: 0 = the inherited environment only */
  jcode_str stdin_data;     /* OPTIONAL: written to the child's stdin, then closed; empty =
                               stdin is closed at once */
  uint32_t timeout_ms;      /* OPTIONAL: 0 = none; the child is killed on expiry */
  /* ---- ABI 1.0 ends here ---- */
  uint32_t flags;           /* OPTIONAL (1.3): JCODE_PROCESS_F_*, 0 = none. A 1.0-1.2 host does
                               not read it: check the negotiated minor before relying on it */
  /* ---- ABI 1.3 ends here ---- */
} jcode_process_spec;

/* jcode_process_spec.flags (1.3). TERMINAL: the child uses jcode's terminal — stdin, stdout
 * and stderr are jcode's, it runs in jcode's foreground process group (an interactive login
 * of another tool, `cursor-agent login`); stdin_data and the sink's callbacks are unused.
 * JCODE_E_NONINTERACTIVE when jcode has no terminal. */
#define JCODE_PROCESS_F_TERMINAL 0x1u

/* The child's output, provided and owned by the plugin; called only during spawn(). data is
 * borrowed for the callback. An error return stops the child and spawn returns it. */
typedef jcode_status(JCODE_CALL *jcode_process_sink_on_stdout_fn)(void *self, const char *data,
                                                                  size_t len);
typedef jcode_status(JCODE_CALL *jcode_process_sink_on_stderr_fn)(void *self, const char *data,
                                                                  size_t len);

typedef struct jcode_process_sink {
  uint32_t struct_size;                      /* MANDATORY: set by the plugin */
  void *self;                                /* OPTIONAL: passed back to the callbacks */
  jcode_process_sink_on_stdout_fn on_stdout; /* OPTIONAL: NULL = stdout is dropped */
  jcode_process_sink_on_stderr_fn on_stderr; /* OPTIONAL: NULL = stderr is dropped */
  /* ---- ABI 1.0 ends here ---- */
} jcode_process_sink;

/* Filled by the plugin; borrowed by the host for the loopback_listen() call. */
typedef struct jcode_loopback_spec {
  uint32_t struct_size;  /* MANDATORY: set by the plugin */
  uint32_t port;         /* OPTIONAL: 0 = any free port; otherwise fixed (busy → JCODE_E_IO at
                            once; above 65535 → JCODE_E_INVALID_ARG) */
  jcode_str host;        /* OPTIONAL: host name used in the redirect URI: "localhost" or
                            "127.0.0.1"; empty = "localhost"; anything else is
                            JCODE_E_INVALID_ARG (the listener always binds 127.0.0.1) */
  jcode_str path;        /* MANDATORY: starts with '/': "/callback" */
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

/* Static data of the plugin (jcode_login_api.oauth) or filled by it for host->oauth_authorize
 * (then borrowed for the call). The host copies what it keeps. */
typedef struct jcode_oauth_client {
  uint32_t struct_size;              /* MANDATORY: set by the plugin */
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
  uint32_t redirect_port;            /* MANDATORY for LOOPBACK_FIXED, ignored otherwise */
  uint32_t timeout_s;                /* OPTIONAL: wait for the callback; 0 = 300 */
  const char *redirect_host;         /* OPTIONAL: "localhost" (default) or "127.0.0.1" */
  const char *redirect_path;         /* MANDATORY for loopback kinds: "/callback" */
  const char *manual_redirect_uri;   /* OPTIONAL: redirect for the paste flow */
  uint32_t flags;                    /* OPTIONAL: JCODE_OAUTH_F_*, 0 = none */
  /* ---- ABI 1.0 ends here ---- */
} jcode_oauth_client;

/* Like jcode_oauth_client: static, or borrowed for host->device_authorize. */
typedef struct jcode_device_client {
  uint32_t struct_size;         /* MANDATORY: set by the plugin */
  const char *client_id;        /* MANDATORY */
  const char *device_endpoint;  /* MANDATORY: endpoint name of the device authorization endpoint */
  const char *token_endpoint;   /* MANDATORY: endpoint name */
  const char *scopes;           /* OPTIONAL: NULL = no scope parameter */
  /* ---- ABI 1.0 ends here ---- */
} jcode_device_client;

/* What the user asked `jcode login` for. Filled by the host and borrowed by the plugin for
 * the call it is passed to (login run); the plugin may pass it on, unchanged or as its own
 * copy, to host->oauth_authorize / device_authorize during that call. */
#define JCODE_LOGIN_F_NO_BROWSER 0x1u
#define JCODE_LOGIN_F_PRINT_AUTH_URL 0x2u /* save pending state, print the URL, exit */
#define JCODE_LOGIN_F_COMPLETE 0x4u       /* resume a pending device flow */
#define JCODE_LOGIN_F_JSON 0x8u
#define JCODE_LOGIN_F_NONINTERACTIVE 0x10u
typedef struct jcode_login_request {
  uint32_t struct_size;     /* MANDATORY: set by the host */
  uint32_t flags;           /* OPTIONAL: JCODE_LOGIN_F_*, 0 = none */
  jcode_str callback_url;   /* OPTIONAL: --callback-url (already read from stdin for "-");
                               empty = not given */
  jcode_str auth_code;      /* OPTIONAL: --auth-code; empty = not given */
  const jcode_kv *options;  /* OPTIONAL: the plugin's declared options the user gave, by name
                               (option_count entries; NULL when there are none) */
  size_t option_count;      /* OPTIONAL: 0 = no options given */
  /* ---- ABI 1.0 ends here ---- */
} jcode_login_request;

/* ------------------------------------------------------------------------------------- */
/* Host services table. Allocated and owned by the host, valid for the process lifetime:
 * the plugin may keep the pointer it got in jcode_init_in.host, and the ctx with it.
 *
 * Presence: from the plugin's point of view every function up to "ABI 1.0 ends here" is
 * MANDATORY for the host, i.e. present and non-NULL in every host that accepts a 1.0 plugin:
 * call it without a JCODE_HAS_FIELD check. A host build that lacks a service still has the
 * function, which then fails with JCODE_E_NOT_SUPPORTED naming the service (PAP-HOST-14).
 * Functions added after 1.0 are OPTIONAL for the plugin: check them with
 * JCODE_HAS_FIELD(host, jcode_host_api, f) and degrade when absent (PAP-PLUGIN-10).
 *
 * Common rules for every function below:
 *  - First argument: the jcode_host_ctx *ctx the plugin was given (jcode_init_in.ctx, also
 *    passed to create()). The one exception: loopback_wait and loopback_close take the
 *    jcode_loopback * handle made by loopback_listen (it remembers its ctx). A NULL ctx or
 *    handle is JCODE_E_INVALID_ARG (void functions: nothing happens).
 *  - Thread-safe: any thread, concurrently (for threads the plugin started, within
 *    PAP-PLUGIN-15). Calls on one loopback handle must not overlap (see there). Never throws.
 *  - Inputs are borrowed for the call: every jcode_str, struct, array and callback sink the
 *    plugin passes is copied (what the host needs) before the function returns; the host
 *    keeps no plugin pointer after it (PAP-HOST-9). The plugin may free them right after.
 *  - Outputs go into a jcode_sink the PLUGIN provides and owns (struct, self and bytes): the
 *    host writes into it only on success, only before returning, and returns write()'s
 *    status if that fails. Nothing written means an empty result. Ask for secret values
 *    (tokens, store and state contents) with a sink flagged JCODE_SINK_SECRET; the host
 *    wipes its own copies either way.
 *  - Failures: a negative jcode_status, and a message for the user recorded for the current
 *    call (shown when the plugin gives none with set_error, PAP-HOST-12). NULL where
 *    MANDATORY, ptr == NULL with len > 0, or a too small struct_size: JCODE_E_INVALID_ARG.
 *  - Strings the host shows or logs (log, notify, set_error, its own errors) have every value
 *    the plugin registered with add_secret replaced by "[REDACTED]". */

#define JCODE_LOG_ERROR 1
#define JCODE_LOG_WARN 2
#define JCODE_LOG_INFO 3
#define JCODE_LOG_DEBUG 4

/* Messages */
typedef void(JCODE_CALL *jcode_host_log_fn)(jcode_host_ctx *ctx, int32_t level, jcode_str message);
typedef void(JCODE_CALL *jcode_host_set_error_fn)(jcode_host_ctx *ctx, jcode_status code,
                                                  jcode_str message);
typedef void(JCODE_CALL *jcode_host_add_secret_fn)(jcode_host_ctx *ctx, jcode_str secret);
typedef void(JCODE_CALL *jcode_host_notify_fn)(jcode_host_ctx *ctx, jcode_str message);
/* Configuration and environment */
typedef jcode_status(JCODE_CALL *jcode_host_config_get_fn)(jcode_host_ctx *ctx, jcode_str key,
                                                           jcode_sink *out);
typedef jcode_status(JCODE_CALL *jcode_host_env_get_fn)(jcode_host_ctx *ctx, jcode_str name,
                                                        jcode_sink *out);
typedef jcode_status(JCODE_CALL *jcode_host_endpoint_url_fn)(jcode_host_ctx *ctx, jcode_str name,
                                                             jcode_sink *out);
/* Clock and randomness */
typedef int64_t(JCODE_CALL *jcode_host_now_ms_fn)(jcode_host_ctx *ctx);
typedef jcode_status(JCODE_CALL *jcode_host_random_bytes_fn)(jcode_host_ctx *ctx, void *buf,
                                                             size_t len);
/* HTTP */
typedef jcode_status(JCODE_CALL *jcode_host_http_fn)(jcode_host_ctx *ctx,
                                                     const jcode_http_request *req,
                                                     const jcode_http_response_sink *sink);
/* The user */
typedef jcode_status(JCODE_CALL *jcode_host_prompt_fn)(jcode_host_ctx *ctx,
                                                       const jcode_prompt *prompt,
                                                       jcode_sink *answer);
typedef jcode_status(JCODE_CALL *jcode_host_open_url_fn)(jcode_host_ctx *ctx, jcode_str url);
/* Loopback listener: wait and close take the handle, not the ctx */
typedef jcode_status(JCODE_CALL *jcode_host_loopback_listen_fn)(jcode_host_ctx *ctx,
                                                                const jcode_loopback_spec *spec,
                                                                jcode_loopback **out,
                                                                jcode_sink *redirect_uri);
typedef jcode_status(JCODE_CALL *jcode_host_loopback_wait_fn)(jcode_loopback *lb,
                                                              uint32_t timeout_ms,
                                                              jcode_sink *query);
typedef void(JCODE_CALL *jcode_host_loopback_close_fn)(jcode_loopback *lb);
/* Subprocesses */
typedef jcode_status(JCODE_CALL *jcode_host_spawn_fn)(jcode_host_ctx *ctx,
                                                      const jcode_process_spec *spec,
                                                      const jcode_process_sink *sink,
                                                      int32_t *exit_code);
/* Credential store */
typedef jcode_status(JCODE_CALL *jcode_host_store_read_fn)(jcode_host_ctx *ctx,
                                                           jcode_str source_id, jcode_sink *out);
typedef jcode_status(JCODE_CALL *jcode_host_store_write_fn)(jcode_host_ctx *ctx,
                                                            jcode_str source_id,
                                                            jcode_str content);
/* Pending login state */
typedef jcode_status(JCODE_CALL *jcode_host_state_put_fn)(jcode_host_ctx *ctx, jcode_str key,
                                                          jcode_str value, int64_t ttl_ms);
typedef jcode_status(JCODE_CALL *jcode_host_state_get_fn)(jcode_host_ctx *ctx, jcode_str key,
                                                          jcode_sink *out);
typedef jcode_status(JCODE_CALL *jcode_host_state_erase_fn)(jcode_host_ctx *ctx, jcode_str key);
/* The OAuth engine */
typedef jcode_status(JCODE_CALL *jcode_host_oauth_authorize_fn)(jcode_host_ctx *ctx,
                                                                const jcode_oauth_client *client,
                                                                const jcode_login_request *req,
                                                                jcode_sink *token_json);
typedef jcode_status(JCODE_CALL *jcode_host_device_authorize_fn)(jcode_host_ctx *ctx,
                                                                 const jcode_device_client *client,
                                                                 const jcode_login_request *req,
                                                                 jcode_sink *token_json);
/* Cancellation */
typedef int32_t(JCODE_CALL *jcode_host_is_cancelled_fn)(jcode_host_ctx *ctx);
/* Run-time URLs and user-named files (ABI 1.1) */
typedef jcode_status(JCODE_CALL *jcode_host_resolve_url_fn)(jcode_host_ctx *ctx, jcode_str url,
                                                            jcode_str setting, jcode_sink *out);
typedef jcode_status(JCODE_CALL *jcode_host_read_file_fn)(jcode_host_ctx *ctx, jcode_str path,
                                                          uint64_t max_bytes, jcode_sink *out);
/* The provider a context serves (ABI 1.3) */
typedef jcode_status(JCODE_CALL *jcode_host_provider_id_fn)(jcode_host_ctx *ctx, jcode_sink *out);

typedef struct jcode_host_api {
  uint32_t struct_size; /* MANDATORY: set by the host to the size of the table it offers */
  uint32_t abi_minor;   /* MANDATORY: set by the host: the newest minor it implements
                           (= jcode_init_in.abi_minor_max) */

  /* -- Messages. The host copies every string before returning; nothing is returned, and a
   *    bad argument (NULL ctx, ptr == NULL with len > 0) is silently ignored. -- */
  /* MANDATORY (1.0). Log message at level JCODE_LOG_* (another value counts as INFO); shown
   * with -v. message: borrowed, copied, may be empty. */
  jcode_host_log_fn log;
  /* MANDATORY (1.0). Set the detail message for the failure the current call from the host
   * into this plugin (on this thread) is about to return; a later set_error in the same call
   * replaces it. code: the status you will return (informational: the status the function
   * returns is what counts). message: borrowed, copied. Outside such a call (e.g. on a
   * thread the plugin started) it is ignored. */
  jcode_host_set_error_fn set_error;
  /* MANDATORY (1.0). Tell the host a value is secret: it is redacted from every later log
   * line, notice and error of this plugin. secret: borrowed, copied (and wiped by the host
   * when dropped); empty is ignored; values shorter than 6 bytes are remembered by the
   * logger but not replaced in this plugin's messages (they would hit ordinary words). */
  jcode_host_add_secret_fn add_secret;
  /* MANDATORY (1.0). Print a message for the user (stderr), e.g. "Enter code ABCD-EFGH".
   * Redacted. message: borrowed, copied. */
  jcode_host_notify_fn notify;

  /* -- Configuration and environment. JCODE_E_NOT_FOUND when absent; the value is written
   *    to out, a plugin-owned sink. -- */
  /* MANDATORY (1.0). A value of the plugin's config table [plugins.<id>] (dotted keys inside
   * it): strings as they are, numbers and booleans as TOML text, arrays and tables as
   * compact JSON. key: borrowed. */
  jcode_host_config_get_fn config_get;
  /* MANDATORY (1.0). An environment variable (the host may sandbox or override it in tests).
   * name: borrowed. A variable set to "" is found (an empty value). */
  jcode_host_env_get_fn env_get;
  /* MANDATORY (1.0). The effective URL of one of the plugin's declared endpoints, by short
   * name ("token"), after config and env overrides. An undeclared name: JCODE_E_NOT_FOUND. */
  jcode_host_endpoint_url_fn endpoint_url;

  /* -- Clock and randomness (injectable by tests). -- */
  /* MANDATORY (1.0). Wall-clock time, Unix milliseconds (0 only if the host failed). */
  jcode_host_now_ms_fn now_ms;
  /* MANDATORY (1.0). Fills buf (plugin-owned, len bytes; NULL allowed when len is 0) with
   * cryptographically secure random bytes. */
  jcode_host_random_bytes_fn random_bytes;

  /* -- HTTP(S). Blocking; the host owns TLS, proxies, CA bundle, timeouts, retries. -- */
  /* MANDATORY (1.0). req: borrowed, copied. sink: plugin-owned, borrowed for the call; its
   * callbacks run before http() returns (on_status is MANDATORY), so they may have seen data
   * before a later failure. Returns JCODE_OK when a response was delivered, whatever its
   * HTTP status (see on_status); an error for transport failures (JCODE_E_NETWORK,
   * JCODE_E_TIMEOUT, JCODE_E_CANCELLED, ...) or the status a callback returned to stop the
   * transfer. */
  jcode_host_http_fn http;

  /* -- The user. JCODE_E_NONINTERACTIVE without a terminal. -- */
  /* MANDATORY (1.0). Ask the user; writes the answer (for CONFIRM "y" or "n") to answer, a
   * plugin-owned sink. prompt: borrowed, copied. */
  jcode_host_prompt_fn prompt;
  /* MANDATORY (1.0). Opens a browser unless suppressed (--no-browser, NO_BROWSER, SSH, no
   * display); then it prints the URL (and a QR code) instead and returns
   * JCODE_E_NOT_SUPPORTED. url: borrowed, copied, not empty. */
  jcode_host_open_url_fn open_url;

  /* -- Loopback redirect listener (binds 127.0.0.1; the bound socket is the one that serves).
   *    The exception to "the first argument is the ctx": loopback_listen takes the ctx and
   *    makes a jcode_loopback handle; loopback_wait and loopback_close take that handle.
   *    A handle is owned by the host and tied to the ctx that made it. It is valid from a
   *    JCODE_OK loopback_listen until loopback_close, which MUST be called exactly once
   *    (also after a failed or timed-out wait); after it the pointer is invalid and any use,
   *    including a second close, is undefined behaviour. It may be used from any thread, but
   *    calls on one handle must not overlap (no two waits at once, no close during a wait);
   *    different handles are independent. A handle never closed keeps its port until the
   *    process exits. -- */
  /* MANDATORY (1.0). Binds 127.0.0.1 (spec->port) and serves spec->path; writes the
   * redirect URI "http://<host>:<port><path>" to redirect_uri (plugin-owned sink, MANDATORY)
   * and stores the new handle in *out. spec: borrowed, copied. out: MANDATORY; *out is set
   * to NULL first and stays NULL on every failure (then there is nothing to close). */
  jcode_host_loopback_listen_fn loopback_listen;
  /* MANDATORY (1.0). Waits for one request with a query on the path; writes its query string
   * (without '?', not decoded) to query (plugin-owned sink, MANDATORY); the plugin checks it
   * (state, error=). timeout_ms: 0 = 300 s. JCODE_E_TIMEOUT when none arrived in time and
   * JCODE_E_CANCELLED on Ctrl-C: the handle stays valid and listening, and wait may be
   * called again. Once a request was received, every later wait returns the same query at
   * once. */
  jcode_host_loopback_wait_fn loopback_wait;
  /* MANDATORY (1.0). Stops serving, releases the port and frees the handle. NULL: no-op. */
  jcode_host_loopback_close_fn loopback_close;

  /* -- Subprocesses. Blocking; secrets go through env or stdin_data, never argv. -- */
  /* MANDATORY (1.0). Runs spec (borrowed, copied) and waits for the child. sink: OPTIONAL
   * (NULL drops the output). exit_code: OPTIONAL (NULL = not wanted), set on JCODE_OK.
   * Returns JCODE_OK once the child exited, whatever its exit code; JCODE_E_NOT_FOUND when
   * argv[0] is not found, JCODE_E_TIMEOUT or JCODE_E_CANCELLED when the host stopped it. */
  jcode_host_spawn_fn spawn;

  /* -- Credential store: the plugin's own declared JCODE_FILE / APP_ENV_FILE sources only,
   *    by source id. Writes are atomic with mode 0600. -- */
  /* MANDATORY (1.0). Writes the source's whole content to out (plugin-owned sink; use a
   * JCODE_SINK_SECRET one). JCODE_E_NOT_FOUND when the file does not exist yet. */
  jcode_host_store_read_fn store_read;
  /* MANDATORY (1.0). Replaces the source's content with content (borrowed, copied, wiped). */
  jcode_host_store_write_fn store_write;

  /* -- Pending login state (survives the process; expires after ttl_ms). Keys are
   *    [a-z0-9_-]{1,64} and private to the plugin. Values are borrowed, copied, wiped. -- */
  /* MANDATORY (1.0). Stores value under key for ttl_ms (> 0) milliseconds. */
  jcode_host_state_put_fn state_put;
  /* MANDATORY (1.0). Writes the value to out (plugin-owned sink). JCODE_E_NOT_FOUND when
   * absent, JCODE_E_AUTH_EXPIRED when its ttl passed. */
  jcode_host_state_get_fn state_get;
  /* MANDATORY (1.0). Removes key; an absent key is not an error. */
  jcode_host_state_erase_fn state_erase;

  /* -- The OAuth engine, for plugins whose login needs steps around it. Writes the token
   *    endpoint's JSON response. -- */
  /* MANDATORY (1.0). Runs the authorization code flow (PKCE, loopback or paste) for client
   * (borrowed, copied; client_id, authorize and token endpoints MANDATORY). req: OPTIONAL
   * (NULL = no flags or options), borrowed. Writes the token response JSON to token_json
   * (plugin-owned sink, MANDATORY; use a JCODE_SINK_SECRET one). JCODE_E_CANCELLED also
   * when the login was deferred (JCODE_LOGIN_F_PRINT_AUTH_URL). */
  jcode_host_oauth_authorize_fn oauth_authorize;
  /* MANDATORY (1.0). The same for the device flow (RFC 8628): client borrowed, copied
   * (client_id, device and token endpoints MANDATORY); req OPTIONAL. */
  jcode_host_device_authorize_fn device_authorize;

  /* MANDATORY (1.0). Nonzero once the user asked to stop (Ctrl-C); long loops poll it. */
  jcode_host_is_cancelled_fn is_cancelled;
  /* ---- ABI 1.0 ends here ---- */

  /* -- Run-time URLs and files the user names. OPTIONAL (1.1) for the plugin: check with
   *    JCODE_HAS_FIELD(host, jcode_host_api, f); a 1.0 host has neither. -- */
  /* OPTIONAL (1.1). The URL to contact for one the plugin builds from the user's data at run
   * time (an Azure resource endpoint, OPENAI_BASE_URL, an identity endpoint from the
   * environment), so that every URL a plugin contacts goes through the host's one override
   * mechanism. url: borrowed. setting: borrowed, how the user set it ("AZURE_OPENAI_ENDPOINT
   * in azure-openai.env"), named in the refusal message; empty = "the URL". The URL is
   * checked like a declared endpoint (https://, or http:// only to this machine or the cloud
   * instance-metadata address; no user:password@, no #fragment): JCODE_E_INVALID_ARG with
   * the reason otherwise. Under JCODE_EMULATOR_URL it is rewritten to the emulator exactly as
   * a declared endpoint's default is. Writes the effective URL to out (plugin-owned). */
  jcode_host_resolve_url_fn resolve_url;
  /* OPTIONAL (1.1). Reads a file the user's environment or configuration names (e.g. a
   * workload identity token file), up to max_bytes (0 = 1 MiB). path: borrowed, absolute or
   * "~/…". Not for credential files: jcode's own are refused (use store_read), and other
   * tools' files are declared sources read after consent. Writes the content to out
   * (plugin-owned; the host treats it as a secret and wipes its copy). JCODE_E_NOT_FOUND when
   * absent, JCODE_E_IO when unreadable, not a regular file or larger than max_bytes. */
  jcode_host_read_file_fn read_file;
  /* ---- ABI 1.1 ends here ---- */

  /* -- One library, several providers. OPTIONAL (1.3) for the plugin: check with
   *    JCODE_HAS_FIELD; a 1.0-1.2 host has none (and serves only the plugin's own id). -- */
  /* OPTIONAL (1.3). Writes to out (plugin-owned) the id of the provider this context serves:
   * the plugin's own id, one of its jcode_plugin_api.providers, or the name of a
   * [providers.<name>] profile it runs (jcode_plugin_api.profile_type). create() calls it to
   * learn which provider its instance is. */
  jcode_host_provider_id_fn provider_id;
  /* ---- ABI 1.3 ends here ---- */
} jcode_host_api;

/* ------------------------------------------------------------------------------------- */
/* Role: credential source */

/* Common rules for every plugin function (credential, login, transport tables):
 *  - inst is what create() made. Every argument is host-owned and borrowed for the call: the
 *    declarations passed back (source) are the plugin's own static ones; strings, credentials
 *    and requests are the host's; the sinks (out, events) are host-provided and valid until
 *    the function returns, not after.
 *  - Results go out only through those sinks; the plugin returns no heap memory.
 *  - Failures: a negative jcode_status plus, optionally, host->set_error for the message.
 *    No exception may escape (PAP-PLUGIN-7).
 *  - The host serialises calls into one plugin unless it declares JCODE_PLUGIN_F_THREAD_SAFE;
 *    a call may re-enter the plugin on the same thread (the OAuth engine calling
 *    token_response during run). */

typedef jcode_status(JCODE_CALL *jcode_credential_parse_fn)(jcode_instance *inst,
                                                            const jcode_source_decl *source,
                                                            jcode_str content,
                                                            const jcode_credential_sink *out);
typedef jcode_status(JCODE_CALL *jcode_credential_serialize_fn)(jcode_instance *inst,
                                                                const jcode_source_decl *source,
                                                                jcode_str current,
                                                                const jcode_credential *cred,
                                                                jcode_sink *out);
typedef jcode_status(JCODE_CALL *jcode_credential_resolve_fn)(jcode_instance *inst,
                                                              const jcode_source_decl *source,
                                                              const jcode_credential_sink *out);

typedef struct jcode_credential_api {
  uint32_t struct_size; /* MANDATORY: set by the plugin */
  /* MANDATORY. Turn the content of a declared source into a credential and put() it.
   * content: the file's bytes, the env var's value, or the command's stdout (already
   * consented to and read by the host; borrowed, may be a secret). Return JCODE_E_DECLINE
   * when it holds nothing for this provider, JCODE_E_PROTOCOL (with set_error) when it is
   * malformed. */
  jcode_credential_parse_fn parse;
  /* MANDATORY when a JCODE_FILE source exists, else OPTIONAL (NULL). Write to out (a
   * host-provided sink) the new content of own source `source` holding cred, given its
   * current content (empty when new) so the plugin keeps what else it holds (other
   * accounts). cred == NULL: remove the active credential. */
  jcode_credential_serialize_fn serialize;
  /* MANDATORY when a JCODE_SOURCE_PLUGIN source is declared (the host refuses the table
   * otherwise), else OPTIONAL (NULL): find a credential with host services and put() it, or
   * return JCODE_E_DECLINE. */
  jcode_credential_resolve_fn resolve;
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

typedef jcode_status(JCODE_CALL *jcode_login_token_response_fn)(jcode_instance *inst,
                                                                jcode_str json,
                                                                const jcode_credential *previous,
                                                                const jcode_credential_sink *out);
typedef jcode_status(JCODE_CALL *jcode_login_after_login_fn)(jcode_instance *inst,
                                                             const jcode_credential *cred,
                                                             const jcode_credential_sink *out);
typedef jcode_status(JCODE_CALL *jcode_login_run_fn)(jcode_instance *inst,
                                                     const jcode_login_request *req,
                                                     const jcode_credential_sink *out);

typedef struct jcode_login_api {
  uint32_t struct_size;                 /* MANDATORY: set by the plugin */
  int32_t method;                       /* MANDATORY: JCODE_LOGIN_* */
  const jcode_oauth_client *oauth;      /* MANDATORY for OAUTH_PKCE (static), else OPTIONAL */
  const jcode_device_client *device;    /* MANDATORY for DEVICE (static), else OPTIONAL */
  const jcode_option_decl *const *options; /* OPTIONAL: NULL-terminated, static; NULL = none */
  /* OPTIONAL: turn a token endpoint JSON response (login or refresh) into a credential.
   * previous: the credential being refreshed, NULL at login (keep its refresh token when
   * the response has none). NULL function: the host maps RFC 6749 fields itself. */
  jcode_login_token_response_fn token_response;
  /* OPTIONAL: enrich a fresh login (e.g. fetch the profile email); put() the result.
   * NULL: the credential is saved as it is. */
  jcode_login_after_login_fn after_login;
  /* MANDATORY for CUSTOM, else OPTIONAL: the whole login. put() a credential to have the
   * host save it to the LOGIN_TARGET source, or save through host->store_write and put
   * nothing. req: host-owned, borrowed. */
  jcode_login_run_fn run;
  /* ---- ABI 1.0 ends here ---- */
} jcode_login_api;

/* ------------------------------------------------------------------------------------- */
/* Role: transport */

/* One request. conversation is JSON in jcode's neutral format (docs/plugin-abi.md §
 * "Conversation format"): {"system": "...", "messages": [{"role": "user"|"assistant",
 * "content": [{"type":"text","text":..} | {"type":"tool_use","id":..,"name":..,"input":{}} |
 * {"type":"tool_result","tool_use_id":..,"content":"..","is_error":false}]}],
 * "tools": [{"name":..,"description":..,"input_schema":{}}], "max_tokens": N}. Tool names
 * are jcode's native ones; wire-name mapping is the plugin's business. Filled by the host;
 * borrowed for the send() call. */
typedef struct jcode_chat_request {
  uint32_t struct_size;   /* MANDATORY: set by the host */
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

/* One streamed event, filled by the plugin (zero-filled, then struct_size and type) and
 * borrowed by the host for the emit() call: every string may point into the plugin's buffers
 * and be reused after emit returns. Which fields each type uses (a field a type does not list
 * is OPTIONAL, left zero/empty, and ignored by the host):
 *
 *   type           MANDATORY                       OPTIONAL
 *   TEXT           text (a delta, may be empty)    index (the content block)
 *   THINKING       text (a delta)                  index
 *   TOOL_CALL_START id, name (native), index       -
 *   TOOL_CALL_DELTA index (as in START), json      id (matched when index is unknown)
 *                   (a fragment of the arguments)
 *   TOOL_CALL_END  index, json (the complete       id, name (replace START's when not empty)
 *                   arguments, a JSON object;
 *                   "{}" for none)
 *   USAGE          input_tokens, output_tokens     cache_read_tokens, cache_write_tokens
 *                   (cumulative for the response;   (0 = none or unknown); the host keeps
 *                   0 = unknown)                    the largest value seen of each counter
 *   STOP           text (end_turn, tool_use,       -
 *                   max_tokens, ...)
 *   ERROR          text (the message)              name (error type, prefixed to text unless
 *                                                  text contains it), http_status (0 = none)
 *   MODEL          text (the model that answers)   -
 *
 * The TOOL_CALL_END json is what the host runs; the concatenated DELTA fragments are used
 * only when no END arrives or its json is empty. Several tool calls may be open at once:
 * index tells them apart. */
typedef struct jcode_event {
  uint32_t struct_size;       /* MANDATORY: set by the plugin (too small for type:
                                 JCODE_E_INVALID_ARG) */
  int32_t type;               /* MANDATORY: JCODE_EVENT_*; unknown types are ignored by the host */
  jcode_str text;             /* MANDATORY for TEXT, THINKING, STOP, ERROR, MODEL; else OPTIONAL */
  jcode_str id;               /* MANDATORY for TOOL_CALL_START; OPTIONAL for TOOL_CALL_DELTA/END */
  jcode_str name;             /* MANDATORY for TOOL_CALL_START; OPTIONAL for TOOL_CALL_END, ERROR */
  jcode_str json;             /* MANDATORY for TOOL_CALL_DELTA, TOOL_CALL_END; else OPTIONAL */
  int64_t input_tokens;       /* MANDATORY for USAGE (0 = unknown); else OPTIONAL */
  int64_t output_tokens;      /* MANDATORY for USAGE (0 = unknown); else OPTIONAL */
  int64_t cache_read_tokens;  /* OPTIONAL: USAGE only; 0 = none or unknown */
  int64_t cache_write_tokens; /* OPTIONAL: USAGE only; 0 = none or unknown */
  int32_t index;              /* MANDATORY for TOOL_CALL_START/DELTA/END; OPTIONAL for TEXT,
                                 THINKING; the provider's content block index (0 is valid) */
  int32_t http_status;        /* OPTIONAL: ERROR only; the HTTP status if the error came with
                                 one, 0 = none */
  /* ---- ABI 1.0 ends here ---- */
} jcode_event;

/* Copies what it keeps of *event before returning. A non-OK return asks the plugin to stop and
 * return it: the handler refused, or the event was malformed (NULL or too small, a string
 * with ptr == NULL and len > 0: JCODE_E_INVALID_ARG). */
typedef jcode_status(JCODE_CALL *jcode_event_sink_emit_fn)(void *self, const jcode_event *event);

/* Provided by the host to send(); host-owned, valid only during that call. */
typedef struct jcode_event_sink {
  uint32_t struct_size;          /* MANDATORY: set by the host */
  void *self;                    /* OPTIONAL: host-owned, opaque; pass it back to emit() */
  jcode_event_sink_emit_fn emit; /* MANDATORY (always set by the host) */
  /* ---- ABI 1.0 ends here ---- */
} jcode_event_sink;

#define JCODE_TRANSPORT_F_TOOLS 0x1u      /* tool calls are supported */
#define JCODE_TRANSPORT_F_SUBPROCESS 0x2u /* answers come from a local CLI (host->spawn) */

typedef jcode_status(JCODE_CALL *jcode_transport_send_fn)(jcode_instance *inst,
                                                          const jcode_chat_request *req,
                                                          const jcode_credential *cred,
                                                          const jcode_event_sink *events);

typedef struct jcode_transport_api {
  uint32_t struct_size;      /* MANDATORY: set by the plugin */
  uint32_t flags;            /* OPTIONAL: JCODE_TRANSPORT_F_*, 0 = text only, over HTTP */
  const char *default_model; /* MANDATORY: static */
  /* MANDATORY. Send one turn and emit events until the response ends. cred: the credential
   * the host discovered (and refreshed); NULL when the plugin declares no sources. req, cred
   * and events are host-owned and borrowed for the call.
   * Return JCODE_E_AUTH_EXPIRED when the service refused the credential: the host
   * refreshes once and calls again. Other failures: emit an ERROR event or set_error. */
  jcode_transport_send_fn send;
  /* ---- ABI 1.0 ends here ---- */
} jcode_transport_api;

/* ------------------------------------------------------------------------------------- */
/* The plugin table and the entry point */

#define JCODE_ROLE_CREDENTIALS 0x1u
#define JCODE_ROLE_LOGIN 0x2u
#define JCODE_ROLE_TRANSPORT 0x4u
#define JCODE_PLUGIN_F_THREAD_SAFE 0x1u /* calls into one instance may be concurrent */

/* Another name the user may give for a plugin (ABI 1.1): a deprecated id kept for
 * compatibility, such as "claude-subprocess". Selecting the alias (--provider, config
 * default_provider) selects the plugin, with env_name=env_value set in the environment the
 * plugin sees through env_get and its children inherit. */
#define JCODE_ALIAS_F_HIDDEN 0x1u     /* not in `jcode plugins list` or help; `plugins info` shows it */
#define JCODE_ALIAS_F_DEPRECATED 0x2u /* using it warns once, naming `replacement` */
typedef struct jcode_alias_decl {
  uint32_t struct_size;    /* MANDATORY: set by the plugin */
  const char *name;        /* MANDATORY: [a-z0-9-]+; an installed plugin's id wins over it */
  const char *env_name;    /* OPTIONAL: a variable set when the alias is used; NULL = none */
  const char *env_value;   /* MANDATORY with env_name */
  const char *replacement; /* OPTIONAL: what to use instead ("JCODE_USE_CLAUDE_CLI=1") */
  uint32_t flags;          /* OPTIONAL: JCODE_ALIAS_F_* */
  /* ---- ABI 1.1 ends here ---- */
} jcode_alias_decl;

/* A setting of the plugin's config table [plugins.<id>] (ABI 1.2). When a plugin declares
 * its settings, the host checks the table before create(): a value of the wrong type is an
 * error naming the file, line, key and the type expected (the plugin is not started, nothing
 * is converted), and a key the plugin does not declare is a warning naming the closest one.
 * A plugin that declares none (NULL config_keys, or a 1.0/1.1 plugin) is not checked.
 * Values still reach the plugin through config_get, as text: */
#define JCODE_CONFIG_STRING 1       /* a TOML string; config_get gives it as is */
#define JCODE_CONFIG_INTEGER 2      /* a TOML integer; config_get gives it in decimal */
#define JCODE_CONFIG_BOOLEAN 3      /* true/false; config_get gives "true" or "false" */
#define JCODE_CONFIG_STRING_LIST 4  /* a string or an array of strings; config_get gives the
                                       items joined by "," (an array item holding "," is a
                                       type error) */
#define JCODE_CONFIG_STRING_TABLE 5 /* a table of strings; config_get("<key>.<name>") gives one */
typedef struct jcode_config_decl {
  uint32_t struct_size; /* MANDATORY: set by the plugin */
  const char *key;      /* MANDATORY: [a-z0-9_]+, the key inside [plugins.<id>] */
  int32_t type;         /* MANDATORY: JCODE_CONFIG_*; an unknown type is not checked */
  const char *help;     /* MANDATORY: one line, for `jcode plugins info` */
  /* ---- ABI 1.2 ends here ---- */
} jcode_config_decl;

/* A further provider served by the same library (ABI 1.3): a catalogue of services that
 * differ only in data (an OpenAI-compatible preset table) ships as one file. The host lists
 * each as a provider of its own, with its own host context — its id names its endpoint
 * overrides (JCODE_ENDPOINT_<ID>_<NAME>), its [plugins.<id>] table, its stored credentials
 * and trust records — and its own instance: create() runs once per provider the user
 * selects and asks host->provider_id which one it is. Roles, flags, the credential, login
 * and transport tables and config_keys are the plugin's. A plugin file whose own id equals
 * a provider's id wins over it (the provider is listed as skipped), so a dedicated plugin
 * can replace a catalogue row. */
#define JCODE_PROVIDER_F_CREDENTIAL_OPTIONAL 0x1u /* a service that may need no key (a local
                                                     server): when no source answers, send()
                                                     is called with cred NULL instead of the
                                                     user being asked to log in */
typedef struct jcode_provider_decl {
  uint32_t struct_size;      /* MANDATORY: set by the plugin */
  const char *id;            /* MANDATORY: [a-z0-9-]+, unique among installed providers */
  const char *display_name;  /* MANDATORY: "Groq" */
  const char *description;   /* OPTIONAL: NULL = none */
  const jcode_endpoint_decl *const *endpoints; /* OPTIONAL: as jcode_plugin_api.endpoints */
  const jcode_source_decl *const *sources;     /* OPTIONAL: as jcode_plugin_api.sources */
  const char *default_model; /* OPTIONAL: NULL = the transport table's default_model */
  uint32_t flags;            /* OPTIONAL: JCODE_PROVIDER_F_*, 0 = none */
  /* ---- ABI 1.3 ends here ---- */
} jcode_provider_decl;

/* jcode_plugin_api.flags, ABI 1.3: the plugin also runs [providers.<name>] profiles that
 * have no `type` key (the plugin whose profile_type is the format's default type). */
#define JCODE_PLUGIN_F_UNTYPED_PROFILES 0x2u

/* *out receives the plugin's instance (plugin-owned; the host only passes it back). */
typedef jcode_status(JCODE_CALL *jcode_plugin_create_fn)(jcode_host_ctx *ctx,
                                                         jcode_instance **out);
typedef void(JCODE_CALL *jcode_plugin_destroy_fn)(jcode_instance *inst);
/* Returns a static NUL-terminated string (the host copies it) or NULL. */
typedef const char *(JCODE_CALL *jcode_plugin_reason_string_fn)(jcode_status code);

/* static const data of the plugin (PAP-PLUGIN-5); the host copies what it keeps at load. */
typedef struct jcode_plugin_api {
  uint32_t struct_size;       /* MANDATORY: set by the plugin */
  const char *id;             /* MANDATORY: [a-z0-9-]+, equals the <id> of the file name */
  const char *display_name;   /* MANDATORY: "Claude" */
  const char *version;        /* MANDATORY: the plugin's own version */
  const char *description;    /* OPTIONAL: NULL = none */
  uint32_t roles;             /* MANDATORY: JCODE_ROLE_*, must match the tables given */
  uint32_t flags;             /* OPTIONAL: JCODE_PLUGIN_F_*, 0 = calls are serialised */
  const jcode_endpoint_decl *const *endpoints; /* OPTIONAL: NULL-terminated; NULL = none */
  const jcode_source_decl *const *sources;     /* OPTIONAL: NULL-terminated, discovery order;
                                                  NULL = none */
  /* MANDATORY. Make an instance; may read config and env through host services, but does
   * no network I/O. The host calls it once per process, lazily, on the thread that uses it.
   * ctx: the same as jcode_init_in.ctx. On JCODE_OK *out must be non-NULL. */
  jcode_plugin_create_fn create;
  /* MANDATORY. Frees the instance; called at host shutdown, once, only for an instance
   * create() made (in reverse creation order across plugins). */
  jcode_plugin_destroy_fn destroy;
  const jcode_credential_api *credentials; /* MANDATORY with ROLE_CREDENTIALS, else NULL; static */
  const jcode_login_api *login;            /* MANDATORY with ROLE_LOGIN, else NULL; static */
  const jcode_transport_api *transport;    /* MANDATORY with ROLE_TRANSPORT, else NULL; static */
  /* OPTIONAL: a static string for a plugin-private status code, or NULL. NULL function: the
   * host names such codes by number. */
  jcode_plugin_reason_string_fn reason_string;
  /* ---- ABI 1.0 ends here ---- */
  /* OPTIONAL (1.1): other names of this plugin, NULL-terminated; NULL = none. Static. A host
   * reads it only when struct_size covers it, so a 1.0 host ignores it. */
  const jcode_alias_decl *const *aliases;
  /* ---- ABI 1.1 ends here ---- */
  /* OPTIONAL (1.2): the settings of [plugins.<id>], NULL-terminated; NULL = not declared
   * (nothing is checked). Static. A 1.0/1.1 host ignores it. */
  const jcode_config_decl *const *config_keys;
  /* ---- ABI 1.2 ends here ---- */
  /* OPTIONAL (1.3): further providers this library serves, NULL-terminated; NULL = only
   * its own id. Static. A 1.0-1.2 host ignores it. */
  const jcode_provider_decl *const *providers;
  /* OPTIONAL (1.3): the `type` of the user's named profiles ([providers.<name>] in
   * config.toml, written by `jcode provider add`) that this plugin runs, e.g. a dialect
   * name; NULL = none. Static. The host makes a provider of every profile of that type (and,
   * with JCODE_PLUGIN_F_UNTYPED_PROFILES, of every profile without one), named after the
   * profile and declared from it: the endpoint "api" = base_url; when auth is not "none",
   * the sources "profile_api_key_env" (ENV_VAR api_key_env) and "profile_env_file"
   * (APP_ENV_FILE env_file, key api_key_env, the login target); default_model. For such a
   * provider config_get reads the profile's own table (config_get("auth_header") is
   * [providers.<name>] auth_header). */
  const char *profile_type;
  /* ---- ABI 1.3 ends here ---- */
} jcode_plugin_api;

/* Input of the entry point: allocated and filled by the host, borrowed for the entry call
 * (copy the values you need; the pointers host and ctx stay valid for the process lifetime).
 * The first two fields are frozen for every major version, so any plugin can recognise a
 * major it does not serve. */
typedef struct jcode_init_in {
  uint32_t struct_size;   /* MANDATORY: set by the host; frozen */
  uint32_t abi_major;     /* MANDATORY: set by the host; frozen: the major offered */
  uint32_t abi_minor_min; /* MANDATORY: set by the host: oldest minor the host accepts */
  uint32_t abi_minor_max; /* MANDATORY: set by the host: newest minor the host implements */
  const jcode_host_api *host; /* MANDATORY: set by the host, never NULL: the services table;
                                 valid for the process lifetime, the plugin may keep it */
  jcode_host_ctx *ctx;    /* MANDATORY: set by the host, never NULL: this plugin's context,
                             for create() and upcalls; valid for the process lifetime */
  /* ---- ABI 1.0 ends here ---- */
} jcode_init_in;

/* Output of the entry point: allocated and zero-filled by the host, which sets
 * struct_size; the plugin writes only fields that fit (JCODE_HAS_FIELD), and nothing at all
 * when it returns an error. */
typedef struct jcode_init_out {
  uint32_t struct_size;        /* MANDATORY: set by the host; the plugin does not change it */
  uint32_t abi_minor;          /* MANDATORY: set by the plugin: min(its minor, abi_minor_max);
                                  outside [abi_minor_min, abi_minor_max] the plugin is refused */
  const jcode_plugin_api *api; /* MANDATORY: set by the plugin: its static const table */
  /* ---- ABI 1.0 ends here ---- */
} jcode_init_out;

/* MANDATORY: the one exported symbol, jcode_plugin_entry, with this signature (PAP-PLUGIN-1).
 * Does no I/O, allocates nothing, starts no thread: it checks the major
 * (JCODE_E_INCOMPATIBLE and nothing written if it cannot serve it) and fills out. in and out
 * are host-owned and borrowed for the call. */
typedef jcode_status(JCODE_CALL *jcode_plugin_entry_fn)(const jcode_init_in *in,
                                                        jcode_init_out *out);
#define JCODE_PLUGIN_ENTRY_SYMBOL "jcode_plugin_entry"

#ifndef JCODE_NO_ENTRY_DECLARATION
/* MANDATORY: defined by every plugin (JCODE_NO_ENTRY_DECLARATION hides this declaration, for
 * hosts and tests that include the header without being a plugin). */
JCODE_EXPORT jcode_status JCODE_CALL jcode_plugin_entry(const jcode_init_in *in,
                                                        jcode_init_out *out);
#endif

#ifdef __cplusplus
}
#endif
#endif /* JCODE_PLUGIN_H */
