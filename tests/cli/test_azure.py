"""Azure OpenAI end to end against the emulator: scriptable setup with a key on stdin, Chat
Completions with api-key, Entra ID from environment credentials and from the Azure CLI, and
the errors for a missing deployment and a plain-http endpoint."""
import json
import os
import socket
import stat
import urllib.parse
import urllib.request

from jcode_testlib import JcodeTestCase

CHAT = "/myres.openai.azure.com/openai/v1/chat/completions"
ENTRA_APP = "00000000-0000-0000-0000-0000000e2a01"
ENTRA_SECRET = "emulator-entra-secret"
SCOPE = "https://cognitiveservices.azure.com/.default"


class Azure(JcodeTestCase):
    def env_file(self):
        return os.path.join(self.home, ".config", "jcode", "azure-openai.env")

    def read_env_file(self):
        with open(self.env_file()) as f:
            return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line and not line.startswith("#"))

    def write_env_file(self, text):
        os.makedirs(os.path.dirname(self.env_file()), mode=0o700, exist_ok=True)
        with open(self.env_file(), "w") as f:
            f.write(text)
        os.chmod(self.env_file(), 0o600)

    def login_key(self, *extra, endpoint="https://myres.openai.azure.com", deployment="gpt-4o"):
        args = ["login", "--provider", "azure", "--endpoint", endpoint, "--auth", "api-key", "--api-key-stdin"]
        if deployment:
            args += ["--deployment", deployment]
        return self.jcode(*args, *extra, input="emulator-azure-key\n")

    def closed_port_url(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        return f"http://127.0.0.1:{port}"

    def test_a_key_with_an_escape_or_a_space_is_refused_and_nothing_saved(self):
        for key in ("emulator-azure\x1b[31mkey", "emulator azure key"):
            r = self.jcode("login", "--provider", "azure", "--endpoint", "https://myres.openai.azure.com",
                           "--deployment", "gpt-4o", "--auth", "api-key", "--api-key-stdin", input=key + "\n")
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("Nothing was saved", r.stderr)
            self.assertNotIn(key, r.stderr)
            self.assertNotIn("\x1b", r.stderr)
        self.assertFalse(os.path.exists(self.env_file()))

    def test_an_entra_switch_that_is_neither_yes_nor_no_is_named(self):
        self.assertEqual(self.login_key().returncode, 0)
        r = self.jcode("--provider", "azure", "run", "hi", env=self.env(AZURE_OPENAI_USE_ENTRA="maybe"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("AZURE_OPENAI_USE_ENTRA is 'maybe', which is neither yes nor no", r.stderr)
        self.assertEqual(self.wire(CHAT), [])

    def test_key_login_writes_private_env_file_and_run_sends_api_key(self):
        p = self.login_key()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("emulator-azure-key", p.stdout + p.stderr)
        self.assertPrivateFile(self.env_file())
        self.assertEqual(self.read_env_file(), {
            "AZURE_OPENAI_ENDPOINT": "https://myres.openai.azure.com/openai/v1",
            "AZURE_OPENAI_MODEL": "gpt-4o",
            "AZURE_OPENAI_USE_ENTRA": "0",
            "AZURE_OPENAI_API_KEY": "emulator-azure-key",
        })
        r = self.jcode("--provider", "azure", "run", "Reply with exactly AZURE_KEY_OK", check=0)
        self.assertEqual(r.stdout, "AZURE_KEY_OK\n")
        self.assertNotIn("emulator-azure-key", r.stdout + r.stderr)
        reqs = self.wire(CHAT)
        self.assertEqual(len(reqs), 1)
        h = reqs[0]["headers"]
        self.assertEqual(h["api-key"], "emulator-azure-key")
        self.assertNotIn("authorization", h)
        body = json.loads(reqs[0]["body"])
        self.assertEqual(body["model"], "gpt-4o")
        self.assertIs(body["stream"], True)

    def test_entra_with_a_piped_key_is_a_usage_error_that_keeps_the_saved_key(self):
        self.assertEqual(self.login_key().returncode, 0)
        before = self.read_env_file()
        r = self.jcode("login", "--provider", "azure", "--endpoint", "https://myres.openai.azure.com",
                       "--deployment", "gpt-4o", "--auth", "entra", "--api-key-stdin", input="other-key\n")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("contradict", r.stderr)
        self.assertEqual(self.read_env_file(), before)

    def test_switching_to_entra_with_only_auth_keeps_the_saved_endpoint_and_deployment(self):
        self.assertEqual(self.login_key().returncode, 0)
        r = self.jcode("login", "--provider", "azure", "--auth", "entra")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_env_file(), {
            "AZURE_OPENAI_ENDPOINT": "https://myres.openai.azure.com/openai/v1",
            "AZURE_OPENAI_MODEL": "gpt-4o",
            "AZURE_OPENAI_USE_ENTRA": "1",
        })
        # With nothing saved, the endpoint is still required.
        os.remove(self.env_file())
        r = self.jcode("login", "--provider", "azure", "--auth", "entra")
        self.assertEqual(r.returncode, 6, r.stderr)  # no terminal to ask on
        self.assertIn("--endpoint", r.stderr)

    def test_entra_environment_credentials(self):
        self.write_env_file("AZURE_OPENAI_ENDPOINT=https://myres.openai.azure.com\nAZURE_OPENAI_MODEL=gpt-4o\n"
                            "AZURE_OPENAI_USE_ENTRA=1\n")
        env = self.env(AZURE_TENANT_ID="contoso-tenant", AZURE_CLIENT_ID=ENTRA_APP, AZURE_CLIENT_SECRET=ENTRA_SECRET)
        r = self.jcode("--provider", "azure", "run", "Reply with exactly AZURE_ENTRA_OK", env=env, check=0)
        self.assertEqual(r.stdout, "AZURE_ENTRA_OK\n")
        self.assertNotIn(ENTRA_SECRET, r.stdout + r.stderr)
        tok = self.wire("/login.microsoftonline.com/contoso-tenant/oauth2/v2.0/token")
        self.assertEqual(len(tok), 1)
        self.assertEqual(tok[0]["status"], 200)
        form = urllib.parse.parse_qs(tok[0]["body"])
        self.assertEqual(form["grant_type"], ["client_credentials"])
        self.assertEqual(form["scope"], [SCOPE])
        chat = self.wire(CHAT)
        self.assertEqual(len(chat), 1)
        self.assertTrue(chat[0]["headers"]["authorization"].startswith("Bearer ey"), chat[0]["headers"])
        self.assertNotIn("api-key", chat[0]["headers"])
        # auth-test names the credential of the chain that answered.
        rep = json.loads(self.jcode("--json", "--provider", "azure", "auth-test", env=env, check=0).stdout)[0]
        probe = next(s for s in rep["steps"] if s["name"] == "credential_probe")
        self.assertIn("via environment", probe["detail"])
        self.assertTrue(rep["success"], rep)

    def test_a_wrong_client_secret_is_reported_with_aadsts_and_no_other_identity_is_used(self):
        self.write_env_file("AZURE_OPENAI_ENDPOINT=https://myres.openai.azure.com\nAZURE_OPENAI_MODEL=gpt-4o\n"
                            "AZURE_OPENAI_USE_ENTRA=1\n")
        env = self.env(AZURE_TENANT_ID="contoso-tenant", AZURE_CLIENT_ID=ENTRA_APP,
                       AZURE_CLIENT_SECRET="wrong-entra-secret")
        r = self.jcode("--provider", "azure", "run", "hi", env=env)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("AADSTS7000215", r.stderr)
        self.assertIn("did not try other identities", r.stderr)
        self.assertNotIn("wrong-entra-secret", r.stdout + r.stderr)
        # No fallback to the instance metadata service, no request to the resource.
        self.assertEqual(self.wire("/169.254.169.254/metadata/identity/oauth2/token", method="GET"), [])
        self.assertEqual(self.wire(CHAT), [])

    def entra_token(self):
        data = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": ENTRA_APP,
                                       "client_secret": ENTRA_SECRET, "scope": SCOPE}).encode()
        url = self.emu_url + "/login.microsoftonline.com/common/oauth2/v2.0/token"
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as r:
            return json.loads(r.read())["access_token"]

    def test_azure_cli_when_environment_credentials_are_absent(self):
        self.write_env_file("AZURE_OPENAI_ENDPOINT=https://myres.openai.azure.com\nAZURE_OPENAI_MODEL=gpt-4o\n")
        token = self.entra_token()
        self.control("requests", method="DELETE")
        bindir = os.path.join(self.tmp, "bin")
        os.makedirs(bindir)
        argv_file = os.path.join(self.tmp, "az-argv")
        az = os.path.join(bindir, "az")
        with open(az, "w") as f:
            f.write("#!/bin/sh\n"
                    f"printf '%s\\n' \"$@\" > '{argv_file}'\n"
                    f"printf '%s' '{json.dumps({'accessToken': token, 'expiresOn': '2999-01-01 00:00:00.000000', 'expires_on': 32472144000, 'subscription': 'sub', 'tenant': 'common', 'tokenType': 'Bearer'})}'\n")
        os.chmod(az, stat.S_IRWXU)
        # The metadata service must not answer here, so the chain reaches the Azure CLI.
        env = self.env(PATH=bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
                       JCODE_ENDPOINT_AZURE_IMDS=self.closed_port_url())
        r = self.jcode("--provider", "azure", "run", "Reply with exactly AZURE_CLI_OK", env=env, check=0)
        self.assertEqual(r.stdout, "AZURE_CLI_OK\n")
        self.assertNotIn(token, r.stdout + r.stderr)
        with open(argv_file) as f:
            argv = f.read().split("\n")
        self.assertEqual(argv[:3], ["account", "get-access-token", "--scope"])
        self.assertEqual(argv[3], SCOPE)
        chat = self.wire(CHAT)
        self.assertEqual(len(chat), 1)
        self.assertEqual(chat[0]["headers"]["authorization"], "Bearer " + token)
        self.assertEqual(self.count("POST /login.microsoftonline.com/common/oauth2/v2.0/token")[0], 0)

    def test_missing_deployment_is_a_clear_error(self):
        p = self.login_key(deployment=None)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("--deployment", p.stderr)
        self.assertFalse(os.path.exists(self.env_file()), "nothing is saved from a refused setup")
        # A configuration without a deployment: the request is not sent and the message says what to set.
        self.write_env_file("AZURE_OPENAI_ENDPOINT=https://myres.openai.azure.com\nAZURE_OPENAI_USE_ENTRA=0\n"
                            "AZURE_OPENAI_API_KEY=emulator-azure-key\n")
        r = self.jcode("--provider", "azure", "run", "hello")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("AZURE_OPENAI_MODEL", r.stderr)
        self.assertEqual(self.wire(CHAT), [])

    def test_plain_http_endpoint_is_refused(self):
        p = self.login_key(endpoint="http://example.com")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("https://", p.stderr)
        self.assertIn("http://", p.stderr)
        self.assertFalse(os.path.exists(self.env_file()))
        # The same endpoint from the environment is refused at run time, before any request.
        env = self.env(AZURE_OPENAI_ENDPOINT="http://example.com", AZURE_OPENAI_MODEL="gpt-4o",
                       AZURE_OPENAI_API_KEY="emulator-azure-key", AZURE_OPENAI_USE_ENTRA="0")
        r = self.jcode("--provider", "azure", "run", "hello", env=env)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("AZURE_OPENAI_ENDPOINT", r.stderr)
        self.assertEqual(self.control("requests"), [])


if __name__ == "__main__":
    import unittest
    unittest.main()
