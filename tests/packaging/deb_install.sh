#!/bin/sh
# deb_install.sh - builds the .deb, installs it with dpkg on this machine and
# checks the installed files: /usr/bin/clinecfg --version, `man clinecfg`,
# bash completion loaded through /usr/share/bash-completion, and a real
# `login` + `setup -y` against the loopback AWS emulator in a throwaway HOME
# whose ~/.aws/config names /usr/bin/clinecfg.  Then it purges the package
# and checks that every path it installed is gone and nothing with
# "clinecfg" in its name is left under /usr, /etc or /var/lib.
#
# Needs root (CI runs it as root) and a Debian system; exits 77 otherwise.
# It leaves the machine as it found it: the package is purged on every exit
# path, and it refuses to run when clinecfg is already installed (by dpkg or
# by `make install PREFIX=/usr`), since it would replace that copy.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
export CLINECFG_TOP="$TOP" CLINECFG_BIN=/usr/bin/clinecfg
. "$TOP/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip "deb_install needs root (dpkg -i); CI runs it as root"
command -v dpkg-buildpackage >/dev/null 2>&1 || skip "dpkg-buildpackage is missing (apt-get install dpkg-dev debhelper)"
if dpkg-query -W -f='${Status}' clinecfg 2>/dev/null | grep -q 'installed'; then
  skip "the clinecfg package is already installed; not replacing it"
fi
[ ! -e /usr/bin/clinecfg ] || skip "/usr/bin/clinecfg exists (not from this test); not replacing it"
[ ! -e /etc/clinecfg ] || skip "/etc/clinecfg exists; the test checks that the package never creates it"

VERSION=$(cat VERSION)
ARCH=$(dpkg --print-architecture)
DEB="$TOP/clinecfg_${VERSION}_${ARCH}.deb"
WORK=$(t_tmpdir)

# Paths named like the package before the test, to compare after the purge.
leftovers() { find /usr /etc /var/lib -xdev -name '*clinecfg*' 2>/dev/null | sort; }
leftovers >"$WORK/before"

INSTALLED=0
deb_cleanup() {
  if [ "$INSTALLED" = 1 ]; then dpkg --purge clinecfg >/dev/null 2>&1 || true; fi
  t_cleanup
}
trap 'deb_cleanup' EXIT
trap 'deb_cleanup; exit 1' INT TERM

note "make deb"
start=$(date +%s)
DEB_BUILD_OPTIONS="parallel=$(nproc 2>/dev/null || echo 1)" make deb >"$WORK/make-deb.log" 2>&1 || { tail -n 40 "$WORK/make-deb.log" >&2; fail "make deb failed"; }
[ -f "$DEB" ] || fail "make deb did not produce $DEB"
note "built $(basename "$DEB") in $(( $(date +%s) - start )) s"

# Depends: the libraries the binary links (shlibs), and libcurl and libsecret,
# which it dlopens.
depends=$(dpkg-deb -f "$DEB" Depends)
for lib in libc6 libcurl4 libssl3 libcjson1 libsecret-1-0; do
  echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib: $depends"
done
dpkg-deb -c "$DEB" | grep -q '/etc/' && fail "the package ships a file under /etc (org config must stay the organisation's)"

# make deb ran lintian --pedantic --fail-on error,warning (it fails otherwise).
if command -v lintian >/dev/null 2>&1; then
  grep -q '^if command -v lintian' "$WORK/make-deb.log" || fail "make deb did not run lintian"
  note "lintian: clean"
else
  note "lintian is not installed: the package was not linted"
fi

note "dpkg -i"
INSTALLED=1
# Minimal container images exclude man pages and docs (path-exclude in
# /etc/dpkg/dpkg.cfg.d); include ours so the man page check means something.
dpkg -i --path-include='/usr/share/man/man1/clinecfg.1.gz' --path-include='/usr/share/doc/clinecfg/*' \
  "$DEB" >"$WORK/dpkg-i.log" 2>&1 || { cat "$WORK/dpkg-i.log" >&2; fail "dpkg -i failed"; }
dpkg -L clinecfg >"$WORK/files"
[ ! -e /etc/clinecfg ] || fail "installing the package created /etc/clinecfg"
for f in /usr/bin/clinecfg /usr/share/man/man1/clinecfg.1.gz /usr/share/bash-completion/completions/clinecfg \
         /usr/share/zsh/vendor-completions/_clinecfg /usr/share/fish/vendor_completions.d/clinecfg.fish \
         /usr/share/doc/clinecfg/config.example.json /usr/share/doc/clinecfg/copyright; do
  grep -qx "$f" "$WORK/files" || fail "the package does not install $f"
  [ -f "$f" ] || fail "$f is listed but not on disk"
done

# 1. The installed binary.
got=$(/usr/bin/clinecfg --version)
echo "$got" | grep -qF "$VERSION" || fail "/usr/bin/clinecfg --version printed '$got', VERSION is $VERSION"

# 2. man clinecfg, through man-db's own lookup.
[ "$(man -w clinecfg)" = /usr/share/man/man1/clinecfg.1.gz ] || fail "man -w clinecfg: $(man -w clinecfg 2>&1)"
MANPAGER=cat MANWIDTH=80 LC_ALL=C.UTF-8 man clinecfg >"$WORK/man.txt" 2>"$WORK/man.err" || { cat "$WORK/man.err" >&2; fail "man clinecfg failed"; }
for text in "NAME" "EXIT STATUS" "credential-process" "CLINECFG_ORG_CONFIG" "/etc/clinecfg/config.json" "EXAMPLES"; do
  assert_contains "$WORK/man.txt" "$text"
