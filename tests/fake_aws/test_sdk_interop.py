"""test_sdk_interop.py - drives the emulator with the official AWS SDK for
JavaScript v3 (sdk_interop.mjs): its signer, serialisers, error parsers,
standard retries, clock-skew correction and event-stream decoder must all
accept the emulator's answers.  Needs node and the SDK packages
(npm install --prefix tests/fake_aws --no-package-lock, or
FAKE_AWS_SDK_NODE_MODULES=<dir>); skipped, saying so, without them."""

import json
import os
import shutil
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from awsclient import SEED, ServerProcess  # noqa: E402

NODE_MODULES = os.environ.get("FAKE_AWS_SDK_NODE_MODULES") or os.path.join(HERE, "node_modules")
HAVE_SDK = bool(shutil.which("node")) and os.path.isdir(os.path.join(NODE_MODULES, "@aws-sdk", "client-bedrock"))


@unittest.skipUnless(HAVE_SDK, "AWS SDK for JavaScript not installed in %s (skipped; see tests/fake_aws/README.md)"
                     % NODE_MODULES)
class SdkInteropTest(unittest.TestCase):
    def test_official_sdk_against_emulator(self):
        with ServerProcess() as srv:
            env = dict(os.environ, NODE_PATH=NODE_MODULES, NODE_NO_WARNINGS="1")
            proc = subprocess.run(["node", os.path.join(HERE, "sdk_interop.mjs"), SEED, str(srv.port)],
                                  env=env, capture_output=True, text=True, timeout=180)
            lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
            failed = [line for line in lines if not line.get("ok")]
            self.assertEqual(proc.returncode, 0, "%s\n%s" % (failed or lines[-3:], proc.stderr[-2000:]))
            self.assertEqual(lines[-1], {"check": "all", "ok": True})
            self.assertGreaterEqual(len(lines), 30)
            print("\n  official JS SDK: %d checks passed" % (len(lines) - 1), file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
