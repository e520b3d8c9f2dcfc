// Documented exit codes of `jcode` (docs/cli.md). Scripts rely on them: only ever add.
#pragma once

#include <cstdint>

namespace jcode::cli {

enum ExitCode : int {
  exit_ok = 0,
  exit_failure = 1,           // anything not covered below
  exit_usage = 2,             // bad command line or bad input value
  exit_auth = 3,              // not logged in, credential refused or expired, consent refused
  exit_unavailable = 4,       // network, timeout, rate limit, service error
  exit_not_found = 5,         // unknown provider/plugin, missing file or pending state
  exit_needs_terminal = 6,    // a prompt was needed but jcode runs non-interactively
  exit_interrupted = 130,     // Ctrl-C
};

// Maps a JCODE_E_* status to the exit code above.
int exit_code_for(int32_t status);

}  // namespace jcode::cli
