"""Shared helpers for the CLI end-to-end tests: a temp HOME, the emulator on a free port,
and running the jcode binary. Every process started here is stopped in tearDown."""
import json
import os
import pty
import select
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

JCODE = os.environ["JCODE_BIN"]
EMULATOR = os.environ["JCODE_EMULATOR_BIN"]
PLUGIN_DIR = os.environ["JCODE_TEST_PLUGIN_DIR"]
TIMEOUT = 60
FIXTURES = os.environ.get("JCODE_EMULATOR_FIXTURES") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "fixtures", "real-streams"))



def query(url):
    """The query parameters of a URL, as lists (urllib's parse_qs)."""
    return urllib.parse.parse_qs(urllib.parse.urlparse(url).query)

class PtyProcess:
    """A process on a pseudo-terminal (stdin, stdout and stderr), read with a deadline."""

    def __init__(self, args, env, cwd):
        master, slave = pty.openpty()
        self.fd = master
        self.proc = subprocess.Popen(args, env=env, cwd=cwd, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True)
        os.close(slave)
        self.out = b""

    def read_until(self, needle, seconds=30):
        """Reads until `needle` (bytes) has been seen, the child closed the terminal or the
        deadline passed; returns whether it was seen."""
        deadline = time.monotonic() + seconds
        while needle not in self.out and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            self.out += chunk
        return needle in self.out

    def write(self, data):
        os.write(self.fd, data)

    def wait(self, seconds=60):
        """Drains the terminal until the child exits; returns its exit code."""
        self.read_until(b"\0never\0", seconds)
        return self.proc.wait(timeout=seconds)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        os.close(self.fd)

    def text(self):
        return self.out.decode(errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class JcodeTestCase(unittest.TestCase):
    auto_approve = True
    # Tests that queue recorded streams name the fixtures folder explicitly (shared/ beside the
    # repository, as CMake's JCODE_SHARED_DIR default).
    fixtures = False

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jcode-cli-test-")
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home)
        # jcode runs in its own empty workspace: tools the model calls never touch the source tree.
        self.work = os.path.join(self.tmp, "work")
        os.makedirs(self.work)
        args = [EMULATOR, "--listen", "127.0.0.1:0"]
        if self.auto_approve:
            args.append("--auto-approve")
        if self.fixtures:
            args += ["--fixtures", FIXTURES]
        self.emu = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        line = self.emu.stdout.readline().strip()
        self.assertTrue(line.startswith("listening http://127.0.0.1:"), line)
        self.emu_url = line.split(" ", 1)[1]
        # A fake browser: follows the authorize redirect to jcode's loopback listener.
        self.browser = os.path.join(self.tmp, "browser.sh")
        with open(self.browser, "w") as f:
            f.write("#!/bin/sh\ncurl -s -L -o /dev/null \"$1\" &\n")
        os.chmod(self.browser, 0o755)

    def tearDown(self):
        self.emu.send_signal(signal.SIGTERM)
        try:
            self.emu.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.emu.kill()
            self.emu.wait()
        self.emu.stdout.close()
        self.emu.stderr.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def env(self, **extra):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home,
            "JCODE_EMULATOR_URL": self.emu_url,
            "JCODE_PLUGIN_PATH": PLUGIN_DIR,
            "JCODE_NON_INTERACTIVE": "1",
            "NO_BROWSER": "1",
        }
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        env.update({k: v for k, v in extra.items() if v is not None})
        return env

    def browser_env(self):
        env = self.env(DISPLAY=":0", BROWSER=self.browser)
        del env["NO_BROWSER"]
        return env

    def jcode(self, *args, env=None, input=None, check=None, cwd=None):
        # No input given: stdin is /dev/null, never whatever the test runner was started with.
        stdin = subprocess.DEVNULL if input is None else None
        p = subprocess.run([JCODE, *args], env=env or self.env(), input=input, stdin=stdin, capture_output=True,
                           text=True, timeout=TIMEOUT, cwd=cwd or self.work)
        if check is not None:
            self.assertEqual(p.returncode, check, f"jcode {' '.join(args)}\nstdout: {p.stdout}\nstderr: {p.stderr}")
        return p

    def jcode_pty(self, *args, env=None):
        """jcode on a pseudo-terminal (interactive: JCODE_NON_INTERACTIVE unset); stopped at cleanup."""
        env = dict(env or self.env())
        env.pop("JCODE_NON_INTERACTIVE", None)
        p = PtyProcess([JCODE, *args], env, self.work)
        self.addCleanup(p.close)
        return p

    def control(self, path, body=None, method=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.emu_url + "/_emulator/" + path, data=data, method=method or ("POST" if data else "GET"),
                                     headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                text = r.read().decode()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            self.fail(f"emulator control {path}: HTTP {e.code}: {e.read().decode(errors='replace')}")

    def queue(self, route, responses, method="POST"):
        """Queues canned answers for the next requests to an emulated route."""
        self.control("queue", {"route": route, "method": method, "responses": responses})

    def wire(self, path, method="POST"):
        """The emulator's request log for one path, oldest first."""
        q = urllib.parse.urlencode({"path": path, "method": method})
        return self.control("requests?" + q)

    def count(self, key):
        """How many requests 'METHOD /path' the emulator answered, and by status."""
        c = self.control("counters").get(key)
        return (c["count"], c["status"]) if c else (0, {})

    def login_claude(self):
        """A real browser login (the fake browser follows the redirect); returns the account."""
        self.jcode("login", "--provider", "claude", env=self.browser_env(), check=0)
        return self.read_json(self.jcode_path("auth.json"))["anthropic_accounts"][0]

    def follow_authorize(self, url):
        """GETs an authorize URL without following the redirect; returns the Location."""
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(url, timeout=10)
        except urllib.error.HTTPError as e:
            self.assertIn(e.code, (302, 303), e.read())
            return e.headers["Location"]
        self.fail("authorize did not redirect")

    def jcode_path(self, *parts):
        return os.path.join(self.home, ".jcode", *parts)

    @staticmethod
    def read_json(path):
        with open(path) as f:
            return json.load(f)

    def assertPrivateFile(self, path):
        st = os.stat(path)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600, path)
