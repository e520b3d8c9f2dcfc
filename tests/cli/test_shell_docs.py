"""The man page and the shell completion are generated from jcode's own command definitions:
they list every command and flag, the bash script completes commands, flags and installed
provider ids, and the page renders without a groff warning."""
import os
import shutil
import subprocess

from jcode_testlib import JcodeTestCase, JCODE

COMMANDS = ["plugins", "login", "logout", "auth", "run", "provider", "auth-test", "completion"]


class ShellDocs(JcodeTestCase):
    def complete(self, script, *words):
        driver = (f"source {script}\njcode() {{ {JCODE} \"$@\"; }}\n"
                  "COMP_WORDS=(" + " ".join(f"'{w}'" for w in words) + ")\n"
                  "COMP_CWORD=$((${#COMP_WORDS[@]}-1))\n_jcode\necho \"${COMPREPLY[*]}\"\n")
        r = subprocess.run(["bash", "-c", driver], env=self.env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.split()

    def test_bash_completion_completes_commands_flags_and_provider_ids(self):
        r = self.jcode("completion", "bash", check=0)
        script = os.path.join(self.tmp, "jcode.bash")
        with open(script, "w") as f:
            f.write(r.stdout)
        self.assertEqual(subprocess.run(["bash", "-n", script]).returncode, 0)
        self.assertEqual(self.complete(script, "jcode", "lo"), ["login", "logout"])
        self.assertEqual(self.complete(script, "jcode", "auth", "tr"), ["trust"])
        self.assertIn("--base-url", self.complete(script, "jcode", "provider", "add", "x", "--ba"))
        self.assertEqual(self.complete(script, "jcode", "--provider", "fire"), ["fireworks"])
        self.assertEqual(self.complete(script, "jcode", "login", "--no-b"), ["--no-browser"])
        zsh = self.jcode("completion", "zsh", check=0).stdout
        self.assertTrue(zsh.startswith("#compdef jcode"))
        self.assertEqual(self.jcode("completion", "fish").returncode, 2)

    def test_man_page_lists_every_command_and_renders_cleanly(self):
        page = self.jcode("man", check=0).stdout
        self.assertTrue(page.startswith(".TH JCODE 1 "))
        for c in COMMANDS:
            self.assertIn(".SS jcode " + c.replace("-", "\\-"), page)
        self.assertIn("\\-\\-api\\-key\\-stdin", page)
        if shutil.which("groff"):
            r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=page, capture_output=True, text=True)
            self.assertEqual(r.stderr, "")


if __name__ == "__main__":
    import unittest
    unittest.main()
