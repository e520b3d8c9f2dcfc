"""The OpenAI-compatible preset catalogue (plugins/openai-compatible) end to end against the
emulator: every row is a provider of its own — login with a key, its env file, its API base
and default model — a local server runs without a key, a key in a trusted OpenCode/pi file is
reused (never written), and a provider's own plugin wins over a row of the same id."""
import json
import os

from jcode_testlib import JcodeTestCase

KEY = "sk-emulator-compat-key"
GROQ = "/api.groq.com/openai/v1/chat/completions"


class Presets(JcodeTestCase):
    def conf(self, *parts):
        return os.path.join(self.home, ".config", "jcode", *parts)

    def test_login_from_stdin_then_run_with_the_row_data(self):
        r = self.jcode("login", "--provider", "groq", "--api-key-stdin", input=KEY + "\n", check=0)
        self.assertNotIn(KEY, r.stdout + r.stderr)
        self.assertPrivateFile(self.conf("groq.env"))
        with open(self.conf("groq.env")) as f:
            self.assertEqual(f.read(), "GROQ_API_KEY=" + KEY + "\n")
        r = self.jcode("--provider", "groq", "run", "Reply with exactly GROQ_OK", check=0)
        self.assertEqual(r.stdout, "GROQ_OK\n")
        req = self.wire(GROQ)[0]
        self.assertEqual(req["headers"]["authorization"], "Bearer " + KEY)
        self.assertEqual(json.loads(req["body"])["model"], "llama-3.1-8b-instant")
        # -m wins over the row's default; the env file keeps lines it does not own.
        with open(self.conf("groq.env"), "a") as f:
            f.write("# mine\nOTHER=1\n")
        self.jcode("-m", "llama-3.3-70b-versatile", "--provider", "groq", "run", "hi", check=0)
        self.assertEqual(json.loads(self.wire(GROQ)[1]["body"])["model"], "llama-3.3-70b-versatile")
        self.jcode("login", "--provider", "groq", input="sk-emulator-second-key\n", check=0)
        with open(self.conf("groq.env")) as f:
            text = f.read()
        self.assertIn("# mine\nOTHER=1\n", text)
        self.assertIn("GROQ_API_KEY=sk-emulator-second-key\n", text)
        self.assertNotIn(KEY, text)

    def test_api_key_stdin_is_refused_for_a_login_that_takes_no_key(self):
        r = self.jcode("login", "--provider", "claude", "--api-key-stdin", input=KEY + "\n")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("does not log in with an API key", r.stderr)
        self.assertNotIn(KEY, r.stderr)

    def test_each_row_talks_to_its_own_host(self):
        for pid, path, model in [("deepseek", "/api.deepseek.com/chat/completions", "deepseek-v4-flash"),
                                 ("openrouter", "/openrouter.ai/api/v1/chat/completions", "anthropic/claude-sonnet-4"),
                                 ("xai", "/api.x.ai/v1/chat/completions", "grok-code-fast-1")]:
            var = {"deepseek": "DEEPSEEK_API_KEY", "openrouter": "OPENROUTER_API_KEY", "xai": "XAI_API_KEY"}[pid]
            r = self.jcode("--provider", pid, "run", "Reply with exactly ROW_OK", env=self.env(**{var: KEY}), check=0)
            self.assertEqual(r.stdout, "ROW_OK\n")
            self.assertEqual(json.loads(self.wire(path)[0]["body"])["model"], model)

    def test_a_wrong_key_and_a_missing_key_name_the_fix(self):
        r = self.jcode("--provider", "mistral", "run", "hi", env=self.env(MISTRAL_API_KEY="sk-wrong-mistral"))
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("Mistral refused the API key (401", r.stderr)
        self.assertIn("MISTRAL_API_KEY", r.stderr)
        self.assertNotIn("sk-wrong-mistral", r.stderr)
        r = self.jcode("--provider", "cerebras", "run", "hi")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("jcode login --provider cerebras", r.stderr)

    def test_a_row_without_a_default_model_asks_for_one(self):
        r = self.jcode("--provider", "chutes", "run", "hi", env=self.env(CHUTES_API_KEY=KEY))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("-m/--model", r.stderr)
        self.assertEqual(self.wire("/llm.chutes.ai/v1/chat/completions"), [])

    def test_a_local_server_runs_without_a_key(self):
        # Plain http to this machine is not routed through the emulator; the endpoint
        # override points LM Studio's base at it.
        env = self.env(JCODE_ENDPOINT_LMSTUDIO_API=self.emu_url + "/localhost:1234/v1")
        r = self.jcode("-m", "qwen2.5-coder", "--provider", "lmstudio", "run", "Reply with exactly LOCAL_OK", env=env,
                       check=0)
        self.assertEqual(r.stdout, "LOCAL_OK\n")
        req = self.wire("/localhost:1234/v1/chat/completions")[0]
        self.assertNotIn("authorization", req["headers"])
        r = self.jcode("--json", "auth-test", "--provider", "lmstudio", "--no-tool-smoke", "-m", "qwen2.5-coder",
                       env=env, check=0)
        self.assertTrue(json.loads(r.stdout)[0]["success"], r.stdout)

    def test_an_approved_pi_entry_is_reused_and_the_file_never_written(self):
        d = os.path.join(self.home, ".pi", "agent")
        os.makedirs(d)
        f = os.path.join(d, "auth.json")
        with open(f, "w") as fh:
            json.dump({"groq": {"type": "api_key", "key": KEY}, "anthropic": {"type": "oauth", "access": "x"}}, fh)
        os.chmod(f, 0o600)
        with open(f, "rb") as fh:
            before = fh.read()
        r = self.jcode("--provider", "groq", "run", "hi")
        self.assertNotEqual(r.returncode, 0)  # not approved: not read, and the user is told how
        self.assertIn("pi_auth_json", r.stderr)
        self.jcode("auth", "trust", "add", "pi_auth_json", f, check=0)
        r = self.jcode("--provider", "groq", "run", "Reply with exactly PI_OK", check=0)
        self.assertEqual(r.stdout, "PI_OK\n")
        self.assertEqual(self.wire(GROQ)[0]["headers"]["authorization"], "Bearer " + KEY)
        with open(f, "rb") as fh:
            self.assertEqual(fh.read(), before)
        row = next(x for x in json.loads(self.jcode("--json", "auth", "status", check=0).stdout) if x["id"] == "groq")
        self.assertEqual(row["source_id"], "pi_auth_json")
        self.assertNotIn(KEY, json.dumps(row))

    def test_an_approved_opencode_entry_is_reused(self):
        d = os.path.join(self.home, ".local", "share", "opencode")
        os.makedirs(d)
        f = os.path.join(d, "auth.json")
        with open(f, "w") as fh:
            json.dump({"deepseek": {"type": "api", "key": KEY}}, fh)
        os.chmod(f, 0o600)
        self.jcode("auth", "trust", "add", "opencode_auth_json", f, check=0)
        r = self.jcode("--provider", "deepseek", "run", "Reply with exactly OC_OK", check=0)
        self.assertEqual(r.stdout, "OC_OK\n")

    def test_provider_list_shows_rows_and_whether_configured(self):
        rows = json.loads(self.jcode("--json", "provider", "list", env=self.env(GROQ_API_KEY=KEY), check=0).stdout)
        by_id = {r["id"]: r for r in rows}
        for pid in ("groq", "deepseek", "openrouter", "mistral", "togetherai", "cerebras", "xai", "lmstudio", "ollama",
                    "openai-compatible"):
            self.assertIn(pid, by_id)
        self.assertEqual(by_id["groq"]["kind"], "preset")
        self.assertEqual(by_id["groq"]["plugin"], "openai-compatible")
        self.assertTrue(by_id["groq"]["configured"])
        self.assertFalse(by_id["mistral"]["configured"])
        self.assertTrue(by_id["ollama"]["configured"])  # needs no key
        self.assertEqual(by_id["fireworks"]["kind"], "provider")
        self.assertNotIn(KEY, json.dumps(rows))
        # auth status: a configured row on its own line, the catalogue's idle rows on one.
        text = self.jcode("auth", "status", env=self.env(GROQ_API_KEY=KEY), check=0).stdout
        self.assertIn("Groq (groq): api_key from GROQ_API_KEY", text)
        self.assertNotIn("Mistral (mistral)", text)
        self.assertRegex(text, r"\n\d+ more providers of openai-compatible not configured: [^\n]*\bmistral\b")
        self.assertIn("Fireworks AI (fireworks): not configured", text)  # a plugin of its own keeps its line
        status = json.loads(self.jcode("--json", "auth", "status", check=0).stdout)
        self.assertIn("mistral", {r["id"] for r in status})  # --json lists every row

    def test_one_row_can_be_disabled_alone(self):
        # (A plugin file of a row's id winning over the row is tests/abi/test_providers.cpp.)
        os.makedirs(self.jcode_path(), mode=0o700)
        with open(self.jcode_path("config.toml"), "w") as f:
            f.write('[plugins]\ndisable = ["groq"]\n')
        rows = {r["id"] for r in json.loads(self.jcode("--json", "provider", "list", check=0).stdout)}
        self.assertNotIn("groq", rows)
        self.assertIn("deepseek", rows)
        r = self.jcode("--provider", "groq", "run", "hi", env=self.env(GROQ_API_KEY=KEY))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("disable", r.stderr)

if __name__ == "__main__":
    import unittest
    unittest.main()
