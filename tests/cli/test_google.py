"""Google/Gmail end to end against the emulator: no built-in client (the login first saves the
user's client from flags or the Cloud console JSON, both shapes, a wrong file explained),
PKCE + state on a loopback redirect, the access tier's scopes on the wire, the Gmail profile
email, refresh with the user's client without rotation, auth-test without a model smoke and
`run` refused because google is not a model provider."""
import json
import os
import pty
import select
import subprocess
import time
import urllib.parse
import urllib.request

from jcode_testlib import JCODE, JcodeTestCase, query

AUTH = "/accounts.google.com/o/oauth2/v2/auth"
TOKEN = "/oauth2.googleapis.com/token"
PROFILE = "/gmail.googleapis.com/gmail/v1/users/me/profile"
CLIENT_ID = "emulator-gmail-client.apps.googleusercontent.com"
SECRET = "GOCSPX-emulator-gmail-secret"
G = "https://www.googleapis.com/auth/"


class Google(JcodeTestCase):
    def console_file(self, shape="installed", **inner):
        path = os.path.join(self.tmp, "client_secret.json")
        body = {"client_id": CLIENT_ID, "client_secret": SECRET, "project_id": "emu",
                "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
                "redirect_uris": ["http://localhost"]}
        body.update(inner)
        with open(path, "w") as f:
            json.dump({shape: body}, f)
        return path

    def scripted_login(self, *extra):
        p = self.jcode("--json", "login", "--provider", "google", "--print-auth-url", *extra, check=0)
        info = json.loads(p.stdout)
        self.assertEqual(info["input_kind"], "callback_url")
        location = self.follow_authorize(info["auth_url"])
        self.assertRegex(location, r"^http://127\.0\.0\.1:\d+/\?")
        done = self.jcode("login", "--provider", "google", "--callback-url", "-", input=location + "\n", check=0)
        return info, done

    def test_print_auth_url_is_refused_until_a_client_is_saved(self):
        r = self.jcode("login", "--provider", "google", "--print-auth-url")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no Google OAuth client is saved", r.stderr)
        self.assertIn("--credentials-file", r.stderr)
        self.assertFalse(os.path.exists(self.jcode_path("pending-login", "google.json")))
        self.assertEqual(self.wire(AUTH, method="GET"), [])

    def test_console_file_then_scriptable_login_with_the_full_tier(self):
        info, done = self.scripted_login("--credentials-file", self.console_file())
        creds = self.jcode_path("google_credentials.json")
        self.assertPrivateFile(creds)
        self.assertEqual(self.read_json(creds)["client_id"], CLIENT_ID)
        q = query(info["auth_url"])
        self.assertEqual(q["scope"][0].split(), [G + "gmail.readonly", G + "gmail.compose", G + "gmail.send", G + "gmail.modify"])
        self.assertEqual(q["access_type"], ["offline"])
        self.assertEqual(q["prompt"], ["consent"])
        self.assertEqual(q["code_challenge_method"], ["S256"])
        self.assertTrue(q["state"][0])
        tokens = self.jcode_path("google_oauth.json")
        self.assertPrivateFile(tokens)
        t = self.read_json(tokens)
        self.assertEqual(t["email"], "user@example.com")
        self.assertIn("user@example.com", done.stderr)
        self.assertIn("access tier full", done.stderr)
        self.assertEqual(len(self.wire(PROFILE, method="GET")), 1)
        self.assertNotIn(t["access_token"], done.stdout + done.stderr)
        self.assertNotIn(SECRET, done.stdout + done.stderr)
        body = urllib.parse.parse_qs(self.wire(TOKEN)[0]["body"])
        self.assertEqual(body["client_secret"], [SECRET])
        self.assertIn("code_verifier", body)

    def test_readonly_tier_and_web_client_shape(self):
        info, done = self.scripted_login("--credentials-file", self.console_file("web"), "--google-access-tier", "readonly")
        self.assertEqual(query(info["auth_url"])["scope"][0].split(), [G + "gmail.readonly", G + "gmail.compose"])
        self.assertIn("access tier readonly", done.stderr)
        bad = self.jcode("login", "--provider", "google", "--print-auth-url", "--google-access-tier", "everything")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("--google-access-tier", bad.stderr)
        self.assertIn("full or readonly", bad.stderr)

    def test_a_wrong_credentials_file_says_what_it_expected(self):
        path = os.path.join(self.tmp, "sa.json")
        with open(path, "w") as f:
            json.dump({"type": "service_account", "private_key": "x"}, f)
        r = self.jcode("login", "--provider", "google", "--print-auth-url", "--credentials-file", path)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(path, r.stderr)
        self.assertIn("service account", r.stderr)
        self.assertIn('"installed"', r.stderr)
        self.assertFalse(os.path.exists(self.jcode_path("google_credentials.json")))
        missing = self.jcode("login", "--provider", "google", "--print-auth-url", "--credentials-file", path + ".nope")
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("no such file", missing.stderr)

    def test_client_id_and_secret_from_flags_and_a_browser_login(self):
        self.jcode("login", "--provider", "google", "--client-id", CLIENT_ID, "--client-secret", "-",
                   input=SECRET + "\n", env=self.browser_env(), check=0)
        self.assertEqual(self.read_json(self.jcode_path("google_credentials.json"))["client_secret"], SECRET)
        redirect = urllib.parse.parse_qs(self.wire(AUTH, method="GET")[0]["query"])["redirect_uri"][0]
        self.assertRegex(redirect, r"^http://127\.0\.0\.1:\d+/$")
        self.assertPrivateFile(self.jcode_path("google_oauth.json"))

    def test_terminal_walk_through_imports_the_file_then_logs_in(self):
        env = self.env()
        del env["JCODE_NON_INTERACTIVE"]
        master, slave = pty.openpty()
        proc = subprocess.Popen([JCODE, "login", "--provider", "google"], env=env, cwd=self.work, stdin=slave,
                                stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        self.addCleanup(os.close, master)

        def stop():
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        self.addCleanup(stop)
        out = b""

        def read_until(needle, seconds=15):
            nonlocal out
            deadline = time.monotonic() + seconds
            while needle not in out and time.monotonic() < deadline:
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
            return needle in out

        self.assertTrue(read_until(b"Path of the client JSON"), out)
        os.write(master, (self.console_file() + "\r").encode())
        self.assertTrue(read_until(b"and press Enter"), out)
        url = next(w for w in out.decode(errors="replace").split() if AUTH + "?" in w)
        location = self.follow_authorize(url)
        with urllib.request.urlopen(location, timeout=10) as r:  # the browser reaching jcode's listener
            r.read()
        self.assertTrue(read_until(b"Logged in"), out)
        self.assertEqual(proc.wait(timeout=30), 0, out)
        self.assertPrivateFile(self.jcode_path("google_credentials.json"))
        self.assertEqual(self.read_json(self.jcode_path("google_oauth.json"))["email"], "user@example.com")

    def test_auth_test_refreshes_with_the_users_client_and_skips_the_model_smoke(self):
        self.scripted_login("--credentials-file", self.console_file())
        before = self.read_json(self.jcode_path("google_oauth.json"))
        self.control("expire-access-tokens", {"provider": "google-gmail"})
        doc = dict(before)
        doc["expiry_date"] = int(time.time() * 1000) - 1000
        with open(self.jcode_path("google_oauth.json"), "w") as f:
            json.dump(doc, f)
        p = self.jcode("--json", "--provider", "google", "auth-test")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        r = json.loads(p.stdout)[0]
        self.assertTrue(r["success"], r)
        steps = {s["name"]: s for s in r["steps"]}
        self.assertTrue(steps["credential_probe"]["ok"])
        self.assertFalse(steps["refresh_probe"]["skipped"])
        self.assertTrue(steps["provider_smoke"]["skipped"])
        self.assertIn("not a model provider", steps["provider_smoke"]["detail"])
        self.assertNotIn("tool_smoke", steps)
        refresh = [urllib.parse.parse_qs(x["body"]) for x in self.wire(TOKEN) if "grant_type=refresh_token" in x["body"]]
        self.assertEqual(len(refresh), 1)
        self.assertEqual(refresh[0]["client_id"], [CLIENT_ID])
        self.assertEqual(refresh[0]["client_secret"], [SECRET])
        after = self.read_json(self.jcode_path("google_oauth.json"))
        self.assertNotEqual(after["access_token"], before["access_token"])
        self.assertEqual(after["refresh_token"], before["refresh_token"])  # Google does not rotate
        self.assertGreater(after["expiry_date"], int(time.time() * 1000))
        self.assertEqual(after["email"], "user@example.com")
        self.assertPrivateFile(self.jcode_path("google_oauth.json"))

    def test_run_refuses_because_google_is_not_a_model_provider(self):
        self.scripted_login("--credentials-file", self.console_file())
        for provider in ("google", "gmail"):
            r = self.jcode("--provider", provider, "run", "hello")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("not a model provider", r.stderr)


if __name__ == "__main__":
    import unittest
    unittest.main()
