#!/bin/sh
# fake_aws_selftest.sh - runs the loopback AWS emulator's own self-tests
# (tests/fake_aws/test_*.py, Python unittest): SigV4 verifier against the
# shared conformance suite (skipped visibly when ../shared/conformance is
# absent), paging, idempotency, throttling, fault injection, event-stream
# framing, admin endpoints.  Does not need the clinecfg binary.
set -eu
TOP="${CLINECFG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
export CLINECFG_TOP="$TOP"
command -v python3 >/dev/null 2>&1 || { echo "skipped: python3 not found"; exit 77; }
log=$(mktemp "${TMPDIR:-/tmp}/fake_aws_selftest.XXXXXX")
trap 'rm -f "$log"' EXIT
export PYTHONDONTWRITEBYTECODE=1
# The interop part drives the emulator with the official AWS SDK for
# JavaScript: install the pinned clients of tests/fake_aws/package.json into
# the npm cache folder once (a machine without npm or the registry runs the
# rest and says so below).
if [ -z "${FAKE_AWS_SDK_NODE_MODULES:-}" ] && command -v npm >/dev/null 2>&1; then
  SDK="${CLINECFG_E2E_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/clinecfg-e2e}/fake-aws-sdk"
  mkdir -p "$SDK"
  if ! cmp -s "$TOP/tests/fake_aws/package.json" "$SDK/package.json" || [ ! -d "$SDK/node_modules/@aws-sdk/client-sts" ]; then
    cp "$TOP/tests/fake_aws/package.json" "$SDK/package.json"
    echo "note: npm install of the AWS SDK clients into $SDK"
    ( cd "$SDK" && npm install --no-audit --no-fund --loglevel=error ) >"$SDK/install.log" 2>&1 ||
      echo "note: npm install failed (see $SDK/install.log)"
  fi
  [ -d "$SDK/node_modules/@aws-sdk/client-sts" ] && export FAKE_AWS_SDK_NODE_MODULES="$SDK/node_modules"
fi
cd "$TOP/tests/fake_aws"
set +e
python3 -m unittest discover -s . -p 'test_*.py' -v >"$log" 2>&1
rc=$?
set -e
cat "$log"
[ $rc = 0 ] || exit $rc
# Parts that could not run (no conformance folder, no node/SDK) are listed;
# a missing conformance suite turns the result into a visible skip (77).
grep -o "skipped '.*'" "$log" | sort -u | sed 's/^/note: /' || true
ran=$(sed -n 's/^Ran \([0-9]*\) tests.*/\1/p' "$log")
if grep -q "conformance suite not found" "$log"; then
  echo "skipped: SigV4 conformance part (no ${CLINECFG_CONFORMANCE:-$CLINECFG_TOP/../shared/conformance}); the other emulator self-tests passed ($ran run)"
  exit 77
fi
echo "fake_aws self-tests passed ($ran tests)"
