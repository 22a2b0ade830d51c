#!/usr/bin/env bash
# The dynamic symbol table of a librtmp.so.1 ($1, default the library under test, build/) against
# the original: exactly the 116 names of librtmp.sym (= tests/data/symbols.tsv = Debian's
# librtmp.so.1, which must be installed), no symbol versioning, the right SONAME, and data objects
# of the original's sizes and kinds.
set -u
# shellcheck source=tests/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
SO=${1:-$OURS_LIBRTMP}
case $SO in /*) ;; *) SO=$PWD/$SO ;; esac
# check-nocrypto runs this on build/nocrypto too; its counts must not overwrite the main run's.
suite=symbols; [ "$(dirname "$SO")" = "$OURS_DIR" ] || suite=symbols-$(basename "$(dirname "$SO")")
cd "$REPO" || exit 1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()  { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }

nm -D --defined-only "$SO" | awk '{print $3}' | sort > "$T/ours"
sort librtmp.sym > "$T/list"
awk -F'\t' '!/^#/ && $3!="-" {print $1}' tests/data/symbols.tsv | sort > "$T/reference"
if diff -u "$T/reference" "$T/ours" > "$T/d1"; then ok; else bad "exports differ from tests/data/symbols.tsv"; cat "$T/d1"; fi
if diff -u "$T/list" "$T/ours" > "$T/d2"; then ok; else bad "exports differ from librtmp.sym"; cat "$T/d2"; fi
[ "$(wc -l < "$T/ours")" = 116 ] && ok || bad "expected 116 exports, found $(wc -l < "$T/ours")"
# The table is only a copy of what Debian's library exports; without that library the comparison
# that would catch a stale table cannot run, which must not read as a pass.
DEB=/usr/lib/$(gcc -print-multiarch)/librtmp.so.1
if [ -f "$DEB" ]; then
  nm -D --defined-only "$DEB" | awk '{print $3}' | sort > "$T/debian"
  if diff -u "$T/debian" "$T/ours" > "$T/d3"; then ok; else bad "exports differ from Debian's $DEB"; cat "$T/d3"; fi
else
  bad "setup: Debian's librtmp1 is not installed (scripts/install-deps.sh installs it): no $DEB to compare with"
fi
readelf -d "$SO" | grep -q 'SONAME.*\[librtmp.so.1\]' && ok || bad "SONAME is not librtmp.so.1"
readelf -S "$SO" | grep -q '\.gnu\.version_d' && bad "the library defines symbol versions (the original has none)" || ok
D=$(dirname "$SO"); [ -L "$D/librtmp.so" ] && [ "$(readlink "$D/librtmp.so")" = librtmp.so.1 ] && ok || bad "$D/librtmp.so is not a symlink to librtmp.so.1"
[ -f "$SO" ] && [ ! -L "$SO" ] && ok || bad "$SO is not a real file"

# Data objects: kind (STT_OBJECT) and size as in the original (x86_64 sizes from the table).
if [ "$(uname -m)" = x86_64 ]; then
  while IFS=$'\t' read -r name kind section size _; do
    got=$(readelf -W --dyn-syms "$SO" | awk -v n="$name" '$8==n {print $4, $3; exit}')
    [ "$got" = "OBJECT $size" ] && ok || bad "$name: expected OBJECT of $size bytes, found '$got'"
  done < <(awk -F'\t' '!/^#/ && $2=="data"' tests/data/symbols.tsv)
fi
# Every function export is a FUNC; no Rust-mangled or internal names leak.
nfunc=$(readelf -W --dyn-syms "$SO" | awk '$7!="UND" && $4=="FUNC" && $5=="GLOBAL"' | wc -l)
[ "$nfunc" = 110 ] && ok || bad "expected 110 exported functions, found $nfunc"
grep -q '^_ZN\|^_R' "$T/ours" && bad "Rust-mangled symbols exported" || ok

tally $suite $pass 0 $fail
echo "symbols: $pass passed, $fail failed ($SO)"
[ $fail = 0 ]
