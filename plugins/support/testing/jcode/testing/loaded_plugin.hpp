// A provider .so as the host sees it, for plugin tests: loaded with dlopen, entered through
// jcode_plugin_entry with a FakeHost's table, an instance created; plus a credential sink
// that records what the plugin put. Test-only (target jcode_plugin_testing).
#pragma once

#include <jcode/testing/fake_host.hpp>

#include <doctest/doctest.h>

#include <dlfcn.h>

#include <string>
#include <string_view>

namespace jcode::testing {

struct Loaded {
  void* handle = nullptr;
  const jcode_plugin_api* api = nullptr;
  jcode_instance* inst = nullptr;
  Loaded(const char* path, FakeHost& fh) {
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    REQUIRE_MESSAGE(handle != nullptr, dlerror());
    auto entry = reinterpret_cast<jcode_plugin_entry_fn>(dlsym(handle, JCODE_PLUGIN_ENTRY_SYMBOL));
    REQUIRE(reinterpret_cast<void*>(entry) != nullptr);
    jcode_init_in in{};
    in.struct_size = sizeof in;
    in.abi_major = JCODE_ABI_MAJOR;
    in.abi_minor_min = 0;
    in.abi_minor_max = JCODE_ABI_MINOR;
    in.host = &fh.table;
    in.ctx = reinterpret_cast<jcode_host_ctx*>(&fh);
    jcode_init_out out{};
    out.struct_size = sizeof out;
    REQUIRE(entry(&in, &out) == JCODE_OK);
    api = out.api;
    REQUIRE(api->create(in.ctx, &inst) == JCODE_OK);
  }
  ~Loaded() {
    if (inst) api->destroy(inst);
    if (handle) dlclose(handle);
  }
};

struct Put {
  std::string access;
  std::string account;
  int32_t kind = 0;
  int calls = 0;
  jcode_credential_sink sink() {
    jcode_credential_sink s{};
    s.struct_size = sizeof s;
    s.self = this;
    s.put = [](void* self, const jcode_credential* c) {
      auto* p = static_cast<Put*>(self);
      p->access = std::string(jcode::plugin::view(c->access_token));
      p->account = std::string(jcode::plugin::view(c->account_id));
      p->kind = c->kind;
      ++p->calls;
      return JCODE_OK;
    };
    return s;
  }
};

inline jcode_credential key_credential(std::string_view key) {  // borrows key
  jcode_credential c{};
  c.struct_size = sizeof c;
  c.kind = JCODE_CRED_API_KEY;
  c.access_token = jcode::plugin::str(key);
  return c;
}


}  // namespace jcode::testing
