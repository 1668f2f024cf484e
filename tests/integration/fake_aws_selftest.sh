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
cd "$TOP/tests/fake_aws"
set +e
python3 -m unittest discover -s . -p 'test_*.py' -v >"$log" 2>&1
rc=$?
set -e
cat "$log"
# Make skipped parts visible in the summary log (e.g. no conformance folder).
grep -o 'skipped .*' "$log" | sort -u | sed 's/^/note: /' || true
[ $rc = 0 ] && echo "fake_aws self-tests passed"
exit $rc
