#include <jcode/fs/fs.hpp>

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace stdfs = std::filesystem;

namespace {

struct TempDir {
  stdfs::path path;
  TempDir() {
    std::string tmpl = (stdfs::temp_directory_path() / "jcode-fs-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    REQUIRE(made != nullptr);
    path = made;
  }
  ~TempDir() {
    std::error_code ec;
    stdfs::permissions(path, stdfs::perms::owner_all, stdfs::perm_options::add, ec);
    stdfs::remove_all(path, ec);
  }
};

mode_t mode_of(const stdfs::path& p) {
  struct stat st;
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string slurp(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const stdfs::path& p, const std::string& s, mode_t mode) {
  { std::ofstream(p, std::ios::binary) << s; }
  REQUIRE(::chmod(p.c_str(), mode) == 0);
}

std::vector<std::string> names_in(const stdfs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : stdfs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Restores the umask on scope exit.
struct Umask {
  mode_t old;
  explicit Umask(mode_t m) : old(::umask(m)) {}
  ~Umask() { ::umask(old); }
};

}  // namespace

TEST_CASE("atomic_write creates a 0600 file whatever the umask and replaces content") {
  TempDir t;
  const auto f = t.path / "auth.json";
  for (mode_t um : {mode_t{0}, mode_t{022}, mode_t{077}}) {
    Umask guard(um);
    REQUIRE(jcode::fs::atomic_write(f, "one").ok());
    CHECK(slurp(f) == "one");
    CHECK(mode_of(f) == 0600);
    REQUIRE(jcode::fs::atomic_write(f, std::string(100000, 'x')).ok());
    CHECK(slurp(f) == std::string(100000, 'x'));
    stdfs::remove(f);
  }
  CHECK(names_in(t.path).empty());
}

TEST_CASE("atomic_write tightens a looser existing file and honours an explicit mode") {
  TempDir t;
  const auto f = t.path / "token";
  spit(f, "old", 0644);
  REQUIRE(jcode::fs::atomic_write(f, "new").ok());
  CHECK(mode_of(f) == 0600);
  CHECK(slurp(f) == "new");
  REQUIRE(jcode::fs::atomic_write(t.path / "public", "x", 0644).ok());
  CHECK(mode_of(t.path / "public") == 0644);
}

TEST_CASE("atomic_write creates missing parents as 0700 directories") {
  TempDir t;
  Umask guard(0);
  const auto f = t.path / "a" / "b" / "auth.json";
  REQUIRE(jcode::fs::atomic_write(f, "{}").ok());
  CHECK(mode_of(t.path / "a") == 0700);
  CHECK(mode_of(t.path / "a" / "b") == 0700);
  CHECK(slurp(f) == "{}");
}

TEST_CASE("atomic_write replaces a symlink at the target instead of writing through it") {
  TempDir t;
  const auto victim = t.path / "victim";
  spit(victim, "precious", 0644);
  const auto link = t.path / "auth.json";
  stdfs::create_symlink(victim, link);
  REQUIRE(jcode::fs::atomic_write(link, "mine").ok());
  CHECK(slurp(victim) == "precious");
  CHECK(!stdfs::is_symlink(link));
  CHECK(slurp(link) == "mine");
}

TEST_CASE("a failed rename leaves the target as it was and no temp behind") {
  TempDir t;
  const auto target = t.path / "cfg";
  stdfs::create_directories(target / "child");  // rename of a file over a non-empty dir fails
  auto st = jcode::fs::atomic_write(target, "data");
  REQUIRE(!st.ok());
  CHECK(st.error().message.find(target.string()) != std::string::npos);
  CHECK(st.error().message.find("unchanged") != std::string::npos);
  CHECK(stdfs::is_directory(target / "child"));
  CHECK(names_in(t.path) == std::vector<std::string>{"cfg"});
}

TEST_CASE("a short write (file size limit) fails cleanly and keeps the old content") {
  TempDir t;
  const auto f = t.path / "auth.json";
  spit(f, "old content", 0600);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // In a child so the limit and signal disposition do not leak into other tests.
    ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &rl);
    auto st = jcode::fs::atomic_write(f, std::string(1 << 20, 'n'));
    ::_exit(st.ok() ? 1 : (st.error().status == JCODE_E_IO ? 0 : 2));
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(slurp(f) == "old content");
  CHECK(names_in(t.path) == std::vector<std::string>{"auth.json"});
}

TEST_CASE("kill -9 during atomic_write leaves the old or the new content, never a mix") {
  TempDir t;
  const auto f = t.path / "auth.json";
  const std::string a(1 << 18, 'a');
  const std::string b = std::string(3 << 17, 'b') + "end";
  REQUIRE(jcode::fs::atomic_write(f, a).ok());
  for (int round = 0; round < 30; ++round) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      for (unsigned i = 0;; ++i) {
        if (!jcode::fs::atomic_write(f, (i % 2) ? b : a).ok()) ::_exit(3);
        char c = 'p';
        if (::write(fds[1], &c, 1) != 1) ::_exit(4);
      }
    }
    ::close(fds[1]);
    // Vary the kill point: wait for 1..3 completed writes, then kill during the next one.
    for (int seen = 0; seen < 1 + round % 3; ++seen) {
      char c;
      REQUIRE(::read(fds[0], &c, 1) == 1);
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    ::close(fds[0]);
    CHECK(WIFSIGNALED(status));
    const std::string now = slurp(f);
    CHECK((now == a || now == b));
    CHECK(mode_of(f) == 0600);
  }
  // A killed writer's temp is unlocked, so the next write removes it at once.
  REQUIRE(jcode::fs::atomic_write(f, a).ok());
  CHECK(names_in(t.path) == std::vector<std::string>{"auth.json"});
  CHECK(slurp(f) == a);
}

TEST_CASE("remove_stale_temps: a temp whose writer holds its lock is kept whatever its age") {
  TempDir t;
  const auto f = t.path / "auth.json";
  spit(t.path / "auth.json.tmp.7.live.l", "x", 0600);    // a live writer (we hold its lock)
  spit(t.path / "auth.json.tmp.8.dead.l", "x", 0600);    // locked-before-named, writer gone
  spit(t.path / "auth.json.tmp.9.fresh", "x", 0600);     // named first, may be mid-create
  spit(t.path / "auth.json.tmp.10.old", "x", 0600);      // named first, old: writer gone
  struct timespec old_times[2] = {{1000, 0}, {1000, 0}};
  for (auto n : {"auth.json.tmp.7.live.l", "auth.json.tmp.10.old"})
    REQUIRE(::utimensat(AT_FDCWD, (t.path / n).c_str(), old_times, 0) == 0);
  int held = ::open((t.path / "auth.json.tmp.7.live.l").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(held >= 0);
  REQUIRE(::flock(held, LOCK_EX) == 0);
  CHECK(jcode::fs::remove_stale_temps(f) == 2);
  CHECK(names_in(t.path) == std::vector<std::string>{"auth.json.tmp.7.live.l", "auth.json.tmp.9.fresh"});
  ::close(held);
  CHECK(jcode::fs::remove_stale_temps(f) == 1);
  CHECK(names_in(t.path) == std::vector<std::string>{"auth.json.tmp.9.fresh"});
}

TEST_CASE("remove_stale_temps removes only old temps of that file, never symlinks or others") {
  TempDir t;
  const auto f = t.path / "auth.json";
  spit(t.path / "auth.json.tmp.1.dead", "x", 0600);
  spit(t.path / "other.json.tmp.1.dead", "x", 0600);
  spit(t.path / "auth.json.bak", "x", 0600);
  stdfs::create_symlink(t.path / "auth.json.bak", t.path / "auth.json.tmp.2.link");
  struct timespec old_times[2] = {{1000, 0}, {1000, 0}};
  for (auto n : {"auth.json.tmp.1.dead", "other.json.tmp.1.dead"}) {
    REQUIRE(::utimensat(AT_FDCWD, (t.path / n).c_str(), old_times, 0) == 0);
  }
  CHECK(jcode::fs::remove_stale_temps(f) == 1);
  CHECK(names_in(t.path) ==
        std::vector<std::string>{"auth.json.bak", "auth.json.tmp.2.link", "other.json.tmp.1.dead"});
}

TEST_CASE("ensure_private_dir creates, tightens and refuses") {
  TempDir t;
  Umask guard(0);
  const auto d = t.path / "x" / "y";
  REQUIRE(jcode::fs::ensure_private_dir(d).ok());
  CHECK(mode_of(d) == 0700);
  CHECK(mode_of(t.path / "x") == 0700);
  REQUIRE(jcode::fs::ensure_private_dir(d).ok());  // idempotent

  REQUIRE(::chmod(d.c_str(), 0755) == 0);
  REQUIRE(jcode::fs::ensure_private_dir(d).ok());
  CHECK(mode_of(d) == 0700);

  REQUIRE(::chmod(d.c_str(), 0777) == 0);
  auto st = jcode::fs::ensure_private_dir(d);
  REQUIRE(!st.ok());
  CHECK(st.error().status == JCODE_E_DENIED);
  CHECK(st.error().message.find("chmod 700") != std::string::npos);
  CHECK(mode_of(d) == 0777);  // refused, not silently changed

  spit(t.path / "file", "", 0600);
  auto st2 = jcode::fs::ensure_private_dir(t.path / "file");
  REQUIRE(!st2.ok());
  CHECK(st2.error().message.find("not a directory") != std::string::npos);

  if (::geteuid() == 0) {
    const auto foreign = t.path / "foreign";
    stdfs::create_directory(foreign);
    REQUIRE(::chmod(foreign.c_str(), 0700) == 0);
    REQUIRE(::chown(foreign.c_str(), 4242, 4242) == 0);
    auto st3 = jcode::fs::ensure_private_dir(foreign);
    REQUIRE(!st3.ok());
    CHECK(st3.error().message.find("owned by uid 4242") != std::string::npos);
  }
}

TEST_CASE("read_file reads, and reports missing, oversized and non-regular files") {
  TempDir t;
  spit(t.path / "f", "hello", 0600);
  auto r = jcode::fs::read_file(t.path / "f");
  REQUIRE(r.ok());
  CHECK(*r == "hello");
  auto missing = jcode::fs::read_file(t.path / "nope");
  REQUIRE(!missing.ok());
  CHECK(missing.error().status == JCODE_E_NOT_FOUND);
  CHECK(missing.error().message.find((t.path / "nope").string()) != std::string::npos);
  auto big = jcode::fs::read_file(t.path / "f", 3);
  REQUIRE(!big.ok());
  CHECK(big.error().message.find("limit") != std::string::npos);
  auto dir = jcode::fs::read_file(t.path);
  REQUIRE(!dir.ok());
  CHECK(dir.error().message.find("not a regular file") != std::string::npos);
}

TEST_CASE("open_external_readonly reads a plain file and reports its identity") {
  TempDir t;
  const auto f = t.path / "creds.json";
  spit(f, "{\"k\":1}", 0644);
  struct stat before;
  REQUIRE(::stat(f.c_str(), &before) == 0);
  auto r = jcode::fs::open_external_readonly(f);
  REQUIRE(r.ok());
  CHECK(r->content == "{\"k\":1}");
  CHECK(r->identity.ino == before.st_ino);
  CHECK(r->identity.uid == before.st_uid);
  CHECK(mode_of(f) == 0644);  // never touched
  auto id = jcode::fs::lstat_identity(f);
  REQUIRE(id.ok());
  CHECK(id->ino == before.st_ino);
}

TEST_CASE("open_external_readonly refuses symlinks, FIFOs, dirs, world-writable and big files") {
  TempDir t;
  const auto real = t.path / "real.json";
  spit(real, "secret", 0600);
  const auto link = t.path / "link.json";
  stdfs::create_symlink(real, link);
  auto r = jcode::fs::open_external_readonly(link);
  REQUIRE(!r.ok());
  CHECK(r.error().message == "refusing to read '" + link.string() + "': it is a symlink");
  CHECK(r.error().status == JCODE_E_DENIED);

  const auto fifo = t.path / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto rf = jcode::fs::open_external_readonly(fifo);  // must not block waiting for a writer
  REQUIRE(!rf.ok());
  CHECK(rf.error().message.find("not a regular file") != std::string::npos);

  CHECK(!jcode::fs::open_external_readonly(t.path).ok());

  const auto ww = t.path / "ww.json";
  spit(ww, "x", 0666);
  auto rw = jcode::fs::open_external_readonly(ww);
  REQUIRE(!rw.ok());
  CHECK(rw.error().message.find("chmod o-w") != std::string::npos);

  auto rb = jcode::fs::open_external_readonly(real, 3);
  REQUIRE(!rb.ok());
  CHECK(rb.error().status == JCODE_E_IO);

  auto rm = jcode::fs::open_external_readonly(t.path / "missing");
  REQUIRE(!rm.ok());
  CHECK(rm.error().status == JCODE_E_NOT_FOUND);

  if (::geteuid() == 0) {
    REQUIRE(::chown(real.c_str(), 4242, 4242) == 0);
    auto ro = jcode::fs::open_external_readonly(real);
    REQUIRE(!ro.ok());
    CHECK(ro.error().message.find("owned by uid 4242") != std::string::npos);
  }
}

TEST_CASE("fs: probe_write proves a save can succeed and leaves nothing behind") {
  TempDir t;
  const auto target = t.path / "auth.json";
  CHECK(jcode::fs::probe_write(target, 4096).ok());
  CHECK(std::distance(stdfs::directory_iterator(t.path), stdfs::directory_iterator{}) == 0);
  ::chmod(t.path.c_str(), 0777);
  auto st = jcode::fs::probe_write(target, 10);
  CHECK(!st.ok());
  CHECK(st.error().message.find("writable by other users") != std::string::npos);
  ::chmod(t.path.c_str(), 0700);
}

TEST_CASE("fs: read_private_file refuses links and foreign files, tightens loose modes") {
  TempDir t;
  const auto f = t.path / "auth.json";
  { std::ofstream(f) << "{}"; }
  ::chmod(f.c_str(), 0644);
  std::vector<std::string> warnings;
  auto r = jcode::fs::read_private_file(f, &warnings);
  REQUIRE(r.ok());
  CHECK(*r == "{}");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("mode 0644") != std::string::npos);
  CHECK(mode_of(f) == 0600);
  const auto link = t.path / "link.json";
  stdfs::create_symlink(f, link);
  auto l = jcode::fs::read_private_file(link, nullptr);
  REQUIRE(!l.ok());
  CHECK(l.error().message.find("symbolic link") != std::string::npos);
  CHECK(jcode::fs::read_private_file(t.path / "none.json", nullptr).status() == JCODE_E_NOT_FOUND);
}
