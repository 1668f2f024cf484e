#!/bin/sh
# bench_credential_process.sh - `clinecfg credential-process` with cached
# session credentials against `secret-tool lookup` of the same keyring item,
# both on a real Secret Service (gnome-keyring on a private D-Bus session),
# interleaved in one run.  Reports the median wall time (and CPU time) of
# each over RUNS runs and checks the goal: at most 1.5x secret-tool and
# under 25 ms.  Prints "skipped: ..." when dbus-run-session, gnome-keyring
# or secret-tool are missing.
set -eu
TOP=${CLINECFG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${CLINECFG_BIN:-$TOP/clinecfg}
RUNS=${RUNS:-41}
for t in dbus-run-session gnome-keyring-daemon secret-tool python3; do
  command -v "$t" >/dev/null 2>&1 || { echo "skipped: $t is not installed"; exit 0; }
done

if [ "${BENCH_STAGE:-}" = "" ]; then
  W=$(mktemp -d "${TMPDIR:-/tmp}/clinecfg-bench-cp.XXXXXX")
  trap 'kill $SRV 2>/dev/null; rm -rf "$W"' EXIT INT TERM
  python3 "$TOP/tests/fake_aws/server.py" --seed "$TOP/tests/fake_aws/seed-default.json" --port-file "$W/port" \
    --lifetime 600 >"$W/srv.log" 2>&1 &
  SRV=$!
  i=0; while [ ! -s "$W/port" ]; do i=$((i+1)); [ $i -lt 200 ] || { cat "$W/srv.log"; exit 1; }; sleep 0.1; done
  mkdir -p "$W/home" "$W/run"
  chmod 700 "$W/run"
  # HOME and the rest are set before the bus starts: activated services inherit them.
  env -u SECRET_BACKEND -u SECRET_FILE_TEST_PATH -u SECRET_FILE_TEST_PASSWORD -u DBUS_SESSION_BUS_ADDRESS \
    HOME="$W/home" XDG_RUNTIME_DIR="$W/run" XDG_CONFIG_HOME="$W/home/.config" XDG_DATA_HOME="$W/home/.local/share" \
    CLINECFG_ORG_CONFIG="$W/none.json" AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$W/port")" AWS_REGION=ap-northeast-1 \
    BENCH_STAGE=inner BIN="$BIN" RUNS="$RUNS" W="$W" \
    dbus-run-session -- sh -c 'echo bench-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec sh "$0"' "$0" \
    2>"$W/bus.log" || { grep -v 'fd limit\|dbus-daemon\[' "$W/bus.log" >&2; exit 1; }
  exit 0
fi

# Inside the private session bus.
i=0
until gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus -m org.freedesktop.DBus.NameHasOwner \
      org.freedesktop.secrets 2>/dev/null | grep -q true; do
  i=$((i+1)); [ $i -lt 100 ] || { echo "gnome-keyring did not start" >&2; exit 1; }
  sleep 0.05
done
printf '%s\n' 'fake/alice/SecretKey+fake/alice/SecretKe' >"$W/secret"
"$BIN" -q login --access-key-id AKIAFAKEALICE0000000 --secret-stdin <"$W/secret" >/dev/null
"$BIN" credential-process >/dev/null   # mints and caches the session credentials
python3 - "$BIN" "$RUNS" <<'PY'
import os, resource, statistics, subprocess, sys, time
binary, runs = sys.argv[1], int(sys.argv[2])
cases = {
    "clinecfg credential-process": [binary, "credential-process"],
    "secret-tool lookup": ["secret-tool", "lookup", "service", "clinecfg", "account", "default", "kind", "session"],
}
wall = {k: [] for k in cases}
cpu = {k: 0.0 for k in cases}
for _ in range(3):  # warm the page cache
    for c in cases.values():
        subprocess.run(c, stdout=subprocess.DEVNULL, check=True)
for _ in range(runs):
    for k, c in cases.items():
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(c, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        wall[k].append((time.perf_counter() - t0) * 1000)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[k] += (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000
        if p.returncode != 0 or not p.stdout:
            sys.exit("%s failed (exit %d)" % (k, p.returncode))
med = {k: statistics.median(v) for k, v in wall.items()}
for k in cases:
    print("%-30s median %6.1f ms  (min %5.1f, cpu %5.1f ms/run, %d runs)" % (k, med[k], min(wall[k]), cpu[k] / runs, runs))
cp, st = med["clinecfg credential-process"], med["secret-tool lookup"]
ratio = cp / st
ok = ratio <= 1.5 and cp < 25
print("ratio %.2fx secret-tool; goal <= 1.5x and < 25 ms: %s" % (ratio, "met" if ok else "NOT met"))
PY
