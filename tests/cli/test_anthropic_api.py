"""The anthropic-api plugin (an Anthropic API key) end to end against the emulator: x-api-key,
none of the Claude Code OAuth contract, native tool names."""
import json

from jcode_testlib import JcodeTestCase

MESSAGES = "/api.anthropic.com/v1/messages"
KEY = "sk-ant-api03-emulator-key"


class AnthropicApi(JcodeTestCase):
    def key_env(self, key=KEY):
        return self.env(ANTHROPIC_API_KEY=key)

    def test_run_sends_the_key_without_the_oauth_contract(self):
        p = self.jcode("--provider", "anthropic-api", "run", "Reply with exactly API_KEY_OK", env=self.key_env(), check=0)
        self.assertEqual(p.stdout, "API_KEY_OK\n")
        self.assertNotIn(KEY, p.stdout + p.stderr)
        reqs = self.wire(MESSAGES)
        self.assertEqual(len(reqs), 1)
        r = reqs[0]
        self.assertEqual(r["headers"]["x-api-key"], KEY)
        self.assertNotIn("authorization", r["headers"])
        self.assertNotIn("beta=true", r["query"])
        self.assertNotIn("oauth-2025-04-20", r["headers"].get("anthropic-beta", ""))
        self.assertNotEqual(r["headers"].get("user-agent"), "claude-cli/1.0.0")
        body = json.loads(r["body"])
        system = body.get("system", [])
        texts = [system] if isinstance(system, str) else [b.get("text", "") for b in system]
        self.assertFalse(any("You are Claude Code" in t for t in texts), texts)
        names = {t["name"] for t in body.get("tools", [])}
        self.assertIn("bash", names)
        self.assertIn("read", names)
        self.assertFalse(names & {"shell_exec", "file_read"}, names)

    def test_tool_round_trip_with_native_names(self):
        p = self.jcode("--provider", "anthropic-api", "run", "--allow-tools", "bash", "run `echo KEY_TOOL_$((6*7))`",
                       env=self.key_env(), check=0)
        self.assertIn("Tool result: KEY_TOOL_42", p.stdout)
        reqs = self.wire(MESSAGES)
        self.assertEqual(len(reqs), 2)
        second = json.loads(reqs[1]["body"])
        uses = [b for b in second["messages"][-2]["content"] if b.get("type") == "tool_use"]
        self.assertEqual([u["name"] for u in uses], ["bash"])
        results = [b for b in second["messages"][-1]["content"] if b.get("type") == "tool_result"]
        self.assertIn("KEY_TOOL_42", json.dumps(results[0]["content"]))

    def test_wrong_key_is_an_auth_error(self):
        p = self.jcode("--provider", "anthropic-api", "run", "hello", env=self.key_env("sk-ant-api03-wrong"))
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("ANTHROPIC_API_KEY", p.stderr)
        self.assertNotIn("sk-ant-api03-wrong", p.stdout + p.stderr)


if __name__ == "__main__":
    import unittest
    unittest.main()
