"""MiniMax end to end against the emulator: a provider that is one table row plus two quirks
declared as data — the China platform's API base for sk-cp- keys and the legacy
OPENAI_API_KEY line of minimax.env — and key reuse from an approved OpenCode file."""
import json
import os

from jcode_testlib import JcodeTestCase

GLOBAL = "/api.minimax.io/v1/chat/completions"
CHINA = "/api.minimaxi.com/v1/chat/completions"
KEY = "sk-emulator-compat-key"
CN_KEY = "sk-cp-emulator-china-key"


class MiniMax(JcodeTestCase):
    def conf(self, *parts):
        return os.path.join(self.home, ".config", "jcode", *parts)

    def write_env_file(self, text):
        os.makedirs(self.conf(), mode=0o700, exist_ok=True)
        with open(self.conf("minimax.env"), "w") as f:
            f.write(text)
        os.chmod(self.conf("minimax.env"), 0o600)

    def run_minimax(self, **env):
        return self.jcode("--provider", "minimax", "run", "Reply with exactly MINIMAX_OK", env=self.env(**env))

    def test_login_then_run_on_the_global_base(self):
        self.jcode("login", "--provider", "minimax", input=KEY + "\n", check=0)
        self.assertPrivateFile(self.conf("minimax.env"))
        with open(self.conf("minimax.env")) as f:
            self.assertIn("MINIMAX_API_KEY=" + KEY, f.read())
        r = self.run_minimax()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "MINIMAX_OK\n")
        reqs = self.wire(GLOBAL)
        self.assertEqual(len(reqs), 1)
        self.assertEqual(reqs[0]["headers"]["authorization"], "Bearer " + KEY)
        self.assertEqual(json.loads(reqs[0]["body"])["model"], "MiniMax-M2.7")
        self.assertEqual(self.wire(CHINA), [])

    def test_a_china_platform_key_goes_to_the_china_base(self):
        self.control("api-keys", {"provider": "compat", "key": CN_KEY})
        r = self.run_minimax(MINIMAX_API_KEY=CN_KEY)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.wire(CHINA)), 1)
        self.assertEqual(self.wire(GLOBAL), [])
        self.assertNotIn(CN_KEY, r.stdout + r.stderr)

    def test_the_legacy_openai_key_line_of_minimax_env_is_used_but_not_the_openai_variable(self):
        self.write_env_file("OPENAI_API_KEY=" + KEY + "\n")
        r = self.run_minimax()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.wire(GLOBAL)[0]["headers"]["authorization"], "Bearer " + KEY)
        status = json.loads(self.jcode("--json", "auth", "status", check=0).stdout)
        row = next(x for x in status if x["id"] == "minimax")
        self.assertEqual(row["source_id"], "minimax_env_legacy_openai_key")
        # A user's OpenAI key in the environment is never sent to MiniMax.
        os.remove(self.conf("minimax.env"))
        r = self.run_minimax(OPENAI_API_KEY="sk-users-openai-key")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("jcode login --provider minimax", r.stderr)
        self.assertEqual(len(self.wire(GLOBAL)), 1)

    def test_an_approved_opencode_entry_is_reused_and_the_file_never_written(self):
        d = os.path.join(self.home, ".local", "share", "opencode")
        os.makedirs(d)
        f = os.path.join(d, "auth.json")
        with open(f, "w") as fh:
            json.dump({"minimax": {"type": "api", "key": KEY}}, fh)
        os.chmod(f, 0o600)
        before = os.stat(f).st_mtime_ns
        r = self.run_minimax()  # not approved: not used, and the user is told how
        self.assertNotEqual(r.returncode, 0)
        self.jcode("auth", "trust", "add", "opencode_auth_json", f, check=0)
        r = self.run_minimax()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.wire(GLOBAL)[0]["headers"]["authorization"], "Bearer " + KEY)
        self.assertEqual(os.stat(f).st_mtime_ns, before)
        row = next(x for x in json.loads(self.jcode("--json", "auth", "status", check=0).stdout)
                   if x["id"] == "minimax")
        self.assertEqual(row["source_id"], "opencode_auth_json")

    def test_login_announces_an_existing_key_before_asking(self):
        self.write_env_file("MINIMAX_API_KEY=" + KEY + "\n")
        r = self.jcode("login", "--provider", "minimax", input="sk-emulator-second-key\n", check=0)
        self.assertIn("already configured", r.stderr)
        self.assertIn("minimax.env", r.stderr)
        self.assertNotIn(KEY, r.stderr)
        with open(self.conf("minimax.env")) as f:
            self.assertIn("MINIMAX_API_KEY=sk-emulator-second-key", f.read())


if __name__ == "__main__":
    import unittest
    unittest.main()
