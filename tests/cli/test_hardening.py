"""Regression tests for the defects of the adversarial run (issue 17): no command may lose a
login, print a secret or a terminal control byte, or write where it should not."""
import json
import os
import stat

from jcode_testlib import JcodeTestCase

TOKEN = "/platform.claude.com/v1/oauth/token"


class RefreshNeverSpendsWhatItCannotSave(JcodeTestCase):
    def test_unusable_home_fails_before_the_refresh_token_is_sent(self):
        before = self.login_claude()
        home = self.jcode_path()
        os.chmod(home, 0o777)
        try:
            r = self.jcode("auth", "refresh", "--provider", "claude")
        finally:
            os.chmod(home, 0o700)
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertIn("not refreshing", r.stderr)
        self.assertIn("still valid", r.stderr)
        self.assertEqual(self.count("POST " + TOKEN)[0], 1, "only the login's code exchange reached the token endpoint")
        self.assertEqual(self.read_json(self.jcode_path("auth.json"))["anthropic_accounts"][0], before)
        # The login survived: the next refresh works and the grant was never revoked.
        self.jcode("auth", "refresh", "--provider", "claude", check=0)
        self.assertFalse(any(g["revoked"] for g in self.control("grants")))

    def test_refresh_token_echoed_by_the_server_is_redacted_everywhere(self):
        acct = self.login_claude()
        rt = acct["refresh"]
        self.queue(TOKEN, [{"status": 400, "body": {"error": "invalid_request",
                                                    "error_description": "bad refresh_token value " + rt + " \x1b[31m"}}])
        r = self.jcode("auth", "refresh", "--provider", "claude")
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn(rt, r.stderr)
        self.assertNotIn(rt[:20], r.stderr)
        self.assertNotIn("\x1b", r.stderr, "control bytes from the server are escaped")
        with open(self.jcode_path("auth-refresh-state.json")) as f:
            state = f.read()
        self.assertNotIn(rt, state)
        self.assertIn("REDACTED", state)


class CorruptOwnFileIsNeverOverwritten(JcodeTestCase):
    def test_login_refuses_before_the_browser_step(self):
        os.makedirs(self.jcode_path(), mode=0o700)
        bad = {"anthropic_accounts": {"work": {"access": "a" * 20, "refresh": "r" * 20}}}
        with open(self.jcode_path("auth.json"), "w") as f:
            json.dump(bad, f)
        os.chmod(self.jcode_path("auth.json"), 0o600)
        r = self.jcode("login", "--provider", "claude", env=self.browser_env())
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertIn("auth.json", r.stderr)
        self.assertIn("not an array", r.stderr)
        self.assertEqual(self.read_json(self.jcode_path("auth.json")), bad, "the account is kept")
        self.assertEqual(self.count("POST " + TOKEN)[0], 0, "no code was redeemed")

    def test_the_message_says_what_the_file_is_and_a_fix_that_works(self):
        os.makedirs(self.jcode_path(), mode=0o700)
        with open(self.jcode_path("openai-auth.json"), "w") as f:
            f.write("[1, 2]\n")
        os.chmod(self.jcode_path("openai-auth.json"), 0o600)
        r = self.jcode("--provider", "openai", "run", "hi")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("is a JSON array, not an object", r.stderr)
        self.assertNotIn("logout", r.stderr)  # logout stumbles on the same file
        self.assertIn("move it aside", r.stderr)

    def test_auth_status_shows_the_corrupt_file_as_a_malformed_source(self):
        os.makedirs(self.jcode_path(), mode=0o700)
        with open(self.jcode_path("openai-auth.json"), "w") as f:
            f.write("[1, 2]\n")
        os.chmod(self.jcode_path("openai-auth.json"), 0o600)
        r = self.jcode("--json", "auth", "status", check=0)
        row = next(x for x in json.loads(r.stdout) if x["id"] == "openai")
        self.assertEqual(row["status"], "malformed", row)
        bad = [s for s in row["sources"] if s["state"] == "malformed"]
        self.assertEqual(len(bad), 1, row)
        self.assertTrue(bad[0]["where"].endswith("openai-auth.json"), bad)
        self.assertIn("JSON array", bad[0]["detail"])
        self.assertIn("move aside", row["action"])
        with open(self.jcode_path("openai-auth.json")) as f:
            self.assertEqual(f.read(), "[1, 2]\n")


