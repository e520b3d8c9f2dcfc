"""Antigravity end to end against the emulator and a fake Antigravity CLI: native Google OAuth
on the fixed loopback port 51121 (the busy port falls back to pasting the callback URL),
--print-auth-url/--callback-url, the email and project fetched after exchange and refresh
(loadCodeAssist, first answering base), the CLI run through the host with the token in its
environment (refreshed first when stale), a missing CLI named with its variable, auth-test,
and `auth-test --all-configured` with gemini, google and antigravity configured."""
import errno
import json
import os
import pty
import select
import socket
import subprocess
import time

from jcode_testlib import JCODE, JcodeTestCase, query

FAKE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "plugins", "antigravity",
                                     "tests", "fake-antigravity"))
AUTH = "/accounts.google.com/o/oauth2/v2/auth"
TOKEN = "/oauth2.googleapis.com/token"
LOAD = "/cloudcode-pa.googleapis.com/v1internal:loadCodeAssist"
DAILY = "/daily-cloudcode-pa.sandbox.googleapis.com/v1internal:loadCodeAssist"


class Antigravity(JcodeTestCase):
    def setUp(self):
        super().setUp()
        self.log = os.path.join(self.tmp, "fake-antigravity.log")
        self.control("google/code-assist", {"mode": "onboarded", "project": "ag-project-7"})

    def env(self, **extra):
        extra.setdefault("JCODE_ANTIGRAVITY_CLI_PATH", FAKE)
        extra.setdefault("FAKE_ANTIGRAVITY_LOG", os.path.join(self.tmp, "fake-antigravity.log"))
        extra.setdefault("JCODE_GEMINI_ONBOARD_POLL_MS", "10")
        return super().env(**extra)

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(line) for line in f if line.strip()]

    def scripted_login(self, env=None):
        p = self.jcode("--json", "login", "--provider", "antigravity", "--print-auth-url", env=env, check=0)
        info = json.loads(p.stdout)
        self.assertEqual(info["input_kind"], "callback_url")
        location = self.follow_authorize(info["auth_url"])
        self.assertTrue(location.startswith("http://127.0.0.1:51121/oauth-callback?"), location)
        done = self.jcode("login", "--provider", "antigravity", "--callback-url", "-", input=location + "\n", env=env, check=0)
        return info, done

    def tokens(self):
        return self.read_json(self.jcode_path("antigravity_oauth.json"))

    def test_scriptable_login_stores_email_and_project_then_runs_the_cli(self):
        info, done = self.scripted_login()
        q = query(info["auth_url"])
        self.assertEqual(q["redirect_uri"], ["http://127.0.0.1:51121/oauth-callback"])
        self.assertIn("https://www.googleapis.com/auth/cclog", q["scope"][0].split())
        self.assertIn("https://www.googleapis.com/auth/experimentsandconfigs", q["scope"][0].split())
        self.assertEqual(q["client_id"], ["1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com"])
        self.assertPrivateFile(self.jcode_path("antigravity_oauth.json"))
        t = self.tokens()
        self.assertEqual(t["email"], "user@example.com")
        self.assertEqual(t["project_id"], "ag-project-7")
        self.assertIn("user@example.com", done.stderr)
        load = self.wire(LOAD)
        self.assertEqual(len(load), 1)
        self.assertEqual(json.loads(load[0]["body"])["metadata"]["ideType"], "ANTIGRAVITY")
        self.assertRegex(load[0]["headers"]["user-agent"], r"^antigravity/1\.18\.3 darwin/(amd64|arm64)$")
        self.assertEqual(json.loads(load[0]["headers"]["client-metadata"])["ideType"], "ANTIGRAVITY")
        self.assertEqual(load[0]["headers"]["x-goog-api-client"], "google-cloud-sdk vscode_cloudshelleditor/0.1")
        p = self.jcode("--provider", "antigravity", "run", "Reply with exactly AG_OK", check=0)
        self.assertEqual(p.stdout, "AG_OK\n")
        calls = self.calls()
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0]["argv"][0], "-p")
        self.assertIn("Reply with exactly AG_OK", calls[0]["argv"][1])
        self.assertTrue(calls[0]["has_token"])
        self.assertFalse(calls[0]["token_in_argv"])
        self.assertEqual(calls[0]["project"], "ag-project-7")
        self.assertNotIn(t["access_token"], p.stdout + p.stderr)

    def test_first_answering_code_assist_base_names_the_project(self):
        self.queue(LOAD, [{"status": 404, "body": {"error": {"code": 404, "message": "nope", "status": "NOT_FOUND"}}}])
        self.scripted_login()
        self.assertEqual(len(self.wire(LOAD)), 1)
        self.assertEqual(len(self.wire(DAILY)), 1)
        self.assertEqual(self.tokens()["project_id"], "ag-project-7")

    def test_stale_token_is_refreshed_first_and_project_fetched_again(self):
        self.scripted_login()
        before = self.tokens()
        self.control("expire-access-tokens", {"provider": "google-antigravity"})
        doc = dict(before)
        doc["expiry_date"] = int(time.time() * 1000) - 1000
        doc.pop("project_id")
        with open(self.jcode_path("antigravity_oauth.json"), "w") as f:
            json.dump(doc, f)
        p = self.jcode("--provider", "antigravity", "run", "Reply with exactly FRESH", check=0)
        self.assertEqual(p.stdout, "FRESH\n")
        after = self.tokens()
        self.assertNotEqual(after["access_token"], before["access_token"])
        self.assertEqual(after["refresh_token"], before["refresh_token"])
        self.assertEqual(after["project_id"], "ag-project-7")
        self.assertEqual(len(self.wire(LOAD)), 2)  # after the exchange and after the refresh
        refresh = [r for r in self.wire(TOKEN) if "grant_type=refresh_token" in r["body"]]
        self.assertEqual(len(refresh), 1)

    def test_missing_cli_is_named_with_its_variable_and_failures_show_stderr(self):
        self.scripted_login()
        r = self.jcode("--provider", "antigravity", "run", "hello",
                       env=self.env(JCODE_ANTIGRAVITY_CLI_PATH=os.path.join(self.tmp, "no-such-antigravity")))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("JCODE_ANTIGRAVITY_CLI_PATH", r.stderr)
        self.assertIn("no-such-antigravity", r.stderr)
        f = self.jcode("--provider", "antigravity", "run", "hello", env=self.env(FAKE_ANTIGRAVITY_FAIL="1"))
        self.assertNotEqual(f.returncode, 0)
        self.assertIn("exited with status 3", f.stderr)
        self.assertIn("the agent crashed (fake)", f.stderr)

    def test_model_and_flags_from_the_environment(self):
        self.scripted_login()
        env = self.env(JCODE_ANTIGRAVITY_MODEL="gemini-3-pro", JCODE_ANTIGRAVITY_PROMPT_FLAG="--prompt",
                       FAKE_ANTIGRAVITY_PROMPT_FLAG="--prompt", JCODE_ANTIGRAVITY_MODEL_FLAG="-m")
        p = self.jcode("--provider", "antigravity", "run", "Reply with exactly FLAGS_OK", env=env, check=0)
        self.assertEqual(p.stdout, "FLAGS_OK\n")
        argv = self.calls()[-1]["argv"]
        self.assertEqual(argv[0], "--prompt")
        self.assertEqual(argv[2:], ["-m", "gemini-3-pro"])

    def test_client_override_blank_is_ignored_and_version_is_used(self):
        env = self.env(JCODE_ANTIGRAVITY_CLIENT_ID="  ", JCODE_ANTIGRAVITY_CLIENT_SECRET="", JCODE_ANTIGRAVITY_VERSION="9.9.9")
        info, _ = self.scripted_login(env)
        self.assertEqual(query(info["auth_url"])["client_id"],
                         ["1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com"])
        self.assertTrue(self.wire(LOAD)[0]["headers"]["user-agent"].startswith("antigravity/9.9.9 "))

    def test_own_client_logs_in_and_refreshes_with_that_client(self):
        env = self.env(JCODE_ANTIGRAVITY_CLIENT_ID="emulator-own-antigravity-client.apps.googleusercontent.com",
                       JCODE_ANTIGRAVITY_CLIENT_SECRET="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ret")
        info, _ = self.scripted_login(env)
        self.assertEqual(query(info["auth_url"])["client_id"], ["emulator-own-antigravity-client.apps.googleusercontent.com"])
        doc = self.tokens()
        doc["expiry_date"] = int(time.time() * 1000) - 1000
        doc.pop("project_id")
        with open(self.jcode_path("antigravity_oauth.json"), "w") as f:
            json.dump(doc, f)
        p = self.jcode("--provider", "antigravity", "run", "Reply with exactly OWN_OK", env=env, check=0)
        self.assertEqual(p.stdout, "OWN_OK\n")
        refresh = [r["body"] for r in self.wire(TOKEN) if "grant_type=refresh_token" in r["body"]]
        self.assertEqual(len(refresh), 1)
        self.assertIn("client_id=emulator-own-antigravity-client.apps.googleusercontent.com", refresh[0])
        after = self.tokens()
        self.assertEqual(after["project_id"], "ag-project-7")  # fetched again after the refresh
        self.assertEqual(after["refresh_token"], doc["refresh_token"])

    def test_auth_test_runs_the_smoke_through_the_cli(self):
        self.scripted_login()
        p = self.jcode("--json", "--provider", "antigravity", "auth-test")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        r = json.loads(p.stdout)[0]
        self.assertTrue(r["success"], r)
        steps = {s["name"]: s for s in r["steps"]}
        self.assertFalse(steps["refresh_probe"]["skipped"])
        self.assertTrue(steps["provider_smoke"]["ok"])
        self.assertFalse(steps["provider_smoke"]["skipped"])

    def test_busy_port_51121_switches_to_pasting_the_callback_url(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", 51121))
        except OSError as e:
            s.close()
            if e.errno == errno.EADDRINUSE:
                self.skipTest("port 51121 is taken by another program on this machine")
            raise
        self.addCleanup(s.close)
        s.listen(1)
        r = self.jcode("login", "--provider", "antigravity", env=self.browser_env())
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("51121", r.stderr)
        self.assertIn("--print-auth-url", r.stderr)
        env = self.env()
        del env["JCODE_NON_INTERACTIVE"]
        master, slave = pty.openpty()
        proc = subprocess.Popen([JCODE, "login", "--provider", "antigravity", "--no-browser"], env=env, cwd=self.work,
                                stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        self.addCleanup(os.close, master)

        def stop():
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        self.addCleanup(stop)
        out = b""

        def read_until(pred, seconds):
            nonlocal out
            deadline = time.monotonic() + seconds
            while not pred(out) and time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    continue
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            return pred(out)

        self.assertTrue(read_until(lambda b: b"Switching to manual paste" in b, 10), out)
        self.assertTrue(read_until(lambda b: b"and press Enter" in b, 10), out)
        text = out.decode(errors="replace")
        url = next(w for w in text.split() if AUTH + "?" in w)
        self.assertIn("redirect_uri=http%3A%2F%2F127.0.0.1%3A51121%2Foauth-callback", url)
        location = self.follow_authorize(url)
        # A callback URL whose state does not match is refused and the prompt stays.
        forged = location.replace("state=", "state=forged")
        os.write(master, (forged + "\r").encode())
        self.assertTrue(read_until(lambda b: b"Try again" in b, 10), out)
        os.write(master, (location + "\r").encode())
        self.assertTrue(read_until(lambda b: b"Logged in" in b, 30), out)
        self.assertEqual(proc.wait(timeout=30), 0, out)
        self.assertPrivateFile(self.jcode_path("antigravity_oauth.json"))

    def test_auth_test_all_configured_with_the_three_google_providers(self):
        self.scripted_login()
        # gemini
        p = self.jcode("--json", "login", "--provider", "gemini", "--print-auth-url", check=0)
        code = query(self.follow_authorize(json.loads(p.stdout)["auth_url"]))["code"][0]
        self.jcode("login", "--provider", "gemini", "--auth-code", code, check=0)
        # google (Gmail)
        client = os.path.join(self.tmp, "client.json")
        with open(client, "w") as f:
            json.dump({"installed": {"client_id": "emulator-gmail-client.apps.googleusercontent.com",
                                     "client_secret": "GOCSPX-emulator-gmail-secret"}}, f)
        p = self.jcode("--json", "login", "--provider", "google", "--print-auth-url", "--credentials-file", client, check=0)
        location = self.follow_authorize(json.loads(p.stdout)["auth_url"])
        self.jcode("login", "--provider", "google", "--callback-url", location, check=0)
        a = self.jcode("--json", "auth-test", "--all-configured")
        self.assertEqual(a.returncode, 0, a.stdout + a.stderr)
        reports = {r["provider"]: r for r in json.loads(a.stdout)}
        self.assertEqual(set(reports), {"gemini", "google", "antigravity"})
        for r in reports.values():
            self.assertTrue(r["success"], r)
        g = {s["name"]: s for s in reports["google"]["steps"]}
        self.assertTrue(g["provider_smoke"]["skipped"])
        gem = {s["name"]: s for s in reports["gemini"]["steps"]}
        self.assertFalse(gem["tool_smoke"]["skipped"])


if __name__ == "__main__":
    import unittest
    unittest.main()
