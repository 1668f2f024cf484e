#!/bin/sh
# packaging_install.sh - `make install DESTDIR=... PREFIX=/usr` puts the
# binary, man page, completions, the price table and documentation where the packages expect
# them (nothing under etc/), and `make uninstall` removes all of it.  The
# tested binary is reused (make -o all), nothing is compiled.
. "$CLINECFG_TOP/tests/lib.sh"
W=$(t_tmpdir)
D="$W/root"
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$CLINECFG_TOP" -o all -o clinecfg BUILD="$CLINECFG_BUILD" "$@" >"$W/make.log" 2>&1 \
         || { cat "$W/make.log" >&2; fail "make $* failed"; }; }
mk install DESTDIR="$D" PREFIX=/usr
(cd "$D" && find . ! -type d | sed 's/^\.//' | sort) >"$W/got"
cat >"$W/want" <<'EOT'
/usr/bin/clinecfg
/usr/share/bash-completion/completions/clinecfg
/usr/share/clinecfg/prices.json
/usr/share/doc/clinecfg/LICENSE
/usr/share/doc/clinecfg/config.example.json
/usr/share/fish/vendor_completions.d/clinecfg.fish
/usr/share/man/man1/clinecfg.1
/usr/share/zsh/vendor-completions/_clinecfg
EOT
cmp -s "$W/want" "$W/got" || { diff "$W/want" "$W/got" >&2; fail "make install put other files (< expected, > installed)"; }
[ -x "$D/usr/bin/clinecfg" ] || fail "the binary is not executable"
cmp -s "$CLINECFG_BUILD/clinecfg" "$D/usr/bin/clinecfg" || fail "installed binary differs from the build (install must not strip)"
for f in usr/share/man/man1/clinecfg.1 usr/share/doc/clinecfg/config.example.json usr/share/bash-completion/completions/clinecfg \
         usr/share/clinecfg/prices.json; do
  [ "$(stat -c %a "$D/$f")" = 644 ] || fail "$f is not mode 644"
done
mk uninstall DESTDIR="$D" PREFIX=/usr
left=$(cd "$D" && find . ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"
[ ! -d "$D/usr/share/doc/clinecfg" ] || fail "make uninstall left the doc folder"
[ ! -d "$D/usr/share/clinecfg" ] || fail "make uninstall left the data folder"
echo "make install/uninstall: $(wc -l <"$W/want") files in place and removed again"
