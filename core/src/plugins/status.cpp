#include <jcode/plugins/status.hpp>

namespace jcode::plugins {

std::string_view status_name(jcode_status status) noexcept {
  switch (status) {
    case JCODE_OK: return "JCODE_OK";
    case JCODE_E_INVALID_ARG: return "JCODE_E_INVALID_ARG";
    case JCODE_E_NOMEM: return "JCODE_E_NOMEM";
    case JCODE_E_INCOMPATIBLE: return "JCODE_E_INCOMPATIBLE";
    case JCODE_E_DECLINE: return "JCODE_E_DECLINE";
    case JCODE_E_NOT_SUPPORTED: return "JCODE_E_NOT_SUPPORTED";
    case JCODE_E_CANCELLED: return "JCODE_E_CANCELLED";
    case JCODE_E_NONINTERACTIVE: return "JCODE_E_NONINTERACTIVE";
    case JCODE_E_AUTH_REQUIRED: return "JCODE_E_AUTH_REQUIRED";
    case JCODE_E_AUTH_EXPIRED: return "JCODE_E_AUTH_EXPIRED";
    case JCODE_E_NETWORK: return "JCODE_E_NETWORK";
    case JCODE_E_TIMEOUT: return "JCODE_E_TIMEOUT";
    case JCODE_E_PROTOCOL: return "JCODE_E_PROTOCOL";
    case JCODE_E_INTERNAL: return "JCODE_E_INTERNAL";
    case JCODE_E_IO: return "JCODE_E_IO";
    case JCODE_E_NOT_FOUND: return "JCODE_E_NOT_FOUND";
    case JCODE_E_DENIED: return "JCODE_E_DENIED";
    case JCODE_E_RATE_LIMITED: return "JCODE_E_RATE_LIMITED";
    case JCODE_E_SERVER: return "JCODE_E_SERVER";
    default: break;
  }
  if (status <= JCODE_E_PLUGIN_FIRST && status >= JCODE_E_PLUGIN_LAST) return "plugin-private";
  return "unknown";
}

jcode_status normalize_status(jcode_status status) noexcept {
  if (status == JCODE_OK) return JCODE_OK;
  if (status_name(status) == "unknown") return JCODE_E_INTERNAL;
  return status;
}

}  // namespace jcode::plugins
