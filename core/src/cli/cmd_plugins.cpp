#include "commands.hpp"

#include <jcode/cli/exit_codes.hpp>
#include <jcode/plugins/report.hpp>

#include <iostream>

namespace jcode::cli {

int cmd_plugins_list(app::Context& ctx, const PluginsListOptions& opt) {
  auto reg = ctx.registry();
  if (!reg) return fail(reg.error());
  plugins::ListOptions lo;
  lo.verbose = opt.verbose || ctx.global().verbose > 0;
  lo.search_path = plugins::search_dirs(plugins::SearchInputs::from_process()).dirs;
  if (ctx.global().json)
    std::cout << plugins::list_json(**reg, lo).dump(2) << "\n";
  else
    std::cout << plugins::list_text(**reg, lo);
  return exit_ok;
}

int cmd_plugins_info(app::Context& ctx, const PluginsInfoOptions& opt) {
  auto reg = ctx.registry();
  if (!reg) return fail(reg.error());
  if (ctx.global().json) {
    auto j = plugins::info_json(**reg, opt.id, ctx.env());
    if (!j) return fail(j.error());
    std::cout << j->dump(2) << "\n";
  } else {
    auto t = plugins::info_text(**reg, opt.id, ctx.env());
    if (!t) return fail(t.error());
    std::cout << *t;
  }
  return exit_ok;
}

}  // namespace jcode::cli
