#!/bin/sh
# packaging_rpm_spec.sh - fast checks of packaging/rpm/clinecfg.spec without
# building a package (`make rpm` does the smoke build): it parses with
# rpmspec, has pkgconfig() BuildRequires for every library, %make_build,
# %make_install, %license; rpmlint finds nothing in it beyond the justified
# filters; and its %files list matches exactly what its %install produces
# (make install run here, into a temporary folder, with the spec's arguments).
. "$CLINECFG_TOP/tests/lib.sh"
S="$CLINECFG_TOP/packaging/rpm/clinecfg.spec"
[ -f "$S" ] || fail "packaging/rpm/clinecfg.spec is missing"
W=$(t_tmpdir)

for lib in libcurl openssl libcjson libsecret-1; do
  grep -qE "^BuildRequires:[[:space:]]+pkgconfig\\($lib\\)$" "$S" || fail "spec lacks BuildRequires: pkgconfig($lib)"
done
for m in '^%make_build' '^%make_install' '^%license LICENSE$' '^License:[[:space:]]+MIT$' '^%changelog$'; do
  grep -qE -- "$m" "$S" || fail "spec lacks $m"
done

command -v rpmspec >/dev/null 2>&1 || skip "rpmspec is not installed (apt-get install rpm): static checks passed"
rpmspec -P "$S" >"$W/parsed" 2>"$W/rpmspec.err" || { cat "$W/rpmspec.err" >&2; fail "rpmspec cannot parse the spec"; }

if command -v rpmlint >/dev/null 2>&1; then
  # Only the filters that concern a spec (the others would be "unused" here).
  grep -E '^addFilter\("(no-buildroot-tag|invalid-url Source0)' "$CLINECFG_TOP/packaging/rpm/clinecfg.rpmlintrc" >"$W/spec.rpmlintrc"
  rpmlint -r "$W/spec.rpmlintrc" "$S" >"$W/rpmlint" 2>&1 || { cat "$W/rpmlint" >&2; fail "rpmlint failed on the spec"; }
  grep -q ' 0 errors, 0 warnings' "$W/rpmlint" || { cat "$W/rpmlint" >&2; fail "rpmlint reported problems in the spec"; }
else
  note "rpmlint is not installed: spec not linted"
fi

# %install, replayed: the VAR=value arguments of its make install line.
args=$(sed -n '/^%install$/,/^%files/s/^.*make install \(.*\)$/\1/p' "$W/parsed" | tr ' ' '\n' \
       | grep -E '^[A-Z_]+=' | grep -vE '^(DESTDIR|INSTALL)=')
[ -n "$args" ] || fail "no make install line in %install"
D="$W/root"
# shellcheck disable=SC2086
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$CLINECFG_TOP" -o all -o clinecfg BUILD="$CLINECFG_BUILD" install DESTDIR="$D" $args >"$W/install.log" 2>&1 \
  || { cat "$W/install.log" >&2; fail "make install $args failed"; }
sed -n '/^%install$/,/^%files/s/^rm -f [^ ]*BUILDROOT\/[^/]*\(\/.*\)$/\1/p' "$W/parsed" | while read -r p; do rm -f "$D$p"; done
(cd "$D" && find . ! -type d | sed 's/^\.//' | sort) >"$W/installed"

# %files entries, globs expanded against that tree.
sed -n '/^%files$/,/^%changelog$/p' "$W/parsed" | sed -e '1d' -e '$d' -e '/^$/d' -e '/^%license /d' -e '/^%dir /d' -e 's/^%doc //' >"$W/files"
: >"$W/listed"
while read -r pat; do
  n=0
  for f in $D$pat; do [ -e "$f" ] && { echo "${f#"$D"}" >>"$W/listed"; n=$((n + 1)); }; done
  [ $n -gt 0 ] || fail "%files lists $pat, which make install does not produce"
done <"$W/files"
sort -u -o "$W/listed" "$W/listed"
if ! cmp -s "$W/installed" "$W/listed"; then
  diff "$W/installed" "$W/listed" >&2 || true
  fail "%files and make install disagree (< installed only, > listed only)"
fi
for need in /usr/bin/clinecfg /usr/share/man/man1/clinecfg.1 /usr/share/bash-completion/completions/clinecfg \
            /usr/share/zsh/site-functions/_clinecfg /usr/share/fish/vendor_completions.d/clinecfg.fish; do
  grep -qx "$need" "$W/listed" || fail "%files does not package $need"
done
echo "spec: parses, lint clean, %files = make install ($(wc -l <"$W/listed") files)"
