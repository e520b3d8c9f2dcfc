"""Several jcode processes that find the same expired token refresh it once between them:
the rest adopt the rotated token (cross-process lock), and every run succeeds."""
import json
import subprocess

from jcode_testlib import JcodeTestCase, JCODE, TIMEOUT

RUNS = 6


class ConcurrentRefresh(JcodeTestCase):
    def test_parallel_runs_with_an_expired_token_refresh_once(self):
        self.jcode("login", "--provider", "claude", env=self.browser_env(), check=0)
        path = self.jcode_path("auth.json")
        doc = self.read_json(path)
        doc["anthropic_accounts"][0]["expires"] = 1  # long expired: every process must refresh
        with open(path, "w") as f:
            json.dump(doc, f)
        self.control("expire-access-tokens", {"provider": "claude"})
        before = self.control("counters")["POST /platform.claude.com/v1/oauth/token"]["count"]
        procs = [subprocess.Popen([JCODE, "--provider", "claude", "run", "Reply with exactly RUN_OK"], env=self.env(),
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(RUNS)]
        results = [p.communicate(timeout=TIMEOUT) + (p.returncode,) for p in procs]
        for out, err, rc in results:
            self.assertEqual(rc, 0, err)
            self.assertEqual(out.strip(), "RUN_OK")
        after = self.control("counters")["POST /platform.claude.com/v1/oauth/token"]["count"]
        self.assertEqual(after - before, 1, "exactly one refresh for all processes")
        grants = self.control("grants")
        self.assertFalse(any(g["revoked"] for g in grants), "no refresh token was reused")
        self.assertPrivateFile(path)
