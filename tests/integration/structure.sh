#!/bin/sh
# structure.sh - the shape of the code: no dependency cycle between .c files
# (derived with nm from the objects of this build; back-end tables listed
# in tests/structure/dep_cycles.py are the only exception) and no function
# over 120 lines (universal-ctags; the allowed state machines are listed in
# tests/structure/func_length.sh).
. "$CLINECFG_TOP/tests/lib.sh"
python3 "$CLINECFG_TOP/tests/structure/dep_cycles.py" "$CLINECFG_BUILD" || fail "dependency cycle between .c files (see above)"
sh "$CLINECFG_TOP/tests/structure/func_length.sh" || fail "function over 120 lines (see above)"

# The detector itself must see a planted cycle.
W=$(t_tmpdir); mkdir -p "$W/src/x"
printf 'int b(void);\nint a(void) { return b(); }\n' >"$W/a.c"
printf 'int a(void);\nint b(void) { return a(); }\n' >"$W/b.c"
cc -c "$W/a.c" -o "$W/src/x/a.o" && cc -c "$W/b.c" -o "$W/src/x/b.o" || fail "cannot compile the planted cycle"
python3 "$CLINECFG_TOP/tests/structure/dep_cycles.py" "$W" >"$W/out" && fail "dep_cycles.py missed a planted cycle"
grep -q 'cycle: src/x/a.c <-> src/x/b.c' "$W/out" || fail "dep_cycles.py did not name the planted cycle: $(cat "$W/out")"
