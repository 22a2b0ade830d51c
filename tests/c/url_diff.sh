#!/usr/bin/env bash
# Differential test of URL parsing and options (RTMP_ParseURL, RTMP_ParsePlaypath, RTMP_SetupURL,
# RTMP_SetOpt, RTMP_SetupStream): tests/c/url_diff.c is built against Debian's librtmp and against
# librtmp-rs, and the two outputs must be identical except for the IPv6 literal of the vector file,
# which only librtmp-rs reads (host ::1 instead of "["). Both runs must also pass their own checks,
# and librtmp-rs must reproduce tests/data/url-parse-vectors.tsv (all lines but the IPv6 one).
#
# Environment:
#   OURS_CFLAGS       compiler flags for the librtmp-rs build (default: none, i.e. Debian's headers)
#   OURS_LIBS         what to link for librtmp-rs (default: `cargo build`, then the static library)
#   CARGO_TARGET_DIR  where cargo builds (default: target)
#   T                 work directory, kept afterwards (default: a temporary one, removed on success)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VECTORS=tests/data/url-parse-vectors.tsv
IPV6_URL='rtmp://[::1]:1935/app/stream'

if [ -z "${T:-}" ]; then
	T=$(mktemp -d)
	trap 'if [ "$status" = 0 ]; then rm -rf "$T"; else echo "url_diff: outputs kept in $T" >&2; fi' EXIT
fi
mkdir -p "$T"
status=1

fail() {
	echo "url_diff: FAIL: $*" >&2
	failures=$((failures + 1))
}
failures=0

gcc -O1 -Wall -o "$T/url_orig" tests/c/url_diff.c -lrtmp

if [ -z "${OURS_LIBS:-}" ]; then
	cargo build --quiet
	OURS_LIBS="${CARGO_TARGET_DIR:-target}/debug/librtmp.a -lssl -lcrypto -lgcc_s -lutil -lrt -lpthread -ldl -lm"
fi
# shellcheck disable=SC2086 # both variables hold several words
gcc -O1 -Wall ${OURS_CFLAGS:-} -o "$T/url_ours" tests/c/url_diff.c $OURS_LIBS

# Exit status 1 means "some check failed", which the comparison below reports in detail; anything
# else (a crash) is a failure by itself.
run() {
	local rc=0
	"$@" >"$out" 2>"$out.err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		fail "$(basename "$1") exited with status $rc (see $out.err)"
	fi
}
out=$T/orig.out run "$T/url_orig" "$VECTORS"
out=$T/ours.out run "$T/url_ours" "$VECTORS" --ours

# Each program's own checks.
for side in orig ours; do
	summary=$(tail -n 1 "$T/$side.out")
	if ! [[ "$summary" =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
		fail "$side: $summary"
		grep '^FAIL' "$T/$side.out" | head -20 >&2 || true
	fi
done

# The vector section against the vector file.
vector_section() { awk '/^== vectors$/ { on = 1; next } /^== / { on = 0 } on' "$1"; }
without_ipv6() { awk -F'\t' -v url="$IPV6_URL" '$1 != url' "$1"; }
ipv6_line() { awk -F'\t' -v url="$IPV6_URL" '$1 == url' "$1"; }

grep -v '^#' "$VECTORS" >"$T/vectors.expected"
vector_section "$T/orig.out" >"$T/vectors.orig"
vector_section "$T/ours.out" >"$T/vectors.ours"
count=$(wc -l <"$T/vectors.expected")
[ "$count" -eq 34 ] || fail "expected 34 vectors in $VECTORS, found $count"

# The original reproduces its own recording: the printing matches the file's format.
if ! diff "$T/vectors.expected" "$T/vectors.orig" >"$T/vectors.orig.diff"; then
	fail "Debian's librtmp does not reproduce $VECTORS:"
	head -20 "$T/vectors.orig.diff" >&2
fi

# librtmp-rs reproduces every vector but the IPv6 one ...
if ! diff <(without_ipv6 "$T/vectors.expected") <(without_ipv6 "$T/vectors.ours") >"$T/vectors.ours.diff"; then
	fail "librtmp-rs differs from $VECTORS:"
	head -20 "$T/vectors.ours.diff" >&2
fi
[ "$(without_ipv6 "$T/vectors.ours" | wc -l)" -eq 33 ] || fail "librtmp-rs printed $(wc -l <"$T/vectors.ours") vector lines"

# ... where it reads the bracketed literal: host ::1 and port 1935 in both the RTMP_ParseURL and
# the RTMP_SetupURL part, everything else as recorded.
ours_ipv6=$(ipv6_line "$T/vectors.ours")
want_ipv6=$(ipv6_line "$T/vectors.expected" |
	sed -e 's/host="\[" port=0\t/host="::1" port=1935\t/' -e 's/host="\[" port=1935\t/host="::1" port=1935\t/')
if [ "$ours_ipv6" != "$want_ipv6" ]; then
	fail "IPv6 line of librtmp-rs:"
	printf '  want %s\n  got  %s\n' "$want_ipv6" "$ours_ipv6" >&2
fi
[ "$(grep -o 'host="::1" port=1935' <<<"$ours_ipv6" | wc -l)" -eq 2 ] ||
	fail "IPv6 line of librtmp-rs does not show host \"::1\" port 1935 in both parts"
[ "$(grep -o 'host="\[" port=' <<<"$(ipv6_line "$T/vectors.orig")" | wc -l)" -eq 2 ] ||
	fail "IPv6 line of Debian's librtmp is not the recorded one"

# Everything else the two print is identical (the summaries differ: librtmp-rs runs more checks).
if ! diff <(without_ipv6 "$T/orig.out" | sed '$d') <(without_ipv6 "$T/ours.out" | sed '$d') >"$T/all.diff"; then
	fail "outputs differ ($(grep -c '^[<>]' "$T/all.diff") lines; < Debian, > librtmp-rs):"
	head -40 "$T/all.diff" >&2
fi

lines=$(wc -l <"$T/ours.out")
if [ "$failures" -eq 0 ]; then
	status=0
	echo "url_diff: OK: $lines lines identical but the IPv6 one; Debian $(tail -n 1 "$T/orig.out"), librtmp-rs $(tail -n 1 "$T/ours.out")"
else
	echo "url_diff: $failures failure(s)" >&2
fi
exit "$status"
