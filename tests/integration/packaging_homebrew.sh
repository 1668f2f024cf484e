#!/bin/sh
# packaging_homebrew.sh - packaging/homebrew/clinecfg.rb passes `ruby -c`
# and has what the formula must have: pkgconf (build), cjson, openssl@3,
# curl from macOS, libsecret on Linux only, the man page and the three
# completions installed from files that exist, and a `test do` block running
# --version and status --json in a temporary HOME.  Not tried with brew on
# macOS: this machine has neither.
. "$CLINECFG_TOP/tests/lib.sh"
F="$CLINECFG_TOP/packaging/homebrew/clinecfg.rb"
[ -f "$F" ] || fail "packaging/homebrew/clinecfg.rb is missing"

need() { grep -qE -- "$1" "$F" || fail "formula lacks: $2"; }
need '^class Clinecfg < Formula$' "class Clinecfg < Formula"
need '^ *depends_on "pkgconf" => :build$' 'depends_on "pkgconf" => :build'
need '^ *depends_on "cjson"$' 'depends_on "cjson"'
need '^ *depends_on "openssl@3"$' 'depends_on "openssl@3"'
need '^ *uses_from_macos "curl"$' 'uses_from_macos "curl"'
need '^ *license "MIT"$' 'license "MIT"'
# libsecret only inside on_linux.
awk '/^ *on_linux do$/ { inl = 1; next } inl && /^ *end$/ { inl = 0 }
     /depends_on "libsecret"/ { if (inl) ok = 1; else bad = 1 }
     END { exit !(ok && !bad) }' "$F" || fail 'libsecret must be a dependency inside on_linux do ... end only'
for inst in 'man1.install "packaging/clinecfg.1"' \
            'bash_completion.install "packaging/completions/clinecfg.bash" => "clinecfg"' \
            'zsh_completion.install "packaging/completions/_clinecfg"' \
            'fish_completion.install "packaging/completions/clinecfg.fish"'; do
  grep -qF -- "$inst" "$F" || fail "formula does not $inst"
done
# Every file the formula installs from the tree exists.
for p in $(grep -oE '"packaging/[^"]+"' "$F" | tr -d '"' | sort -u); do
  [ -f "$CLINECFG_TOP/$p" ] || fail "formula installs $p, which does not exist"
done
tb=$(sed -n '/^ *test do$/,/^  end$/p' "$F")
echo "$tb" | grep -qF 'clinecfg --version' || fail "test do does not run clinecfg --version"
echo "$tb" | grep -qF 'status --json' || fail "test do does not run status --json"
echo "$tb" | grep -qF 'ENV["HOME"] = testpath' || fail "test do does not use a temporary HOME"

command -v ruby >/dev/null 2>&1 || skip "ruby is not installed (apt-get install ruby): static checks passed, ruby -c not run"
ruby -c "$F" >/dev/null || fail "ruby -c rejects the formula"
echo "formula: ruby -c OK and all required parts present (not tried with brew on macOS)"
