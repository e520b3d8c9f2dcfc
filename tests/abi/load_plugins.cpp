// jcode_abi_load <plugin dir> <id> <source id> <credential> — loads a plugin dir through the
// Registry as jcode does, prints `plugins list`, then parses the credential with the given
// source and sends one turn. Exit 0 when the plugin loaded and answered. Used by the
// out-of-tree test (a plugin built against the installed header only).
#include <jcode/plugins/registry.hpp>
#include <jcode/plugins/report.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: jcode_abi_load <plugin dir> <id> <source id> <credential>\n";
    return 2;
  }
  struct Host : jcode::plugins::HostServices {
    jcode::Result<std::string> endpoint_url(std::string_view plugin, std::string_view name) override {
      return "https://" + std::string(name) + "." + std::string(plugin) + ".test";
    }
  } host;
  jcode::plugins::Registry reg(host);
  reg.discover({jcode::plugins::SearchDir{argv[1], "test"}});
  std::cout << jcode::plugins::list_text(reg);
  auto p = reg.instance(argv[2]);
  if (!p) {
    std::cerr << p.error().message << "\n";
    return 1;
  }
  const auto* source = (*p)->info().source(argv[3]);
  if (!source) {
    std::cerr << "no source " << argv[3] << "\n";
    return 1;
  }
  auto cred = (*p)->call_parse(*source, argv[4]);
  if (!cred) {
    std::cerr << cred.error().message << "\n";
    return 1;
  }
  std::string answer;
  auto st = (*p)->call_send(jcode::plugins::ChatRequest{"", R"({"messages":[]})"}, &*cred,
                            [&](const jcode::plugins::Event& e) {
                              if (e.type == jcode::plugins::EventType::text) answer += e.text;
                              return jcode::Status{};
                            });
  if (!st) {
    std::cerr << st.error().message << "\n";
    return 1;
  }
  std::cout << "answer: " << answer << "\n";
  return answer.find(R"({"messages":[]})") != std::string::npos ? 0 : 1;
}
