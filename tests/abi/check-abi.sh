#!/usr/bin/env bash
# Compile-time proof that include/librtmp/ is the original's ABI: layouts on x86_64, i386, aarch64,
# armhf, win64 and win32 (with and without NO_CRYPTO), every constant and enum value, every prototype the
# original's headers declare and every export, C++ inclusion, and -Wall cleanliness. Each check also runs against Debian's /usr/include/librtmp
# as a control, so a wrong reference table cannot pass silently; without Debian's headers that is
# a failure, not a quieter pass.
set -u
# shellcheck source=tests/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
cd "$REPO" || exit 1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
GEN="python3 tests/abi/gen_checks.py"
pass=0; fail=0
check() { # name, command...
  local name=$1; shift
  if "$@" >"$T/out" 2>&1; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $name"; head -20 "$T/out"; fi
}
have_ref=1
if [ ! -f /usr/include/librtmp/rtmp.h ]; then
  have_ref=0; fail=$((fail+1))
  echo "FAIL: setup: Debian's librtmp-dev is not installed (scripts/install-deps.sh installs it); no check has its control"
fi

# Windows (mingw-w64): the original's headers from Debian's package are the control there too,
# copied alone into an include directory (the compiler has its own system headers).
if [ $have_ref = 1 ]; then mkdir -p "$T/orig/librtmp" && cp /usr/include/librtmp/*.h "$T/orig/librtmp/"; fi
for pair in x86_64:gcc i386:i686-linux-gnu-gcc aarch64:aarch64-linux-gnu-gcc armhf:arm-linux-gnueabihf-gcc \
            win64:x86_64-w64-mingw32-gcc win32:i686-w64-mingw32-gcc; do
  arch=${pair%%:*}; cc=${pair##*:}
  if ! command -v "$cc" >/dev/null; then echo "FAIL: $cc not installed (scripts/install-deps.sh installs it)"; fail=$((fail+1)); continue; fi
  $GEN layout "$arch" > "$T/layout_$arch.c"
  ref=/usr/include; case $arch in win*) ref=$T/orig ;; esac
  for def in "" -DNO_CRYPTO; do
    check "layout $arch ${def:-CRYPTO} (ours)" "$cc" -std=gnu11 -fsyntax-only -Werror $def -Iinclude "$T/layout_$arch.c"
    [ $have_ref = 1 ] && check "layout $arch ${def:-CRYPTO} (Debian, control)" "$cc" -std=gnu11 -fsyntax-only $def -I"$ref" "$T/layout_$arch.c"
  done
done
# The tables measure: win64's compiled for win32 must fail (a double is 8-aligned there, pointers 4 bytes).
check "layout win64 compiled for win32 fails (the tables measure)" \
  bash -c "! i686-w64-mingw32-gcc -std=gnu11 -fsyntax-only -Iinclude '$T/layout_win64.c' 2>/dev/null"

$GEN constants > "$T/constants.c"
$GEN prototypes > "$T/prototypes.c"
for f in constants prototypes; do
  check "$f (ours)" gcc -std=gnu11 -fsyntax-only -Wall -Wextra -Werror -Iinclude "$T/$f.c"
  [ $have_ref = 1 ] && check "$f (Debian, control)" gcc -std=gnu11 -fsyntax-only -I/usr/include "$T/$f.c"
done

# C++: the headers wrap their declarations in extern "C", so a C++ program links to the C symbols.
cat > "$T/cxx.cc" <<'CXX'
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include <librtmp/http.h>
static void cb(int, const char *, va_list) {}
int main() {
  RTMP *r = RTMP_Alloc(); RTMP_Init(r);
  AMFDataType t = AMF_NUMBER; RTMP_LogLevel l = RTMP_LOGDEBUG; HTTPResult h = HTTPRES_OK;
  RTMP_LogSetCallback(cb); RTMP_LogSetLevel(l);
  char x[] = "x"; AVal a = AVC(x); (void)a; (void)t; (void)h;
  RTMP_Close(r); RTMP_Free(r);
  return RTMP_LibVersion() == RTMP_LIB_VERSION ? 0 : 1;
}
CXX
check "C++ compile (ours)" g++ -Wall -Wextra -Werror -c -Iinclude "$T/cxx.cc" -o "$T/cxx.o"
check "C++ link against $OURS_DIR (ours)" g++ "$T/cxx.o" -L"$OURS_DIR" -lrtmp -Wl,-rpath,"$OURS_DIR" -o "$T/cxx"
check "C++ run (ours)" on_lib ours "$T/trace" "$T/cxx"
check "C++ run loaded $OURS_LIBRTMP" loaded ours "$T/trace"
check "C99 -pedantic compile (ours)" gcc -std=c99 -pedantic -Wall -Werror -fsyntax-only -Iinclude -x c - <<'C'
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include <librtmp/http.h>
int main(void) { return 0; }
C

tally abi $pass 0 $fail
echo "abi: $pass passed, $fail failed"
[ $fail = 0 ]
