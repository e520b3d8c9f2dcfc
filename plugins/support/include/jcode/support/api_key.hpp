// API keys as every key-based provider reads them: from its environment variable or its
// jcode env file (the host reads both; this is the parse step), trimmed, refused when they
// hold spaces or control characters (a paste accident that would only fail later with a
// confusing 401), and registered as secrets before anything else sees them.
#pragma once

#include <jcode/plugin.hpp>

#include <string_view>

namespace jcode::support {

// What is wrong with a trimmed key, or nullptr: "a space", "a control character" (a paste
// accident: two keys, a terminal escape).
const char* api_key_problem(std::string_view key) noexcept;

// Puts the key in `content` as a JCODE_CRED_API_KEY credential; JCODE_E_DECLINE when empty,
// JCODE_E_PROTOCOL naming the source (and `variable`) when malformed.
jcode_status parse_api_key(const plugin::Host& host, const jcode_source_decl& source, std::string_view content,
                           std::string_view variable, const jcode_credential_sink* out);

}  // namespace jcode::support
