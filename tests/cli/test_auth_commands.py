"""jcode auth refresh and jcode auth trust against the emulator."""
import json
import os
import stat

from jcode_testlib import JcodeTestCase


class AuthRefresh(JcodeTestCase):
    def login(self):
        self.jcode("login", "--provider", "claude", env=self.browser_env(), check=0)
        return self.read_json(self.jcode_path("auth.json"))["anthropic_accounts"][0]

    def test_forced_refresh_rotates_and_saves_before_use(self):
        before = self.login()
        p = self.jcode("--json", "auth", "refresh", "--provider", "claude", check=0)
        out = json.loads(p.stdout)
        self.assertEqual(out["status"], "refreshed")
        self.assertTrue(out["refreshed"])
        after = self.read_json(self.jcode_path("auth.json"))["anthropic_accounts"][0]
        self.assertNotEqual(before["refresh"], after["refresh"], "the refresh token must rotate")
        self.assertNotEqual(before["access"], after["access"])
        self.assertEqual(after["email"], "user@example.com", "refresh keeps the profile email")
        self.assertPrivateFile(self.jcode_path("auth.json"))
        # The rotated token works again; the grant is still alive.
        self.jcode("auth", "refresh", "--provider", "claude", check=0)
        grants = self.control("grants")
        self.assertFalse(any(g["revoked"] for g in grants), grants)

    def test_rejected_refresh_token_is_never_sent_again(self):
        self.login()
        acct = self.read_json(self.jcode_path("auth.json"))["anthropic_accounts"][0]
        self.control("revoke-grant", {"refresh_token": acct["refresh"]})
        r = self.jcode("auth", "refresh", "--provider", "claude")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("jcode login --provider claude", r.stderr)
        self.assertNotIn(acct["refresh"], r.stderr)
        sent = self.control("counters")["POST /platform.claude.com/v1/oauth/token"]["count"]
        r2 = self.jcode("auth", "refresh", "--provider", "claude")
        self.assertEqual(r2.returncode, 3, r2.stderr)
        self.assertEqual(self.control("counters")["POST /platform.claude.com/v1/oauth/token"]["count"], sent,
                         "a rejected refresh token must not be sent again")

    def test_refresh_without_login(self):
        r = self.jcode("auth", "refresh", "--provider", "claude")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("jcode login --provider claude", r.stderr)


