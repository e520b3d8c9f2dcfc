#include "agent_tools/builtin.hpp"
#include "agent_tools/detail.hpp"

#include <jcode/process/process.hpp>

#include <algorithm>

namespace jcode::agent_tools::detail {

namespace {

// Keeps the last `cap` bytes of everything appended: the end of a long build log is where the
// error is.
class Tail {
 public:
  explicit Tail(std::size_t cap) : cap_(std::max<std::size_t>(cap, 1)) {}
  void append(std::string_view chunk) {
    total_ += chunk.size();
    data_.append(chunk);
    if (data_.size() > 2 * cap_) data_.erase(0, data_.size() - cap_);
  }
  std::string text() const {
    if (total_ <= cap_) return data_;
    std::size_t start = data_.size() > cap_ ? data_.size() - cap_ : 0;
    // Start on a character boundary.
    while (start < data_.size() && (static_cast<unsigned char>(data_[start]) & 0xC0) == 0x80) ++start;
    return "[... " + std::to_string(total_ - (data_.size() - start)) + " bytes of earlier output omitted ...]\n" +
           data_.substr(start);
  }

 private:
  std::size_t cap_;
  std::size_t total_ = 0;
  std::string data_;
};

}  // namespace

Result<ToolOutput> run_bash(const nlohmann::json& input, ToolContext& ctx) {
  if (auto st = require_object(input, "bash"); !st) return st.error();
  auto command = required_string(input, "bash", "command");
  if (!command) return command.error();
  if (command->empty()) return Error{JCODE_E_INVALID_ARG, "bash: \"command\" is empty"};
  auto timeout_ms = optional_count(input, "bash", "timeout_ms");
  if (!timeout_ms) return timeout_ms.error();
  std::chrono::milliseconds timeout = ctx.limits.bash_default_timeout;
  if (timeout_ms->has_value()) {
    if (**timeout_ms == 0) return Error{JCODE_E_INVALID_ARG, "bash: \"timeout_ms\" must be greater than 0"};
    timeout = std::min(std::chrono::milliseconds(**timeout_ms), ctx.limits.bash_max_timeout);
  }
  auto root = workspace_root(ctx);
  if (!root) return root.error();

  process::Spec spec;
  spec.argv = {"/bin/sh", "-c", *command};
  spec.cwd = root->string();
  spec.timeout = timeout;
  spec.env_remove = ctx.bash_env_remove;
  Tail tail(ctx.limits.bash_output_bytes);
  process::Handlers handlers;
  handlers.on_stdout = [&tail](std::string_view chunk) {
    tail.append(chunk);
    return Status{};
  };
  handlers.on_stderr = handlers.on_stdout;
  handlers.cancelled = ctx.cancelled;

  auto code = process::run(spec, handlers);
  std::string out = tail.text();
  if (!code) {
    if (code.status() == JCODE_E_CANCELLED) return code.error();
    if (code.status() == JCODE_E_TIMEOUT) {
      if (!out.empty() && out.back() != '\n') out += '\n';
      out += "[timed out after " + std::to_string(timeout.count()) + " ms; the command was stopped]";
      return ToolOutput{std::move(out), true};
    }
    return ToolOutput{"could not run the command: " + code.error().message, true};
  }
  if (*code != 0) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "[exit code " + std::to_string(*code) + "]";
    return ToolOutput{std::move(out), true};
  }
  if (out.empty()) out = "(no output)";
  return ToolOutput{std::move(out), false};
}

}  // namespace jcode::agent_tools::detail
