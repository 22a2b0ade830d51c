#!/usr/bin/env bash
# NULL and out-of-range arguments to every export: ours must not crash or leak (valgrind).
set -u
cd "$(dirname "$0")/../.."
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
gcc -O1 -g -Wall -Wno-nonnull -Wno-format -Iinclude -o "$T/null_safety" tests/c/null_safety.c -Lbuild -lrtmp -Wl,-rpath,"$PWD/build" || exit 1
"$T/null_safety" || exit 1
if command -v valgrind >/dev/null; then
  valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite "$T/null_safety" >/dev/null || { echo "FAIL: valgrind reports errors or leaks"; exit 1; }
  echo "null-safety under valgrind: clean"
fi
