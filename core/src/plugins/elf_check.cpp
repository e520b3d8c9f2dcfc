// Why not boost::dll::library_info: it reads .symtab only (absent from stripped, i.e.
// distro-packaged, plugins, where only .dynsym remains) and trusts the offsets in the file,
// so a crafted file makes it read out of bounds. This reads .dynsym, the table dlsym uses,
// and checks every offset against the file size.
#include "plugins/elf_check.hpp"

#include <elf.h>
#include <link.h>  // ElfW
#include <unistd.h>

#include <cstring>
#include <vector>

namespace jcode::plugins::detail {
namespace {

#if defined(__x86_64__)
constexpr int kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr int kMachine = EM_AARCH64;
#elif defined(__i386__)
constexpr int kMachine = EM_386;
#elif defined(__arm__)
constexpr int kMachine = EM_ARM;
#elif defined(__riscv)
constexpr int kMachine = EM_RISCV;
#elif defined(__powerpc64__)
constexpr int kMachine = EM_PPC64;
#elif defined(__s390x__)
constexpr int kMachine = EM_S390;
#else
#error "jcode: add this architecture's ELF machine number"
#endif

constexpr unsigned char kClass = sizeof(void*) == 8 ? ELFCLASS64 : ELFCLASS32;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kData = ELFDATA2LSB;
#else
constexpr unsigned char kData = ELFDATA2MSB;
#endif

std::string machine_name(int m) {
  switch (m) {
    case EM_X86_64: return "x86-64";
    case EM_AARCH64: return "aarch64";
    case EM_386: return "i386";
    case EM_ARM: return "arm";
    case EM_RISCV: return "riscv";
    case EM_PPC64: return "ppc64";
    case EM_PPC: return "ppc";
    case EM_S390: return "s390";
    case EM_MIPS: return "mips";
    default: return "ELF machine " + std::to_string(m);
  }
}

bool read_at(int fd, void* buf, size_t len, uint64_t off) {
  auto* p = static_cast<char*>(buf);
  while (len) {
    ssize_t n = ::pread(fd, p, len, static_cast<off_t>(off));
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
    off += static_cast<uint64_t>(n);
  }
  return true;
}

bool within(uint64_t off, uint64_t len, uint64_t size) { return off <= size && len <= size - off; }

}  // namespace

std::optional<std::string> check_elf(int fd, off_t file_size, std::string_view symbol) {
  const uint64_t size = file_size < 0 ? 0 : static_cast<uint64_t>(file_size);
  ElfW(Ehdr) eh{};
  if (size < EI_NIDENT || !read_at(fd, eh.e_ident, EI_NIDENT, 0) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
    return "not an ELF file (not a shared library)";
  if (eh.e_ident[EI_CLASS] != kClass)
    return std::string("wrong architecture: a ") + (eh.e_ident[EI_CLASS] == ELFCLASS32 ? "32" : "64") +
           "-bit ELF file, this host is " + (kClass == ELFCLASS64 ? "64" : "32") + "-bit";
  if (eh.e_ident[EI_DATA] != kData) return "wrong architecture: ELF byte order differs from this host's";
  if (size < sizeof eh || !read_at(fd, &eh, sizeof eh, 0)) return "not a valid shared object: truncated ELF header";
  if (eh.e_machine != kMachine)
    return "wrong architecture: built for " + machine_name(eh.e_machine) + ", this host is " + machine_name(kMachine);
  if (eh.e_type != ET_DYN) return "not a shared object (ELF type " + std::to_string(eh.e_type) + ")";

  if (eh.e_shentsize != sizeof(ElfW(Shdr)) || eh.e_shnum == 0 ||
      !within(eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(ElfW(Shdr)), size))
    return "not a valid shared object: bad section header table";
  std::vector<ElfW(Shdr)> sh(eh.e_shnum);
  if (!read_at(fd, sh.data(), sh.size() * sizeof(ElfW(Shdr)), eh.e_shoff))
    return "not a valid shared object: cannot read section headers";

  const ElfW(Shdr)* dynsym = nullptr;
  for (const auto& s : sh)
    if (s.sh_type == SHT_DYNSYM) dynsym = &s;
  if (!dynsym) return "not a valid shared object: no dynamic symbol table";
  if (dynsym->sh_link >= sh.size() || sh[dynsym->sh_link].sh_type != SHT_STRTAB ||
      dynsym->sh_entsize != sizeof(ElfW(Sym)))
    return "not a valid shared object: bad dynamic symbol table";
  const ElfW(Shdr)& strtab = sh[dynsym->sh_link];
  if (!within(dynsym->sh_offset, dynsym->sh_size, size) || !within(strtab.sh_offset, strtab.sh_size, size))
    return "not a valid shared object: symbol table outside the file";

  std::vector<ElfW(Sym)> syms(dynsym->sh_size / sizeof(ElfW(Sym)));
  std::vector<char> names(strtab.sh_size);
  if (!read_at(fd, syms.data(), syms.size() * sizeof(ElfW(Sym)), dynsym->sh_offset) ||
      !read_at(fd, names.data(), names.size(), strtab.sh_offset))
    return "not a valid shared object: cannot read the symbol table";

  for (const auto& sym : syms) {
    if (sym.st_name >= names.size()) continue;
    const char* name = names.data() + sym.st_name;
    const size_t max = names.size() - sym.st_name;
    if (strnlen(name, max) != symbol.size() || std::memcmp(name, symbol.data(), symbol.size()) != 0) continue;
    if (sym.st_shndx == SHN_UNDEF) continue;  // a reference, not a definition
    const int bind = ELF64_ST_BIND(sym.st_info);
    if ((bind != STB_GLOBAL && bind != STB_WEAK) || ELF64_ST_VISIBILITY(sym.st_other) != STV_DEFAULT) continue;
    if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC)
      return "the symbol " + std::string(symbol) + " is not a function";
    return std::nullopt;
  }
  return "missing entry symbol " + std::string(symbol) + " (not a jcode plugin, or built without exporting it)";
}

}  // namespace jcode::plugins::detail
