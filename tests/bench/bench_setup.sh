#!/bin/sh
# bench_setup.sh - `clinecfg setup` against the emulator with 50 ms of
# latency per request and 5,000 other people's profiles.  Three cases:
#   1. re-running setup when everything is in place (goal: <= 2 round trips)
#   2. a first setup on this machine for a profile that already exists
#      (goal: list pages up to the match + 1 round trips)
#   3. a first setup that creates the profile
# Reports median wall time, requests, sequential round trips and peak RSS
# (goal < 10 MB) over REPS runs each, and the floor that the system's
# libcurl alone sets (tests/bench/rss_floor.c: dlopen, init, one GET).
# BENCH_LIBCURL_DIR=DIR repeats the cases with DIR/libcurl.so.4 (e.g. the
# HTTP-only build from tests/bench/minimal_libcurl.sh) to show how much of
# the peak is the library's.
set -eu
TOP=${CLINECFG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${CLINECFG_BIN:-$TOP/clinecfg}
REPS=${REPS:-5}
W=$(mktemp -d "${TMPDIR:-/tmp}/clinecfg-bench.XXXXXX")
trap 'kill $SRV 2>/dev/null; rm -rf "$W"' EXIT INT TERM
python3 "$TOP/tests/fake_aws/server.py" --seed "$TOP/tests/fake_aws/seed-default.json" --filler 5000 \
  --latency-ms 50 --port-file "$W/port" --lifetime 900 >"$W/srv.log" 2>&1 &
SRV=$!
i=0; while [ ! -s "$W/port" ]; do i=$((i+1)); [ $i -lt 200 ] || { cat "$W/srv.log"; exit 1; }; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$W/port")"
export AWS_ENDPOINT_URL="$URL" AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
export CLINECFG_ORG_CONFIG="$W/none.json" SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$W/kr" SECRET_FILE_TEST_PASSWORD=x
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0

# run_case NAME HOME TEAM: one setup; appends "ms requests round_trips list_pages rss_kb" to $W/NAME
run_case() {
  h=$2
  mkdir -p "$h"
  curl -sf -X POST "$URL/__admin/reset-stats" >/dev/null
  start=$(date +%s%N)
  HOME="$h" XDG_CONFIG_HOME="$h/.config" XDG_STATE_HOME="$h/.local/state" \
    env ${LIBCURL_DIR:+LD_LIBRARY_PATH="$LIBCURL_DIR"} /usr/bin/time -f "%M" -o "$W/rss" "$BIN" --json setup -y --team "$3" --model "$MODEL" --region ap-northeast-1 \
    >"$W/out.json" 2>"$W/err" || { cat "$W/err"; exit 1; }
  end=$(date +%s%N)
  reqs=$(curl -sf "$URL/__admin/stats" | jq .requests_total)
  echo "$(( (end - start) / 1000000 )) $reqs $(jq .stats.round_trips "$W/out.json") $(jq .stats.list_pages "$W/out.json") $(cat "$W/rss")" >> "$W/$1"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
report() {
  f="$W/$1"
  printf '%-44s wall %5s ms  requests %3s  round trips %2s  list pages %s  peak RSS %s KB\n' "$2" \
    "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | median)" \
    "$(cut -d' ' -f4 "$f" | median)" "$(cut -d' ' -f5 "$f" | sort -n | tail -1)"
}

# run_cases SUFFIX TEAMPREFIX: REPS rounds of the three cases
run_cases() {
  n=0
  while [ $n -lt "$REPS" ]; do
    n=$((n+1))
    run_case "create$1" "$W/create$1$n" "$2$n"      # case 3: creates <team>-bedrock-alice
    run_case "rerun$1" "$W/create$1$n" "$2$n"       # case 1: same machine again
    run_case "existing$1" "$W/fresh$1$n" "$2$n"     # case 2: another machine, profile exists (last page)
  done
}
LIBCURL_DIR= run_cases "" bench
echo "setup with 50 ms latency per request, 5,000 other profiles, median of $REPS runs:"
report rerun    "1. re-run, everything in place"
report existing "2. first run here, profile exists"
report create   "3. first run, creates the profile"
max_rss=$(cut -d' ' -f5 "$W/rerun" "$W/existing" "$W/create" | sort -n | tail -1)
rt1=$(cut -d' ' -f3 "$W/rerun" | sort -n | tail -1)
bad2=$(awk '$3 > $4 + 1' "$W/existing" | wc -l)
/usr/bin/time -f "%M" -o "$W/base" "$BIN" --version >/dev/null
floor=unknown
# shellcheck disable=SC2046
if ${CC:-cc} -std=c11 -O2 $(pkg-config --cflags libcurl 2>/dev/null) -o "$W/rss_floor" "$TOP/tests/bench/rss_floor.c" -ldl 2>"$W/floor.err"; then
  floor=$("$W/rss_floor" "$URL/__admin/stats" 2>>"$W/floor.err") || floor=unknown
fi
syscurl=$(ldconfig -p 2>/dev/null | sed -n 's/.*libcurl\.so\.4 (.*) => //p' | head -1)
syscurl=$(readlink -f "${syscurl:-libcurl.so.4}" 2>/dev/null || echo libcurl.so.4)
echo "baseline: 'clinecfg --version' peaks at $(cat "$W/base") KB (libcrypto and libc; libcurl and libsecret load on first use)"
if [ "$floor" != unknown ]; then
  echo "library floor: a program that only opens the system libcurl ($syscurl, $(ldd "$syscurl" 2>/dev/null | wc -l) libraries"
  echo "  with its dependencies), initialises it and makes one GET peaks at $floor KB, $(( floor * 100 / 10240 ))% of the 10 MB goal"
else
  echo "library floor: unknown (rss_floor could not be built or run):"; cat "$W/floor.err"
fi
if [ -n "${BENCH_LIBCURL_DIR:-}" ]; then
  [ -f "$BENCH_LIBCURL_DIR/libcurl.so.4" ] || { echo "bench_setup: no libcurl.so.4 in BENCH_LIBCURL_DIR=$BENCH_LIBCURL_DIR"; exit 1; }
  LIBCURL_DIR=$BENCH_LIBCURL_DIR run_cases "-alt" altbench
  echo "the same with $BENCH_LIBCURL_DIR/libcurl.so.4 ($(ldd "$BENCH_LIBCURL_DIR/libcurl.so.4" | wc -l) libraries with its dependencies):"
  report rerun-alt    "1. re-run, everything in place"
  report existing-alt "2. first run here, profile exists"
  report create-alt   "3. first run, creates the profile"
  alt_rss=$(cut -d' ' -f5 "$W/rerun-alt" "$W/existing-alt" "$W/create-alt" | sort -n | tail -1)
  echo "peak RSS with that libcurl: max $alt_rss KB ($( [ "$alt_rss" -lt 10240 ] && echo "under" || echo "over" ) 10 MB)"
fi
echo "goals: case 1 <= 2 round trips: $( [ "$rt1" -le 2 ] && echo met || echo MISSED ) (max $rt1);" \
     "case 2 <= pages + 1: $( [ "$bad2" = 0 ] && echo met || echo MISSED );" \
     "peak RSS < 10 MB: $( [ "$max_rss" -lt 10240 ] && echo met || echo MISSED ) (max $max_rss KB)"
