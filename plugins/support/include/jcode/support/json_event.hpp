// Small helpers every stream decoder uses: jcode events and lenient field reads on simdjson
// DOM elements. Header-only; decoders in plugins/support and in plugins link simdjson.
#pragma once

#include <jcode/plugin.h>
#include <jcode/plugin.hpp>

#include <simdjson.h>

#include <cstdint>
#include <string_view>

namespace jcode::support {

// jcode_str borrowing a string_view (the same as jcode::plugin::str).
using plugin::str;

// A zeroed event of `type` with struct_size set.
inline jcode_event make_event(int32_t type) {
  jcode_event e{};
  e.struct_size = sizeof e;
  e.type = type;
  return e;
}

// The string member `key` of an object, or "" when absent or not a string.
inline std::string_view get_str(simdjson::dom::element el, const char* key) {
  std::string_view out;
  if (el[key].get_string().get(out) != simdjson::SUCCESS) return {};
  return out;
}

// The integer member `key` of an object, or `fallback` when absent or not an integer.
inline int64_t get_int(simdjson::dom::element el, const char* key, int64_t fallback = 0) {
  int64_t out = 0;
  if (el[key].get_int64().get(out) != simdjson::SUCCESS) return fallback;
  return out;
}

}  // namespace jcode::support
