"""OpenAI end to end against the emulator: scriptable Codex OAuth login, requests to the ChatGPT
backend (originator, chatgpt-account-id) or to the API with a key, the busy fixed callback port,
Codex's auth.json read in place only after consent, and auth-test."""
import base64
import errno
import json
import os
import pty
import select
import socket
import subprocess
import time

from jcode_testlib import JCODE, JcodeTestCase

CODEX = "/chatgpt.com/backend-api/codex/responses"
API = "/api.openai.com/v1/responses"
TOKEN = "POST /auth.openai.com/oauth/token"


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def account_claim(token):
    return jwt_claims(token)["https://api.openai.com/auth"]["chatgpt_account_id"]


class OpenAI(JcodeTestCase):
    def scripted_login(self):
        p = self.jcode("--json", "login", "--provider", "openai", "--print-auth-url", check=0)
        info = json.loads(p.stdout)
        self.assertEqual(info["provider"], "openai")
        self.assertIn("redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback", info["auth_url"])
        location = self.follow_authorize(info["auth_url"])
        self.assertTrue(location.startswith("http://localhost:1455/auth/callback?"), location)
        done = self.jcode("login", "--provider", "openai", "--callback-url", "-", input=location + "\n", check=0)
        self.assertFalse(os.path.exists(info["pending_path"]))
        return done

    def openai_account(self):
        return self.read_json(self.jcode_path("openai-auth.json"))["openai_accounts"][0]

    def codex_file(self):
        minted = self.control("tokens", {"provider": "openai"})
        d = os.path.join(self.home, ".codex")
        os.makedirs(d)
        path = os.path.join(d, "auth.json")
        with open(path, "w") as f:
            json.dump({"OPENAI_API_KEY": None, "auth_mode": "chatgpt", "last_refresh": "2025-01-01T00:00:00Z",
                       "tokens": {"id_token": minted["id_token"], "access_token": minted["access_token"],
                                  "refresh_token": minted["refresh_token"], "account_id": minted["account_id"]}}, f)
        os.chmod(path, 0o600)
        return path, minted

    def test_scriptable_login_then_run_on_chatgpt_backend(self):
        done = self.scripted_login()
        path = self.jcode_path("openai-auth.json")
        self.assertPrivateFile(path)
        acct = self.openai_account()
        self.assertNotIn(acct["access_token"], done.stdout + done.stderr)
        self.assertIn("user@example.com", done.stderr)
        p = self.jcode("--provider", "openai", "run", "Reply with exactly OPENAI_OAUTH_OK", check=0)
        self.assertEqual(p.stdout, "OPENAI_OAUTH_OK\n")
        reqs = self.wire(CODEX)
        self.assertEqual(len(reqs), 1)
        h = reqs[0]["headers"]
        self.assertEqual(h["originator"], "codex_cli_rs")
        self.assertEqual(h["chatgpt-account-id"], account_claim(acct["id_token"]))
        self.assertEqual(h["authorization"], "Bearer " + acct["access_token"])
        body = json.loads(reqs[0]["body"])
        self.assertIs(body["stream"], True)
        self.assertIs(body["store"], False)
        self.assertEqual(self.wire(API), [])

    def test_api_key_only_uses_the_platform_api(self):
        env = self.env(OPENAI_API_KEY="sk-emulator-openai-key")
        p = self.jcode("--provider", "openai", "run", "Reply with exactly OPENAI_KEY_OK", env=env, check=0)
        self.assertEqual(p.stdout, "OPENAI_KEY_OK\n")
        self.assertNotIn("sk-emulator-openai-key", p.stdout + p.stderr)
        reqs = self.wire(API)
        self.assertEqual(len(reqs), 1)
        h = reqs[0]["headers"]
        self.assertEqual(h["authorization"], "Bearer sk-emulator-openai-key")
        self.assertNotIn("chatgpt-account-id", h)
        self.assertEqual(self.wire(CODEX), [])

    def test_busy_callback_port_switches_to_paste_within_a_second(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", 1455))
        except OSError as e:
            s.close()
            if e.errno == errno.EADDRINUSE:
                self.skipTest("port 1455 is taken by another program on this machine")
            raise
        self.addCleanup(s.close)
        s.listen(1)
        # A browser but no terminal: nobody to paste, so a clear error and the scriptable way.
        r = self.jcode("login", "--provider", "openai", env=self.browser_env())
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertIn("1455", r.stderr)
        self.assertIn("--print-auth-url", r.stderr)
        # On a terminal the paste prompt comes at once and the pasted URL logs in.
        env = self.env()
        del env["JCODE_NON_INTERACTIVE"]
        master, slave = pty.openpty()
        start = time.monotonic()
        proc = subprocess.Popen([JCODE, "login", "--provider", "openai"], env=env, cwd=self.work,
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
        elapsed = time.monotonic() - start
        # At once, not after a callback wait (minutes): the bound is loose so a loaded sanitizer
        # build cannot make it flaky; speed itself is measured by the benchmarks.
        self.assertLess(elapsed, 10.0, f"the paste flow took {elapsed:.2f} s to appear")
        self.assertTrue(read_until(lambda b: b"and press Enter" in b, 10), out)
        text = out.decode(errors="replace")
        url = next(w for w in text.split() if "/auth.openai.com/oauth/authorize?" in w)
        location = self.follow_authorize(url)
        os.write(master, (location + "\r").encode())
        self.assertTrue(read_until(lambda b: b"Logged in" in b, 30), out)
        self.assertEqual(proc.wait(timeout=30), 0, out)
        self.assertPrivateFile(self.jcode_path("openai-auth.json"))

    def test_trusted_codex_file_is_used_in_place_and_never_written(self):
        path, minted = self.codex_file()
        self.jcode("auth", "trust", "add", "openai_codex_auth_json", path, check=0)
        with open(path, "rb") as f:
            before_bytes = f.read()
        before = os.stat(path)
        p = self.jcode("--provider", "openai", "run", "Reply with exactly FROM_CODEX", check=0)
        self.assertEqual(p.stdout, "FROM_CODEX\n")
        h = self.wire(CODEX)[0]["headers"]
        self.assertEqual(h["authorization"], "Bearer " + minted["access_token"])
        self.assertEqual(h["chatgpt-account-id"], account_claim(minted["id_token"]))
        a = self.jcode("--provider", "openai", "auth-test", "--no-tool-smoke")
        self.assertEqual(a.returncode, 0, a.stdout + a.stderr)
        self.assertEqual(self.count(TOKEN)[0], 0, "Codex's tokens are never refreshed by jcode")
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before_bytes)
        after = os.stat(path)
        self.assertEqual((before.st_mtime_ns, before.st_ino, before.st_mode), (after.st_mtime_ns, after.st_ino, after.st_mode))
        self.assertFalse(os.path.exists(self.jcode_path("openai-auth.json")))

    def test_untrusted_codex_file_needs_approval(self):
        path, _ = self.codex_file()
        with open(path, "rb") as f:
            before_bytes = f.read()
        p = self.jcode("--provider", "openai", "run", "hello")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("jcode auth trust add openai_codex_auth_json", p.stderr)
        self.assertIn(".codex/auth.json", p.stderr)
        self.assertEqual(self.wire(CODEX), [])
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before_bytes)

    def test_auth_test_passes_with_oauth_and_with_key(self):
        self.scripted_login()
        p = self.jcode("--json", "--provider", "openai", "auth-test")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        r = json.loads(p.stdout)[0]
        self.assertTrue(r["success"], r)
        self.assertEqual([s["name"] for s in r["steps"]], ["credential_probe", "refresh_probe", "provider_smoke", "tool_smoke"])
        self.assertFalse(any(s["skipped"] for s in r["steps"]), r)
        self.assertEqual(len(self.wire(CODEX)), 3)
        # A key alone: nothing to refresh, both smokes against the API.
        self.jcode("logout", "--provider", "openai", check=0)
        env = self.env(OPENAI_API_KEY="sk-emulator-openai-key")
        k = self.jcode("--json", "--provider", "openai", "auth-test", env=env)
        self.assertEqual(k.returncode, 0, k.stdout + k.stderr)
        r = json.loads(k.stdout)[0]
        self.assertTrue(r["success"], r)
        self.assertTrue(r["steps"][1]["skipped"])
        self.assertEqual(len(self.wire(API)), 3)


if __name__ == "__main__":
    import unittest
    unittest.main()
