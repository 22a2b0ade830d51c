#!/usr/bin/env bash
# make install / uninstall under a DESTDIR, and the pkg-config contract FFmpeg's configure relies on
# (`require_pkg_config librtmp librtmp librtmp/rtmp.h RTMP_Socket`): the package exists, a program
# including <librtmp/rtmp.h> and calling RTMP_Socket compiles and links with its flags, against
# the shared library and, with --static, against librtmp.a alone.
set -u
# shellcheck source=tests/common.sh
source "$(dirname "$0")/../common.sh"
cd "$(dirname "$0")/../.."
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()  { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }

make -s install prefix=/usr/local DESTDIR="$T/root" >"$T/install.log" 2>&1 || { cat "$T/install.log"; bad "make install"; }
L=$T/root/usr/local/lib
for f in librtmp.a librtmp.so.1 pkgconfig/librtmp.pc ../include/librtmp/rtmp.h ../include/librtmp/amf.h ../include/librtmp/log.h ../include/librtmp/http.h; do
  [ -f "$L/$f" ] && ok || bad "make install did not install $f"
done
[ -L "$L/librtmp.so" ] && [ "$(readlink "$L/librtmp.so")" = librtmp.so.1 ] && ok || bad "librtmp.so is not a symlink to librtmp.so.1"

export PKG_CONFIG_PATH=$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$T/root
pkg-config --exists librtmp && ok || bad "pkg-config --exists librtmp"
[ "$(pkg-config --modversion librtmp)" = v2.4 ] && ok || bad "version is $(pkg-config --modversion librtmp), not v2.4"
cat > "$T/check.c" <<'C'
#include <librtmp/rtmp.h>
int main(void) { RTMP r; RTMP_Init(&r); return RTMP_Socket(&r) == -1 && RTMP_LibVersion() == 0x020300 ? 0 : 1; }
C
# shared
if gcc -Wall -o "$T/shared" "$T/check.c" $(pkg-config --cflags --libs librtmp) 2>"$T/cc.log"; then
  LD_LIBRARY_PATH=$L "$T/shared" && ok || bad "the shared-linked program failed"
  LD_LIBRARY_PATH=$L ldd "$T/shared" | grep -q "$L/librtmp.so.1" && ok || bad "the program did not load the installed librtmp.so.1"
else cat "$T/cc.log"; bad "compiling and linking with pkg-config --cflags --libs librtmp"; fi
# static: only the archive in the library directory, as a static-only install has it
mkdir -p "$T/static/lib/pkgconfig"
cp "$L/librtmp.a" "$T/static/lib/"
sed "s#^libdir=.*#libdir=$T/static/lib#" "$L/pkgconfig/librtmp.pc" >"$T/static/lib/pkgconfig/librtmp.pc"
export PKG_CONFIG_PATH=$T/static/lib/pkgconfig
unset PKG_CONFIG_SYSROOT_DIR
if gcc -Wall -I"$T/root/usr/local/include" -o "$T/check-static" "$T/check.c" $(pkg-config --static --libs librtmp) 2>"$T/cc.log"; then
  "$T/check-static" && ok || bad "the statically linked program failed"
  ldd "$T/check-static" | grep -q librtmp && bad "the static program still loads a librtmp.so" || ok
else cat "$T/cc.log"; bad "linking with pkg-config --static --libs librtmp: $(pkg-config --static --libs librtmp)"; fi

make -s uninstall prefix=/usr/local DESTDIR="$T/root" >/dev/null 2>&1 || bad "make uninstall"
left=$(find "$T/root" -type f -o -type l | wc -l)
[ "$left" = 0 ] && ok || bad "make uninstall left $left files: $(find "$T/root" -type f -o -type l | head -3)"

echo "install: $pass passed, $fail failed"
tally install "$pass" 0 "$fail"
[ $fail = 0 ]
