#include <jcode/http/client.hpp>
#include <jcode/text/text.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <charconv>

namespace jcode::http {

namespace {

std::optional<long long> parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  long long v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view retry_after, std::string_view retry_after_ms,
    std::chrono::system_clock::time_point now) {
  using std::chrono::milliseconds;
  retry_after_ms = text::trim_view(retry_after_ms, text::http_ows);
  if (!retry_after_ms.empty()) {
    // Some services send fractional milliseconds ("1500.0"); the integer part is enough.
    const std::string_view whole = retry_after_ms.substr(0, retry_after_ms.find('.'));
    if (auto ms = parse_uint(whole)) return milliseconds(*ms);
  }
  retry_after = text::trim_view(retry_after, text::http_ows);
  if (retry_after.empty()) return std::nullopt;
  if (auto s = parse_uint(retry_after)) return milliseconds(*s * 1000);
  const std::string date(retry_after);
  const time_t when = curl_getdate(date.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  const auto delta = std::chrono::system_clock::from_time_t(when) - now;
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(delta));
}

}  // namespace jcode::http
