// A bounds-checked look at an ELF file before dlopen runs any of its code: is it a shared
// object for this machine, and does its dynamic symbol table define the entry point?
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace jcode::plugins::detail {

// nullopt when fd is a loadable shared object for this host defining `symbol` as a
// function in .dynsym; else a one-line reason.
std::optional<std::string> check_elf(int fd, off_t file_size, std::string_view symbol);

}  // namespace jcode::plugins::detail
