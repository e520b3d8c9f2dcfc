#include "http/debug_log.hpp"

namespace jcode::http {
void debug_log(const std::string&) {}
}
