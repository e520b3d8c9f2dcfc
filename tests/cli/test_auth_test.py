"""jcode auth-test end to end against the emulator: the passing run, each failing step named,
the JSON report, --no-tool-smoke, --all-configured, auth-validation.json, and another tool's
token that must never be refreshed."""
import json
import os
import time

from jcode_testlib import JcodeTestCase

MESSAGES = "/api.anthropic.com/v1/messages"
TOKEN = "POST /platform.claude.com/v1/oauth/token"


def anthropic_text_stream(text):
    """A complete Messages SSE stream whose only content is one text block."""
    events = [
        ("message_start", {"type": "message_start", "message": {
            "id": "msg_e2e", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 1}}}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                           "usage": {"output_tokens": 3}}),
        ("message_stop", {"type": "message_stop"}),
    ]
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


def sse_response(text):
    return {"status": 200, "content_type": "text/event-stream", "body": anthropic_text_stream(text)}


def steps_of(report):
    return {s["name"]: s for s in report["steps"]}


class AuthTest(JcodeTestCase):
    def auth_test(self, *args, provider="claude", env=None):
        pre = ["--provider", provider] if provider else []
        return self.jcode(*pre, "auth-test", *args, env=env)

    def test_passes_for_claude(self):
        self.login_claude()
        tokens_before = self.count(TOKEN)[0]
        p = self.auth_test()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("result: PASS", p.stdout)
        self.assertIn("smoke output: AUTH_TEST_OK", p.stdout)
        # The refresh probe refreshes jcode's own login for real, exactly once.
        self.assertEqual(self.count(TOKEN)[0] - tokens_before, 1)
        # Smoke, then the tool smoke's two requests (tool call, then the answer to its result).
        reqs = self.wire(MESSAGES)
        self.assertEqual([r["status"] for r in reqs], [200, 200, 200])
        last = json.loads(reqs[2]["body"])["messages"][-1]["content"]
        results = [b for b in last if b.get("type") == "tool_result"]
        self.assertEqual(len(results), 1)
        self.assertIn("JCODE_TOOL_OK", json.dumps(results[0]["content"]))

    def test_wrong_smoke_answer_fails_provider_smoke(self):
        self.login_claude()
        self.queue(MESSAGES, [sse_response("I will not say the magic word.")])
        p = self.auth_test("--json")
        self.assertNotEqual(p.returncode, 0)
        report = json.loads(p.stdout)[0]
        self.assertFalse(report["success"])
        smoke = steps_of(report)["provider_smoke"]
        self.assertFalse(smoke["ok"])
        self.assertIn("I will not say the magic word.", smoke["detail"])
        self.assertNotIn("tool_smoke", steps_of(report), "nothing runs after a failed step")
        self.queue(MESSAGES, [sse_response("I will not say the magic word.")])
        text = self.auth_test()
        self.assertNotEqual(text.returncode, 0)
        self.assertIn("provider_smoke", text.stdout)
        self.assertIn("result: FAIL", text.stdout)

    def test_tool_not_called_fails_tool_smoke(self):
        self.login_claude()
        self.queue(MESSAGES, [sse_response("AUTH_TEST_OK"), sse_response("AUTH_TEST_OK")])
        p = self.auth_test("--json")
        self.assertNotEqual(p.returncode, 0)
        report = json.loads(p.stdout)[0]
        st = steps_of(report)
        self.assertTrue(st["provider_smoke"]["ok"])
        self.assertFalse(st["tool_smoke"]["ok"])
        self.assertIn("tool call", st["tool_smoke"]["detail"])
        self.assertFalse(report["success"])
        self.assertEqual(len(self.wire(MESSAGES)), 2)

    def test_json_report_shape(self):
        self.login_claude()
        out = os.path.join(self.tmp, "report.json")
        p = self.auth_test("--json", "--output", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        reports = json.loads(p.stdout)
        self.assertIsInstance(reports, list)
        self.assertEqual(len(reports), 1)
        r = reports[0]
        self.assertEqual(set(r), {"provider", "credential_paths", "steps", "success", "smoke_output", "tool_smoke_output"})
        self.assertEqual(r["provider"], "claude")
        self.assertTrue(r["success"])
        self.assertEqual(r["credential_paths"], [self.jcode_path("auth.json")])
        self.assertEqual([s["name"] for s in r["steps"]], ["credential_probe", "refresh_probe", "provider_smoke", "tool_smoke"])
        for s in r["steps"]:
            self.assertEqual(set(s), {"name", "ok", "skipped", "detail", "ms"})
            self.assertIsInstance(s["ms"], int)
            self.assertGreaterEqual(s["ms"], 0)
            self.assertTrue(s["ok"], s)
            self.assertFalse(s["skipped"], s)
        self.assertEqual(r["smoke_output"].strip(), "AUTH_TEST_OK")
        self.assertEqual(r["tool_smoke_output"].strip(), "AUTH_TEST_OK")
        self.assertEqual(self.read_json(out), reports)

    def test_no_tool_smoke(self):
        self.login_claude()
        p = self.auth_test("--json", "--no-tool-smoke")
        self.assertEqual(p.returncode, 0, p.stderr)
        r = json.loads(p.stdout)[0]
        self.assertEqual([s["name"] for s in r["steps"]], ["credential_probe", "refresh_probe", "provider_smoke"])
        self.assertIsNone(r["tool_smoke_output"])
        self.assertEqual(len(self.wire(MESSAGES)), 1)

    def test_all_configured_tests_each_provider(self):
        self.login_claude()
        env = self.env(ANTHROPIC_API_KEY="sk-ant-api03-emulator-key")
        p = self.jcode("--json", "auth-test", "--all-configured", "--no-tool-smoke", env=env)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        reports = {r["provider"]: r for r in json.loads(p.stdout)}
        self.assertEqual(set(reports), {"claude", "anthropic-api"})
        for r in reports.values():
            self.assertTrue(r["success"], r)
        self.assertEqual(steps_of(reports["anthropic-api"])["refresh_probe"]["skipped"], True)
        reqs = self.wire(MESSAGES)
        self.assertEqual(sorted("x-api-key" in r["headers"] for r in reqs), [False, True])
        doc = self.read_json(self.jcode_path("auth-validation.json"))
        self.assertEqual(set(doc), {"claude", "anthropic-api"})

    def test_validation_record_is_private(self):
        self.login_claude()
        self.auth_test("--no-tool-smoke")
        path = self.jcode_path("auth-validation.json")
        self.assertPrivateFile(path)
        rec = self.read_json(path)["claude"]
        self.assertTrue(rec["success"])
        self.assertTrue(rec["provider_smoke_ok"])
        self.assertFalse(rec["tool_smoke_ok"])
        self.assertLessEqual(abs(rec["checked_at_ms"] - time.time() * 1000), 600_000)
        # A failure is recorded over the success, naming the step.
        self.queue(MESSAGES, [sse_response("nope")])
        self.auth_test("--no-tool-smoke")
        rec = self.read_json(path)["claude"]
        self.assertFalse(rec["success"])
        self.assertIn("provider_smoke", rec["summary"])
        self.assertPrivateFile(path)

    def test_external_claude_code_token_is_not_refreshed(self):
        minted = self.control("tokens", {"provider": "claude"})
        d = os.path.join(self.home, ".claude")
        os.makedirs(d)
        path = os.path.join(d, ".credentials.json")
        with open(path, "w") as f:
            json.dump({"claudeAiOauth": {
                "accessToken": minted["access_token"], "refreshToken": minted["refresh_token"],
                "expiresAt": int(time.time() * 1000) + 3600_000,
                "scopes": ["user:inference", "user:profile"], "subscriptionType": "max"}}, f)
        os.chmod(path, 0o600)
        self.jcode("auth", "trust", "add", "claude_code_credentials", path, check=0)
        with open(path, "rb") as f:
            before_bytes = f.read()
        before = os.stat(path)
        p = self.auth_test("--json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        r = json.loads(p.stdout)[0]
        self.assertTrue(r["success"], r)
        st = steps_of(r)
        self.assertTrue(st["refresh_probe"]["skipped"], st["refresh_probe"])
        self.assertIn(path, st["credential_probe"]["detail"])
        self.assertEqual(self.count(TOKEN)[0], 0, "another tool's token must not be refreshed")
        self.assertTrue(all(x["headers"]["authorization"] == "Bearer " + minted["access_token"]
                            for x in self.wire(MESSAGES)))
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before_bytes)
        after = os.stat(path)
        self.assertEqual((before.st_mtime_ns, before.st_mode, before.st_ino), (after.st_mtime_ns, after.st_mode, after.st_ino))
        self.assertFalse(os.path.exists(self.jcode_path("auth.json")), "nothing was copied into jcode's own file")


if __name__ == "__main__":
    import unittest
    unittest.main()
