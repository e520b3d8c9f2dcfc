#include <jcode/agent/transport.hpp>
#include <jcode/plugins/registry.hpp>

namespace jcode::agent {

Status PluginTransport::send(const ChatRequest& request, const model::Credential* cred,
                             const EventHandler& on_event) {
  return plugin_.call_send(request, cred, on_event);
}

}  // namespace jcode::agent