class OwnFilesAreCheckedLikeSsh(JcodeTestCase):
    def test_symlinked_own_file_is_refused_and_its_target_untouched(self):
        self.login_claude()
        real = os.path.join(self.tmp, "elsewhere.json")
        os.rename(self.jcode_path("auth.json"), real)
        os.symlink(real, self.jcode_path("auth.json"))
        with open(real) as f:
            before = f.read()
        r = self.jcode("auth", "refresh", "--provider", "claude")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("symbolic link", r.stderr)
        self.assertTrue(os.path.islink(self.jcode_path("auth.json")))
        with open(real) as f:
            self.assertEqual(f.read(), before)

    def test_world_readable_own_file_is_tightened_with_a_warning(self):
        self.login_claude()
        os.chmod(self.jcode_path("auth.json"), 0o666)
        r = self.jcode("auth", "status")
        self.assertIn("mode 0666", r.stderr)
        self.assertPrivateFile(self.jcode_path("auth.json"))

    def test_env_files_are_checked_like_every_own_credential_file(self):
        # A world-writable key file is tightened with a warning (as auth.json is), a bad line is
        # named without the warning redacting itself, and a symlink is refused.
        conf = os.path.join(self.home, ".config", "jcode")
        os.makedirs(conf)
        env_file = os.path.join(conf, "fireworks.env")
        with open(env_file, "w") as f:
            f.write("garbage line\nFIREWORKS_API_KEY=sk-emulator-compat-key\n")
        os.chmod(env_file, 0o666)
        r = self.jcode("auth", "status", check=0)
        self.assertIn("fireworks.env", r.stderr)
        self.assertIn("mode 0666", r.stderr)
        self.assertIn("ignored a line that is not an assignment NAME=value", r.stderr)
        self.assertNotIn("[REDACTED]", r.stderr)
        self.assertPrivateFile(env_file)
        real = os.path.join(self.tmp, "keys.env")
        os.rename(env_file, real)
        os.symlink(real, env_file)
        r = self.jcode("--provider", "fireworks", "run", "hi")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("symbolic link", r.stderr)


class AuthTestOutput(JcodeTestCase):
    def test_output_refuses_own_files_missing_dirs_and_empty(self):
        self.login_claude()
        with open(self.jcode_path("auth.json")) as f:
            login = f.read()
        for path, why in ((self.jcode_path("auth.json"), "where jcode keeps"),
                          (os.path.join(self.tmp, "nonexistent", "x.json"), "does not exist"),
                          ("", "empty")):
            r = self.jcode("--provider", "claude", "auth-test", "--output", path)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("--output", r.stderr)
            self.assertIn(why, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "nonexistent")))
        with open(self.jcode_path("auth.json")) as f:
            self.assertEqual(f.read(), login)
        other = os.path.join(self.tmp, "notes.txt")
        with open(other, "w") as f:
            f.write("mine")
        r = self.jcode("--provider", "claude", "auth-test", "--output", other)
        self.assertEqual(r.returncode, 2, r.stderr)
        with open(other) as f:
            self.assertEqual(f.read(), "mine")


class LoginFlags(JcodeTestCase):
    def test_conflicts_and_empty_finish_values_are_usage_errors(self):
        for args in (("login", "claude", "--provider", "openai"),
                     ("login", "--provider", "claude", "--auth-code", "A", "--callback-url", "B"),
                     ("login", "--provider", "claude", "--callback-url", ""),
                     ("login", "--provider", "claude", "--auth-code", "")):
            r = self.jcode(*args)
            self.assertEqual(r.returncode, 2, f"{args}: {r.stderr}")
            self.assertNotIn("http", r.stdout, "no login URL is printed")

    def test_unverified_error_callback_keeps_the_pending_login(self):
        self.jcode("login", "--provider", "claude", "--print-auth-url", check=0)
        pending = os.listdir(self.jcode_path("pending-login"))
        self.assertTrue(pending)
        r = self.jcode("login", "--provider", "claude", "--auth-code", "?error=access_denied")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cannot be verified", r.stderr)
        self.assertEqual(os.listdir(self.jcode_path("pending-login")), pending)


