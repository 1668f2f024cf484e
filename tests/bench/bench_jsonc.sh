#!/bin/sh
# bench_jsonc.sh - `make bench` part for the JSONC editor: read, edit (set
# "cline.apiProvider") and atomically replace a generated 1 MB and 20 MB
# settings.json (plus one 50 MB file for the size claim).  The C side is
# tests/bench/bench_jsonc.c (safefile_read + jsonc_apply +
# safefile_write_atomic); the anchor is node jsonc-parser modify+applyEdits
# doing the same cycle in-process (tests/bench/bench_jsonc.js), with the same
# temp + fsync + rename + folder fsync.  Prints median times and the ratio.
set -eu
TOP=${CLINECFG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${CLINECFG_BUILD:-$TOP/build}
LIB="$BUILD/libclinecfg.a"
[ -f "$LIB" ] || { echo "bench_jsonc: $LIB not built (run make)"; exit 1; }
W="$BUILD/bench-jsonc"   # on the build disk, not tmpfs: fsync must cost what it costs
rm -rf "$W"; mkdir -p "$W"
trap 'rm -rf "$W"' EXIT

# shellcheck disable=SC2046
${CC:-cc} -std=c11 -O2 -I"$TOP/include" -I"$BUILD/gen" $(pkg-config --cflags libcjson openssl) \
  -o "$W/bench_jsonc" "$TOP/tests/bench/bench_jsonc.c" "$LIB" \
  $(pkg-config --libs libcurl openssl libcjson libsecret-1) -lpthread

NODE_OK=0
CACHE="$BUILD/npm-jsonc"
if command -v node >/dev/null 2>&1; then
  if [ ! -f "$CACHE/node_modules/jsonc-parser/package.json" ] && command -v npm >/dev/null 2>&1; then
    mkdir -p "$CACHE"
    npm install --no-audit --no-fund --silent --prefix "$CACHE" jsonc-parser@3 >"$CACHE/install.log" 2>&1 || true
  fi
  [ -f "$CACHE/node_modules/jsonc-parser/package.json" ] && NODE_OK=1
fi
[ $NODE_OK = 1 ] || echo "bench_jsonc: node or jsonc-parser unavailable: no anchor numbers, C only"

echo "bench_jsonc: load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') on $(nproc 2>/dev/null || echo '?') CPUs (medians are sensitive to it)"
val() { sed -n "s/^$1 //p" "$2"; }
for spec in 1MB:1000000:31 20MB:20000000:11 50MB:50000000:5; do
  label=${spec%%:*}; rest=${spec#*:}; bytes=${rest%%:*}; iters=${rest#*:}
  node "$TOP/tests/bench/bench_jsonc.js" gen "$W/settings.json" "$bytes" 2>/dev/null ||
    { echo "bench_jsonc: node is needed to generate the test file"; exit 0; }
  "$W/bench_jsonc" "$W/settings.json" "$iters" /cline.apiProvider >"$W/c.txt"
  c_cycle=$(val cycle_ms "$W/c.txt"); c_edit=$(val edit_ms "$W/c.txt")
  c_read=$(val read_ms "$W/c.txt"); c_write=$(val write_ms "$W/c.txt"); c_ecpu=$(val edit_cpu_ms "$W/c.txt")
  line="bench_jsonc $label: C read+edit+replace median ${c_cycle} ms (read ${c_read}, in-memory edit ${c_edit} [CPU ${c_ecpu}], atomic replace ${c_write})"
  if [ $NODE_OK = 1 ] && [ "$label" != 50MB ]; then
    node "$TOP/tests/bench/bench_jsonc.js" gen "$W/settings.json" "$bytes"
    node "$TOP/tests/bench/bench_jsonc.js" run "$CACHE/node_modules" "$W/settings.json" "$iters" cline.apiProvider >"$W/n.txt"
    n_cycle=$(val cycle_ms "$W/n.txt"); n_edit=$(val edit_ms "$W/n.txt")
    ratio=$(awk -v a="$n_cycle" -v b="$c_cycle" 'BEGIN{printf "%.1f", a/b}')
    eratio=$(awk -v a="$n_edit" -v b="$c_edit" 'BEGIN{printf "%.1f", a/b}')
    line="$line | node jsonc-parser ${n_cycle} ms (edit ${n_edit} ms) | ${ratio}x faster (edit alone ${eratio}x)"
  fi
  echo "$line"
  if [ "$label" = 1MB ]; then
    goal=$(awk -v a="$c_cycle" 'BEGIN{print (a < 10) ? "met" : "NOT met"}')
    egoal=$(awk -v a="$c_edit" 'BEGIN{print (a < 10) ? "met" : "NOT met"}')
    cgoal=$(awk -v a="$c_ecpu" 'BEGIN{print (a < 10) ? "met" : "NOT met"}')
    echo "bench_jsonc goal (1 MB under 10 ms): whole cycle $goal (the atomic replace alone is ${c_write} ms of fsync-bound I/O), in-memory edit $egoal (wall), $cgoal (CPU)"
    if [ $NODE_OK = 1 ]; then
      xgoal=$(awk -v r="$ratio" 'BEGIN{print (r >= 5) ? "met" : "NOT met"}')
      echo "bench_jsonc goal (1 MB at least 5x faster than the anchor): $xgoal (${ratio}x on the whole cycle)"
    fi
  fi
done
