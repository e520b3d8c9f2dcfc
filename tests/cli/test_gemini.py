"""Gemini end to end against the emulator: Google OAuth (loopback, the manual authcode page
through --print-auth-url/--auth-code), Code Assist setup (loadCodeAssist, onboardUser and its
long-running operation, the Workspace project and VALIDATION_REQUIRED errors), streamed
generation with tools, Gemini CLI's file read in place and never written, the API-key mode,
and auth-test."""
import json
import os
import pty
import select
import subprocess
import time
import urllib.parse

from jcode_testlib import JCODE, JcodeTestCase, query

AUTH = "/accounts.google.com/o/oauth2/v2/auth"
TOKEN = "/oauth2.googleapis.com/token"
LOAD = "/cloudcode-pa.googleapis.com/v1internal:loadCodeAssist"
ONBOARD = "/cloudcode-pa.googleapis.com/v1internal:onboardUser"
GENERATE = "/cloudcode-pa.googleapis.com/v1internal:streamGenerateContent"
API_KEY = "emulator-gemini-api-key"
TOOL_PROMPT = ("Use exactly one bash tool call with command exactly `echo JCODE_TOOL_OK`. After you see the tool "
               "result, reply with exactly AUTH_TEST_OK and nothing else.")


class Gemini(JcodeTestCase):
    fixtures = True

    def env(self, **extra):
        extra.setdefault("JCODE_GEMINI_ONBOARD_POLL_MS", "10")
        return super().env(**extra)

    def print_auth_url(self, env=None):
        p = self.jcode("--json", "login", "--provider", "gemini", "--print-auth-url", env=env, check=0)
        info = json.loads(p.stdout)
        self.assertEqual(info["input_kind"], "auth_code")
        return info

    def scripted_login(self, env=None):
        info = self.print_auth_url(env)
        location = self.follow_authorize(info["auth_url"])
        self.assertTrue(location.startswith("https://codeassist.google.com/authcode?"), location)
        code = query(location)["code"][0]
        done = self.jcode("login", "--provider", "gemini", "--auth-code", "-", input=code + "\n", env=env, check=0)
        self.assertFalse(os.path.exists(info["pending_path"]))
        return info, done

    def tokens(self):
        return self.read_json(self.jcode_path("gemini_oauth.json"))

    def gemini_cli_file(self, expires_in=3600):
        minted = self.control("google/tokens", {"product": "gemini", "expires_in": expires_in})
        d = os.path.join(self.home, ".gemini")
        os.makedirs(d)
        path = os.path.join(d, "oauth_creds.json")
        with open(path, "w") as f:
            json.dump({"access_token": minted["access_token"], "refresh_token": minted["refresh_token"],
                       "scope": minted["scope"], "token_type": "Bearer", "id_token": minted["id_token"],
                       "expiry_date": minted["expiry_date"]}, f)
        os.chmod(path, 0o600)
        return path, minted

    def on_terminal(self, *args):
        """Runs jcode on a pseudo-terminal; returns (send, read_until, wait)."""
        env = self.env()
        del env["JCODE_NON_INTERACTIVE"]
        master, slave = pty.openpty()
        proc = subprocess.Popen([JCODE, *args], env=env, cwd=self.work, stdin=slave, stdout=slave, stderr=slave,
                                start_new_session=True)
        os.close(slave)
        self.addCleanup(os.close, master)

        def stop():
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        self.addCleanup(stop)
        buf = [b""]

        def read_until(needle, seconds=15):
            deadline = time.monotonic() + seconds
            while needle not in buf[0] and time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    continue
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                buf[0] += chunk
            return needle in buf[0]

        def send(text):
            os.write(master, (text + "\r").encode())

        self.terminal_output = lambda: buf[0]

        return send, read_until, lambda: (proc.wait(timeout=30), buf[0])

    def test_interactive_login_offers_oauth_or_an_api_key(self):
        send, read_until, wait = self.on_terminal("login", "--provider", "gemini")
        self.assertTrue(read_until(b"api-key"), "no choice offered")
        send("api-key")
        self.assertTrue(read_until(b"(input hidden): "), "no key prompt")
        send(API_KEY)
        code, out = wait()
        self.assertEqual(code, 0, out)
        self.assertNotIn(API_KEY.encode(), out)
        with open(os.path.join(self.home, ".config", "jcode", "gemini.env")) as f:
            self.assertIn("GEMINI_API_KEY=" + API_KEY, f.read())
        self.assertFalse(os.path.exists(self.jcode_path("gemini_oauth.json")))

    def test_no_browser_on_a_terminal_pastes_the_code_from_the_authcode_page(self):
        send, read_until, wait = self.on_terminal("login", "--provider", "gemini", "--no-browser")
        self.assertTrue(read_until(b"and press Enter"), "no paste prompt")
        text = self.terminal_output().decode(errors="replace")
        url = next(w for w in text.split() if AUTH + "?" in w)
        self.assertIn("redirect_uri=https%3A%2F%2Fcodeassist.google.com%2Fauthcode", url)
        location = self.follow_authorize(url)
        send(query(location)["code"][0])
        code, out = wait()
        self.assertEqual(code, 0, out)
        self.assertPrivateFile(self.jcode_path("gemini_oauth.json"))

    def test_consent_refused_on_a_terminal_leaves_the_gemini_cli_file_unread(self):
        path, _ = self.gemini_cli_file()
        with open(path, "rb") as f:
            before_bytes = f.read()
        send, read_until, wait = self.on_terminal("--provider", "gemini", "run", "hello")
        self.assertTrue(read_until(b"[y/N]"), "no consent prompt")
        send("n")
        code, out = wait()
        self.assertNotEqual(code, 0, out)
        self.assertEqual(self.wire(GENERATE), [])
        self.assertEqual(self.wire(LOAD), [])
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before_bytes)
        cfg = self.jcode_path("config.toml")
        if os.path.exists(cfg):
            with open(cfg) as f:
                self.assertNotIn("gemini_cli_oauth_creds", f.read())

    def test_scriptable_login_then_run_onboards_and_streams(self):
        info, done = self.scripted_login()
        q = query(info["auth_url"])
        self.assertEqual(q["access_type"], ["offline"])
        self.assertEqual(q["prompt"], ["consent"])
        self.assertEqual(q["redirect_uri"], ["https://codeassist.google.com/authcode"])
        self.assertEqual(q["code_challenge_method"], ["S256"])
        path = self.jcode_path("gemini_oauth.json")
        self.assertPrivateFile(path)
        t = self.tokens()
        self.assertTrue(t["refresh_token"].startswith("1//"))
        self.assertGreater(t["expiry_date"], int(time.time() * 1000))  # milliseconds
        self.assertEqual(t["email"], "user@example.com")
        self.assertIn("user@example.com", done.stderr)
        self.assertNotIn(t["access_token"], done.stdout + done.stderr)
        p = self.jcode("--provider", "gemini", "run", "Reply with exactly GEMINI_OK", check=0)
        self.assertEqual(p.stdout, "GEMINI_OK\n")
        # Onboarding: load (no tier) → onboardUser → the operation polled until done.
        self.assertEqual(len(self.wire(LOAD)), 1)
        onboard = self.wire(ONBOARD)
        self.assertEqual(len(onboard), 1)
        self.assertEqual(json.loads(onboard[0]["body"])["tierId"], "free-tier")
        self.assertNotIn("cloudaicompanionProject", json.loads(onboard[0]["body"]))
        polls = [r for r in self.control("requests?method=GET")
                 if r["path"].startswith("/cloudcode-pa.googleapis.com/v1internal/operations/")]
        self.assertEqual(len(polls), 1)
        gen = self.wire(GENERATE)
        self.assertEqual(len(gen), 1)
        self.assertEqual(gen[0]["query"], "alt=sse")
        self.assertEqual(gen[0]["headers"]["authorization"], "Bearer " + t["access_token"])
        body = json.loads(gen[0]["body"])
        self.assertEqual(body["model"], "gemini-2.5-pro")
        self.assertEqual(body["project"], "emu-free-project-4242")
        self.assertIn("user_prompt_id", body)
        self.assertEqual(body["request"]["contents"][-1]["role"], "user")

    def test_run_with_tools_and_auth_test_with_both_smokes(self):
        self.scripted_login()
        p = self.jcode("--provider", "gemini", "run", "--allow-tools", "bash", TOOL_PROMPT, check=0)
        self.assertEqual(p.stdout.strip().splitlines()[-1], "AUTH_TEST_OK")
        a = self.jcode("--json", "--provider", "gemini", "auth-test")
        self.assertEqual(a.returncode, 0, a.stdout + a.stderr)
        r = json.loads(a.stdout)[0]
        self.assertTrue(r["success"], r)
        self.assertEqual([s["name"] for s in r["steps"]], ["credential_probe", "refresh_probe", "provider_smoke", "tool_smoke"])
        self.assertFalse(any(s["skipped"] for s in r["steps"]), r)
        # The tool round trip went both ways on the wire: functionCall then functionResponse.
        bodies = [json.loads(g["body"]) for g in self.wire(GENERATE)]
        last = bodies[-1]["request"]["contents"]
        self.assertIn("functionCall", last[-2]["parts"][0])
        self.assertEqual(last[-1]["parts"][0]["functionResponse"]["name"], "bash")
        self.assertIn("JCODE_TOOL_OK", json.dumps(last[-1]["parts"][0]["functionResponse"]["response"]))
        self.assertEqual(bodies[-1]["request"]["tools"][0]["functionDeclarations"][0]["name"], "bash")

    def test_gemini_3_thought_signatures_go_back_with_the_function_call(self):
        self.scripted_login()
        p = self.jcode("--provider", "gemini", "--model", "gemini-3-pro-preview", "run", "--allow-tools", "bash",
                       TOOL_PROMPT, check=0)
        self.assertEqual(p.stdout.strip().splitlines()[-1], "AUTH_TEST_OK")
        bodies = [json.loads(g["body"]) for g in self.wire(GENERATE)]
        self.assertEqual(len(bodies), 2)
        call = bodies[1]["request"]["contents"][-2]["parts"][-1]
        self.assertIn("functionCall", call)
        self.assertTrue(call["thoughtSignature"].startswith("emu-sig-"))

    def test_refresh_keeps_the_refresh_token_google_does_not_rotate(self):
        self.scripted_login()
        before = self.tokens()
        self.control("expire-access-tokens", {"provider": "google-gemini"})
        p = self.jcode("--provider", "gemini", "run", "Reply with exactly AFTER_REFRESH", check=0)
        self.assertEqual(p.stdout, "AFTER_REFRESH\n")
        after = self.tokens()
        self.assertNotEqual(before["access_token"], after["access_token"])
        self.assertEqual(before["refresh_token"], after["refresh_token"])
        self.assertGreater(after["expiry_date"], int(time.time() * 1000))
        refresh = [r for r in self.wire(TOKEN) if "grant_type=refresh_token" in r["body"]]
        self.assertEqual(len(refresh), 1)
        self.assertIn("client_secret=", refresh[0]["body"])

    def test_browser_login_on_the_loopback_redirect(self):
        self.jcode("login", "--provider", "gemini", env=self.browser_env(), check=0)
        auth = self.wire(AUTH, method="GET")
        self.assertEqual(len(auth), 1)
        redirect = urllib.parse.parse_qs(auth[0]["query"])["redirect_uri"][0]
        self.assertRegex(redirect, r"^http://127\.0\.0\.1:\d+/oauth2callback$")
        self.assertPrivateFile(self.jcode_path("gemini_oauth.json"))

    def test_no_browser_without_terminal_prints_the_manual_url(self):
        p = self.jcode("login", "--provider", "gemini", "--no-browser", check=0)
        self.assertIn("redirect_uri=https%3A%2F%2Fcodeassist.google.com%2Fauthcode", p.stdout)
        self.assertIn("--auth-code", p.stderr)
        self.assertTrue(os.path.exists(self.jcode_path("pending-login", "gemini.json")))

    def test_auth_code_with_expired_pending_state(self):
        info = self.print_auth_url()
        rec = self.read_json(info["pending_path"])
        rec["expires_at_ms"] = int(time.time() * 1000) - 1000
        with open(info["pending_path"], "w") as f:
            json.dump(rec, f)
        code = query(self.follow_authorize(info["auth_url"]))["code"][0]
        r = self.jcode("login", "--provider", "gemini", "--auth-code", code)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("expired", r.stderr)
        self.assertIn("--print-auth-url", r.stderr)
        self.assertFalse(os.path.exists(info["pending_path"]))
        self.assertFalse(os.path.exists(self.jcode_path("gemini_oauth.json")))

    def test_missing_refresh_token_says_how_to_revoke_and_retry(self):
        info = self.print_auth_url()
        code = query(self.follow_authorize(info["auth_url"]))["code"][0]
        self.queue(TOKEN, [{"status": 200, "body": {"access_token": "ya29.no-refresh", "expires_in": 3599,
                                                      "token_type": "Bearer", "scope": "x"}}])
        r = self.jcode("login", "--provider", "gemini", "--auth-code", code)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no refresh token", r.stderr)
        self.assertIn("https://myaccount.google.com/permissions", r.stderr)
        self.assertIn("jcode login --provider gemini", r.stderr)
        self.assertFalse(os.path.exists(self.jcode_path("gemini_oauth.json")))

    def test_own_client_from_the_environment(self):
        env = self.env(GEMINI_CLIENT_ID="emulator-own-gemini-client.apps.googleusercontent.com",
                       GEMINI_CLIENT_SECRET="GOCSPX-emulator-own-gemini-secret")
        info, _ = self.scripted_login(env)
        self.assertEqual(query(info["auth_url"])["client_id"], ["emulator-own-gemini-client.apps.googleusercontent.com"])
        body = self.wire(TOKEN)[0]["body"]
        self.assertIn("client_secret=GOCSPX-emulator-own-gemini-secret", body)
        # The refresh uses the same client (the plugin refreshes it; Google binds tokens to clients).
        doc = self.tokens()
        doc["expiry_date"] = int(time.time() * 1000) - 1000
        with open(self.jcode_path("gemini_oauth.json"), "w") as f:
            json.dump(doc, f)
        p = self.jcode("--provider", "gemini", "run", "Reply with exactly OWN_CLIENT_OK", env=env, check=0)
        self.assertEqual(p.stdout, "OWN_CLIENT_OK\n")
        refresh = [r["body"] for r in self.wire(TOKEN) if "grant_type=refresh_token" in r["body"]]
        self.assertEqual(len(refresh), 1)
        self.assertIn("client_id=emulator-own-gemini-client.apps.googleusercontent.com", refresh[0])
        after = self.tokens()
        self.assertEqual(after["refresh_token"], doc["refresh_token"])
        self.assertGreater(after["expiry_date"], int(time.time() * 1000))
        self.assertPrivateFile(self.jcode_path("gemini_oauth.json"))
        # A token the service refuses and the plugin cannot renew is named as jcode's own login,
        # not as "another tool's login".
        refused = {"status": 401, "body": {"error": {"code": 401, "status": "UNAUTHENTICATED",
                                                     "message": "Request had invalid authentication credentials."}}}
        self.queue(GENERATE, [refused, refused])
        r = self.jcode("--provider", "gemini", "run", "hello", env=env)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertNotIn("another tool", r.stderr)
        self.assertIn("jcode login --provider gemini", r.stderr)
        self.control("queue", method="DELETE")
        # A wrong secret is refused by Google's token endpoint with a clear error.
        bad = self.env(GEMINI_CLIENT_ID="emulator-own-gemini-client.apps.googleusercontent.com",
                       GEMINI_CLIENT_SECRET="wrong")
        info = self.print_auth_url(bad)
        code = query(self.follow_authorize(info["auth_url"]))["code"][0]
        r = self.jcode("login", "--provider", "gemini", "--auth-code", code, env=bad)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("invalid_client", r.stderr)
        self.assertNotIn("wrong", r.stderr.replace("went wrong", ""))

    def test_workspace_account_needs_a_project_then_uses_it(self):
        self.scripted_login()
        self.control("google/code-assist", {"mode": "workspace"})
        r = self.jcode("--provider", "gemini", "run", "hello")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("GOOGLE_CLOUD_PROJECT", r.stderr)
        self.assertEqual(self.wire(GENERATE), [])
        p = self.jcode("--provider", "gemini", "run", "Reply with exactly WS_OK", env=self.env(GOOGLE_CLOUD_PROJECT="corp-proj-1"),
                       check=0)
        self.assertEqual(p.stdout, "WS_OK\n")
        self.assertEqual(json.loads(self.wire(LOAD)[-1]["body"])["cloudaicompanionProject"], "corp-proj-1")
        self.assertEqual(json.loads(self.wire(GENERATE)[0]["body"])["project"], "corp-proj-1")

    def test_validation_required_names_the_url_and_ineligible_says_what_to_do(self):
        self.scripted_login()
        self.control("google/code-assist", {"mode": "validation"})
        r = self.jcode("--provider", "gemini", "run", "hello")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("VALIDATION_REQUIRED", r.stderr)
        self.assertIn("https://accounts.google.com/signin/continue?sarp=1&emu=validate", r.stderr)
        self.control("google/code-assist", {"mode": "forbidden"})
        f = self.jcode("--provider", "gemini", "run", "hello")
        self.assertNotEqual(f.returncode, 0)
        self.assertIn("PERMISSION_DENIED", f.stderr)
        self.assertIn("GOOGLE_CLOUD_PROJECT", f.stderr)
        self.assertIn("GEMINI_API_KEY", f.stderr)

    def test_onboarding_operation_is_polled_until_done(self):
        self.scripted_login()
        self.control("google/code-assist", {"onboard_polls": 3})
        p = self.jcode("--provider", "gemini", "run", "Reply with exactly LRO_OK", check=0)
        self.assertEqual(p.stdout, "LRO_OK\n")
        polls = [r for r in self.control("requests?method=GET")
                 if r["path"].startswith("/cloudcode-pa.googleapis.com/v1internal/operations/")]
        self.assertEqual(len(polls), 3)
        # Onboarded now: the next run loads the current tier and does not onboard again.
        self.jcode("--provider", "gemini", "run", "Reply with exactly AGAIN", check=0)
        self.assertEqual(len(self.wire(ONBOARD)), 1)

    def test_model_override_from_flag_and_environment(self):
        self.scripted_login()
        self.jcode("--provider", "gemini", "--model", "gemini-2.5-flash", "run", "Reply with exactly M1", check=0)
        self.jcode("--provider", "gemini", "run", "Reply with exactly M2", env=self.env(JCODE_GEMINI_MODEL="gemini-3-pro"), check=0)
        models = [json.loads(g["body"])["model"] for g in self.wire(GENERATE)]
        self.assertEqual(models, ["gemini-2.5-flash", "gemini-3-pro"])
        bad = self.jcode("--provider", "gemini", "run", "x", env=self.env(JCODE_GEMINI_MODEL="a/b"))
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("JCODE_GEMINI_MODEL", bad.stderr)

    def test_gemini_cli_file_is_read_in_place_after_consent_and_never_written(self):
        path, minted = self.gemini_cli_file()
        with open(path, "rb") as f:
            before_bytes = f.read()
        before = os.stat(path)
        # Without consent it is not read; the message names the command that approves it.
        r = self.jcode("--provider", "gemini", "run", "hello")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("jcode auth trust add gemini_cli_oauth_creds", r.stderr)
        self.assertEqual(self.wire(GENERATE), [])
        self.jcode("auth", "trust", "add", "gemini_cli_oauth_creds", path, check=0)
        p = self.jcode("--provider", "gemini", "run", "Reply with exactly FROM_GEMINI_CLI", check=0)
        self.assertEqual(p.stdout, "FROM_GEMINI_CLI\n")
        self.assertEqual(self.wire(GENERATE)[0]["headers"]["authorization"], "Bearer " + minted["access_token"])
        a = self.jcode("--provider", "gemini", "auth-test", "--no-tool-smoke")
        self.assertEqual(a.returncode, 0, a.stdout + a.stderr)
        self.assertEqual(self.wire(TOKEN), [], "Gemini CLI's tokens are never refreshed by jcode")
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before_bytes)
        after = os.stat(path)
        self.assertEqual((before.st_mtime_ns, before.st_ino, before.st_mode), (after.st_mtime_ns, after.st_ino, after.st_mode))
        self.assertFalse(os.path.exists(self.jcode_path("gemini_oauth.json")))

    def test_expired_gemini_cli_token_says_run_gemini_or_login(self):
        path, _ = self.gemini_cli_file(expires_in=1)
        with open(path) as f:
            doc = json.load(f)
        doc["expiry_date"] = int(time.time() * 1000) - 60000
        with open(path, "w") as f:
            json.dump(doc, f)
        with open(path, "rb") as f:
            before_bytes = f.read()
        self.jcode("auth", "trust", "add", "gemini_cli_oauth_creds", path, check=0)
        r = self.jcode("--provider", "gemini", "run", "hello")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("`gemini`", r.stderr)
        self.assertIn("jcode login --provider gemini", r.stderr)
        self.assertEqual(self.wire(TOKEN), [])
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before_bytes)

    def test_a_corrupt_own_file_is_named_then_a_trusted_opencode_entry_is_used(self):
        os.makedirs(self.jcode_path(), mode=0o700)
        with open(self.jcode_path("gemini_oauth.json"), "w") as f:
            f.write("[1, 2]")
        os.chmod(self.jcode_path("gemini_oauth.json"), 0o600)
        r = self.jcode("--provider", "gemini", "run", "hello")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("gemini_oauth.json", r.stderr)
        self.assertIn("is a JSON array, not an object", r.stderr)
        os.remove(self.jcode_path("gemini_oauth.json"))
        minted = self.control("google/tokens", {"product": "gemini"})
        d = os.path.join(self.home, ".local", "share", "opencode")
        os.makedirs(d)
        path = os.path.join(d, "auth.json")
        with open(path, "w") as f:
            json.dump({"gemini": {"type": "oauth", "access": minted["access_token"], "refresh": minted["refresh_token"],
                                  "expires": minted["expiry_date"]}}, f)
        self.jcode("auth", "trust", "add", "opencode_auth_json", path, check=0)
        p = self.jcode("--provider", "gemini", "run", "Reply with exactly FROM_OPENCODE", check=0)
        self.assertEqual(p.stdout, "FROM_OPENCODE\n")
        self.assertEqual(self.wire(GENERATE)[0]["headers"]["authorization"], "Bearer " + minted["access_token"])

    def test_api_key_mode_uses_the_gemini_api_and_renders_the_recorded_stream(self):
        env = self.env(GEMINI_API_KEY=API_KEY)
        route = "/generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash-exp:streamGenerateContent"
        self.queue(route, [{"fixture": "derived-sse/test_google_test_google_model_stream.0.sse"}])
        p = self.jcode("--provider", "gemini", "--model", "gemini-2.0-flash-exp", "run", "What is the capital of France?",
                       env=env, check=0)
        self.assertEqual(p.stdout, "The capital of France is Paris.\n")
        req = self.wire(route)[0]
        self.assertEqual(req["headers"]["x-goog-api-key"], API_KEY)
        self.assertNotIn("authorization", req["headers"])
        self.assertEqual(req["query"], "alt=sse")
        self.assertNotIn(API_KEY, p.stdout + p.stderr)
        # Tools work against the API too; a wrong key says which variables to check.
        t = self.jcode("--json", "--provider", "gemini", "auth-test", env=env)
        self.assertEqual(t.returncode, 0, t.stdout + t.stderr)
        self.assertTrue(json.loads(t.stdout)[0]["steps"][1]["skipped"])
        bad = self.jcode("--provider", "gemini", "run", "hello", env=self.env(GOOGLE_API_KEY="AIza-wrong-key"))
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("API key not valid", bad.stderr)
        self.assertIn("GEMINI_API_KEY", bad.stderr)
        self.assertNotIn("AIza-wrong-key", bad.stderr)
        self.assertEqual(self.wire(LOAD), [])

    def test_login_saves_an_api_key_from_stdin_and_force_oauth_declines_it(self):
        self.jcode("login", "--provider", "gemini", "--api-key", "-", input=API_KEY + "\n", check=0)
        env_file = os.path.join(self.home, ".config", "jcode", "gemini.env")
        self.assertPrivateFile(env_file)
        with open(env_file) as f:
            self.assertIn("GEMINI_API_KEY=" + API_KEY, f.read())
        p = self.jcode("--provider", "gemini", "run", "Reply with exactly KEY_OK", check=0)
        self.assertEqual(p.stdout, "KEY_OK\n")
        r = self.jcode("--provider", "gemini", "run", "hello", env=self.env(JCODE_GEMINI_FORCE_OAUTH="1"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("jcode login --provider gemini", r.stderr)


if __name__ == "__main__":
    import unittest
    unittest.main()
