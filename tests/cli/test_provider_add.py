"""jcode provider add: the spec's example verbatim writes [providers.my-api] into config.toml
in place (comments and other tables kept), the key to ~/.config/jcode/provider-my-api.env
(0600), and a JSON report; bad input changes nothing."""
import json
import os
import tomllib

from jcode_testlib import JcodeTestCase

KEY = "sk-my-api-secret-key"


class ProviderAdd(JcodeTestCase):
    def config_path(self):
        return self.jcode_path("config.toml")

    def env_file(self):
        return os.path.join(self.home, ".config", "jcode", "provider-my-api.env")

    def add(self, *extra, input=KEY + "\n"):
        return self.jcode("provider", "add", "my-api", "--base-url", "https://llm.example.com/v1", "--model",
                          "my-model-id", *extra, input=input)

    def test_the_spec_example_writes_profile_key_and_report(self):
        os.makedirs(self.jcode_path(), mode=0o700)
        original = '# my settings\n[auth]\ntrusted_external_sources = ["x"]  # keep me\n'
        with open(self.config_path(), "w") as f:
            f.write(original)
        # printf '%s' "$MY_API_KEY" | jcode provider add my-api --base-url … --model … --api-key-stdin --set-default --json
        r = self.jcode("provider", "add", "my-api", "--base-url", "https://llm.example.com/v1", "--model",
                       "my-model-id", "--api-key-stdin", "--set-default", "--json", input=KEY)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(KEY, r.stdout + r.stderr)
        report = json.loads(r.stdout)
        self.assertEqual(report["status"], "saved")
        self.assertEqual(report["profile"], "my-api")
        self.assertEqual(report["api_base"], "https://llm.example.com/v1")
        self.assertEqual(report["model"], "my-model-id")
        self.assertEqual(report["api_key_env"], "JCODE_PROVIDER_MY_API_API_KEY")
        self.assertEqual(report["env_file_path"], self.env_file())
        self.assertTrue(report["api_key_stored"])
        self.assertTrue(report["default_set"])
        self.assertEqual(report["auth_test_command"], "jcode --provider-profile my-api auth-test --no-tool-smoke")
        with open(self.config_path()) as f:
            text = f.read()
        self.assertTrue(text.startswith(original), text)  # comments and layout kept
        cfg = tomllib.loads(text)
        prof = cfg["providers"]["my-api"]
        self.assertEqual(prof["type"], "openai-compatible")  # the installed plugin that runs it
        self.assertEqual(prof["base_url"], "https://llm.example.com/v1")
        self.assertEqual(prof["auth"], "bearer")
        self.assertEqual(prof["api_key_env"], "JCODE_PROVIDER_MY_API_API_KEY")
        self.assertEqual(prof["env_file"], "provider-my-api.env")
        self.assertEqual(prof["default_model"], "my-model-id")
        self.assertEqual(prof["models"], [{"id": "my-model-id"}])
        self.assertEqual(cfg["provider"], {"default_provider": "my-api", "default_model": "my-model-id"})
        self.assertEqual(cfg["auth"], {"trusted_external_sources": ["x"]})
        self.assertPrivateFile(self.env_file())
        self.assertPrivateFile(self.config_path())
        with open(self.env_file()) as f:
            self.assertEqual(f.read(), "JCODE_PROVIDER_MY_API_API_KEY=" + KEY + "\n")

    def test_an_existing_profile_needs_overwrite_which_keeps_everything_else(self):
        self.assertEqual(self.add("--api-key-stdin").returncode, 0)
        with open(self.config_path(), "a") as f:
            f.write("\n[plugins.claude]\nuser_agent = \"ua\"  # mine\n")
        r = self.add("--api-key-stdin")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--overwrite", r.stderr)
        r = self.jcode("provider", "add", "my-api", "--base-url", "http://127.0.0.1:8080/v1/", "--model", "local-m",
                       "--overwrite", "--context-window", "32768")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.config_path()) as f:
            text = f.read()
        self.assertIn('user_agent = "ua"  # mine', text)
        prof = tomllib.loads(text)["providers"]["my-api"]
        self.assertEqual(prof["base_url"], "http://127.0.0.1:8080/v1")  # trailing slash trimmed
        self.assertEqual(prof["auth"], "none")  # loopback without a key option
        self.assertNotIn("api_key_env", prof)
        self.assertEqual(prof["models"], [{"id": "local-m", "context_window": 32768}])

    def test_bad_input_is_refused_and_nothing_is_written(self):
        cases = [
            (["provider", "add", "bad name", "--base-url", "https://x.example/v1", "-m", "m", "--no-api-key"], "invalid profile name"),
            (["provider", "add", "claude", "--base-url", "https://x.example/v1", "-m", "m", "--no-api-key"], "installed provider"),
            (["provider", "add", "p1", "--base-url", "http://llm.example.com/v1", "-m", "m", "--no-api-key"], "plain http"),
            (["provider", "add", "p1", "--base-url", "https://x.example/v1", "-m", "m"], "needs a key"),
            (["provider", "add", "p1", "--base-url", "https://x.example/v1", "-m", "m", "--api-key", KEY,
              "--api-key-stdin"], "exclude each other"),
            (["provider", "add", "p1", "--base-url", "https://x.example/v1", "-m", "m", "--auth", "magic", "--no-api-key"], "--auth must be"),
            (["provider", "add", "auto", "--base-url", "https://x.example/v1", "-m", "m", "--no-api-key"], "reserved"),
            (["provider", "add", "groq", "--base-url", "https://x.example/v1", "-m", "m", "--no-api-key"], "installed provider"),
            (["provider", "add", "x" * 65, "--base-url", "https://x.example/v1", "-m", "m", "--no-api-key"], "invalid profile name"),
            (["provider", "add", "p1", "--base-url", "ftp://x.example/v1", "-m", "m", "--no-api-key"], "--base-url"),
            (["provider", "add", "p1", "--base-url", "https://x.example/v1", "-m", " ", "--no-api-key"], "--model is required"),
            (["provider", "add", "p1", "--base-url", "https://x.example/v1", "-m", "m", "--no-api-key",
              "--context-window", "0"], "--context-window must be a positive number"),
            (["provider", "add", "p1", "--base-url", "https://x.example/v1", "-m", "m", "--api-key-env", "NOT-A-VAR"],
             "is not a variable name"),
            (["provider", "add", "p1", "--base-url", "https://x.example/v1", "-m", "m", "--api-key-env", "K",
              "--auth-header", "X-Key"], "--auth-header only applies with --auth api-key"),
            (["provider", "add", "p1", "--base-url", "https://x.example/v1", "-m", "m", "--api-key-env", "K",
              "--env-file", "../x.env"], "--env-file is a file name"),
        ]
        for args, why in cases:
            r = self.jcode(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(why, r.stderr)
            self.assertNotIn(KEY, r.stderr)
        self.assertFalse(os.path.exists(self.config_path()))
        self.assertFalse(os.path.exists(os.path.join(self.home, ".config", "jcode")))

    def serve_my_api(self):
        # The emulator's llm.example.com takes only this profile's key.
        self.control("api-keys", {"provider": "compat:llm.example.com", "key": KEY})

    def test_the_spec_example_then_auth_test_of_the_profile_passes(self):
        self.serve_my_api()
        r = self.jcode("provider", "add", "my-api", "--base-url", "https://llm.example.com/v1", "--model",
                       "my-model-id", "--api-key-stdin", "--set-default", "--json", input=KEY)
        self.assertEqual(r.returncode, 0, r.stderr)
        command = json.loads(r.stdout)["auth_test_command"].split()
        self.assertEqual(command[0], "jcode")
        r = self.jcode(*command[1:])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn(KEY, r.stdout + r.stderr)
        reqs = self.wire("/llm.example.com/v1/chat/completions")
        self.assertGreaterEqual(len(reqs), 1)
        self.assertEqual(reqs[0]["headers"]["authorization"], "Bearer " + KEY)
        self.assertEqual(json.loads(reqs[0]["body"])["model"], "my-model-id")
        # --json: every check named, all passed
        r = self.jcode("--json", "--provider-profile", "my-api", "auth-test", "--no-tool-smoke", check=0)
        report = json.loads(r.stdout)
        self.assertEqual([row["provider"] for row in report], ["my-api"])
        self.assertTrue(report[0]["success"], r.stdout)
        self.assertEqual(report[0]["smoke_output"].strip(), "AUTH_TEST_OK")

    def test_a_profile_runs_with_its_key_header_and_a_wrong_key_names_the_fix(self):
        self.control("api-keys", {"provider": "compat:llm.example.com", "key": KEY, "header": "X-Api-Key"})
        r = self.jcode("provider", "add", "my-api", "--base-url", "https://llm.example.com/v1", "--model",
                       "my-model-id", "--api-key-stdin", "--auth", "api-key", "--auth-header", "X-Api-Key", input=KEY)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.jcode("--provider-profile", "my-api", "run", "Reply with exactly PROFILE_OK", check=0)
        self.assertEqual(r.stdout, "PROFILE_OK\n")
        self.assertEqual(self.wire("/llm.example.com/v1/chat/completions")[0]["headers"]["x-api-key"], KEY)
        r = self.jcode("--provider-profile", "my-api", "run", "hi",
                       env=self.env(JCODE_PROVIDER_MY_API_API_KEY="sk-wrong-key-000"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("refused the API key (401", r.stderr)
        self.assertIn("JCODE_PROVIDER_MY_API_API_KEY", r.stderr)
        self.assertNotIn("sk-wrong-key-000", r.stderr)

    def test_a_keyless_local_profile_runs_without_a_key(self):
        # Plain http to this machine is not routed through the emulator: point at it directly.
        r = self.jcode("provider", "add", "local", "--base-url", self.emu_url + "/127.0.0.1:8080/v1", "-m", "local-m")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.config_path()) as f:
            self.assertEqual(tomllib.loads(f.read())["providers"]["local"]["auth"], "none")
        r = self.jcode("--provider-profile", "local", "run", "Reply with exactly LOCAL_OK", check=0)
        self.assertEqual(r.stdout, "LOCAL_OK\n")
        req = self.wire("/127.0.0.1:8080/v1/chat/completions")[0]
        self.assertNotIn("authorization", req["headers"])
        self.assertEqual(json.loads(req["body"])["model"], "local-m")

    def test_a_config_that_does_not_parse_is_refused_and_left_alone(self):
        os.makedirs(self.jcode_path(), mode=0o700)
        broken = '[auth\ntrusted_external_sources = ["x"]\n'
        with open(self.config_path(), "w") as f:
            f.write(broken)
        r = self.add("--api-key-stdin")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(self.config_path(), r.stderr)
        self.assertNotIn(KEY, r.stderr)
        with open(self.config_path()) as f:
            self.assertEqual(f.read(), broken)
        self.assertFalse(os.path.exists(self.env_file()))

    def test_plain_http_to_a_private_address_is_accepted(self):
        r = self.jcode("provider", "add", "lan", "--base-url", "http://192.168.1.20:8000/v1", "-m", "m",
                       "--no-api-key", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["api_base"], "http://192.168.1.20:8000/v1")
        rows = json.loads(self.jcode("--json", "provider", "list", check=0).stdout)
        lan = next(x for x in rows if x["id"] == "lan")
        self.assertEqual(lan["base_url"], "http://192.168.1.20:8000/v1")
        self.assertTrue(lan["runnable"], lan)

    def test_a_typo_lists_the_profiles(self):
        self.assertEqual(self.add("--api-key-stdin").returncode, 0)
        r = self.jcode("--provider-profile", "my-apy", "run", "hi")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no such profile", r.stderr)
        self.assertIn("profiles: my-api", r.stderr)

    def test_provider_list_shows_providers_and_profiles_with_whether_configured(self):
        self.assertEqual(self.add("--api-key-stdin").returncode, 0)
        self.jcode("provider", "add", "local", "--base-url", "http://127.0.0.1:11434/v1", "-m", "llama", check=0)
        rows = json.loads(self.jcode("--json", "provider", "list",
                                     env=self.env(FIREWORKS_API_KEY="sk-emulator-compat-key"), check=0).stdout)
        by_id = {r["id"]: r for r in rows}
        self.assertEqual(by_id["fireworks"]["kind"], "provider")
        self.assertTrue(by_id["fireworks"]["configured"])
        self.assertFalse(by_id["minimax"]["configured"])
        self.assertEqual(by_id["my-api"]["kind"], "profile")
        self.assertTrue(by_id["my-api"]["configured"])
        self.assertEqual(by_id["my-api"]["source"], "provider-my-api.env")
        self.assertTrue(by_id["local"]["configured"])  # auth none
        self.assertNotIn(KEY, json.dumps(rows))
        text = self.jcode("provider", "list", check=0).stdout
        self.assertIn("my-api  profile https://llm.example.com/v1, model my-model-id, configured (provider-my-api.env)\n",
                      text)
        self.assertIn("groq  Groq (preset, openai-compatible), model llama-3.1-8b-instant, not configured\n", text)

    def test_a_profile_set_as_default_is_used_without_provider(self):
        self.serve_my_api()
        self.assertEqual(self.add("--api-key-stdin", "--set-default").returncode, 0)
        r = self.jcode("run", "Reply with exactly DEFAULT_OK", check=0)
        self.assertEqual(r.stdout, "DEFAULT_OK\n")
        self.assertEqual(json.loads(self.wire("/llm.example.com/v1/chat/completions")[0]["body"])["model"],
                         "my-model-id")

    def test_a_default_profile_that_cannot_run_says_why(self):
        self.assertEqual(self.add("--api-key-stdin", "--set-default").returncode, 0)
        with open(self.config_path()) as f:
            text = f.read()
        with open(self.config_path(), "w") as f:
            f.write(text.replace('type = "openai-compatible"', 'type = "no-such-dialect"'))
        r = self.jcode("run", "hi")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("profile 'my-api', which cannot run", r.stderr)
        self.assertIn("no-such-dialect", r.stderr)
        self.assertNotIn("not installed", r.stderr)

    def test_a_key_given_in_argv_is_saved_with_a_warning_and_never_echoed(self):
        r = self.jcode("provider", "add", "argv-api", "--base-url", "https://x.example/v1", "-m", "m",
                       "--api-key", KEY, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("shell history", r.stderr)
        self.assertNotIn(KEY, r.stdout + r.stderr)
        self.assertTrue(json.loads(r.stdout)["api_key_stored"])
        with open(os.path.join(self.home, ".config", "jcode", "provider-argv-api.env")) as f:
            self.assertEqual(f.read(), "JCODE_PROVIDER_ARGV_API_API_KEY=" + KEY + "\n")


if __name__ == "__main__":
    import unittest
    unittest.main()
