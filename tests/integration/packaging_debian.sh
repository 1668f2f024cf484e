#!/bin/sh
# packaging_debian.sh - fast checks of packaging/debian without building
# (tests/packaging/deb_install.sh builds, lints and installs the .deb):
# debhelper compat 13, `dh $@` with PREFIX=/usr, hardening, Depends from
# shlibs, an extended description, DEP-5 copyright, a changelog that
# dpkg-parsechangelog reads, and an executable rules file.
. "$CLINECFG_TOP/tests/lib.sh"
D="$CLINECFG_TOP/packaging/debian"
[ -d "$D" ] || fail "packaging/debian is missing"
grep -qF 'debhelper-compat (= 13)' "$D/control" || fail "control: no debhelper-compat (= 13)"
grep -qE '^Depends:.*\$\{shlibs:Depends\}' "$D/control" || fail "control: Depends without \${shlibs:Depends}"
grep -qE '^Depends:.*\$\{misc:Depends\}' "$D/control" || fail "control: Depends without \${misc:Depends}"
# Extended description: at least two paragraphs of real text after the synopsis.
ext=$(sed -n '/^Description:/,/^$/p' "$D/control" | sed 1d)
[ "$(printf '%s\n' "$ext" | grep -c '^ [^.]')" -ge 8 ] || fail "control: the extended description is too short"
printf '%s\n' "$ext" | grep -q '^ \.$' || fail "control: the extended description has one paragraph only"
[ -x "$D/rules" ] || fail "rules is not executable"
grep -qE '^[[:space:]]+dh \$@' "$D/rules" || fail "rules does not run dh \$@"
grep -qF 'PREFIX=/usr' "$D/rules" || fail "rules does not pass PREFIX=/usr"
grep -qF 'hardening=+all' "$D/rules" || fail "rules does not enable hardening=+all"
head -n 1 "$D/copyright" | grep -qF 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
  || fail "copyright is not DEP-5"
grep -q '^License: MIT$' "$D/copyright" || fail "copyright has no MIT licence stanza"
[ -f "$D/source/format" ] || fail "source/format is missing"
if command -v dpkg-parsechangelog >/dev/null 2>&1; then
  v=$(dpkg-parsechangelog -l "$D/changelog" -S Version) || fail "dpkg-parsechangelog cannot read the changelog"
  [ "$v" = "$(cat "$CLINECFG_TOP/VERSION")" ] || fail "changelog version $v is not VERSION"
else
  note "dpkg-parsechangelog is missing: changelog syntax not checked"
fi
echo "debian: compat 13, dh, shlibs, DEP-5, changelog $(cat "$CLINECFG_TOP/VERSION")"
