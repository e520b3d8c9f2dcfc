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


if __name__ == "__main__":
    import unittest
    unittest.main()