class AuthTrust(JcodeTestCase):
    def test_add_list_revoke(self):
        d = os.path.join(self.home, ".claude")
        os.makedirs(d)
        f = os.path.join(d, ".credentials.json")
        with open(f, "w") as fh:
            fh.write("{}")
        self.jcode("auth", "trust", "add", "claude_code_credentials", f, check=0)
        listed = json.loads(self.jcode("--json", "auth", "trust", "list", check=0).stdout)
        self.assertEqual(listed, [{"source_id": "claude_code_credentials", "path": os.path.realpath(f).lower()}])
        cfg = self.jcode_path("config.toml")
        self.assertEqual(stat.S_IMODE(os.stat(cfg).st_mode), 0o600)
        self.jcode("auth", "trust", "revoke", "claude_code_credentials", f, check=0)
        self.assertEqual(json.loads(self.jcode("--json", "auth", "trust", "list", check=0).stdout), [])

    def test_trust_edits_config_in_place(self):
        os.makedirs(self.jcode_path())
        original = ("# my settings\n[provider]\ndefault_provider = \"claude\"  # keep\n\n"
                    "[auth]\n# approved by hand\ntrusted_external_sources = []\n\n[http]\nconnect_timeout_secs = 7\n")
        with open(self.jcode_path("config.toml"), "w") as fh:
            fh.write(original)
        f = os.path.join(self.home, "creds.json")
        with open(f, "w") as fh:
            fh.write("{}")
        r = self.jcode("auth", "trust", "add", "claude_code_credentials", f, check=0)
        self.assertNotIn("comments", r.stderr)
        with open(self.jcode_path("config.toml")) as fh:
            text = fh.read()
        entry = "claude_code_credentials|" + os.path.realpath(f).lower()
        # Every original line is still there, in order; one line was added under [auth].
        self.assertEqual([l for l in text.splitlines() if "trusted_external_source_paths" not in l],
                         original.splitlines())
        self.assertIn('trusted_external_source_paths = ["' + entry + '"]', text)
        g = os.path.join(self.home, "codex.json")
        with open(g, "w") as fh:
            fh.write("{}")
        self.jcode("auth", "trust", "add", "openai_codex_auth_json", g, check=0)
        with open(self.jcode_path("config.toml")) as fh:
            text = fh.read()
        self.assertIn(entry, text)
        self.assertIn("openai_codex_auth_json|" + os.path.realpath(g).lower(), text)
        self.assertIn("trusted_external_sources = []", text)
        self.assertIn("# approved by hand", text)
        self.assertIn("connect_timeout_secs = 7", text)

    def test_dotted_keys_survive_a_trust_change(self):
        os.makedirs(self.jcode_path())
        with open(self.jcode_path("config.toml"), "w") as fh:
            fh.write("# top\nhttp.connect_timeout_secs = 5\n")
        f = os.path.join(self.home, "creds.json")
        with open(f, "w") as fh:
            fh.write("{}")
        self.jcode("auth", "trust", "add", "claude_code_credentials", f, check=0)
        with open(self.jcode_path("config.toml")) as fh:
            text = fh.read()
        self.assertTrue(text.startswith("# top\nhttp.connect_timeout_secs = 5\n"), text)
        self.assertIn("[auth]\ntrusted_external_source_paths = [\"claude_code_credentials|", text)

    def test_trusting_a_source_no_provider_reads_is_refused(self):
        f = os.path.join(self.home, "creds.json")
        with open(f, "w") as fh:
            fh.write("{}")
        for args in (["nosuch_source", f], ["nosuch_source"], ["claude_code_credentials"]):
            r = self.jcode("auth", "trust", "add", *args)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("no installed provider reads a source", r.stderr)
            self.assertIn("Nothing was changed", r.stderr)
        r = self.jcode("auth", "trust", "add", "nosuch_source", f)
        self.assertIn("claude_code_credentials", r.stderr)  # the ids that do exist
        self.assertFalse(os.path.exists(self.jcode_path("config.toml")))

    def test_symlink_is_refused(self):
        real = os.path.join(self.tmp, "real.json")
        with open(real, "w") as fh:
            fh.write("{}")
        link = os.path.join(self.home, "link.json")
        os.symlink(real, link)
        r = self.jcode("auth", "trust", "add", "claude_code_credentials", link)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("symlink", r.stderr)


class AuthStatus(JcodeTestCase):
    def test_status_reports_sources_without_network(self):
        out = json.loads(self.jcode("--json", "auth", "status", check=0).stdout)
        claude = next(e for e in out if e["id"] == "claude")
        self.assertEqual(claude["status"], "not_configured")
        self.assertIn("jcode login --provider claude", claude["action"])
        self.jcode("login", "--provider", "claude", env=self.browser_env(), check=0)
        # An untrusted Claude Code file is reported, not read.
        d = os.path.join(self.home, ".claude")
        os.makedirs(d)
        with open(os.path.join(d, ".credentials.json"), "w") as fh:
            fh.write('{"claudeAiOauth":{"accessToken":"x","refreshToken":"y","expiresAt":1}}')
        counters = self.control("counters")
        out = json.loads(self.jcode("--json", "auth", "status", check=0).stdout)
        claude = next(e for e in out if e["id"] == "claude")
        self.assertEqual(claude["status"], "available")
        self.assertEqual(claude["kind"], "oauth")
        self.assertEqual(claude["source_id"], "jcode_claude_auth")
        self.assertTrue(claude["refresh_support"])
        states = {s["id"]: s["state"] for s in claude["sources"]}
        self.assertEqual(states["claude_code_credentials"], "untrusted")
        self.assertEqual(self.control("counters"), counters, "auth status must not touch the network")
        text = self.jcode("auth", "status", check=0).stdout
        self.assertIn("Claude (claude): oauth", text)

    def test_logout_revokes_at_the_provider(self):
        self.jcode("login", "--provider", "claude", env=self.browser_env(), check=0)
        out = json.loads(self.jcode("--json", "logout", "--provider", "claude", check=0).stdout)
        self.assertEqual(out["status"], "logged_out")
