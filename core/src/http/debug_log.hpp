// Debug lines of the http module. They go through jcode::log, which redacts known secrets;
// callers here already leave out header values of sensitive headers and bodies.
#pragma once

#include <string>

namespace jcode::http {
void debug_log(const std::string& message);
}
