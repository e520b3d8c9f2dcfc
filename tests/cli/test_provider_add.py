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
        self.assertNotIn("type", prof)  # the format's default: an OpenAI-compatible Chat Completions API
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
        ]
        for args, why in cases:
            r = self.jcode(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(why, r.stderr)
            self.assertNotIn(KEY, r.stderr)
        self.assertFalse(os.path.exists(self.config_path()))
        self.assertFalse(os.path.exists(os.path.join(self.home, ".config", "jcode")))

    def test_running_a_profile_says_it_is_not_supported_yet_and_a_typo_lists_the_profiles(self):
        self.assertEqual(self.add("--api-key-stdin").returncode, 0)
        r = self.jcode("--provider-profile", "my-api", "auth-test", "--no-tool-smoke")
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot run them yet", r.stderr)
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
        self.assertIn("my-api  profile https://llm.example.com/v1, model my-model-id, configured", text)

    def test_a_profile_set_as_default_is_named_as_such_when_used(self):
        self.assertEqual(self.add("--api-key-stdin", "--set-default").returncode, 0)
        r = self.jcode("run", "hi")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("'my-api', a saved profile", r.stderr)
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
