"""The packages as a distro ships them: tools/package.sh makes the .debs from this build tree
(configured with CMAKE_INSTALL_PREFIX=/usr), they are installed with dpkg into a throw-away
root (the machine's own dpkg database and files are never touched), and the jcode installed
there is run: it lists exactly the providers installed in its system plugin dir, answers
through one against the emulator, keeps working when another provider's package is removed,
and loads plugins built out of tree from the jcode-plugin-dev package alone, as well as the C
example built from the released 1.0 header."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
import jcode_testlib  # noqa: E402

BUILD = os.environ["JCODE_BUILD_DIR"]
SOURCE = os.environ["JCODE_SOURCE_DIR"]
OLD_ECHO = os.environ["JCODE_OLD_ECHO_PLUGIN"]  # the C example compiled against the 1.0 header
CHAT = "/api.fireworks.ai/inference/v1/chat/completions"


def run(args, check=True, **kw):
    p = subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({p.returncode})\nstdout: {p.stdout}\nstderr: {p.stderr}")
    return p


def cache_value(name):
    with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
        for line in f:
            if line.startswith(name + ":"):
                return line.rstrip("\n").split("=", 1)[1]
    raise AssertionError(f"{name} is not in {BUILD}/CMakeCache.txt")


def control(deb, field):
    return run(["dpkg-deb", "-f", deb, field]).stdout.strip()


def contents(deb):
    """{path: mode string} of the files and links a .deb holds."""
    out = {}
    for line in run(["dpkg-deb", "-c", deb]).stdout.splitlines():
        parts = line.split()
        path = parts[5].lstrip(".")
        if not parts[0].startswith("d"):
            out[path] = parts[0]
    return out


class DpkgRoot:
    """A dpkg database and file tree of its own. The status file starts as a copy of the
    machine's, so Depends on system libraries are satisfied (the installed binaries use the
    machine's libraries) while jcode's own packages are checked for real."""

    def __init__(self, path):
        self.path = path
        admin = os.path.join(path, "var/lib/dpkg")
        for d in ("info", "updates", "triggers"):
            os.makedirs(os.path.join(admin, d))
        shutil.copy("/var/lib/dpkg/status", os.path.join(admin, "status"))
        open(os.path.join(admin, "available"), "w").close()
        os.makedirs(os.path.join(path, "var/log"))

    def dpkg(self, *args, check=True):
        base = ["dpkg", f"--root={self.path}", f"--log={self.path}/var/log/dpkg.log",
                "--force-script-chrootless", "--force-unsafe-io"]
        if os.geteuid() != 0:
            base.append("--force-not-root")
        return run(base + list(args), check=check)


class Packages(jcode_testlib.JcodeTestCase):
    @classmethod
    def setUpClass(cls):
        cls.top = tempfile.mkdtemp(prefix="jcode-packaging-")
        cls.dist = os.path.join(cls.top, "dist")
        p = run(["bash", os.path.join(SOURCE, "tools/package.sh"), "--build-dir", BUILD, "--out", cls.dist],
                check=False)
        # lintian's report is part of the test log whatever the outcome.
        print(p.stdout, p.stderr, sep="\n", file=sys.stderr)
        if p.returncode != 0:
            raise AssertionError(f"tools/package.sh failed ({p.returncode})")
        cls.debs = {control(d, "Package"): d for d in glob.glob(os.path.join(cls.dist, "*.deb"))}
        cls.libdir = cache_value("CMAKE_INSTALL_LIBDIR")
        cls.version = cache_value("CMAKE_PROJECT_VERSION")
        cls.providers = sorted(os.path.basename(f)[len("jcode-provider-"):-3]
                               for f in glob.glob(os.path.join(BUILD, "plugins/1/jcode-provider-*.so")))
        cls.root = DpkgRoot(os.path.join(cls.top, "root"))
        cls.root.dpkg("-i", *sorted(cls.debs.values()))
        cls.plugin_dir = os.path.join(cls.root.path, "usr", cls.libdir, "jcode/plugins/1")
        cls.installed_jcode = os.path.join(cls.root.path, "usr/bin/jcode")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.top, ignore_errors=True)

    def installed(self, *args, env=None, check=0):
        e = self.env() if env is None else env
        e.pop("JCODE_PLUGIN_PATH", None)  # only the dirs an installed jcode has by itself
        e["XDG_DATA_HOME"] = os.path.join(self.home, ".local/share")
        p = subprocess.run([self.installed_jcode, *args], env=e, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=120, cwd=self.work)
        if check is not None:
            self.assertEqual(p.returncode, check, f"jcode {' '.join(args)}\nstdout: {p.stdout}\nstderr: {p.stderr}")
        return p

    def listed(self):
        return json.loads(self.installed("--json", "plugins", "list", "--verbose").stdout)

    def user_plugin_dir(self):
        d = os.path.join(self.home, ".local/share/jcode/plugins/1")
        os.makedirs(d, mode=0o755, exist_ok=True)
        return d

    # -- the packages themselves ------------------------------------------------------------

    def test_1_one_package_per_provider_plus_jcode_and_the_sdk(self):
        expected = {"jcode", "jcode-plugin-dev"} | {"jcode-provider-" + i for i in self.providers}
        self.assertEqual(set(self.debs), expected)
        self.assertGreaterEqual(len(self.providers), 10)
        full = f"{self.version}-1"
        for name, deb in self.debs.items():
            self.assertEqual(control(deb, "Version"), full, name)
            self.assertTrue(control(deb, "Maintainer"), name)
            self.assertTrue(control(deb, "Section"), name)
            self.assertIn("\n", control(deb, "Description"), f"{name}: no extended description")
            files = contents(deb)
            self.assertIn(f"/usr/share/doc/{name}/copyright", files, name)
            self.assertIn(f"/usr/share/doc/{name}/changelog.Debian.gz", files, name)
            self.assertFalse([f for f in files if "emulator" in f], f"{name} ships the test emulator")

        host = self.debs["jcode"]
        self.assertEqual(control(host, "Provides"), "jcode-abi-1")
        self.assertIn("libc6", control(host, "Depends"))  # computed by dpkg-shlibdeps
        files = contents(host)
        for f in ("/usr/bin/jcode", "/usr/share/man/man1/jcode.1.gz",
                  "/usr/share/bash-completion/completions/jcode", "/usr/share/zsh/vendor-completions/_jcode"):
            self.assertIn(f, files)
        self.assertFalse([f for f in files if f.endswith(".so")], "the host package ships a plugin")

        for pid in self.providers:
            deb = self.debs["jcode-provider-" + pid]
            depends = control(deb, "Depends")
            self.assertIn(f"jcode (>= {self.version})", depends)
            self.assertIn("jcode-abi-1", depends)
            self.assertIn("libc6", depends)
            sos = {f: m for f, m in contents(deb).items() if f.endswith(".so")}
            self.assertEqual(sos, {f"/usr/{self.libdir}/jcode/plugins/1/jcode-provider-{pid}.so": "-rw-r--r--"})

        sdk = contents(self.debs["jcode-plugin-dev"])
        for f in ("/usr/include/jcode/plugin.h", "/usr/include/jcode/plugin.hpp",
                  f"/usr/{self.libdir}/pkgconfig/jcode-plugin.pc",
                  f"/usr/{self.libdir}/cmake/jcode-plugin/jcode-pluginConfig.cmake",
                  "/usr/share/doc/jcode-plugin-dev/examples/minimal_provider.c",
                  "/usr/share/doc/jcode-plugin-dev/examples/minimal_provider.cpp",
                  "/usr/share/doc/jcode-plugin-dev/examples/CMakeLists.txt",
                  "/usr/share/doc/jcode-plugin-dev/examples/Makefile"):
            self.assertIn(f, sdk)

        with open(os.path.join(self.dist, "lintian.log")) as f:
            log = f.read()
        self.assertEqual(log.count("== lintian "), len(self.debs))
        self.assertFalse([l for l in log.splitlines() if l.startswith("E: ")], log)

    def test_2_a_provider_needs_the_host_and_its_abi_major(self):
        lone = DpkgRoot(os.path.join(self.top, "lone"))
        p = lone.dpkg("-i", self.debs["jcode-provider-fireworks"], check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("depends on jcode", p.stderr)
        # dpkg leaves it unpacked but not configured; apt would not even unpack it.
        status = lone.dpkg("-s", "jcode-provider-fireworks", check=False).stdout
        self.assertNotIn("Status: install ok installed", status)

        # A provider built for ABI 2 cannot go beside this jcode (which provides jcode-abi-1).
        pkg = os.path.join(self.top, "abi2")
        os.makedirs(os.path.join(pkg, "DEBIAN"))
        so_dir = os.path.join(pkg, "usr", self.libdir, "jcode/plugins/2")
        os.makedirs(so_dir)
        open(os.path.join(so_dir, "jcode-provider-future.so"), "w").close()
        with open(os.path.join(pkg, "DEBIAN/control"), "w") as f:
            f.write("Package: jcode-provider-future\nVersion: 1.0-1\nArchitecture: all\n"
                    "Maintainer: test <test@example.org>\nDepends: jcode (>= 0.1.0), jcode-abi-2\n"
                    "Description: test provider for ABI 2\n built for another ABI major\n")
        deb = os.path.join(self.top, "abi2.deb")
        run(["dpkg-deb", "--root-owner-group", "--build", pkg, deb])
        p = self.root.dpkg("-i", deb, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("jcode-abi-2", p.stderr)
        status = self.root.dpkg("-s", "jcode-provider-future", check=False).stdout
        self.assertNotIn("Status: install ok installed", status)
        self.root.dpkg("--purge", "jcode-provider-future")

    # -- the installed jcode -----------------------------------------------------------------

    def test_3_installed_jcode_lists_exactly_the_installed_providers(self):
        out = self.listed()
        system = [d for d in out["search_path"] if d["origin"] == "system"]
        self.assertEqual([d["path"] for d in system], [self.plugin_dir])
        files = {os.path.join(self.plugin_dir, f"jcode-provider-{i}.so") for i in self.providers}
        self.assertEqual({p["path"] for p in out["plugins"]}, files)
        self.assertEqual({p["origin"] for p in out["plugins"]}, {"system"})
        self.assertEqual(out["skipped"], [])
        ids = {p["id"] for p in out["plugins"]}
        self.assertTrue(set(self.providers) <= ids, ids)
        p = self.installed("--version", "--verbose")
        self.assertIn(self.version, p.stdout)
        self.assertIn("fireworks", p.stdout)

    def test_4_installed_jcode_answers_through_an_installed_provider(self):
        self.answer_through_fireworks()

    def answer_through_fireworks(self):
        p = self.installed("--provider", "fireworks", "run", "Reply with exactly FIREWORKS_OK",
                           env=self.env(FIREWORKS_API_KEY="sk-emulator-compat-key"))
        self.assertEqual(p.stdout, "FIREWORKS_OK\n")
        self.assertEqual(len(self.wire(CHAT)), 1)

    def test_5_sdk_package_alone_builds_plugins_the_installed_jcode_loads(self):
        usr = os.path.join(self.root.path, "usr")
        examples = os.path.join(self.top, "examples")
        shutil.copytree(os.path.join(usr, "share/doc/jcode-plugin-dev/examples"), examples)
        # The old plugin first: the C example compiled against the 1.0 header, unchanged.
        user = self.user_plugin_dir()
        shutil.copy(OLD_ECHO, os.path.join(user, "jcode-provider-echo.so"))
        rows = [p for p in self.listed()["plugins"] if p["origin"] == "user"]
        self.assertEqual([(p["id"], p["abi"]) for p in rows], [("echo", "1.0")])
        os.remove(os.path.join(user, "jcode-provider-echo.so"))

        # CMake: find_package(jcode-plugin) from the installed package only.
        cm = os.path.join(self.top, "cmake-build")
        run(["cmake", "-S", examples, "-B", cm, f"-DCMAKE_PREFIX_PATH={usr}", "-DCMAKE_BUILD_TYPE=Release"])
        run(["cmake", "--build", cm])
        # pkg-config: the relocatable .pc points at the root it was installed into.
        pc_env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(usr, self.libdir, "pkgconfig"))
        cflags = run(["pkg-config", "--cflags", "jcode-plugin"], env=pc_env).stdout.split()
        self.assertEqual([os.path.normpath(f[2:]) for f in cflags], [os.path.join(usr, "include")])
        mk = os.path.join(self.top, "make-build")
        shutil.copytree(examples, mk)
        run(["make", "-C", mk], env=pc_env)

        for built in (cm, mk):
            for f in glob.glob(os.path.join(user, "*.so")):
                os.remove(f)
            for name in ("jcode-provider-echo.so", "jcode-provider-echo-cpp.so"):
                shutil.copy(os.path.join(built, name), os.path.join(user, name))
            rows = {p["id"]: p for p in self.listed()["plugins"] if p["origin"] == "user"}
            self.assertEqual(set(rows), {"echo", "echo-cpp"}, built)
            info = self.installed("--json", "plugins", "info", "echo-cpp")
            self.assertEqual(json.loads(info.stdout)["id"], "echo-cpp")

    def test_9_removing_one_provider_package_removes_only_that_provider(self):
        gone = "gemini" if "gemini" in self.providers else self.providers[0]
        self.root.dpkg("-r", "jcode-provider-" + gone)
        self.assertFalse(os.path.exists(os.path.join(self.plugin_dir, f"jcode-provider-{gone}.so")))
        out = self.listed()
        paths = {p["path"] for p in out["plugins"]}
        kept = {os.path.join(self.plugin_dir, f"jcode-provider-{i}.so") for i in self.providers if i != gone}
        self.assertEqual(paths, kept)
        self.assertNotIn(gone, {p["id"] for p in out["plugins"]})
        self.assertEqual(out["skipped"], [])
        self.answer_through_fireworks()
        p = self.installed("login", "--provider", gone, check=None)
        self.assertNotEqual(p.returncode, 0)


if __name__ == "__main__":
    unittest.main()
