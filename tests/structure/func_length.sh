#!/bin/sh
# func_length.sh [MAX] - fails when a function under src/ is longer than MAX
# lines (default 120), first to last line as universal-ctags reports them.
# The hand-written state machines that read best whole are the exceptions.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
MAX=${1:-120}
ALLOWED="jsonc_parse_flags fast_scan start_attempt on_attempt_done"
command -v ctags >/dev/null 2>&1 || { echo "func_length: universal-ctags is not installed (apt-get install universal-ctags)"; exit 2; }
ctags --version 2>/dev/null | grep -q 'Universal Ctags' || { echo "func_length: ctags is not universal-ctags"; exit 2; }
cd "$TOP"
ctags --fields=+ne --c-kinds=f -o - $(find src -name '*.c' | sort) |
awk -F'\t' -v max="$MAX" -v allowed=" $ALLOWED " '
  { ln = ""; en = ""
    for (i = 4; i <= NF; i++) { if ($i ~ /^line:/) ln = substr($i, 6); if ($i ~ /^end:/) en = substr($i, 5) }
    if (ln == "" || en == "") { printf "func_length: no line range for %s in %s\n", $1, $2; bad++; next }
    n++
    len = en - ln + 1
    if (len > max && index(allowed, " " $1 " ") == 0) { printf "%s:%s: %s is %d lines (max %d)\n", $2, ln, $1, len, max; bad++ } }
  END { printf "func_length: %d functions, %d over %d lines\n", n, bad + 0, max; exit bad > 0 }'
