// Conversions between the C structs of jcode/plugin.h and the core's C++ types. Reading a
// struct the other side allocated always goes through JCODE_HAS_FIELD: a field beyond the
// struct_size it was given is absent, never read.
#pragma once

#include <jcode/error.hpp>
#include <jcode/model/credential.hpp>
#include <jcode/model/oauth_client.hpp>
#include <jcode/model/source.hpp>
#include <jcode/plugin.h>
#include <jcode/plugins/registry.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace jcode::plugins::detail {

inline std::string str_of(const char* s) { return s ? std::string(s) : std::string(); }
inline std::string_view view_of(jcode_str s) {
  return (s.ptr && s.len) ? std::string_view(s.ptr, s.len) : std::string_view();
}
inline jcode_str str_from(std::string_view s) { return jcode_str{s.data(), s.size()}; }

// A jcode_str whose ptr is NULL while len > 0 is malformed.
inline bool valid(jcode_str s) { return s.ptr != nullptr || s.len == 0; }

model::OAuthClient to_model(const jcode_oauth_client& c);
model::DeviceClient to_model(const jcode_device_client& c);
Result<model::LoginRequest> to_model(const jcode_login_request& r);
model::SourceDecl to_model(const jcode_source_decl& d, int index);
// Validates a credential a plugin hands in (kind, mandatory token) and copies it.
Result<model::Credential> to_model(const jcode_credential* c);
Result<Event> to_model(const jcode_event* e);

// A jcode_credential borrowing from a model::Credential (which must outlive it).
struct CredentialView {
  explicit CredentialView(const model::Credential& c);
  jcode_credential c{};
};

// A jcode_login_request borrowing from a model::LoginRequest.
struct LoginRequestView {
  explicit LoginRequestView(const model::LoginRequest& r);
  std::vector<jcode_kv> options;
  jcode_login_request r{};
};

}  // namespace jcode::plugins::detail
