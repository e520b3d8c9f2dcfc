#include "commands.hpp"

#include <jcode/cli/exit_codes.hpp>
#include <jcode/log/log.hpp>
#include <jcode/plugin.h>

#include <iostream>

namespace jcode::cli {

int exit_code_for(int32_t status) {
  switch (status) {
    case JCODE_OK: return exit_ok;
    case JCODE_E_INVALID_ARG: return exit_usage;
    case JCODE_E_AUTH_REQUIRED:
    case JCODE_E_AUTH_EXPIRED:
    case JCODE_E_DENIED: return exit_auth;
    case JCODE_E_NETWORK:
    case JCODE_E_TIMEOUT:
    case JCODE_E_RATE_LIMITED:
    case JCODE_E_SERVER: return exit_unavailable;
    case JCODE_E_NOT_FOUND: return exit_not_found;
    case JCODE_E_NONINTERACTIVE: return exit_needs_terminal;
    case JCODE_E_CANCELLED: return exit_interrupted;
    default: return exit_failure;
  }
}

int fail(const Error& e) {
  // Error messages quote servers, files and arguments: never a secret, never a control byte.
  std::cerr << "jcode: " << log::for_terminal(e.message) << "\n";
  return exit_code_for(e.status);
}

}  // namespace jcode::cli
