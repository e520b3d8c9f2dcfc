#!/usr/bin/env python3
"""The core knows no provider by name: outside comments, no file under core/ mentions the id of
a provider plugin (the ones in plugins/ and the design card's ten). A provider's behaviour is
declared through the plugin ABI (sources, aliases, transport flags), never special-cased."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
ids = {"claude", "openai", "azure", "gemini", "copilot", "cursor", "antigravity", "fireworks", "minimax", "google",
       "anthropic"}
for cm in (root / "plugins").glob("*/CMakeLists.txt"):
    ids.update(re.findall(r"jcode_add_plugin\(([a-z0-9-]+)", cm.read_text()))
# A dot-directory (".claude", ".config/gcloud") is another tool's file name in a list of
# well-known credential locations the agent's file tools refuse, not a provider special case.
word = re.compile(r"(?<![A-Za-z0-9_./-])(" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) +
                  r")(?![A-Za-z0-9_])", re.IGNORECASE)

def strip_comments(text: str) -> str:
    """Blanks // and /* */ comments, keeping string literals and line numbers."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith('R"', i):  # raw string: R"delim( ... )delim"
            k = text.find("(", i)
            delim = text[i + 2:k]
            j = text.find(")" + delim + '"', k)
            j = n if j < 0 else j + len(delim) + 2
            out.append(text[i:j])
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)

found = []
for path in sorted((root / "core").rglob("*")):
    if path.suffix not in {".cpp", ".hpp", ".h", ".c"}:
        continue
    for lineno, line in enumerate(strip_comments(path.read_text(errors="replace")).splitlines(), 1):
        for m in word.finditer(line):
            found.append(f"{path.relative_to(root)}:{lineno}: '{m.group(1)}' in: {line.strip()}")
if found:
    print("core/ names providers outside comments (declare the behaviour through the plugin ABI instead):")
    print("\n".join(found))
    sys.exit(1)
print(f"ok: no provider id of {len(ids)} in core/ code")
