"""jcode login/logout --provider claude end to end against the emulator."""
import json
import os
import time
import unittest

from jcode_testlib import JcodeTestCase


class ClaudeLogin(JcodeTestCase):
    def test_browser_login_saves_tokens_privately(self):
        p = self.jcode("login", "--provider", "claude", env=self.browser_env(), check=0)
        self.assertIn("Logged in to Claude as user@example.com", p.stderr)
        path = self.jcode_path("auth.json")
        self.assertPrivateFile(path)
        self.assertEqual(os.stat(os.path.dirname(path)).st_mode & 0o777, 0o700)
        doc = self.read_json(path)
        acct = doc["anthropic_accounts"][0]
        self.assertTrue(acct["access"].startswith("sk-ant-oat01-"))
        self.assertTrue(acct["refresh"].startswith("sk-ant-ort01-"))
        self.assertGreater(acct["expires"], int(time.time() * 1000))
        self.assertEqual(acct["email"], "user@example.com")
        # No token ever reaches the terminal.
        self.assertNotIn(acct["access"], p.stdout + p.stderr)
        self.assertNotIn(acct["refresh"], p.stdout + p.stderr)
        # The code was exchanged exactly once.
        counters = self.control("counters")
        self.assertEqual(counters["POST /platform.claude.com/v1/oauth/token"]["count"], 1, counters)

    def test_scriptable_print_then_callback_url(self):
        p = self.jcode("--json", "login", "--provider", "claude", "--print-auth-url", check=0)
        info = json.loads(p.stdout)
        self.assertEqual(info["status"], "pending")
        self.assertEqual(info["provider"], "claude")
        self.assertIn("--provider claude", info["resume_command"])
        pending = info["pending_path"]
        self.assertPrivateFile(pending)
        location = self.follow_authorize(info["auth_url"])
        self.assertIn("code=", location)
        # The callback URL travels on stdin, never argv.
        done = self.jcode("login", "--provider", "claude", "--callback-url", "-", input=location + "\n", check=0)
        self.assertIn("Logged in to Claude", done.stderr)
        self.assertFalse(os.path.exists(pending), "pending state must be consumed")
        self.assertPrivateFile(self.jcode_path("auth.json"))
        # A second completion has no pending state left and says what to run.
        again = self.jcode("login", "--provider", "claude", "--callback-url", location)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("jcode login --provider claude --print-auth-url", again.stderr)

    def test_scriptable_auth_code_hash_state(self):
        # Claude's manual page shows "code#state"; --auth-code accepts that form.
        info = json.loads(self.jcode("--json", "login", "--provider", "claude", "--print-auth-url", check=0).stdout)
        location = self.follow_authorize(info["auth_url"])
        from urllib.parse import urlparse, parse_qs
        q = parse_qs(urlparse(location).query)
        pasted = q["code"][0] + "#" + q["state"][0]
        self.jcode("login", "--provider", "claude", "--auth-code", "-", input=pasted + "\n", check=0)
        self.assertPrivateFile(self.jcode_path("auth.json"))

    def test_expired_pending_state_is_refused_and_removed(self):
        p = self.jcode("--json", "login", "--provider", "claude", "--print-auth-url", check=0)
        info = json.loads(p.stdout)
        rec = self.read_json(info["pending_path"])
        rec["expires_at_ms"] = int(time.time() * 1000) - 1000
        with open(info["pending_path"], "w") as f:
            json.dump(rec, f)
        location = self.follow_authorize(info["auth_url"])
        r = self.jcode("login", "--provider", "claude", "--callback-url", location)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("expired", r.stderr)
        self.assertIn("--print-auth-url", r.stderr)
        self.assertFalse(os.path.exists(info["pending_path"]))

    def test_wrong_state_is_refused(self):
        p = self.jcode("--json", "login", "--provider", "claude", "--print-auth-url", check=0)
        info = json.loads(p.stdout)
        location = self.follow_authorize(info["auth_url"])
        forged = location.replace("state=", "state=x")
        r = self.jcode("login", "--provider", "claude", "--callback-url", forged)
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(self.jcode_path("auth.json")))

    def test_logout_removes_only_jcode_tokens(self):
        claude_dir = os.path.join(self.home, ".claude")
        os.makedirs(claude_dir)
        external = os.path.join(claude_dir, ".credentials.json")
        with open(external, "w") as f:
            f.write('{"claudeAiOauth":{"accessToken":"a","refreshToken":"b","expiresAt":1}}')
        before = os.stat(external)
        self.jcode("login", "--provider", "claude", env=self.browser_env(), check=0)
        self.jcode("logout", "--provider", "claude", check=0)
        doc = self.read_json(self.jcode_path("auth.json"))
        self.assertEqual(doc["anthropic_accounts"], [])
        after = os.stat(external)
        self.assertEqual((before.st_mtime_ns, before.st_size, before.st_mode), (after.st_mtime_ns, after.st_size, after.st_mode))

    def test_no_terminal_and_no_browser_defers_to_the_scriptable_flow(self):
        # NO_BROWSER and no TTY (the testlib's default env): waiting for a redirect would only
        # time out, so jcode prints the URL and saves the pending state instead.
        p = self.jcode("--json", "login", "--provider", "claude", check=0)
        info = json.loads(p.stdout)
        self.assertEqual(info["status"], "pending")
        self.assertIn("printing the login URL instead", p.stderr)
        self.assertPrivateFile(info["pending_path"])
        location = self.follow_authorize(info["auth_url"])
        self.jcode("login", "--provider", "claude", "--callback-url", "-", input=location + "\n", check=0)
        self.assertPrivateFile(self.jcode_path("auth.json"))

    def test_unknown_provider_and_option(self):
        r = self.jcode("login", "--provider", "nope")
        self.assertEqual(r.returncode, 5, r.stderr)
        r = self.jcode("login", "--provider", "claude", "--endpoint", "x")
        self.assertNotEqual(r.returncode, 0)


if __name__ == "__main__":
    unittest.main()
