#!/bin/sh
# packaging_version.sh - VERSION is the single source of the version: the
# binary prints it, and packaging/version-check.sh finds it in the man page,
# the Debian changelog, the RPM spec (Version and %changelog) and the
# Homebrew formula.  The check itself is tested on a copy whose VERSION was
# bumped: it must fail and name every file that was not.
. "$CLINECFG_TOP/tests/lib.sh"
V=$(cat "$CLINECFG_TOP/VERSION")
"$CLINECFG_BIN" --version | grep -qF "$V" || fail "clinecfg --version does not print $V"
out=$(sh "$CLINECFG_TOP/packaging/version-check.sh" "$CLINECFG_TOP" 2>&1) || { echo "$out" >&2; fail "version-check failed"; }

W=$(t_tmpdir)
mkdir -p "$W/packaging/debian" "$W/packaging/rpm" "$W/packaging/homebrew"
for f in packaging/clinecfg.1 packaging/debian/changelog packaging/rpm/clinecfg.spec packaging/homebrew/clinecfg.rb; do
  cp "$CLINECFG_TOP/$f" "$W/$f"
done
echo 9.8.7 >"$W/VERSION"
if sh "$CLINECFG_TOP/packaging/version-check.sh" "$W" >"$W/out" 2>&1; then fail "version-check passed with VERSION 9.8.7"; fi
for f in packaging/clinecfg.1 packaging/debian/changelog packaging/homebrew/clinecfg.rb; do
  grep -qF "$f:" "$W/out" || { cat "$W/out" >&2; fail "version-check did not name $f"; }
done
[ "$(grep -c 'packaging/rpm/clinecfg.spec:' "$W/out")" = 2 ] || { cat "$W/out" >&2; fail "version-check did not name the spec twice (Version, %changelog)"; }
# Bumping every file makes it pass again.
sed -i "s/clinecfg $V\"/clinecfg 9.8.7\"/" "$W/packaging/clinecfg.1"
sed -i "1s/($V)/(9.8.7)/" "$W/packaging/debian/changelog"
sed -i "s/^Version:\\([[:space:]]*\\)$V\$/Version:\\19.8.7/; s/ - $V-1\$/ - 9.8.7-1/" "$W/packaging/rpm/clinecfg.spec"
sed -i "s/clinecfg-$V\\.tar\\.gz/clinecfg-9.8.7.tar.gz/" "$W/packaging/homebrew/clinecfg.rb"
sh "$CLINECFG_TOP/packaging/version-check.sh" "$W" >"$W/out" 2>&1 || { cat "$W/out" >&2; fail "version-check failed after bumping every file"; }
echo "version $V: binary, man page, changelog, spec and formula agree; a missed bump is caught"
