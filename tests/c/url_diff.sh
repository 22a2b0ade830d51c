#!/usr/bin/env bash
# Differential test of URL parsing and options (RTMP_ParseURL, RTMP_ParsePlaypath, RTMP_SetupURL,
# RTMP_SetOpt, RTMP_SetupStream): tests/c/url_diff.c is built against Debian's librtmp and against
# librtmp-rs, and the two outputs must be identical except for the IPv6 literal of the vector file,
# which only librtmp-rs reads (host ::1 instead of "["). Both runs must also pass their own checks,
# and librtmp-rs must reproduce tests/data/url-parse-vectors.tsv (all lines but the IPv6 one).
#
# librtmp-rs is the library under test: OURS_DIR (default build/; see tests/common.sh). Each side
# runs with only its own library reachable and ld.so's trace proves which one it loaded: with the
# caller's LD_LIBRARY_PATH the "Debian" side ran on librtmp-rs and no longer tested the recording.
# The counts have floors so that a side cut short cannot pass. The tally (url-diff) counts this script's checks; a
# failure anywhere adds one.
#
# Environment: T, the work directory, kept afterwards (default: a temporary one, removed on
# success).
set -uo pipefail
# shellcheck source=tests/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
cd "$REPO" || exit 1
VECTORS=tests/data/url-parse-vectors.tsv
IPV6_URL='rtmp://[::1]:1935/app/stream'
# Floors, a little under today's figures: 34 vectors, 390 output lines, 1030 checks passed on
# Debian's library and 1170 on librtmp-rs.
MIN_VECTORS=32
MIN_LINES=370
MIN_CHECKS_ORIG=1000
MIN_CHECKS_OURS=1130

if [ -z "${T:-}" ]; then
	T=$(mktemp -d)
	trap 'if [ "$status" = 0 ]; then rm -rf "$T"; else echo "url_diff: outputs kept in $T" >&2; fi' EXIT
fi
mkdir -p "$T"
status=1
# a reused T must not hold another run's traces
rm -rf "$T/ld" && mkdir "$T/ld"

passes=0 failures=0
pass() { passes=$((passes + 1)); }
fail() {
	echo "url_diff: FAIL: $*" >&2
	failures=$((failures + 1))
}
# check COND... MESSAGE: one check, passed when the test command (all words but the last) holds
check() { if "${@:1:$#-1}"; then pass; else fail "${!#}"; fi; }
finish() {
	tally url-diff "$passes" 0 "$failures"
	if [ "$failures" -eq 0 ]; then status=0; else echo "url_diff: $failures failure(s) (librtmp-rs: $OURS_LIBRTMP)" >&2; fi
	exit "$status"
}

[ -n "$ORIG_LIBRTMP" ] || { fail "Debian's librtmp.so.1 not found (through /usr/bin/rtmpdump)"; finish; }
gcc -O1 -Wall -o "$T/url_orig" tests/c/url_diff.c -lrtmp || { fail "url_diff.c does not build against Debian's librtmp"; finish; }
gcc -O1 -Wall -Iinclude -o "$T/url_ours" tests/c/url_diff.c -L"$OURS_DIR" -lrtmp -Wl,-rpath,"$OURS_DIR" ||
	{ fail "url_diff.c does not build against $OURS_DIR"; finish; }

# run orig|ours ARGS...: $T/url_SIDE on its library. Exit status 1 means "some check failed",
# which the comparison below reports in detail; anything else (a crash) is a failure by itself.
run() {
	local side=$1 rc=0; shift
	on_lib "$side" "$T/ld/$side" "$T/url_$side" "$@" >"$T/$side.out" 2>"$T/$side.out.err" || rc=$?
	check [ "$rc" -le 1 ] "url_$side exited with status $rc (see $T/$side.out.err)"
	if loaded "$side" "$T/ld/$side" >&2; then pass; else fail "url_$side is not proven to have run on $(lib_path "$side")"; fi
}
run orig "$VECTORS"
run ours "$VECTORS" --ours

