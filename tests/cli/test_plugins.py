"""jcode plugins list/info: bad files in a plugin directory are named with a reason while
good plugins keep working."""
import json
import os
import shutil

from jcode_testlib import JcodeTestCase, PLUGIN_DIR

FIXTURES = os.environ["JCODE_FIXTURE_PLUGIN_DIR"]


class PluginsList(JcodeTestCase):
    def plugin_dir(self):
        d = os.path.join(self.tmp, "plugins")
        os.makedirs(d)
        os.chmod(d, 0o755)
        shutil.copy(os.path.join(PLUGIN_DIR, "jcode-provider-claude.so"), d)
        with open(os.path.join(d, "jcode-provider-junk.so"), "wb") as f:
            f.write(b"\x7fELF" + os.urandom(200))
        with open(os.path.join(d, "jcode-provider-text.so"), "w") as f:
            f.write("this is not a shared object\n")
        shutil.copy(os.path.join(FIXTURES, "jcode-provider-fixture.so"), os.path.join(d, "jcode-provider-writable.so"))
        os.chmod(os.path.join(d, "jcode-provider-writable.so"), 0o666)
        shutil.copy(os.path.join(FIXTURES, "jcode-provider-wrongmajor.so"), d)
        with open(os.path.join(d, "README.txt"), "w") as f:
            f.write("not a plugin name: ignored\n")
        return d

    def test_bad_files_are_skipped_with_reasons(self):
        d = self.plugin_dir()
        p = self.jcode("--json", "plugins", "list", env=self.env(JCODE_PLUGIN_PATH=d), check=0)
        out = json.loads(p.stdout)
        loaded = {x["id"] for x in out["plugins"]}
        self.assertIn("claude", loaded)
        skipped = {os.path.basename(x["path"]): x["reason"] for x in out["skipped"]}
        for name in ("jcode-provider-junk.so", "jcode-provider-text.so", "jcode-provider-writable.so",
                     "jcode-provider-wrongmajor.so"):
            self.assertIn(name, skipped, out)
            self.assertTrue(skipped[name], name)
        self.assertIn("writable", skipped["jcode-provider-writable.so"])
        self.assertIn("major", skipped["jcode-provider-wrongmajor.so"])
        self.assertNotIn("README.txt", skipped)
        # The text listing names them too, and claude still works.
        text = self.jcode("plugins", "list", env=self.env(JCODE_PLUGIN_PATH=d), check=0).stdout
        self.assertIn("jcode-provider-junk.so", text)
        self.jcode("plugins", "info", "claude", env=self.env(JCODE_PLUGIN_PATH=d), check=0)

    def test_a_shadowed_copy_is_listed_but_not_warned_about_on_every_command(self):
        d = os.path.join(self.tmp, "user-plugins")
        os.makedirs(d)
        os.chmod(d, 0o755)
        shutil.copy(os.path.join(PLUGIN_DIR, "jcode-provider-fireworks.so"), d)
        env = self.env(JCODE_PLUGIN_PATH=d + ":" + PLUGIN_DIR)
        r = self.jcode("auth", "status", env=env, check=0)
        self.assertNotIn("duplicate", r.stderr)
        out = json.loads(self.jcode("--json", "plugins", "list", env=env, check=0).stdout)
        fw = next(x for x in out["plugins"] if x["id"] == "fireworks")
        self.assertEqual(os.path.dirname(fw["path"]), d)
        self.assertTrue(any("duplicate id 'fireworks'" in x["reason"] for x in out["skipped"]), out["skipped"])
        r = self.jcode("-v", "auth", "status", env=env, check=0)
        self.assertIn("duplicate id 'fireworks'", r.stderr)

    def test_info_shows_effective_endpoints(self):
        p = self.jcode("--json", "plugins", "info", "claude",
                       env=self.env(JCODE_ENDPOINT_CLAUDE_TOKEN="http://127.0.0.1:1/token"), check=0)
        info = json.loads(p.stdout)
        urls = {e["name"]: e["url"] for e in info["endpoints"]}
        self.assertEqual(urls["token"], "http://127.0.0.1:1/token")
        self.assertEqual(urls["api"], self.emu_url + "/api.anthropic.com")
        self.assertEqual([s["id"] for s in info["sources"]],
                         ["claude_cli_session", "jcode_claude_auth", "claude_code_credentials", "opencode_auth_json",
                          "pi_auth_json"])

    def test_version_verbose_lists_the_host_abi_and_every_plugin(self):
        out = self.jcode("--version", "--verbose", check=0).stdout
        lines = out.splitlines()
        self.assertRegex(lines[0], r"^jcode \S+ \(plugin ABI 1\.\d+\)$")
        self.assertIn("plugins:", lines)
        listed = json.loads(self.jcode("--json", "plugins", "list", check=0).stdout)
        ids = [p["id"] for p in listed["plugins"]] if isinstance(listed, dict) else [p["id"] for p in listed]
        for pid in ids:
            self.assertTrue(any(l.startswith("  " + pid + " ") and "(ABI 1." in l for l in lines), (pid, out))
        self.assertEqual(self.jcode("--version", check=0).stdout.count("\n"), 1)

    def test_info_shows_the_files_jcode_reads_under_jcode_home(self):
        jh = os.path.join(self.tmp, "jh")
        env = self.env(JCODE_HOME=jh)
        info = json.loads(self.jcode("--json", "plugins", "info", "claude", env=env, check=0).stdout)
        paths = {s["id"]: s.get("path") for s in info["sources"]}
        self.assertEqual(paths["jcode_claude_auth"], os.path.join(jh, "auth.json"))
        self.assertEqual(paths["claude_code_credentials"], os.path.join(jh, "external", ".claude", ".credentials.json"))
        self.assertIsNone(paths["claude_cli_session"])
        text = self.jcode("plugins", "info", "claude", env=env, check=0).stdout
        self.assertIn(os.path.join(jh, "external", ".claude", ".credentials.json"), text)
        self.assertNotIn("~/.claude", text)

    def test_plain_http_endpoint_override_is_refused(self):
        env = self.env(JCODE_ENDPOINT_CLAUDE_TOKEN="http://example.com/token")
        r = self.jcode("plugins", "info", "claude", env=env)
        out = r.stdout + r.stderr
        self.assertIn("JCODE_ENDPOINT_CLAUDE_TOKEN", out)
        self.assertIn("plain http", out)
        self.assertNotIn("= http://example.com", out)
        # A command that needs the endpoint fails, naming the setting; nothing is sent there.
        bad = self.env(JCODE_ENDPOINT_CLAUDE_AUTHORIZE="http://example.com/authorize")
        r = self.jcode("login", "--provider", "claude", "--print-auth-url", env=bad)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("JCODE_ENDPOINT_CLAUDE_AUTHORIZE", r.stderr)
        self.assertFalse(os.path.exists(self.jcode_path("pending-login", "claude.json")))

    def test_disable_in_config(self):
        os.makedirs(self.jcode_path())
        with open(self.jcode_path("config.toml"), "w") as f:
            f.write('[plugins]\ndisable = ["claude"]\n')
        out = json.loads(self.jcode("--json", "plugins", "list", check=0).stdout)
        self.assertNotIn("claude", {x["id"] for x in out["plugins"]})
