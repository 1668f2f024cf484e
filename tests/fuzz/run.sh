#!/bin/sh
# run.sh - builds each libFuzzer target (clang, ASan+UBSan) against the
# project's sources and runs it for FUZZ_SECONDS from its seed corpus.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
SECONDS_EACH=${FUZZ_SECONDS:-60}
OUT=build-fuzz
mkdir -p "$OUT"
make -s BUILD=$OUT CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
  LDFLAGS="-fsanitize=address,undefined" $OUT/libclinecfg.a
LIBS=$(pkg-config --libs libcurl openssl libcjson libsecret-1 expat)
CFL=$(pkg-config --cflags libcurl openssl libcjson libsecret-1 expat)
status=0
for src in "$@"; do
  name=$(basename "$src" .c)
  bin="$OUT/$name"
  clang -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iinclude -I$OUT/gen $CFL \
    -o "$bin" "$src" $OUT/libclinecfg.a $LIBS -lpthread
  corpus="$OUT/corpus-$name"
  mkdir -p "$corpus"
  seeds="tests/fuzz/corpus/${name#fuzz_}"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$corpus"/ 2>/dev/null || true
  echo "fuzz: $name for ${SECONDS_EACH}s"
  if ! "$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$OUT/$name-" \
        "$corpus" >"$OUT/$name.log" 2>&1; then
    echo "fuzz: $name FAILED"; tail -n 40 "$OUT/$name.log"; status=1
  else
    echo "fuzz: $name clean ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$OUT/$name.log" | grep -o '[0-9]*$') runs)"
  fi
done
exit $status
