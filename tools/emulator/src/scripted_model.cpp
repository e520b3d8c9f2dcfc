#include "scripted_model.hpp"

#include <algorithm>
#include <regex>

namespace jemu {

const std::vector<std::string>& bash_tool_aliases() {
  static const std::vector<std::string> names{"bash", "shell_exec", "Bash"};
  return names;
}

std::string requested_exact_reply(const std::string& text) {
  static const std::regex re(R"re(reply\s+(?:with\s+)?exactly\s*:?\s*(?:`([^`]+)`|"([^"]+)"|'([^']+)'|(\S+)))re",
                             std::regex::icase);
  std::smatch m;
  if (!std::regex_search(text, m, re)) return {};
  for (int g = 1; g <= 3; ++g)
    if (m[g].matched) return m[g].str();
  std::string word = m[4].str();
  while (!word.empty() && std::string(".,;:!?").find(word.back()) != std::string::npos) word.pop_back();
  return word;
}

std::string requested_command(const std::string& text) {
  static const std::regex re(R"((?:command|run)[^`\n]{0,40}`([^`]+)`)", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(text, m, re)) return {};
  return m[1].str();
}

ModelReply scripted_reply(const Conversation& c) {
  ModelReply r;
  const std::string exact = requested_exact_reply(c.last_user_text);
  if (c.last_is_tool_result) {
    r.text = !exact.empty() ? exact : "Tool result: " + trim(c.tool_result_text);
    return r;
  }
  const std::string command = requested_command(c.last_user_text);
  if (!command.empty()) {
    for (const auto& alias : bash_tool_aliases()) {
      if (std::find(c.tool_names.begin(), c.tool_names.end(), alias) != c.tool_names.end()) {
        r.tool_call = true;
        r.tool_name = alias;
        r.tool_input = {{"command", command}};
        return r;
      }
    }
    r.text = "I cannot run `" + command + "`: no bash tool was provided.";
    return r;
  }
  if (!exact.empty()) {
    r.text = exact;
    return r;
  }
  std::string said = trim(c.last_user_text);
  if (said.size() > 200) said = said.substr(0, 200) + "...";
  r.text = said.empty() ? "Hello from jcode-emulator." : "Echo: " + said;
  return r;
}

}  // namespace jemu
