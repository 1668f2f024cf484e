#!/bin/sh
# version-check.sh [TOP] - VERSION is the one source of truth for the version
# (the Makefile turns it into version.h).  The man page, the Debian changelog,
# the RPM spec and the Homebrew formula carry it too; this script fails,
# naming each file that disagrees, so `make deb`, `make rpm` and the tests
# catch a version bump that missed one of them.
set -eu
top=${1:-$(dirname "$0")/..}
want=$(cat "$top/VERSION")
bad=0
check() { # file what found
  if [ "$3" != "$want" ]; then
    echo "version-check: $1: $2 is '$3', VERSION says '$want'" >&2
    bad=1
  fi
}
check packaging/clinecfg.1 ".TH version" \
  "$(sed -n 's/^\.TH CLINECFG 1 [^ ]* "clinecfg \([^"]*\)".*/\1/p' "$top/packaging/clinecfg.1")"
check packaging/debian/changelog "top entry" \
  "$(sed -n '1s/^clinecfg (\([^)-]*\)\(-[^)]*\)\{0,1\}).*/\1/p' "$top/packaging/debian/changelog")"
check packaging/rpm/clinecfg.spec "Version:" \
  "$(sed -n 's/^Version:[[:space:]]*//p' "$top/packaging/rpm/clinecfg.spec")"
check packaging/rpm/clinecfg.spec "top %changelog entry" \
  "$(sed -n '/^%changelog/,$s/^\* .* - \([^-]*\)-[^-]*$/\1/p' "$top/packaging/rpm/clinecfg.spec" | head -n 1)"
check packaging/homebrew/clinecfg.rb "url version" \
  "$(sed -n 's/^[[:space:]]*url "[^"]*clinecfg-\([0-9][^"]*\)\.tar\.gz".*/\1/p' "$top/packaging/homebrew/clinecfg.rb")"
[ $bad = 0 ] && echo "version-check: $want everywhere"
exit $bad