class TerminalSafety(JcodeTestCase):
    def test_control_bytes_in_arguments_are_escaped(self):
        r = self.jcode("--provider", "\x1b[31mRED\x07", "run", "hi")
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn("\x1b", r.stderr)
        self.assertNotIn("\x07", r.stderr)
        self.assertIn("\\x1b", r.stderr)

    def queue_text_stream(self, text):
        events = [
            ("message_start", {"type": "message_start", "message": {
                "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x", "content": [],
                "usage": {"input_tokens": 1, "output_tokens": 0}}}),
            ("content_block_start", {"type": "content_block_start", "index": 0,
                                     "content_block": {"type": "text", "text": ""}}),
            ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                     "delta": {"type": "text_delta", "text": text}}),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                               "usage": {"output_tokens": 3}}),
            ("message_stop", {"type": "message_stop"}),
        ]
        body = "".join(f"event: {e}\ndata: {json.dumps(d)}\n\n" for e, d in events)
        self.queue("/api.anthropic.com/v1/messages",
                   [{"status": 200, "body": body, "content_type": "text/event-stream"}])

    def test_model_text_is_neutralised_on_a_terminal_and_raw_in_a_pipe(self):
        import pty
        import select
        import subprocess
        import time
        hostile = "title\x1b]0;pwned\x07 clear\x1b[2J c1\u009b31m\tend\n"
        env = self.env(ANTHROPIC_API_KEY="sk-ant-api03-emulator-key")
        self.queue_text_stream(hostile)
        master, slave = pty.openpty()
        p = subprocess.Popen([__import__("jcode_testlib").JCODE, "--provider", "anthropic-api", "run", "hi"], env=env,
                             stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, cwd=self.work)
        os.close(slave)
        out = b""
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 1.0)
                if not ready:
                    if p.poll() is not None:
                        break
                    continue
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the child closed its end
                    break
                if not chunk:
                    break
                out += chunk
            self.assertEqual(p.wait(timeout=60), 0, p.stderr.read())
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stderr.close()
            os.close(master)
        self.assertNotIn(b"\x1b", out)
        self.assertNotIn(b"\x07", out)
        self.assertNotIn("\u009b".encode(), out)
        self.assertIn(b"\\x1b]0;pwned\\x07", out)
        self.assertIn(b"\tend", out)  # tab and newline are text
        # Not a terminal: the bytes are the model's, unchanged (for pipes, --json, files).
        self.queue_text_stream(hostile)
        r = self.jcode("--provider", "anthropic-api", "run", "hi", env=env, check=0)
        self.assertEqual(r.stdout, hostile)


class RunPromptFromStdin(JcodeTestCase):
    def test_dash_reads_the_prompt_from_stdin_and_whitespace_is_refused(self):
        self.login_claude()
        p = self.jcode("--provider", "claude", "run", "-", input="Reply with exactly FROM_STDIN\n", check=0)
        self.assertEqual(p.stdout, "FROM_STDIN\n")
        big = "Reply with exactly BIG_OK\n" + "y" * 300_000  # more than one argv string may hold
        p = self.jcode("--provider", "claude", "run", input=big, check=0)
        self.assertEqual(p.stdout, "BIG_OK\n")
        last = self.wire("/api.anthropic.com/v1/messages")[-1]
        self.assertTrue(last["body_truncated"], "the emulator saw a request larger than its log limit")
        for args, text in ((("-",), " \n\t"), (("   ",), None)):
            r = self.jcode("--provider", "claude", "run", *args, input=text)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("prompt", r.stderr)


class CompleteNeverStartsALogin(JcodeTestCase):
    def test_complete_without_pending_is_not_found_and_with_pending_names_the_flag(self):
        r = self.jcode("login", "--provider", "claude", "--complete")
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("--print-auth-url", r.stderr)
        self.assertNotIn("http", r.stdout)
        self.jcode("login", "--provider", "claude", "--print-auth-url", check=0)
        r = self.jcode("login", "--provider", "claude", "--complete")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--auth-code", r.stderr)
        self.assertTrue(os.listdir(self.jcode_path("pending-login")), "the pending login is kept")


class InputValidation(JcodeTestCase):
    def test_api_key_with_space_or_escape_is_refused_and_nothing_saved(self):
        for key in ("sk-ant-api03-aaaa bbbb", "sk-ant-api03-\x1b[31mxx"):
            r = self.jcode("login", "--provider", "anthropic-api", input=key + "\n")
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertNotIn(key, r.stderr)
            self.assertNotIn("\x1b", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.home, ".config", "jcode", "anthropic.env")))

    def test_a_malformed_key_in_the_environment_is_named_once_with_the_reason(self):
        r = self.jcode("--provider", "anthropic-api", "run", "hi", env=self.env(ANTHROPIC_API_KEY="sk-ant-a b"))
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("spaces or control characters", r.stderr)
        self.assertEqual(r.stderr.count("$ANTHROPIC_API_KEY"), 1, r.stderr)
        self.assertNotIn("sk-ant-a b", r.stderr)

    def test_unknown_command_names_it_and_suggests_the_closest(self):
        r = self.jcode("runn", "hi")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command 'runn'; did you mean 'run'?", r.stderr)
        r = self.jcode("--provider", "claude", "bogus")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command 'bogus'", r.stderr)


