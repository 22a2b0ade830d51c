#!/usr/bin/env bash
# make-media.sh OUTDIR: deterministic test media for the interop tests, made with Debian's ffmpeg.
#
#   small.flv  10 s, 320x240@25 testsrc + 1 kHz sine; H.264 baseline ~300 kbit/s (libx264,
#              single thread) + AAC-LC 64 kbit/s stereo 44.1 kHz; bit-exact flags and no metadata
#              so the file is reproducible byte for byte (357,840 bytes, sha256 9528d422... with
#              bookworm's ffmpeg 5.1). Ends with a 5-byte H.264 end-of-sequence video tag.
#
# Cached by content: OUTDIR/NAME.key holds a hash of the recipe and of `ffmpeg -version`; the
# file is made again only when that key changes or the file no longer matches its recorded
# sha256. Takes about half a second when it has to encode.
set -u
out=${1:?usage: make-media.sh OUTDIR}
mkdir -p "$out" || exit 1
export LC_ALL=C

KNOWN_SMALL_SHA256=9528d4227cdde34a51c8f5a1b0e23a61642da62dbb3ea0b644239b42dca5e338
BITEXACT=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
SMALL_RECIPE=(-f lavfi -i testsrc=size=320x240:rate=25:duration=10
              -f lavfi -i sine=frequency=1000:sample_rate=44100:duration=10
              -c:v libx264 -threads 1 -preset veryfast -profile:v baseline -pix_fmt yuv420p -g 50 -b:v 300k
              -c:a aac -b:a 64k -ac 2 "${BITEXACT[@]}" -f flv)

command -v ffmpeg >/dev/null || { echo "make-media: ffmpeg not found (scripts/install-deps.sh)" >&2; exit 1; }
ffver=$(ffmpeg -hide_banner -version 2>&1)

# make NAME RECIPE...: (re)make OUTDIR/NAME unless the cached copy has the same key and hash
make() {
  local name=$1; shift
  local f=$out/$name key
  key=$(printf '%s\n' "$*" "$ffver" | sha256sum | cut -d' ' -f1)
  if [ -s "$f" ] && [ -s "$f.key" ] && [ -s "$f.sha256" ] && [ "$(cat "$f.key")" = "$key" ] \
     && [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(cat "$f.sha256")" ]; then
    echo "make-media: $name cached ($(stat -c %s "$f") bytes)"
    return 0
  fi
  local tmp=$f.tmp.$$
  if ! ffmpeg -hide_banner -loglevel error -nostdin -y "$@" "$tmp"; then
    rm -f "$tmp"; echo "make-media: ffmpeg failed to make $name" >&2; return 1
  fi
  sha256sum <"$tmp" | cut -d' ' -f1 >"$f.sha256.tmp.$$"
  mv -f "$tmp" "$f" && mv -f "$f.sha256.tmp.$$" "$f.sha256" && echo "$key" >"$f.key"
  echo "make-media: $name made ($(stat -c %s "$f") bytes, sha256 $(cat "$f.sha256"))"
}

make small.flv "${SMALL_RECIPE[@]}" || exit 1
if [ "$(cat "$out/small.flv.sha256")" != "$KNOWN_SMALL_SHA256" ]; then
  # Not an error: another ffmpeg/x264 build encodes differently. The tests compare against the
  # file they were given, never against this hash.
  echo "make-media: note: small.flv differs from the bookworm reference encode ($KNOWN_SMALL_SHA256)"
fi
