/*
 * minimal_provider.c — a complete jcode provider plugin in plain C99, for third parties to
 * copy. It needs nothing but <jcode/plugin.h>:
 *
 *   cc -std=c99 -shared -fPIC -fvisibility=hidden -I<prefix>/include \
 *      minimal_provider.c -o jcode-provider-echo.so
 *   install -m 0755 jcode-provider-echo.so ~/.local/share/jcode/plugins/1/
 *
 * What it provides:
 *  - a credential source: the environment variable ECHO_API_KEY (an API key);
 *  - a transport: "echo", which answers every turn with the conversation it was sent, and
 *    reports where it would have sent it (the effective URL of its "api" endpoint, which
 *    config or JCODE_ENDPOINT_ECHO_API can override).
 *
 * The rules it follows (docs/plugin-abi.md): only jcode_plugin_entry is exported; the entry
 * point checks the major, answers min(our minor, the host's newest) and does nothing else;
 * every string handed to the host is borrowed for the call only (the host copies); output
 * goes through host-provided sinks; failures return a status and explain themselves with
 * host->set_error.
 */
#include <jcode/plugin.h>

#include <stdlib.h>
#include <string.h>

static const jcode_host_api *host; /* set by the entry point; valid for the process */

static jcode_str str(const char *s) {
  jcode_str r;
  r.ptr = s;
  r.len = s ? strlen(s) : 0;
  return r;
}

/* ---- declarations: static data, valid as long as the library is loaded ---- */

static const jcode_endpoint_decl api_endpoint = {
    sizeof(jcode_endpoint_decl), "api", "https://echo.invalid", "Where a real provider would send requests"};
static const jcode_endpoint_decl *const endpoints[] = {&api_endpoint, NULL};

static const jcode_source_decl env_source = {
    sizeof(jcode_source_decl), JCODE_SOURCE_ENV_VAR, "echo_env", "ECHO_API_KEY", NULL,
    "ECHO_API_KEY environment variable", JCODE_CRED_API_KEY, 0};
static const jcode_source_decl *const sources[] = {&env_source, NULL};

/* ---- the instance ---- */

struct jcode_instance {
  jcode_host_ctx *ctx;
};

static jcode_status JCODE_CALL echo_create(jcode_host_ctx *ctx, jcode_instance **out) {
  jcode_instance *inst = (jcode_instance *)calloc(1, sizeof *inst);
  if (!inst) return JCODE_E_NOMEM;
  inst->ctx = ctx;
  *out = inst;
  return JCODE_OK;
}

static void JCODE_CALL echo_destroy(jcode_instance *inst) { free(inst); }

/* ---- credential source: the host read ECHO_API_KEY and hands us its value ---- */

static jcode_status JCODE_CALL echo_parse(jcode_instance *inst, const jcode_source_decl *source,
                                          jcode_str content, const jcode_credential_sink *out) {
  jcode_credential cred;
  (void)source;
  while (content.len && (content.ptr[content.len - 1] == '\n' || content.ptr[content.len - 1] == ' ')) content.len--;
  if (content.len == 0) return JCODE_E_DECLINE; /* set but empty: nothing here */
  if (content.len < 8) {
    host->set_error(inst->ctx, JCODE_E_PROTOCOL, str("ECHO_API_KEY is too short to be a key (fix: set the full key)"));
    return JCODE_E_PROTOCOL;
  }
  host->add_secret(inst->ctx, content); /* never let it reach a log line */
  memset(&cred, 0, sizeof cred);
  cred.struct_size = sizeof cred;
  cred.kind = JCODE_CRED_API_KEY;
  cred.access_token = content;
  return out->put(out->self, &cred); /* the host copies before put() returns */
}

static const jcode_credential_api credentials = {sizeof(jcode_credential_api), echo_parse, NULL, NULL};

/* ---- transport ---- */

/* A plugin-owned sink for what the host writes back to us (here: an endpoint URL). */
typedef struct text_sink {
  jcode_sink sink;
  char buf[512];
  size_t len;
} text_sink;