class EndpointErrors(JcodeTestCase):
    def test_a_bad_endpoint_override_names_the_variable_and_the_reason(self):
        self.login_claude()
        for value in ("file:///etc/passwd", "not a url"):
            r = self.jcode("--provider", "claude", "run", "hi", env=self.env(JCODE_ENDPOINT_CLAUDE_API=value))
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("JCODE_ENDPOINT_CLAUDE_API", r.stderr)
            self.assertNotIn("could not be resolved", r.stderr)
            info = self.jcode("plugins", "info", "claude", env=self.env(JCODE_ENDPOINT_CLAUDE_API=value))
            line = [l for l in info.stdout.splitlines() if l.strip().startswith("claude.api =")][0]
            self.assertIn("unusable", line)
            self.assertIn("JCODE_ENDPOINT_CLAUDE_API", line)
            self.assertFalse(line.strip().startswith("claude.api = https://"), line)


class ConfigIsCheckedNotConverted(JcodeTestCase):
    KEY = "sk-ant-api03-emulator-key"

    def write_config(self, text):
        os.makedirs(self.jcode_path(), mode=0o700, exist_ok=True)
        with open(self.jcode_path("config.toml"), "w") as f:
            f.write(text)

    def run_key(self, **env):
        return self.jcode("--provider", "anthropic-api", "run", "Reply with exactly OK",
                          env=self.env(ANTHROPIC_API_KEY=self.KEY, **env))

    def test_a_setting_of_the_wrong_type_names_file_line_and_type_and_sends_nothing(self):
        self.write_config("[plugins.anthropic-api]\nanthropic_version = 7\n")
        r = self.run_key()
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("config.toml:2:21: [plugins.anthropic-api] anthropic_version must be a string", r.stderr)
        self.assertEqual(self.wire("/api.anthropic.com/v1/messages"), [])

    def test_a_list_setting_is_sent_joined_and_unknown_names_are_warned_about(self):
        self.write_config('[plugins.anthropic-api]\nbetas = ["beta-a", "beta-b"]\nbeta = "x"\n'
                          '[endpoints]\n"anthropic-api.apii" = "https://x.example"\n')
        r = self.run_key(JCODE_ENDPOINT_ANTHROPIC_API_BOGUS="https://y.example")
        self.assertEqual(r.returncode, 0, r.stderr)
        reqs = self.wire("/api.anthropic.com/v1/messages")
        self.assertEqual(len(reqs), 1)
        self.assertEqual(reqs[0]["headers"]["anthropic-beta"], "beta-a,beta-b")
        self.assertIn("[plugins.anthropic-api] beta is not a setting of anthropic-api", r.stderr)
        self.assertIn("did you mean betas?", r.stderr)
        self.assertIn('[endpoints] "anthropic-api.apii" names no endpoint of anthropic-api', r.stderr)
        self.assertIn('did you mean "anthropic-api.api"?', r.stderr)
        self.assertIn("JCODE_ENDPOINT_ANTHROPIC_API_BOGUS names no endpoint of anthropic-api", r.stderr)
        info = self.jcode("plugins", "info", "anthropic-api", check=0).stdout
        self.assertIn("Settings ([plugins.anthropic-api] in config.toml):", info)
        self.assertIn("betas (string or array of strings)", info)


class BookkeepingFailuresAreSaid(JcodeTestCase):
    def test_unwritable_refresh_state_is_a_warning_not_silence(self):
        self.login_claude()
        os.makedirs(self.jcode_path("auth-refresh-state.json"))
        r = self.jcode("auth", "refresh", "--provider", "claude", check=0)
        self.assertIn("could not update", r.stderr)
        self.assertIn("auth-refresh-state.json", r.stderr)


class AutoDetectionSaysWhatItSkipped(JcodeTestCase):
    def test_an_unapproved_claude_code_file_is_named_with_the_approval_command(self):
        d = os.path.join(self.home, ".claude")
        os.makedirs(d)
        f = os.path.join(d, ".credentials.json")
        with open(f, "w") as fh:
            json.dump({"claudeAiOauth": {"accessToken": "sk-ant-oat01-" + "a" * 40,
                                         "refreshToken": "sk-ant-ort01-" + "b" * 40,
                                         "expiresAt": 4102444800000}}, fh)
        os.chmod(f, 0o600)
        with open(f) as fh:
            before = fh.read()
        r = self.jcode("run", "hi")  # no --provider, no terminal: auto-detection never asks
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("skipped Claude Code", r.stderr)
        self.assertIn("jcode auth trust add claude_code_credentials " + f, r.stderr)
        self.assertNotIn("sk-ant-o", r.stderr)
        with open(f) as fh:
            self.assertEqual(fh.read(), before)


