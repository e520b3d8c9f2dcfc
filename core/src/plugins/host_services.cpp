#include <jcode/plugins/host_services.hpp>

#include <chrono>
#include <cstdio>

namespace jcode::plugins {

Error service_unavailable(std::string_view service) {
  return Error{JCODE_E_NOT_SUPPORTED,
               "the host service '" + std::string(service) + "' is not available in this host build"};
}

void HostServices::log(std::string_view, LogLevel, std::string_view) {}
void HostServices::add_secret(std::string_view, std::string_view) {}
void HostServices::notify(std::string_view, std::string_view message) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
}
Result<std::string> HostServices::config_get(std::string_view, std::string_view) {
  return service_unavailable("config_get");
}
Result<std::string> HostServices::env_get(std::string_view, std::string_view) {
  return service_unavailable("env_get");
}
Result<std::string> HostServices::endpoint_url(std::string_view, std::string_view) {
  return service_unavailable("endpoint_url");
}
int64_t HostServices::now_ms(std::string_view) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}
Status HostServices::random_bytes(std::string_view, std::span<std::byte>) {
  return service_unavailable("random_bytes");
}
Status HostServices::http(std::string_view, const HttpRequest&, const HttpResponseHandler&) {
  return service_unavailable("http");
}
Result<std::string> HostServices::prompt(std::string_view, const Prompt&) {
  return service_unavailable("prompt");
}
Status HostServices::open_url(std::string_view, std::string_view) {
  return service_unavailable("open_url");
}
Result<std::unique_ptr<Loopback>> HostServices::loopback_listen(std::string_view, const LoopbackSpec&) {
  return service_unavailable("loopback_listen");
}
Result<int32_t> HostServices::spawn(std::string_view, const ProcessSpec&, const ProcessOutput&) {
  return service_unavailable("spawn");
}
Result<std::string> HostServices::store_read(std::string_view, std::string_view) {
  return service_unavailable("store_read");
}
Status HostServices::store_write(std::string_view, std::string_view, std::string_view) {
  return service_unavailable("store_write");
}
Status HostServices::state_put(std::string_view, std::string_view, std::string_view, int64_t) {
  return service_unavailable("state_put");
}
Result<std::string> HostServices::state_get(std::string_view, std::string_view) {
  return service_unavailable("state_get");
}
Status HostServices::state_erase(std::string_view, std::string_view) {
  return service_unavailable("state_erase");
}
Result<std::string> HostServices::oauth_authorize(std::string_view, const model::OAuthClient&,
                                                  const model::LoginRequest&) {
  return service_unavailable("oauth_authorize");
}
Result<std::string> HostServices::device_authorize(std::string_view, const model::DeviceClient&,
                                                   const model::LoginRequest&) {
  return service_unavailable("device_authorize");
}
bool HostServices::is_cancelled(std::string_view) { return false; }
Result<std::string> HostServices::resolve_url(std::string_view, std::string_view, std::string_view) {
  return service_unavailable("resolve_url");
}
Result<std::string> HostServices::read_file(std::string_view, std::string_view, uint64_t) {
  return service_unavailable("read_file");
}

Status HostServices::check_config(const PluginInfo&) { return {}; }

}  // namespace jcode::plugins
