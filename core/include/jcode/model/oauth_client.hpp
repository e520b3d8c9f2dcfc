// C++ mirrors of jcode_oauth_client / jcode_device_client / jcode_login_request: the data
// the host's OAuth engine runs. Endpoint fields hold endpoint *names* of the plugin
// ("token"); the engine resolves them through jcode::endpoints.
#pragma once

#include <jcode/plugin.h>

#include <cstdint>
#include <map>
#include <string>

namespace jcode::model {

enum class TokenBody : int32_t { form = JCODE_BODY_FORM, json = JCODE_BODY_JSON };
enum class RedirectKind : int32_t {
  loopback_any = JCODE_REDIRECT_LOOPBACK_ANY,
  loopback_fixed = JCODE_REDIRECT_LOOPBACK_FIXED,
  manual = JCODE_REDIRECT_MANUAL,
};

struct OAuthClient {
  std::string client_id;
  std::string client_secret;
  std::string authorize_endpoint;  // endpoint name
  std::string token_endpoint;      // endpoint name
  std::string revoke_endpoint;     // endpoint name, optional
  std::string scopes;
  std::string refresh_scopes;
  std::string extra_authorize_query;
  TokenBody token_body = TokenBody::form;
  RedirectKind redirect_kind = RedirectKind::loopback_any;
  uint32_t redirect_port = 0;
  uint32_t timeout_s = 300;
  std::string redirect_host = "localhost";
  std::string redirect_path = "/callback";
  std::string manual_redirect_uri;
  uint32_t flags = 0;  // JCODE_OAUTH_F_*
};

struct DeviceClient {
  std::string client_id;
  std::string device_endpoint;  // endpoint name
  std::string token_endpoint;   // endpoint name
  std::string scopes;
};

struct LoginRequest {
  uint32_t flags = 0;  // JCODE_LOGIN_F_*
  std::string callback_url;
  std::string auth_code;
  std::map<std::string, std::string> options;
};

}  // namespace jcode::model