# Each program's own checks, and enough of them.
for side in orig ours; do
	summary=$(tail -n 1 "$T/$side.out")
	if [[ "$summary" =~ ^([0-9]+)\ passed,\ 0\ failed$ ]]; then
		pass
		if [ $side = orig ]; then min=$MIN_CHECKS_ORIG; else min=$MIN_CHECKS_OURS; fi
		check [ "${BASH_REMATCH[1]}" -ge "$min" ] "$side: ${BASH_REMATCH[1]} checks passed, at least $min expected"
	else
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
check [ "$count" -ge $MIN_VECTORS ] "expected at least $MIN_VECTORS vectors in $VECTORS, found $count"
check [ "$(wc -l <"$T/vectors.orig")" -ge $MIN_VECTORS ] "Debian's librtmp printed $(wc -l <"$T/vectors.orig") vector lines"
check [ "$(wc -l <"$T/vectors.ours")" -ge $MIN_VECTORS ] "librtmp-rs printed $(wc -l <"$T/vectors.ours") vector lines"

# The original reproduces its own recording: the printing matches the file's format.
if diff "$T/vectors.expected" "$T/vectors.orig" >"$T/vectors.orig.diff"; then pass; else
	fail "Debian's librtmp does not reproduce $VECTORS:"
	head -20 "$T/vectors.orig.diff" >&2
fi

# librtmp-rs reproduces every vector but the IPv6 one ...
if diff <(without_ipv6 "$T/vectors.expected") <(without_ipv6 "$T/vectors.ours") >"$T/vectors.ours.diff"; then pass; else
	fail "librtmp-rs differs from $VECTORS:"
	head -20 "$T/vectors.ours.diff" >&2
fi
check [ "$(without_ipv6 "$T/vectors.ours" | wc -l)" -eq $((count - 1)) ] "librtmp-rs printed $(wc -l <"$T/vectors.ours") vector lines, not $count"

# ... where it reads the bracketed literal: host ::1 and port 1935 in both the RTMP_ParseURL and
# the RTMP_SetupURL part, everything else as recorded.
ours_ipv6=$(ipv6_line "$T/vectors.ours")
want_ipv6=$(ipv6_line "$T/vectors.expected" |
	sed -e 's/host="\[" port=0\t/host="::1" port=1935\t/' -e 's/host="\[" port=1935\t/host="::1" port=1935\t/')
if [ "$ours_ipv6" = "$want_ipv6" ]; then pass; else
	fail "IPv6 line of librtmp-rs:"
	printf '  want %s\n  got  %s\n' "$want_ipv6" "$ours_ipv6" >&2
fi
check [ "$(grep -o 'host="::1" port=1935' <<<"$ours_ipv6" | wc -l)" -eq 2 ] \
	"IPv6 line of librtmp-rs does not show host \"::1\" port 1935 in both parts"
check [ "$(grep -o 'host="\[" port=' <<<"$(ipv6_line "$T/vectors.orig")" | wc -l)" -eq 2 ] \
	"IPv6 line of Debian's librtmp is not the recorded one"

# Everything else the two print is identical (the summaries differ: librtmp-rs runs more checks).
if diff <(without_ipv6 "$T/orig.out" | sed '$d') <(without_ipv6 "$T/ours.out" | sed '$d') >"$T/all.diff"; then pass; else
	fail "outputs differ ($(grep -c '^[<>]' "$T/all.diff") lines; < Debian, > librtmp-rs):"
	head -40 "$T/all.diff" >&2
fi

lines=$(wc -l <"$T/ours.out")
check [ "$lines" -ge $MIN_LINES ] "librtmp-rs printed $lines lines, at least $MIN_LINES expected"
check [ "$(wc -l <"$T/orig.out")" -ge $MIN_LINES ] "Debian's librtmp printed $(wc -l <"$T/orig.out") lines, at least $MIN_LINES expected"
if [ "$failures" -eq 0 ]; then
	echo "url_diff: OK: $lines lines identical but the IPv6 one; Debian $(tail -n 1 "$T/orig.out"), librtmp-rs $(tail -n 1 "$T/ours.out") (Debian's $ORIG_LIBRTMP, librtmp-rs $OURS_LIBRTMP)"
fi
finish
