#!/usr/bin/env bash
# Runs tests/c/copyreloc.c as a non-PIE executable on ours (and on Debian's original as a control),
# after checking that the executable really carries copy relocations for the data objects.
set -u
cd "$(dirname "$0")/../.."
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
gcc -O1 -no-pie -fno-pic -Iinclude -o "$T/ours" tests/c/copyreloc.c -Lbuild -lrtmp -Wl,-rpath,"$PWD/build" || exit 1
n=$(readelf -rW "$T/ours" | grep -cE 'R_(X86_64|386|AARCH64|ARM)_COPY.*(RTMP_debuglevel|RTMP_ctrlC|RTMP_DefaultFlashVer|RTMPProtocolStringsLower)')
[ "$n" = 4 ] || { echo "FAIL: expected 4 copy relocations in the test executable, found $n"; fail=1; }
"$T/ours" || fail=1
if [ -f /usr/include/librtmp/rtmp.h ]; then
  gcc -O1 -no-pie -fno-pic -o "$T/orig" tests/c/copyreloc.c -lrtmp && "$T/orig" | sed 's/^/original (control): /' || fail=1
fi
exit $fail