class AuthTestLogin(JcodeTestCase):
    def test_login_left_pending_is_not_reported_as_logged_in(self):
        r = self.jcode("--provider", "claude", "auth-test", "--login")
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("logged in", r.stdout)
        self.assertIn("login failed (exit 6)", r.stdout + r.stderr)


class ExitCodes(JcodeTestCase):
    """Every row of docs/cli.md's exit-code table, produced the way a user meets it."""
    KEY = "sk-ant-api03-emulator-key"
    MESSAGES = "/api.anthropic.com/v1/messages"
    START = ('event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message",'
             '"role":"assistant","model":"claude-x","content":[],"usage":{"input_tokens":1,"output_tokens":0}}}\n\n')

    def run_key(self, **env):
        return self.jcode("--provider", "anthropic-api", "run", "hello",
                          env=self.env(ANTHROPIC_API_KEY=self.KEY, **env))

    def queue_body(self, status, body, content_type="application/json"):
        self.queue(self.MESSAGES, [{"status": status, "body": body, "content_type": content_type}])

    def test_0_success_1_malformed_answer_2_usage(self):
        self.assertEqual(self.jcode("--version").returncode, 0)
        self.queue_body(200, 'event: message_start\ndata: {not json\n\n', "text/event-stream")
        r = self.run_key()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.jcode("run", "--no-such-flag", "x").returncode, 2)

    def test_3_refused_key(self):
        r = self.jcode("--provider", "anthropic-api", "run", "hello", env=self.env(ANTHROPIC_API_KEY="sk-ant-wrong-1"))
        self.assertEqual(r.returncode, 3, r.stderr)

    def test_4_network_truncated_stream_and_a_rejected_request(self):
        s = __import__("socket").socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        r = self.run_key(JCODE_ENDPOINT_ANTHROPIC_API_API=f"http://127.0.0.1:{port}")
        self.assertEqual(r.returncode, 4, r.stderr)
        self.queue_body(200, self.START, "text/event-stream")
        r = self.run_key()
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("ended before message_stop", r.stderr)
        self.queue_body(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "bad body"}})
        r = self.run_key()
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("rejected the request (400", r.stderr)

    def test_5_unknown_provider_and_no_pending_login(self):
        r = self.jcode("--provider", "nosuch", "auth-test")
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("provider 'nosuch' is not installed (installed: ", r.stderr)
        self.assertIn("anthropic-api", r.stderr)
        self.assertIn("jcode-provider-nosuch", r.stderr)
        self.assertEqual(self.jcode("--provider", "nosuch", "run", "hi").returncode, 5)

    def test_6_a_prompt_without_a_terminal(self):
        r = self.jcode("login", "--provider", "azure")
        self.assertEqual(r.returncode, 6, r.stderr)

    def at_prompt(self, action):
        """Runs an interactive login on a pseudo-terminal, waits for its first prompt, then
        does `action(master_fd, proc)`; returns the exit code."""
        import pty
        import select
        import subprocess
        import time
        master, slave = pty.openpty()
        env = self.env()
        env.pop("JCODE_NON_INTERACTIVE", None)
        p = subprocess.Popen([__import__("jcode_testlib").JCODE, "login", "--provider", "azure"], env=env,
                             stdin=slave, stdout=slave, stderr=slave, cwd=self.work, start_new_session=True)
        os.close(slave)
        seen = b""
        deadline = time.monotonic() + 60
        try:
            while b"endpoint" not in seen and time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 1.0)
                if ready:
                    try:
                        seen += os.read(master, 4096)
                    except OSError:
                        break
            self.assertIn(b"endpoint", seen)
            action(master, p)
            return p.wait(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            os.close(master)

    def test_6_end_of_input_at_a_prompt_is_not_ctrl_c(self):
        code = self.at_prompt(lambda fd, p: os.write(fd, b"\x04"))
        self.assertEqual(code, 6)

    def test_130_ctrl_c_at_a_prompt(self):
        import signal
        code = self.at_prompt(lambda fd, p: os.kill(p.pid, signal.SIGINT))
        self.assertEqual(code, 130)
