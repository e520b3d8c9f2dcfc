"""GitHub Copilot end to end against the emulator's GitHub: the device login (code and QR on a
terminal, --print-auth-url then --complete, denied, expired, slow_down) with the username
fetched and the token in jcode's own file; the spec's discovery order with every external
file left byte-for-byte alone; `gh auth token` only after consent; the Copilot CLI transport
through a fake `copilot` (the token in its environment, never argv; a missing, logged-out or
failing CLI named); and the native API transport ([plugins.copilot] transport = "api")."""
import json
import os
import shutil
import urllib.parse
import urllib.request

from jcode_testlib import JcodeTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.normpath(os.path.join(HERE, "..", "..", "plugins", "copilot", "tests"))
FAKE_COPILOT = os.path.join(TESTS, "fake-copilot")
FAKE_GH = os.path.join(TESTS, "fake-gh")
CLIENT_ID = "Iv1.b507a08c87ecfe98"
DEVICE = "/github.com/login/device/code"
TOKEN = "/github.com/login/oauth/access_token"
EXCHANGE = "/api.github.com/copilot_internal/v2/token"
CHAT = "/api.githubcopilot.com/chat/completions"


class Copilot(JcodeTestCase):
    auto_approve = False

    def setUp(self):
        super().setUp()
        self.control("config", {"device_interval_s": 1})
        self.bin = os.path.join(self.tmp, "bin")
        os.makedirs(self.bin)
        self.copilot_log = os.path.join(self.tmp, "copilot.log")
        self.gh_log = os.path.join(self.tmp, "gh.log")

    def env(self, **extra):
        extra.setdefault("JCODE_COPILOT_CLI_PATH", FAKE_COPILOT)
        extra.setdefault("FAKE_COPILOT_LOG", self.copilot_log)
        extra.setdefault("FAKE_GH_LOG", self.gh_log)
        env = super().env(**extra)
        env["PATH"] = self.bin + ":" + env["PATH"]
        return env

    def logged(self, path):
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def own_file(self):
        return self.jcode_path("copilot_oauth.json")

    def github_token(self):
        """A GitHub token the emulator issued (as `gh` or the Copilot CLI would hold one)."""
        return self.control("tokens", {"provider": "github"})["access_token"]

    def github_login_of(self, token):
        req = urllib.request.Request(self.emu_url + "/api.github.com/user", headers={"Authorization": "token " + token})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())["login"]

    def print_auth_url(self):
        p = self.jcode("--json", "login", "--provider", "copilot", "--print-auth-url", check=0)
        info = json.loads(p.stdout)
        self.assertEqual(info["status"], "pending")
        self.assertEqual(info["input_kind"], "complete")
        return info

    def device_login(self):
        info = self.print_auth_url()
        self.control("device/approve", {"user_code": info["user_code"]})
        self.jcode("login", "--provider", "copilot", "--complete", check=0)
        return self.read_json(self.own_file())

    def assertNoOtherToolFiles(self):
        for p in (".config/github-copilot", ".copilot", ".config/gh"):
            self.assertFalse(os.path.exists(os.path.join(self.home, p)), p)

    # ---- login ----

    def test_terminal_login_shows_code_and_qr_then_saves_token_and_username(self):
        p = self.jcode_pty("login", "--provider", "copilot", "--no-browser")
        self.assertTrue(p.read_until(b"enter the code: "), p.text())
        self.assertTrue(p.read_until(b"\n", 10), p.text())
        code = p.text().split("enter the code: ")[1].split()[0]
        self.assertRegex(code, r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")
        self.assertTrue(p.read_until("\u2588".encode(), 10), p.text())  # the QR code, drawn in blocks
        self.assertIn("github.com/login/device", p.text())
        self.control("device/approve", {"user_code": code})
        self.assertEqual(p.wait(), 0, p.text())
        self.assertIn("Logged in", p.text())
        self.assertPrivateFile(self.own_file())
        saved = self.read_json(self.own_file())
        self.assertTrue(saved["oauth_token"].startswith("gho_"))
        self.assertEqual(saved["user"], self.github_login_of(saved["oauth_token"]))
        self.assertNotIn(saved["oauth_token"], p.text())
        asked = self.wire(DEVICE)
        self.assertEqual(len(asked), 1)
        form = urllib.parse.parse_qs(asked[0]["body"])
        self.assertEqual(form["client_id"], [CLIENT_ID])
        self.assertEqual(form["scope"], ["read:user"])
        self.assertNoOtherToolFiles()

    def test_json_login_gives_the_fields_instead_of_the_qr(self):
        import subprocess
        from jcode_testlib import JCODE
        p = subprocess.Popen([JCODE, "--json", "login", "--provider", "copilot", "--no-browser"], env=self.env(),
                             cwd=self.work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        try:
            fields = json.loads(p.stdout.readline())
            self.assertEqual(fields["status"], "waiting")
            self.assertEqual(fields["provider"], "copilot")
            self.assertIn("github.com/login/device", fields["verification_uri"])
            self.control("device/approve", {"user_code": fields["user_code"]})
            out, err = p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        self.assertEqual(p.returncode, 0, err)
        self.assertNotIn("\u2588", err)  # no QR drawn
        self.assertEqual(json.loads(out.strip().splitlines()[-1])["status"], "logged_in")
        self.assertTrue(os.path.exists(self.own_file()))

    def test_print_auth_url_then_complete(self):
        info = self.print_auth_url()
        self.assertIn("github.com/login/device", info["auth_url"])
        self.assertIn("--complete", info["resume_command"])
        self.assertPrivateFile(info["pending_path"])
        self.assertTrue(info["pending_path"].startswith(self.jcode_path("pending-login")))
        # Not approved yet: --complete keeps polling until the user approves (here: already denied
        # is tested below), so approve first.
        self.control("device/approve", {"user_code": info["user_code"]})
        p = self.jcode("login", "--provider", "copilot", "--complete", check=0)
        self.assertIn("GitHub Copilot", p.stderr)
        saved = self.read_json(self.own_file())
        self.assertEqual(saved["user"], self.github_login_of(saved["oauth_token"]))
        self.assertFalse(os.path.exists(info["pending_path"]))
        status = {r["id"]: r for r in json.loads(self.jcode("--json", "auth", "status", check=0).stdout)}
        self.assertEqual(status["copilot"]["source_id"], "jcode_copilot")
        self.assertNoOtherToolFiles()

    def test_denied_and_expired_end_with_the_way_to_start_again(self):
        info = self.print_auth_url()
        self.control("device/deny", {"user_code": info["user_code"]})
        r = self.jcode("login", "--provider", "copilot", "--complete")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("denied", r.stderr.lower())
        self.assertFalse(os.path.exists(self.own_file()))
        # GitHub's device code expired while the pending state was still there.
        self.print_auth_url()
        self.control("advance-time", {"seconds": 901})
        r = self.jcode("login", "--provider", "copilot", "--complete")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("expired", r.stderr.lower())
        self.assertIn("jcode login --provider copilot", r.stderr)
        # jcode's pending state itself expired (GitHub's expires_in passed on this machine).
        info = self.print_auth_url()
        with open(info["pending_path"]) as f:
            pending = json.load(f)
        pending["expires_at_ms"] = 1
        with open(info["pending_path"], "w") as f:
            json.dump(pending, f)
        r = self.jcode("login", "--provider", "copilot", "--complete")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--print-auth-url", r.stderr)
        self.assertFalse(os.path.exists(info["pending_path"]))
        self.assertFalse(os.path.exists(self.own_file()))

    def test_slow_down_widens_the_interval(self):
        info = self.print_auth_url()
        self.control("device/approve", {"user_code": info["user_code"]})
        self.queue(TOKEN, [{"status": 200, "content_type": "application/json",
                            "body": {"error": "slow_down", "error_description": "Too many requests", "interval": 2}}])
        self.jcode("login", "--provider", "copilot", "--complete", check=0)
        polls = self.wire(TOKEN)
        self.assertEqual(len(polls), 2)
        self.assertGreaterEqual(polls[1]["time_ms"] - polls[0]["time_ms"], 1900)
        self.assertTrue(os.path.exists(self.own_file()))

    # ---- discovery ----

    def test_discovery_follows_the_spec_and_never_writes_other_tools_files(self):
        def write(rel, doc):
            path = os.path.join(self.home, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                json.dump(doc, f)
            return path
        files = {
            "copilot_cli_config": write(".copilot/config.json", {"logged_in_users": [{"login": "cli"}],
                                                                  "auth": {"oauth_token": "gho_cliconfig"}}),
            "github_copilot_hosts": write(".config/github-copilot/hosts.json",
                                          {"github.com": {"user": "h", "oauth_token": "gho_hosts"}}),
            "github_copilot_apps": write(".config/github-copilot/apps.json",
                                         {"github.com:" + CLIENT_ID: {"user": "a", "oauth_token": "ghu_apps"}}),
            "opencode_auth_json": write(".local/share/opencode/auth.json",
                                        {"github-copilot": {"type": "oauth", "refresh": "gho_opencode",
                                                            "access": "tid=x;exp=1", "expires": 1}}),
            "pi_auth_json": write(".pi/agent/auth.json",
                                  {"github-copilot": {"type": "oauth", "refresh": "gho_pi", "access": "x", "expires": 1}}),
        }
        for sid, path in files.items():
            self.jcode("auth", "trust", "add", sid, path, check=0)
        before = {p: (open(p, "rb").read(), os.stat(p).st_mtime_ns) for p in files.values()}
        self.device_login()
        env = {"COPILOT_GITHUB_TOKEN": "gho_env1", "GH_TOKEN": "gho_env2", "GITHUB_TOKEN": "gho_env3"}
        order = ["jcode_copilot", "copilot_github_token_env", "gh_token_env", "github_token_env", "copilot_cli_config",
                 "github_copilot_hosts", "github_copilot_apps", "opencode_auth_json", "pi_auth_json"]
        variable = {"copilot_github_token_env": "COPILOT_GITHUB_TOKEN", "gh_token_env": "GH_TOKEN",
                    "github_token_env": "GITHUB_TOKEN"}
        for sid in order:
            rows = json.loads(self.jcode("--json", "auth", "status", env=self.env(**env), check=0).stdout)
            row = next(r for r in rows if r["id"] == "copilot")
            self.assertEqual(row["source_id"], sid, row)
            # Take this step away; the next one must answer.
            if sid == "jcode_copilot":
                self.jcode("logout", "--provider", "copilot", check=0)
            elif sid in variable:
                del env[variable[sid]]
            else:
                os.rename(files[sid], files[sid] + ".off")
        rows = json.loads(self.jcode("--json", "auth", "status", env=self.env(**env), check=0).stdout)
        row = next(r for r in rows if r["id"] == "copilot")
        self.assertEqual(row["status"], "not_configured")
        self.assertIn("--probe", row["action"])  # `gh auth token` is a command: not run by status
        self.assertEqual(self.logged(self.gh_log), [])
        for path, (data, mtime) in before.items():
            moved = path + ".off"
            self.assertEqual(open(moved, "rb").read(), data, path)
            self.assertEqual(os.stat(moved).st_mtime_ns, mtime, path)

    def test_gh_auth_token_runs_only_after_consent(self):
        shutil.copy(FAKE_GH, os.path.join(self.bin, "gh"))
        token = self.github_token()
        env = self.env(FAKE_GH_TOKEN=token)
        # Not approved: `run` says how to approve it and gh is not started.
        r = self.jcode("--provider", "copilot", "run", "Reply with exactly CP_GH", env=env)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("jcode auth trust add gh_auth_token", r.stderr)
        probe = json.loads(self.jcode("--json", "auth", "status", "--probe", env=env, check=0).stdout)
        row = next(x for x in probe if x["id"] == "copilot")
        self.assertEqual(row["status"], "not_configured")
        self.assertEqual(self.logged(self.gh_log), [])
        self.jcode("auth", "trust", "add", "gh_auth_token", env=env, check=0)
        probe = json.loads(self.jcode("--json", "auth", "status", "--probe", env=env, check=0).stdout)
        row = next(x for x in probe if x["id"] == "copilot")
        self.assertEqual(row["source_id"], "gh_auth_token")
        p = self.jcode("--provider", "copilot", "run", "Reply with exactly CP_GH", env=env, check=0)
        self.assertEqual(p.stdout, "CP_GH\n")
        self.assertEqual(self.logged(self.gh_log)[-1]["argv"], ["auth", "token"])
        call = self.logged(self.copilot_log)[-1]
        self.assertTrue(call["has_token"])
        self.assertFalse(call["token_in_argv"])
        self.assertNotIn(token, p.stderr)

    # ---- transports ----

    def test_cli_transport_hands_the_token_over_in_the_environment(self):
        self.device_login()
        p = self.jcode("--provider", "copilot", "run", "Reply with exactly CP_OK", check=0)
        self.assertEqual(p.stdout, "CP_OK\n")
        call = self.logged(self.copilot_log)[-1]
        self.assertEqual(call["argv"][0], "-p")
        self.assertEqual(call["model"], "claude-sonnet-4")
        self.assertTrue(call["has_token"])
        self.assertFalse(call["token_in_argv"])
        p = self.jcode("--provider", "copilot", "run", "Reply with exactly CP_MODEL", env=self.env(JCODE_COPILOT_MODEL="gpt-5"),
                       check=0)
        self.assertEqual(self.logged(self.copilot_log)[-1]["model"], "gpt-5")
        # `copilot` on PATH when no path is set.
        shutil.copy(FAKE_COPILOT, os.path.join(self.bin, "copilot"))
        env = self.env()
        del env["JCODE_COPILOT_CLI_PATH"]
        p = self.jcode("--provider", "copilot", "run", "Reply with exactly CP_PATH", env=env, check=0)
        self.assertEqual(p.stdout, "CP_PATH\n")

    def test_cli_failures_are_named(self):
        token = self.github_token()
        missing = self.jcode("--provider", "copilot", "run", "hi",
                             env=self.env(COPILOT_GITHUB_TOKEN=token,
                                          JCODE_COPILOT_CLI_PATH=os.path.join(self.tmp, "no-such-copilot")))
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("JCODE_COPILOT_CLI_PATH", missing.stderr)
        crashed = self.jcode("--provider", "copilot", "run", "hi",
                             env=self.env(COPILOT_GITHUB_TOKEN=token, FAKE_COPILOT_FAIL="1"))
        self.assertNotEqual(crashed.returncode, 0)
        self.assertIn("the session crashed", crashed.stderr)
        self.assertIn("3", crashed.stderr)
        # A token GitHub refuses: the CLI's own words reach the user, the token does not.
        refused = self.jcode("--provider", "copilot", "run", "hi", env=self.env(COPILOT_GITHUB_TOKEN="gho_revoked_token"))
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("Authentication failed", refused.stderr)
        self.assertNotIn("gho_revoked_token", refused.stderr)

    def test_api_transport_exchanges_the_token_and_streams_chat_completions(self):
        saved = self.device_login()
        os.makedirs(self.jcode_path(), exist_ok=True)
        with open(self.jcode_path("config.toml"), "w") as f:
            f.write('[plugins.copilot]\ntransport = "api"\n')
        p = self.jcode("--provider", "copilot", "run", "Reply with exactly CP_API", check=0)
        self.assertEqual(p.stdout.strip(), "CP_API")
        self.assertEqual(self.logged(self.copilot_log), [])  # no CLI involved
        ex = self.wire(EXCHANGE, method="GET")
        self.assertEqual(len(ex), 1)
        self.assertEqual(ex[0]["headers"]["authorization"], "token " + saved["oauth_token"])
        chat = self.wire(CHAT)
        self.assertEqual(len(chat), 1)
        h = chat[0]["headers"]
        self.assertTrue(h["authorization"].startswith("Bearer tid="))
        self.assertEqual(h["copilot-integration-id"], "vscode-chat")
        self.assertEqual(h["editor-version"], "jcode/1.0")
        self.assertEqual(h["x-initiator"], "user")
        body = json.loads(chat[0]["body"])
        self.assertEqual(body["model"], "claude-sonnet-4")
        self.assertTrue(body["stream"])
        # A bad transport value is named with the fix.
        with open(self.jcode_path("config.toml"), "w") as f:
            f.write('[plugins.copilot]\ntransport = "websocket"\n')
        bad = self.jcode("--provider", "copilot", "run", "hi")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn('"cli" or "api"', bad.stderr)

    def test_auth_test_checks_the_login_and_says_why_the_tool_smoke_is_skipped(self):
        self.device_login()
        p = self.jcode("--json", "auth-test", "--provider", "copilot", check=0)
        report = json.loads(p.stdout)
        steps = {s["name"]: s for s in (report[0] if isinstance(report, list) else report)["steps"]}
        self.assertTrue(steps["provider_smoke"]["ok"], steps)
        self.assertTrue(steps["tool_smoke"]["skipped"])
        self.assertIn("text only", steps["tool_smoke"]["detail"])

