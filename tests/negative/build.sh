#!/usr/bin/env bash
# build.sh DIR: the useless librtmp.so.1 (tests/negative/useless.py) in DIR, with librtmp.so
# beside it, exporting exactly the original's 116 names under the soname librtmp.so.1.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
D=$1
mkdir -p "$D"
python3 "$REPO/tests/negative/useless.py" "$REPO/tests/data/symbols.tsv" >"$D/useless.c"
{ echo '{'; echo '  global:'; sed 's/.*/    &;/' "$REPO/librtmp.sym"; echo '  local: *;'; echo '};'; } >"$D/useless.map"
gcc -O1 -g -Wall -Werror -shared -fPIC -I"$REPO/include" -o "$D/librtmp.so.1" "$D/useless.c" \
  -Wl,-soname,librtmp.so.1 -Wl,--version-script="$D/useless.map"
ln -sf librtmp.so.1 "$D/librtmp.so"
n=$(nm -D --defined-only "$D/librtmp.so.1" | awk '{print $3}' | sort | comm -3 - <(sort "$REPO/librtmp.sym") | wc -l)
[ "$n" = 0 ] || { echo "build.sh: the useless library's exports differ from librtmp.sym" >&2; exit 1; }
