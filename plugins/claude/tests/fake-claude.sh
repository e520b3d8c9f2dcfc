#!/bin/sh
# A stand-in for Claude Code's `claude -p --output-format stream-json` used by tests of the
# deprecated Claude CLI transport (JCODE_CLAUDE_CLI_PATH=<this file>). It checks the flags the
# transport must pass, records what it got, and prints a canned stream-json run.
#
#   FAKE_CLAUDE_ARGV_FILE   write the arguments here, one per line (without $0)
#   FAKE_CLAUDE_STDIN_FILE  write the bytes read from stdin here
#   FAKE_CLAUDE_FAIL=1      print an error on stderr and exit 3 (after reading stdin)
#   FAKE_CLAUDE_AUTH_FAIL=1 print an error result ("Invalid API key · Please run /login"), exit 1
#   FAKE_CLAUDE_TOOL=1      run a tool turn first (text, tool_use, tool_result), like a real agent
#   FAKE_CLAUDE_REPLY       the answer text (default below; no quotes or backslashes: it is
#                           pasted into JSON as is)
#
# The answer is "Let me look." + blank line (FAKE_CLAUDE_TOOL=1 only) + the reply, with
# partial stream_event lines when --include-partial-messages is given.
set -u

if [ -n "${FAKE_CLAUDE_ARGV_FILE:-}" ]; then
  : > "$FAKE_CLAUDE_ARGV_FILE"
  for a in "$@"; do printf '%s\n' "$a" >> "$FAKE_CLAUDE_ARGV_FILE"; done
fi
if [ -n "${FAKE_CLAUDE_STDIN_FILE:-}" ]; then
  cat > "$FAKE_CLAUDE_STDIN_FILE"
else
  cat > /dev/null
fi

print_mode=0 output=none input=text verbose=0 partial=0 model=""
while [ $# -gt 0 ]; do
  case "$1" in
    -p|--print) print_mode=1 ;;
    --verbose) verbose=1 ;;
    --output-format) shift; output="${1:-}" ;;
    --input-format) shift; input="${1:-}" ;;
    --model) shift; model="${1:-}" ;;
    --permission-mode) shift ;;
    --include-partial-messages) partial=1 ;;
    *) echo "fake-claude: unexpected argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
if [ "$print_mode" != 1 ] || [ "$output" != stream-json ] || [ "$verbose" != 1 ] || [ -z "$model" ]; then
  echo "fake-claude: expected -p --verbose --output-format stream-json --model <m>" >&2
  exit 2
fi

if [ "${FAKE_CLAUDE_FAIL:-0}" = 1 ]; then
  echo "fake-claude: simulated crash (input format $input)" >&2
  exit 3
fi

sid="11111111-2222-4333-8444-555555555555"
reply="${FAKE_CLAUDE_REPLY:-Hello from the fake Claude CLI.}"
echo '{"type":"system","subtype":"init","cwd":"/tmp","session_id":"'"$sid"'","tools":["Bash","Read"],"mcp_servers":[],"model":"'"$model"'","permissionMode":"bypassPermissions","apiKeySource":"none"}'

if [ "${FAKE_CLAUDE_AUTH_FAIL:-0}" = 1 ]; then
  echo '{"type":"assistant","message":{"id":"msg_fake_0","type":"message","role":"assistant","model":"<synthetic>","content":[{"type":"text","text":"Invalid API key · Please run /login"}]},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
  echo '{"type":"result","subtype":"success","is_error":true,"duration_ms":5,"num_turns":1,"result":"Invalid API key · Please run /login","session_id":"'"$sid"'","total_cost_usd":0,"usage":{"input_tokens":0,"output_tokens":0}}'
  exit 1
fi

# One assistant message: stream events (partial mode) then the complete message.
message() { # id text [tool]
  stop=end_turn
  [ -n "${3:-}" ] && stop=tool_use
  if [ "$partial" = 1 ]; then
    echo '{"type":"stream_event","event":{"type":"message_start","message":{"id":"'"$1"'","type":"message","role":"assistant","model":"'"$model"'","content":[],"usage":{"input_tokens":10,"output_tokens":1}}},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
    echo '{"type":"stream_event","event":{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
    echo '{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"'"$2"'"}},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
    echo '{"type":"stream_event","event":{"type":"content_block_stop","index":0},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
    if [ -n "${3:-}" ]; then
      echo '{"type":"stream_event","event":{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_fake","name":"Bash","input":{}}},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
      echo '{"type":"stream_event","event":{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"command\":\"ls\"}"}},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
      echo '{"type":"stream_event","event":{"type":"content_block_stop","index":1},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
    fi
    echo '{"type":"stream_event","event":{"type":"message_delta","delta":{"stop_reason":"'"$stop"'"},"usage":{"output_tokens":5}},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
    echo '{"type":"stream_event","event":{"type":"message_stop"},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
  fi
  tool=""
  [ -n "${3:-}" ] && tool=',{"type":"tool_use","id":"toolu_fake","name":"Bash","input":{"command":"ls"}}'
  echo '{"type":"assistant","message":{"id":"'"$1"'","type":"message","role":"assistant","model":"'"$model"'","content":[{"type":"text","text":"'"$2"'"}'"$tool"'],"usage":{"input_tokens":10,"output_tokens":5}},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
}

if [ "${FAKE_CLAUDE_TOOL:-0}" = 1 ]; then
  message msg_fake_1 "Let me look." tool
  echo '{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_fake","type":"tool_result","content":"a.txt","is_error":false}]},"parent_tool_use_id":null,"session_id":"'"$sid"'"}'
fi
message msg_fake_2 "$reply"
echo '{"type":"result","subtype":"success","is_error":false,"duration_ms":12,"duration_api_ms":10,"num_turns":1,"result":"'"$reply"'","session_id":"'"$sid"'","total_cost_usd":0.001,"usage":{"input_tokens":10,"cache_creation_input_tokens":3,"cache_read_input_tokens":7,"output_tokens":5}}'
exit 0
