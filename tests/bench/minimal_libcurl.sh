#!/bin/sh
# minimal_libcurl.sh - builds an HTTP(S)-only libcurl (OpenSSL, no LDAP,
# RTMP, SSH, Kerberos, IDN, PSL, brotli, zstd, HTTP/2) from Debian's own
# curl 7.88.1 source into $BUILD/libcurl-minimal, for
#   BENCH_LIBCURL_DIR=$BUILD/libcurl-minimal/lib make bench
# It is a measuring aid only: clinecfg itself always uses the system's
# libcurl.  The source is fetched from deb.debian.org and checked against
# the SHA-256 that Debian's Sources index lists for it.
set -eu
TOP=${CLINECFG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${CLINECFG_BUILD:-$TOP/build}
OUT="$BUILD/libcurl-minimal"
TARBALL=curl_7.88.1.orig.tar.gz
SHA256=cdb38b72e36bc5d33d5b8810f8018ece1baa29a8f215b4495e495ded82bbf3c7
URL=http://deb.debian.org/debian/pool/main/c/curl/$TARBALL
if [ -f "$OUT/lib/libcurl.so.4" ]; then echo "minimal_libcurl: $OUT/lib/libcurl.so.4 is built"; exit 0; fi
mkdir -p "$OUT/src"
cd "$OUT/src"
[ -f "$TARBALL" ] || curl -fsSL -o "$TARBALL" "$URL"
echo "$SHA256  $TARBALL" | sha256sum -c --quiet - || { echo "minimal_libcurl: $TARBALL does not match its SHA-256; removed"; rm -f "$TARBALL"; exit 1; }
rm -rf curl-7.88.1 && tar xzf "$TARBALL"
cd curl-7.88.1
./configure --prefix="$OUT" --with-openssl --enable-shared --disable-static \
  --disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 \
  --disable-imap --disable-smb --disable-smtp --disable-gopher --disable-mqtt --disable-ftp --disable-file \
  --disable-manual --disable-ntlm --disable-alt-svc --disable-hsts --disable-cookies \
  --without-libpsl --without-brotli --without-zstd --without-libidn2 --without-nghttp2 --without-librtmp \
  --without-libssh2 --without-libgsasl --without-zlib >"$OUT/configure.log" 2>&1 ||
  { tail -20 "$OUT/configure.log"; exit 1; }
make -j"$(nproc 2>/dev/null || echo 2)" >"$OUT/make.log" 2>&1 && make install >>"$OUT/make.log" 2>&1 ||
  { tail -20 "$OUT/make.log"; exit 1; }
echo "minimal_libcurl: built $OUT/lib/libcurl.so.4; its dependencies:"
ldd "$OUT/lib/libcurl.so.4"
