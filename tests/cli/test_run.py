"""jcode run with the claude plugin (OAuth) end to end against the emulator: output formats,
the Claude Code OAuth contract on the wire, tool round trips, refresh on 401, retries."""
import json
import os

from jcode_testlib import JcodeTestCase

MESSAGES = "/api.anthropic.com/v1/messages"
TOKEN = "POST /platform.claude.com/v1/oauth/token"
IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude."
ALLOWED_WIRE_NAMES = {"shell_exec", "file_read", "file_write", "file_edit", "file_glob", "file_grep",
                      "task_runner", "todo_read", "todo_write"}


def tool_results(body):
    """The tool_result blocks of the last message of a Messages request body."""
    last = body["messages"][-1]
    content = last["content"] if isinstance(last["content"], list) else []
    return [b for b in content if b.get("type") == "tool_result"]


def result_text(block):
    c = block.get("content")
    if isinstance(c, str):
        return c
    return "".join(x.get("text", "") for x in (c or []))


class RunClaude(JcodeTestCase):
    fixtures = True

    def run_claude(self, *args, **kw):
        return self.jcode("--provider", "claude", "run", *args, **kw)

    def test_streams_text_and_keeps_the_oauth_contract(self):
        acct = self.login_claude()
        self.control("config", {"chunk_size": 3})
        p = self.run_claude("Reply with exactly STREAMED_E2E_TEXT", check=0)
        self.assertEqual(p.stdout, "STREAMED_E2E_TEXT\n")
        self.assertNotIn(acct["access"], p.stdout + p.stderr)
        reqs = self.wire(MESSAGES)
        self.assertEqual(len(reqs), 1, reqs)
        r = reqs[0]
        self.assertEqual(r["status"], 200)
        self.assertIn("beta=true", r["query"])
        h = r["headers"]
        self.assertEqual(h["user-agent"], "claude-cli/1.0.0")
        betas = [b.strip() for b in h["anthropic-beta"].split(",")]
        self.assertIn("oauth-2025-04-20", betas)
        self.assertIn("claude-code-20250219", betas)
        self.assertEqual(h["authorization"], "Bearer " + acct["access"])
        self.assertNotIn("x-api-key", h)
        body = json.loads(r["body"])
        self.assertTrue(body["stream"])
        self.assertEqual(body["system"][0]["text"], IDENTITY)
        names = {t["name"] for t in body.get("tools", [])}
        self.assertIn("shell_exec", names)
        self.assertIn("file_read", names)
        self.assertTrue(names <= ALLOWED_WIRE_NAMES, names - ALLOWED_WIRE_NAMES)
        self.assertNotIn("bash", names)

    def test_json_output(self):
        self.login_claude()
        p = self.jcode("--json", "--provider", "claude", "run", "Reply with exactly JSON_E2E", check=0)
        out = json.loads(p.stdout)
        self.assertEqual(out["provider"], "claude")
        self.assertEqual(out["text"], "JSON_E2E")
        self.assertTrue(out["model"].startswith("claude-"), out)
        self.assertGreater(out["usage"]["input_tokens"], 0, out)
        self.assertGreater(out["usage"]["output_tokens"], 0, out)
        self.assertEqual(out["turns"], 1)

    def test_ndjson_events(self):
        self.login_claude()
        self.control("config", {"chunk_size": 4})
        p = self.run_claude("--ndjson", "Reply with exactly NDJSON_E2E_ANSWER", check=0)
        events = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
        types = [e["type"] for e in events]
        self.assertIn("text", types)
        self.assertEqual(types[-1], "done", events)
        self.assertGreater(types.count("text"), 1, "the text arrives in several deltas")
        self.assertEqual("".join(e["text"] for e in events if e["type"] == "text"), "NDJSON_E2E_ANSWER")
        self.assertEqual(events[-1]["provider"], "claude")
        self.assertGreater(events[-1]["usage"]["output_tokens"], 0)

    def test_allowed_bash_call_round_trip(self):
        self.login_claude()
        p = self.run_claude("--allow-tools", "bash", "run `echo E2E_TOOL_$((40+2))`", check=0)
        reqs = self.wire(MESSAGES)
        self.assertEqual(len(reqs), 2, [r["status"] for r in reqs])
        first, second = (json.loads(r["body"]) for r in reqs)
        self.assertEqual(tool_results(first), [])
        results = tool_results(second)
        self.assertEqual(len(results), 1, second["messages"][-1])
        # The command really ran in a shell: the arithmetic was expanded.
        self.assertIn("E2E_TOOL_42", result_text(results[0]))
        self.assertFalse(results[0].get("is_error", False))
        # The tool_use the result answers went out under its wire name.
        uses = [b for b in second["messages"][-2]["content"] if b.get("type") == "tool_use"]
        self.assertEqual(uses[0]["name"], "shell_exec")
        self.assertEqual(uses[0]["id"], results[0]["tool_use_id"])
        self.assertIn("Tool result: E2E_TOOL_42", p.stdout)

    def test_bash_call_is_refused_without_permission_and_terminal(self):
        self.login_claude()
        marker = os.path.join(self.work, "ran")
        p = self.run_claude("run `touch ran`")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(marker), "the refused command must not run")
        reqs = self.wire(MESSAGES)
        self.assertEqual(len(reqs), 2)
        results = tool_results(json.loads(reqs[1]["body"]))
        self.assertEqual(len(results), 1)
        self.assertTrue(results[0].get("is_error"), results[0])
        self.assertIn("bash", result_text(results[0]))

    def test_no_credentials(self):
        p = self.run_claude("hello")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("jcode login", p.stderr)
        self.assertEqual(self.count("POST " + MESSAGES)[0], 0)

    def test_expired_access_token_is_refreshed_once_and_retried(self):
        before = self.login_claude()
        logins = self.count(TOKEN)[0]
        self.control("expire-access-tokens", {"provider": "claude"})
        p = self.run_claude("Reply with exactly AFTER_REFRESH", check=0)
        self.assertEqual(p.stdout, "AFTER_REFRESH\n")
        self.assertEqual(self.count(TOKEN)[0] - logins, 1, "exactly one refresh")
        statuses = [r["status"] for r in self.wire(MESSAGES)]
        self.assertEqual(statuses, [401, 200])
        after = self.read_json(self.jcode_path("auth.json"))["anthropic_accounts"][0]
        self.assertNotEqual(after["refresh"], before["refresh"], "the rotated refresh token was saved")
        self.assertPrivateFile(self.jcode_path("auth.json"))
        self.assertNotIn(after["access"], p.stdout + p.stderr)

    def test_refused_external_token_is_not_refreshed(self):
        minted = self.control("tokens", {"provider": "claude"})
        d = os.path.join(self.home, ".claude")
        os.makedirs(d)
        path = os.path.join(d, ".credentials.json")
        with open(path, "w") as f:
            json.dump({"claudeAiOauth": {"accessToken": minted["access_token"], "refreshToken": minted["refresh_token"],
                                         "expiresAt": 4102444800000, "scopes": ["user:inference"]}}, f)
        os.chmod(path, 0o600)
        self.jcode("auth", "trust", "add", "claude_code_credentials", path, check=0)
        before = os.stat(path)
        self.control("expire-access-tokens", {"provider": "claude"})
        p = self.run_claude("hello")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("does not refresh another tool's login", p.stderr)
        self.assertIn("jcode login --provider claude", p.stderr)
        self.assertEqual(self.count(TOKEN)[0], 0)
        self.assertEqual([r["status"] for r in self.wire(MESSAGES)], [401])
        after = os.stat(path)
        self.assertEqual((before.st_mtime_ns, before.st_size, before.st_ino), (after.st_mtime_ns, after.st_size, after.st_ino))

    def test_rate_limit_is_retried(self):
        self.login_claude()
        self.queue(MESSAGES, [{"status": 429, "headers": {"retry-after": "0"},
                               "body": {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}}])
        p = self.run_claude("Reply with exactly AFTER_429", check=0)
        self.assertEqual(p.stdout, "AFTER_429\n")
        self.assertEqual([r["status"] for r in self.wire(MESSAGES)], [429, 200])

    def test_persistent_server_error_fails_with_exit_4(self):
        self.login_claude()
        err = {"status": 500, "body": {"type": "error", "error": {"type": "api_error", "message": "Internal server error"}}}
        self.queue(MESSAGES, [err] * 4)
        p = self.run_claude("Reply with exactly NEVER")
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("500", p.stderr)
        self.assertIn("Internal server error", p.stderr)
        self.assertNotIn("NEVER", p.stdout)
        self.assertEqual([r["status"] for r in self.wire(MESSAGES)], [500] * 4)

    def test_recorded_stream_is_rendered(self):
        self.login_claude()
        self.queue(MESSAGES, [{"fixture": "derived-sse/vercel-anthropic-text.sse"}])
        p = self.run_claude("hello", check=0)
        self.assertEqual(p.stdout.strip(), "Hello! I'm doing well, thank you for asking. How are you doing today?"
                                           " Is there anything I can help you with?")


if __name__ == "__main__":
    import unittest
    unittest.main()
