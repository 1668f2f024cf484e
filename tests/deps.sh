#!/bin/sh
# deps.sh - installs the Debian/Ubuntu packages clinecfg needs to build and
# test.  With --if-missing it does nothing when everything is present.
set -eu
PKGS="build-essential pkgconf libcurl4-openssl-dev libssl-dev libcjson-dev libsecret-1-dev
libcmocka-dev clang libclang-rt-14-dev valgrind strace jq python3 gnome-keyring dbus
libsecret-tools nodejs npm iproute2 util-linux debhelper lintian rpm rpmlint scdoc mandoc
groff-base man-db fish zsh bash-completion hyperfine ruby time curl libexpat1-dev
universal-ctags chromium"

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# node/npm may come from outside Debian (nodesource, nvm): accept any working one.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
fi
missing=$(echo $missing)
if [ -z "$missing" ]; then
  [ "${1:-}" = "--if-missing" ] || echo "deps: everything is installed"
  exit 0
fi
echo "deps: installing:$missing" | sed 's/:/: /'
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