static jcode_status JCODE_CALL text_write(void *self, const char *data, size_t len) {
  text_sink *t = (text_sink *)self;
  if (len > sizeof t->buf - t->len) return JCODE_E_NOMEM;
  if (len) memcpy(t->buf + t->len, data, len);
  t->len += len;
  return JCODE_OK;
}

static jcode_status emit_text(const jcode_event_sink *events, int32_t type, jcode_str text) {
  jcode_event e;
  memset(&e, 0, sizeof e);
  e.struct_size = sizeof e;
  e.type = type;
  e.text = text;
  return events->emit(events->self, &e);
}

static jcode_status JCODE_CALL echo_send(jcode_instance *inst, const jcode_chat_request *req,
                                         const jcode_credential *cred, const jcode_event_sink *events) {
  text_sink url;
  jcode_status st;
  jcode_str model = req->model.len ? req->model : str("echo-1");

  if (!cred) {
    host->set_error(inst->ctx, JCODE_E_AUTH_REQUIRED, str("no ECHO_API_KEY: export ECHO_API_KEY=<key>"));
    return JCODE_E_AUTH_REQUIRED;
  }
  memset(&url, 0, sizeof url);
  url.sink.struct_size = sizeof url.sink;
  url.sink.self = &url;
  url.sink.write = text_write;
  st = host->endpoint_url(inst->ctx, str("api"), &url.sink);
  if (st != JCODE_OK) return st; /* the host already said why */
  host->log(inst->ctx, JCODE_LOG_DEBUG, str("echo: answering locally"));

  st = emit_text(events, JCODE_EVENT_MODEL, model);
  if (st == JCODE_OK) st = emit_text(events, JCODE_EVENT_TEXT, str("echo from "));
  if (st == JCODE_OK) {
    jcode_str u;
    u.ptr = url.buf;
    u.len = url.len;
    st = emit_text(events, JCODE_EVENT_TEXT, u);
  }
  if (st == JCODE_OK) st = emit_text(events, JCODE_EVENT_TEXT, str(": "));
  if (st == JCODE_OK) st = emit_text(events, JCODE_EVENT_TEXT, req->conversation);
  if (st == JCODE_OK) st = emit_text(events, JCODE_EVENT_STOP, str("end_turn"));
  return st; /* a non-OK emit means the host asked us to stop */
}

static const jcode_transport_api transport = {sizeof(jcode_transport_api), 0, "echo-1", echo_send};

/* ---- the plugin table and the entry point ---- */

/* Designated initializers: fields a later ABI minor appends are zero (absent) without a
 * -Wmissing-field-initializers warning, so the table keeps compiling with newer headers. */
static const jcode_plugin_api plugin = {
    .struct_size = sizeof(jcode_plugin_api),
    .id = "echo", /* must match the file name jcode-provider-echo.so */
    .display_name = "Echo",
    .version = "1.0.0",
    .description = "A minimal example provider: answers with what it was sent",
    .roles = JCODE_ROLE_CREDENTIALS | JCODE_ROLE_TRANSPORT,
    .endpoints = endpoints,
    .sources = sources,
    .create = echo_create,
    .destroy = echo_destroy,
    .credentials = &credentials,
    .transport = &transport, /* no login role, no plugin-private status codes */
};

JCODE_EXPORT jcode_status JCODE_CALL jcode_plugin_entry(const jcode_init_in *in, jcode_init_out *out) {
  /* The first two fields of jcode_init_in are frozen for every major version. */
  if (!in || !out || in->struct_size < 2 * sizeof(uint32_t)) return JCODE_E_INVALID_ARG;
  if (in->abi_major != JCODE_ABI_MAJOR) return JCODE_E_INCOMPATIBLE;
  if (!JCODE_HAS_FIELD(in, jcode_init_in, ctx) || !JCODE_HAS_FIELD(out, jcode_init_out, api))
    return JCODE_E_INCOMPATIBLE;
  host = in->host;
  out->abi_minor = JCODE_ABI_MINOR < in->abi_minor_max ? JCODE_ABI_MINOR : in->abi_minor_max;
  out->api = &plugin;
  return JCODE_OK;
}