done
MANPAGER=cat MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings clinecfg >/dev/null 2>"$WORK/man.warn" || true
[ ! -s "$WORK/man.warn" ] || { cat "$WORK/man.warn" >&2; fail "man --warnings clinecfg printed warnings"; }

# 3. bash completion, loaded on demand by bash-completion from its own folder.
if [ -f /usr/share/bash-completion/bash_completion ]; then
  bash --norc --noprofile -c '
    . /usr/share/bash-completion/bash_completion
    complete -p clinecfg >/dev/null 2>&1 && { echo "clinecfg completion was loaded before asking" >&2; exit 1; }
    _completion_loader clinecfg
    complete -p clinecfg
    comp() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
             COMPREPLY=(); _clinecfg clinecfg "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
             printf "%s\n" "${COMPREPLY[*]}"; }
    comp clinecfg se
    comp clinecfg setup --targets ""
    comp clinecfg setup --targets cline-cli,aw
  ' >"$WORK/bash.txt" 2>"$WORK/bash.err" || { cat "$WORK/bash.err" "$WORK/bash.txt" >&2; fail "bash completion did not load"; }
  sed -n 1p "$WORK/bash.txt" | grep -q '^complete -F _clinecfg clinecfg$' || fail "complete -p clinecfg: $(cat "$WORK/bash.txt")"
  [ "$(sed -n 2p "$WORK/bash.txt")" = "setup" ] || fail "completing 'clinecfg se': $(sed -n 2p "$WORK/bash.txt")"
  [ "$(sed -n 3p "$WORK/bash.txt")" = "cline-extension cline-cli aws-config" ] || fail "completing --targets: $(sed -n 3p "$WORK/bash.txt")"
  [ "$(sed -n 4p "$WORK/bash.txt")" = "cline-cli,aws-config" ] || fail "completing --targets cline-cli,aw: $(sed -n 4p "$WORK/bash.txt")"
else
  note "bash-completion is not installed: completion loading not checked"
fi

# zsh and fish find the installed completions on their default paths.
if command -v fish >/dev/null 2>&1; then
  got=$(HOME=$WORK XDG_CONFIG_HOME=$WORK/.config fish -c 'complete -C"clinecfg setup --tar"' | cut -f1)
  [ "$got" = "--targets" ] || fail "fish did not load /usr/share/fish/vendor_completions.d/clinecfg.fish: '$got'"
fi
if command -v zsh >/dev/null 2>&1 && zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
  got=$(HOME=$WORK zsh -f "$TOP/tests/packaging/zsh_complete.zsh" /usr/share/zsh/vendor-completions 'clinecfg setup --targets=' | tr '\n' ' ')
  [ "$got" = "aws-config cline-cli cline-extension " ] || fail "zsh did not complete --targets from the installed _clinecfg: '$got'"
fi

# 4. The installed binary against the emulator, in a throwaway HOME.
t_home
fake_aws_start
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
expect_rc 0 -y login --from-env --region ap-northeast-1
expect_rc 0 -y --json setup --team teamA --model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1
json_ok '.ok == true and (.profile.arn | startswith("arn:aws:bedrock:ap-northeast-1:"))'
cp_line=$(grep '^credential_process *=' "$HOME/.aws/config") || fail "no credential_process line in ~/.aws/config"
case "$cp_line" in
  *"= /usr/bin/clinecfg credential-process"*) ;;
  *) fail "credential_process does not name /usr/bin/clinecfg: $cp_line" ;;
esac
# Run that line the way the AWS SDK does (through a shell), without the
# environment keys, so the credentials come from the keyring via the package.
cmd=${cp_line#*=}
creds=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY sh -c "$cmd") || fail "credential_process command failed: $cmd"
printf '%s\n' "$creds" | jq -e '.Version == 1 and (.AccessKeyId | length > 0) and (.SecretAccessKey | length > 0)' >/dev/null \
  || fail "credential_process did not print Version 1 credentials"
expect_rc 0 status --json
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

# 5. Purge, then every installed path must be gone (folders shared with
#    other packages stay) and nothing named clinecfg is left behind.
note "dpkg -r, dpkg --purge"
dpkg -r clinecfg >"$WORK/dpkg-r.log" 2>&1 || { cat "$WORK/dpkg-r.log" >&2; fail "dpkg -r failed"; }
dpkg --purge clinecfg >"$WORK/dpkg-purge.log" 2>&1 || { cat "$WORK/dpkg-purge.log" >&2; fail "dpkg --purge failed"; }
INSTALLED=0
dpkg-query -W clinecfg >/dev/null 2>&1 && fail "dpkg still knows the clinecfg package after purge"
while IFS= read -r path; do
  [ "$path" = "/." ] && continue
  if [ -d "$path" ] && [ ! -L "$path" ]; then
    # A folder may stay only when another package owns it or it holds other files.
    if [ -z "$(ls -A "$path")" ] && ! dpkg -S "$path" >/dev/null 2>&1; then
      fail "empty folder left after purge: $path"
    fi
  elif [ -e "$path" ] || [ -L "$path" ]; then
    fail "left after purge: $path"
  fi
done <"$WORK/files"
leftovers >"$WORK/after"
if ! cmp -s "$WORK/before" "$WORK/after"; then
  diff "$WORK/before" "$WORK/after" >&2 || true
  fail "paths named clinecfg changed between before install and after purge"
fi
[ ! -e /etc/clinecfg ] || fail "/etc/clinecfg exists after purge"
echo "deb_install: $(basename "$DEB") installed, checked and purged"
