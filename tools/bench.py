#!/usr/bin/env python3
"""Benchmarks jcode's startup, plugin loading and a full prompt round trip against the local
emulator: wall time per command (median and p90 over N runs) and peak RSS. Nothing leaves the
machine. Not a test: numbers depend on the machine; compare runs on the same one.

Usage: tools/bench.py <build dir> [--runs N]     (a Release/RelWithDebInfo build without
sanitizers, e.g. the one tools/demo.sh makes in build/)
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def measure(cmd, env, runs, stdin_text=None):
    """Runs cmd `runs` times; returns (median ms, p90 ms, max peak RSS KiB of the children)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run(cmd, env=env, input=stdin_text, stdin=None if stdin_text else subprocess.DEVNULL,
                           capture_output=True, text=True)
        times.append((time.perf_counter() - start) * 1000)
        if p.returncode != 0:
            sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, max over all children so far
    times.sort()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))], rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=30)
    a = ap.parse_args()
    jcode = os.path.join(a.build, "tools/jcode/jcode")
    emulator = os.path.join(a.build, "tools/emulator/jcode-emulator")
    plugins = os.path.join(a.build, "plugins/1")
    tmp = tempfile.mkdtemp(prefix="jcode-bench-")
    emu = subprocess.Popen([emulator, "--listen", "127.0.0.1:0", "--auto-approve"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = emu.stdout.readline().split()[1]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.path.join(tmp, "home"),
               "JCODE_EMULATOR_URL": url, "JCODE_PLUGIN_PATH": plugins, "JCODE_NON_INTERACTIVE": "1", "NO_BROWSER": "1"}
        os.makedirs(env["HOME"])
        # Log in once (scriptable flow), so `run` has a credential.
        info = json.loads(subprocess.run([jcode, "--json", "login", "--provider", "claude", "--print-auth-url"], env=env,
                                         capture_output=True, text=True, check=True).stdout)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args):
                return None
        try:
            urllib.request.build_opener(NoRedirect).open(info["auth_url"])
            sys.exit("bench: authorize did not redirect")
        except urllib.error.HTTPError as e:
            location = e.headers["Location"]
        subprocess.run([jcode, "login", "--provider", "claude", "--callback-url", "-"], env=env, input=location + "\n",
                       capture_output=True, text=True, check=True)

        rows = [
            ("jcode --version", [jcode, "--version"], None),
            ("jcode plugins list (all installed)", [jcode, "plugins", "list"], None),
            ("jcode auth status (no network)", [jcode, "auth", "status"], None),
            ("jcode run (Claude, emulator, streamed)", [jcode, "--provider", "claude", "run", "Reply with exactly BENCH_OK"], None),
        ]
        n = len(os.listdir(plugins))
        print(f"jcode benchmarks: {a.runs} runs each, {n} plugin files, emulator at {url}")
        print(f"{'command':45} {'median ms':>10} {'p90 ms':>10}")
        for name, cmd, stdin_text in rows:
            med, p90, _ = measure(cmd, env, a.runs, stdin_text)
            print(f"{name:45} {med:10.2f} {p90:10.2f}")
        print(f"peak RSS of any jcode process: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.1f} MiB")
    finally:
        emu.terminate()
        emu.wait()
        emu.stdout.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
