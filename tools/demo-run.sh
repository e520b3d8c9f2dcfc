#!/usr/bin/env bash
# The demo's main job, against the local provider emulator (nothing leaves this machine):
# list the plugins, log in to Claude with the scriptable flow, ask it something (with a tool
# call), verify it with auth-test, then the same login and a prompt for OpenAI.
# Usage: tools/demo-run.sh <build dir>
set -euo pipefail
build=${1:?usage: demo-run.sh <build dir>}
jcode="$build/tools/jcode/jcode"
emulator="$build/tools/emulator/jcode-emulator"

work=$(mktemp -d)
emu_pid=""
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# The emulator picks a free port and says which on its first line.
mkfifo "$work/emu.out"
"$emulator" --listen 127.0.0.1:0 --auto-approve >"$work/emu.out" 2>"$work/emu.err" &
emu_pid=$!
exec 3<"$work/emu.out"
read -r -t 30 line <&3 || { echo "demo: the emulator did not start:" >&2; cat "$work/emu.err" >&2; exit 1; }
url=${line#listening }

export HOME="$work/home" JCODE_EMULATOR_URL="$url" JCODE_PLUGIN_PATH="$build/plugins/1" NO_BROWSER=1
mkdir -p "$HOME"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

echo "jcode demo: a private HOME in $HOME, every provider URL sent to the emulator at $url"

step jcode --version
"$jcode" --version

step jcode plugins list
"$jcode" plugins list

step jcode login --provider claude --print-auth-url --json
pending=$("$jcode" --json login --provider claude --print-auth-url)
echo "$pending"
auth_url=$(printf '%s' "$pending" | python3 -c 'import json,sys; print(json.load(sys.stdin)["auth_url"])')

# What a person does in a browser: approve, and copy the URL the page redirects to.
callback=$(curl -s -o /dev/null -w '%{redirect_url}' "$auth_url")
step "jcode login --provider claude --callback-url - <<< '<the URL the browser ended on>'"
printf '%s\n' "$callback" | "$jcode" login --provider claude --callback-url -

step jcode auth status
"$jcode" auth status

step 'jcode --provider claude run "Say hello from jcode"'
"$jcode" --provider claude run "Say hello from jcode"

step jcode --provider claude auth-test
"$jcode" --provider claude auth-test

step jcode auth refresh --provider claude
"$jcode" auth refresh --provider claude

step ls -l ~/.jcode
ls -l "$HOME/.jcode"

# OpenAI (ChatGPT subscription): the same scriptable flow; the callback is pasted on stdin.
step jcode login --provider openai --print-auth-url --json
pending=$("$jcode" --json login --provider openai --print-auth-url)
echo "$pending"
auth_url=$(printf '%s' "$pending" | python3 -c 'import json,sys; print(json.load(sys.stdin)["auth_url"])')
callback=$(curl -s -o /dev/null -w '%{redirect_url}' "$auth_url")
step "jcode login --provider openai --callback-url - <<< '<the URL the browser ended on>'"
printf '%s\n' "$callback" | "$jcode" login --provider openai --callback-url -

step 'jcode --provider openai run "Reply with exactly HELLO_FROM_CODEX"'
"$jcode" --provider openai run "Reply with exactly HELLO_FROM_CODEX"

step jcode logout --provider claude
"$jcode" logout --provider claude
echo
echo "demo: done"
