"""jcode login for a device-authorization-grant provider (RFC 8628), through the CLI, against
the emulator's GitHub device flow (the fixture plugin "devicefixture" declares it)."""
import json
import os
import shutil

from jcode_testlib import JcodeTestCase, PLUGIN_DIR

FIXTURES = os.environ["JCODE_FIXTURE_PLUGIN_DIR"]


class DeviceLogin(JcodeTestCase):
    auto_approve = False

    def setUp(self):
        super().setUp()
        self.plugins = os.path.join(self.tmp, "plugins")
        os.makedirs(self.plugins)
        os.chmod(self.plugins, 0o755)
        shutil.copy(os.path.join(FIXTURES, "jcode-provider-devicefixture.so"), self.plugins)
        self.control("config", {"device_interval_s": 1})

    def denv(self):
        return self.env(JCODE_PLUGIN_PATH=self.plugins + ":" + PLUGIN_DIR)

    def token_path(self):
        return self.jcode_path("devicefixture.token")

    def test_print_then_complete(self):
        p = self.jcode("--json", "login", "--provider", "devicefixture", "--print-auth-url", env=self.denv(), check=0)
        info = json.loads(p.stdout)
        self.assertEqual(info["status"], "pending")
        self.assertTrue(info["user_code"])
        self.assertIn("/github.com/login/device", info["auth_url"])
        self.assertIn("--complete", info["resume_command"])
        self.assertPrivateFile(info["pending_path"])
        self.control("device/approve", {"user_code": info["user_code"]})
        self.jcode("login", "--provider", "devicefixture", "--complete", env=self.denv(), check=0)
        self.assertPrivateFile(self.token_path())
        with open(self.token_path()) as f:
            self.assertTrue(f.read().startswith("gho_"))
        self.assertFalse(os.path.exists(info["pending_path"]))

    def test_denied_ends_with_a_clear_message(self):
        info = json.loads(self.jcode("--json", "login", "--provider", "devicefixture", "--print-auth-url",
                                     env=self.denv(), check=0).stdout)
        self.control("device/deny", {"user_code": info["user_code"]})
        r = self.jcode("login", "--provider", "devicefixture", "--complete", env=self.denv())
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("denied", r.stderr.lower())
        self.assertFalse(os.path.exists(self.token_path()))

    def test_interactive_polls_until_approved(self):
        self.control("config", {"auto_approve": True})
        p = self.jcode("login", "--provider", "devicefixture", env=self.denv(), check=0)
        self.assertIn("Logged in to Device fixture", p.stderr)
        devices = self.control("device")
        self.assertEqual(len(devices), 1)
        self.assertPrivateFile(self.token_path())
