"""Cursor end to end with a fake cursor-agent: `cursor-agent login` run on the user's terminal
(jcode saves nothing; `cursor-agent status` is the session probe, run by `auth status --probe`
and at use), the API-key login (hidden prompt when the CLI is missing, --api-key-stdin for
scripts, cursor.env kept 0600 with its other lines), CURSOR_API_KEY overriding the saved key,
the print-mode transport (the key in the child's environment only, JCODE_CURSOR_MODEL), the
CLI's failures named, and auth-test saying why the tool smoke is skipped."""
import json
import os
import stat

from jcode_testlib import JcodeTestCase

FAKE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "plugins", "cursor",
                                     "tests", "fake-cursor-agent"))
KEY = "key_cursor_0123456789abcdef"


class Cursor(JcodeTestCase):
    def setUp(self):
        super().setUp()
        self.log = os.path.join(self.tmp, "cursor.log")

    def env(self, **extra):
        extra.setdefault("JCODE_CURSOR_CLI_PATH", FAKE)
        extra.setdefault("FAKE_CURSOR_LOG", self.log)
        return super().env(**extra)

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(line) for line in f if line.strip()]

    def env_file(self):
        return os.path.join(self.home, ".config", "jcode", "cursor.env")

    def status(self, *flags, env=None):
        rows = json.loads(self.jcode("--json", "auth", "status", *flags, env=env, check=0).stdout)
        return next(r for r in rows if r["id"] == "cursor")

    def test_cursor_agent_login_on_the_terminal_then_its_session_answers(self):
        p = self.jcode_pty("login", "--provider", "cursor")
        self.assertTrue(p.read_until(b"Press Enter"), p.text())
        p.write(b"\r")
        self.assertEqual(p.wait(), 0, p.text())
        self.assertIn("Logged in to Cursor", p.text())
        self.assertFalse(os.path.exists(self.env_file()))  # the CLI keeps its own session
        login = [c for c in self.calls() if c["argv"] == ["login"]]
        self.assertEqual(len(login), 1)
        self.assertTrue(login[0]["tty"])
        # Plain status runs no command; --probe asks cursor-agent.
        row = self.status()
        self.assertEqual(row["status"], "not_configured")
        self.assertIn("auth status --probe", row["action"])
        n = len(self.calls())
        row = self.status("--probe")
        self.assertEqual(row["source_id"], "cursor_cli_session")
        self.assertEqual(row["kind"], "session")
        self.assertEqual(self.calls()[n]["argv"], ["status"])
        p = self.jcode("--provider", "cursor", "run", "Reply with exactly CU_SESSION", check=0)
        self.assertEqual(p.stdout, "CU_SESSION\n")
        run = self.calls()[-1]
        self.assertEqual(run["argv"][:5], ["--print", "--output-format", "text", "--model", "gpt-5"])
        self.assertFalse(run["has_key"])

    def test_failed_cursor_agent_login_saves_nothing_and_names_the_key_login(self):
        p = self.jcode_pty("login", "--provider", "cursor", env=self.env(FAKE_CURSOR_LOGIN_FAIL="1"))
        self.assertTrue(p.read_until(b"Press Enter"), p.text())
        p.write(b"\r")
        self.assertNotEqual(p.wait(), 0, p.text())
        self.assertIn("--use-api-key", p.text())
        self.assertFalse(os.path.exists(self.env_file()))

    def test_without_the_cli_the_login_asks_for_a_key_hidden(self):
        p = self.jcode_pty("login", "--provider", "cursor",
                           env=self.env(JCODE_CURSOR_CLI_PATH=os.path.join(self.tmp, "no-cursor-agent")))
        self.assertTrue(p.read_until(b"Cursor API key (input hidden): "), p.text())
        self.assertIn("JCODE_CURSOR_CLI_PATH", p.text())
        p.write((KEY + "\r").encode())
        self.assertEqual(p.wait(), 0, p.text())
        self.assertNotIn(KEY, p.text())  # not echoed, not printed
        self.assertEqual(stat.S_IMODE(os.stat(self.env_file()).st_mode), 0o600)
        with open(self.env_file()) as f:
            self.assertIn("CURSOR_API_KEY=" + KEY, f.read())

    def test_key_from_stdin_round_trip_keeps_other_lines_and_the_environment_wins(self):
        os.makedirs(os.path.dirname(self.env_file()))
        with open(self.env_file(), "w") as f:
            f.write("# my notes\nOTHER_SETTING=1\n")
        self.jcode("login", "--provider", "cursor", "--api-key-stdin", input=KEY + "\n", check=0)
        with open(self.env_file()) as f:
            text = f.read()
        self.assertIn("# my notes\n", text)
        self.assertIn("OTHER_SETTING=1\n", text)
        self.assertIn("CURSOR_API_KEY=" + KEY, text)
        self.assertEqual(stat.S_IMODE(os.stat(self.env_file()).st_mode), 0o600)
        self.assertEqual([c for c in self.calls() if c["argv"] == ["login"]], [])
        self.assertEqual(self.status()["source_id"], "cursor_env")
        env = self.env(FAKE_CURSOR_VALID_KEY=KEY)
        p = self.jcode("--provider", "cursor", "run", "Reply with exactly CU_KEY", env=env, check=0)
        self.assertEqual(p.stdout, "CU_KEY\n")
        run = self.calls()[-1]
        self.assertTrue(run["has_key"])
        self.assertFalse(run["key_in_argv"])
        # CURSOR_API_KEY in the environment overrides the saved key.
        env["CURSOR_API_KEY"] = "key_from_environment_x"
        self.assertEqual(self.status(env=env)["source_id"], "cursor_api_key_env")
        bad = self.jcode("--provider", "cursor", "run", "hi", env=env)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("Invalid API key", bad.stderr)
        self.assertNotIn("key_from_environment_x", bad.stderr)

    def test_scripts_without_a_key_get_the_scriptable_way_and_no_cli_runs(self):
        r = self.jcode("login", "--provider", "cursor")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--api-key-stdin", r.stderr)
        r = self.jcode("login", "--provider", "cursor", "--print-auth-url")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--api-key-stdin", r.stderr)
        r = self.jcode("login", "--provider", "cursor", "--api-key-stdin", input="two words\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(self.env_file()))
        self.assertEqual(self.calls(), [])

    def test_cli_failures_are_named(self):
        self.jcode("login", "--provider", "cursor", "--api-key-stdin", input=KEY + "\n", check=0)
        missing = self.jcode("--provider", "cursor", "run", "hi",
                             env=self.env(JCODE_CURSOR_CLI_PATH=os.path.join(self.tmp, "no-cursor-agent")))
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("JCODE_CURSOR_CLI_PATH", missing.stderr)
        crashed = self.jcode("--provider", "cursor", "run", "hi", env=self.env(FAKE_CURSOR_FAIL="1"))
        self.assertNotEqual(crashed.returncode, 0)
        self.assertIn("the agent crashed", crashed.stderr)
        p = self.jcode("--provider", "cursor", "run", "Reply with exactly CU_M", env=self.env(JCODE_CURSOR_MODEL="sonnet-4"),
                       check=0)
        self.assertEqual(self.calls()[-1]["argv"][4], "sonnet-4")

    def test_nothing_configured_names_the_login(self):
        r = self.jcode("--provider", "cursor", "run", "hi")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("jcode login --provider cursor", r.stderr)
        self.assertEqual([c["argv"] for c in self.calls()], [["status"]])  # the session probe only

    def test_auth_test_checks_the_key_and_says_why_the_tool_smoke_is_skipped(self):
        self.jcode("login", "--provider", "cursor", "--api-key-stdin", input=KEY + "\n", check=0)
        p = self.jcode("--json", "auth-test", "--provider", "cursor", check=0)
        report = json.loads(p.stdout)
        steps = {s["name"]: s for s in (report[0] if isinstance(report, list) else report)["steps"]}
        self.assertTrue(steps["provider_smoke"]["ok"], steps)
        self.assertTrue(steps["tool_smoke"]["skipped"])
        self.assertIn("text only", steps["tool_smoke"]["detail"])
