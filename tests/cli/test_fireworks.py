"""Fireworks AI end to end against the emulator: a provider that is one table row
(plugins/fireworks) logs in with a key on stdin, keeps it in ~/.config/jcode/fireworks.env
(0600), and talks Chat Completions to its declared API base with the key as a bearer."""
import json
import os
import stat

from jcode_testlib import JcodeTestCase

CHAT = "/api.fireworks.ai/inference/v1/chat/completions"
KEY = "sk-emulator-compat-key"


class Fireworks(JcodeTestCase):
    def env_file(self):
        return os.path.join(self.home, ".config", "jcode", "fireworks.env")

    def test_login_from_stdin_then_run(self):
        self.jcode("login", "--provider", "fireworks", input=KEY + "\n", check=0)
        mode = stat.S_IMODE(os.stat(self.env_file()).st_mode)
        self.assertEqual(mode, 0o600)
        with open(self.env_file()) as f:
            self.assertIn("FIREWORKS_API_KEY=" + KEY, f.read())
        p = self.jcode("--provider", "fireworks", "run", "Reply with exactly FIREWORKS_OK", check=0)
        self.assertEqual(p.stdout, "FIREWORKS_OK\n")
        self.assertNotIn(KEY, p.stdout + p.stderr)
        reqs = self.wire(CHAT)
        self.assertEqual(len(reqs), 1)
        self.assertEqual(reqs[0]["headers"]["authorization"], "Bearer " + KEY)
        body = json.loads(reqs[0]["body"])
        self.assertEqual(body["model"], "accounts/fireworks/routers/kimi-k2p5-turbo")
        self.assertTrue(body["stream"])

    def test_environment_key_wins_and_a_wrong_key_says_how_to_fix_it(self):
        p = self.jcode("--provider", "fireworks", "run", "hello", env=self.env(FIREWORKS_API_KEY="fw-wrong-key"))
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("Fireworks AI refused the API key (401", p.stderr)
        self.assertIn("FIREWORKS_API_KEY", p.stderr)
        self.assertNotIn("fw-wrong-key", p.stdout + p.stderr)

    def test_no_key_names_the_login_command(self):
        p = self.jcode("--provider", "fireworks", "run", "hello")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("jcode login --provider fireworks", p.stderr)

    def test_auth_status_shows_where_the_key_is(self):
        p = self.jcode("--json", "auth", "status", env=self.env(FIREWORKS_API_KEY=KEY), check=0)
        rows = [r for r in json.loads(p.stdout) if r["id"] == "fireworks"]
        self.assertEqual(len(rows), 1, p.stdout)
        self.assertEqual(rows[0]["source_id"], "fireworks_api_key_env", rows[0])
        self.assertEqual(rows[0]["kind"], "api_key", rows[0])
        self.assertNotIn(KEY, p.stdout)


if __name__ == "__main__":
    import unittest
    unittest.main()
