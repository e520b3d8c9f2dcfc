// Names of the ABI's status codes, for messages and reports.
#pragma once

#include <jcode/plugin.h>

#include <string_view>

namespace jcode::plugins {

// "JCODE_E_NETWORK"; "plugin-private" for -1000..-1999; "unknown" otherwise.
std::string_view status_name(jcode_status status) noexcept;

// The code the core acts on: known codes and plugin-private codes as they are, anything else
// (an unknown negative or a positive value) as JCODE_E_INTERNAL, per the ABI's rule.
jcode_status normalize_status(jcode_status status) noexcept;

}  // namespace jcode::plugins
