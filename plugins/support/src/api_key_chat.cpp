#include <jcode/support/api_key_chat.hpp>

#include <string>

namespace jcode::support {

jcode_status ApiKeyChat::no_preset() const {
  return host().error(JCODE_E_INTERNAL, "the provider '" + host().provider_id().value_or("?") +
                                            "' is not one this plugin serves (a host that is too old, or a plugin bug)");
}

jcode_status ApiKeyChat::parse(const jcode_source_decl& source, std::string_view content,
                               const jcode_credential_sink* out) {
  if (preset_ == nullptr) return no_preset();
  if (source.flags & JCODE_SOURCE_F_SHARED) return parse_shared(source, content, out);
  // The variable the value was read from, for a message about it.
  const char* variable = source.kind == JCODE_SOURCE_ENV_VAR ? source.location : source.key ? source.key : source.location;
  return parse_api_key(host(), source, content, variable, out);
}

jcode_status ApiKeyChat::send(const jcode_chat_request& req, const jcode_credential* cred,
                              const jcode_event_sink& events) {
  if (preset_ == nullptr) return no_preset();
  const ChatPreset& p = *preset_;
  const bool have_key = cred != nullptr && cred->access_token.len != 0;
  if (!have_key && !p.key_optional)
    return host().error(JCODE_E_AUTH_REQUIRED, std::string("no ") + p.display_name + " API key; " +
                                                   (p.key_variable ? std::string("set ") + p.key_variable + " or " : "") +
                                                   "run `jcode login --provider " + p.id + "`");
  const std::string_view key = have_key ? plugin::view(cred->access_token) : std::string_view();
  const char* endpoint = "api";
  if (p.regional_key_prefix != nullptr && key.starts_with(p.regional_key_prefix)) endpoint = p.regional_endpoint;
  auto base = host().endpoint_url(endpoint);
  if (!base) return JCODE_E_INVALID_ARG;  // the host recorded which setting is wrong and why
  chat_completions::Target t;
  t.url = *base;
  while (!t.url.empty() && t.url.back() == '/') t.url.pop_back();
  t.url += "/chat/completions";
  if (have_key) {
    if (p.auth_header != nullptr)
      t.auth.add(p.auth_header, std::string(key));
    else
      t.auth.add("Authorization", "Bearer " + std::string(key));
  }
  t.model = req.model.len ? std::string(plugin::view(req.model)) : std::string(p.default_model ? p.default_model : "");
  if (t.model.empty())
    return host().error(JCODE_E_INVALID_ARG, std::string(p.display_name) +
                                                 " has no default model; name the model to ask with -m/--model");
  t.build.max_tokens_field = p.max_tokens_field;
  t.rules = openai_rules(wording(), std::string("the ") + p.display_name + " stream ended before [DONE]");
  return chat_completions::send(host(), std::move(t), plugin::view(req.conversation), events);
}

jcode_status ApiKeyChat::parse_shared(const jcode_source_decl& source, std::string_view content,
                                      const jcode_credential_sink* out) {
  const ChatPreset& p = *preset_;
  const std::string_view name = p.shared_key ? p.shared_key : p.id;
  SharedResult r = parse_shared_auth(content, {name});
  if (r.status == SharedParse::malformed)
    return host().error(JCODE_E_PROTOCOL, std::string(source.label) + "'s auth.json is " + r.error);
  if (r.status != SharedParse::found || r.entry.oauth) return JCODE_E_DECLINE;
  if (const char* why = api_key_problem(r.entry.access))
    return host().error(JCODE_E_PROTOCOL, std::string(source.label) + "'s \"" + std::string(name) + "\" key holds " +
                                              why + "; fix it there or run `jcode login --provider " + p.id + "`");
  host().add_secret(r.entry.access);
  plugin::Credential c;
  c.kind = JCODE_CRED_API_KEY;
  c.access_token = r.entry.access;
  return c.put(out);
}

Wording ApiKeyChat::wording() const {
  const ChatPreset& p = *preset_;
  Wording w;
  w.service = p.display_name;
  w.credential = "the API key";
  w.auth_fix = p.key_variable ? std::string("check ") + p.key_variable + ", or run `jcode login --provider " + p.id +
                                    "` again"
                              : std::string("check the key the server expects");
  w.not_found_fix = "check the model name (-m)";
  return w;
}

}  // namespace jcode::support
