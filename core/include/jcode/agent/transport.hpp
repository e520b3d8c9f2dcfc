// What the agent loop sends a turn through. The loop is written against this small interface
// so tests drive it with a scripted in-process transport; production uses PluginTransport,
// which forwards to a loaded provider plugin.
#pragma once

#include <jcode/error.hpp>
#include <jcode/model/credential.hpp>
#include <jcode/plugins/chat.hpp>

namespace jcode::plugins {
// Only named here: the agent layer must not pull in plugin loading through its headers.
class Plugin;
}  // namespace jcode::plugins

namespace jcode::agent {

using plugins::ChatRequest;
using plugins::Event;
using plugins::EventHandler;
using plugins::EventType;

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request and delivers the response's events in order; returns when the
  // response ended. JCODE_E_AUTH_EXPIRED: the service refused the credential.
  virtual Status send(const ChatRequest& request, const model::Credential* cred,
                      const EventHandler& on_event) = 0;
};

class PluginTransport final : public Transport {
 public:
  explicit PluginTransport(plugins::Plugin& plugin) : plugin_(plugin) {}
  Status send(const ChatRequest& request, const model::Credential* cred,
              const EventHandler& on_event) override;

 private:
  plugins::Plugin& plugin_;
};

}  // namespace jcode::agent
