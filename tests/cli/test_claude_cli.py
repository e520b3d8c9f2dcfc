"""The deprecated Claude CLI transport end to end with a stand-in `claude`
(plugins/claude/tests/fake-claude.sh): the reply is printed, no secret reaches argv, a
deprecation warning, the CLI's failure and a missing executable reported clearly."""
import json
import os

from jcode_testlib import JcodeTestCase

FAKE = os.environ["JCODE_FAKE_CLAUDE"]


class ClaudeCli(JcodeTestCase):
    def cli_env(self, **extra):
        self.argv_file = os.path.join(self.tmp, "argv")
        self.stdin_file = os.path.join(self.tmp, "stdin")
        return self.env(JCODE_CLAUDE_CLI_PATH=FAKE, FAKE_CLAUDE_ARGV_FILE=self.argv_file,
                        FAKE_CLAUDE_STDIN_FILE=self.stdin_file, **extra)

    def argv(self):
        with open(self.argv_file) as f:
            return f.read().splitlines()

    def check_reply(self, p, reply="Hello from the fake Claude CLI."):
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, reply + "\n")
        self.assertIn("deprecated", p.stderr)
        argv = self.argv()
        self.assertIn("-p", argv)
        self.assertEqual(argv[argv.index("--output-format") + 1], "stream-json")
        with open(self.stdin_file) as f:
            lines = [json.loads(x) for x in f.read().splitlines() if x.strip()]
        self.assertEqual(lines[0]["type"], "user")
        self.assertIn("say hi", json.dumps(lines[0]["message"]))
        # The CLI talks to nobody through jcode: the emulator saw nothing.
        self.assertEqual(self.control("requests"), [])

    def test_hidden_provider_value(self):
        p = self.jcode("--provider", "claude-subprocess", "run", "say hi", env=self.cli_env())
        self.check_reply(p)

    def test_environment_switch(self):
        p = self.jcode("--provider", "claude", "run", "say hi", env=self.cli_env(JCODE_USE_CLAUDE_CLI="1"))
        self.check_reply(p)

    def test_argv_holds_no_secret_even_when_logged_in(self):
        self.login_claude()
        acct = self.read_json(self.jcode_path("auth.json"))["anthropic_accounts"][0]
        self.control("requests", method="DELETE")
        p = self.jcode("--provider", "claude-subprocess", "run", "say hi",
                       env=self.cli_env(FAKE_CLAUDE_REPLY="Logged in or not"))
        self.check_reply(p, "Logged in or not")
        argv = "\n".join(self.argv())
        with open(self.stdin_file) as f:
            stdin = f.read()
        for secret in (acct["access"], acct["refresh"]):
            self.assertNotIn(secret, argv)
            self.assertNotIn(secret, stdin)
        self.assertNotIn("sk-ant-", argv)

    def test_cli_failure_shows_its_stderr(self):
        p = self.jcode("--provider", "claude-subprocess", "run", "say hi", env=self.cli_env(FAKE_CLAUDE_FAIL="1"))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("simulated crash", p.stderr)
        self.assertEqual(p.stdout.strip(), "")

    def test_missing_executable_names_the_variable(self):
        env = self.cli_env()
        env["JCODE_CLAUDE_CLI_PATH"] = os.path.join(self.tmp, "no-such-claude")
        p = self.jcode("--provider", "claude-subprocess", "run", "say hi", env=env)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("JCODE_CLAUDE_CLI_PATH", p.stderr)
        self.assertIn("no-such-claude", p.stderr)

    def test_the_cli_mode_is_declared_data_not_core_logic(self):
        # The alias and the session source come from the plugin's tables (ABI 1.1).
        info = json.loads(self.jcode("--json", "plugins", "info", "claude", check=0).stdout)
        alias = next(a for a in info["aliases"] if a["name"] == "claude-subprocess")
        self.assertEqual(alias["sets"], "JCODE_USE_CLAUDE_CLI=1")
        self.assertTrue(alias["hidden"])
        self.assertTrue(info["transport"]["subprocess"])
        self.assertEqual(info["sources"][0]["id"], "claude_cli_session")
        listed = json.loads(self.jcode("--json", "plugins", "list", check=0).stdout)
        self.assertNotIn("claude-subprocess", json.dumps(listed))
        # auth status says where the answer will come from: the CLI's own session.
        status = json.loads(self.jcode("--json", "auth", "status", env=self.cli_env(JCODE_USE_CLAUDE_CLI="1"),
                                       check=0).stdout)
        claude = next(e for e in status if e["id"] == "claude")
        self.assertEqual(claude["source_id"], "claude_cli_session")
        self.assertEqual(claude["kind"], "session")

    def test_auth_test_probes_the_cli_session_and_skips_jcode_tools(self):
        p = self.jcode("--provider", "claude-subprocess", "--json", "auth-test",
                       env=self.cli_env(FAKE_CLAUDE_REPLY="AUTH_TEST_OK"))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        report = json.loads(p.stdout)[0]
        steps = {s["name"]: s for s in report["steps"]}
        self.assertTrue(steps["credential_probe"]["ok"], report)
        self.assertIn("CLI session", steps["credential_probe"]["detail"])
        self.assertTrue(steps["provider_smoke"]["ok"], report)
        self.assertTrue(steps["tool_smoke"]["skipped"], report)


if __name__ == "__main__":
    import unittest
    unittest.main()
