# Sourced by the FFmpeg scripts: Debian's FFmpeg source, fetched once into $W (FFMPEG_CACHE,
# default target/ffmpeg) through tests/compat/debian-source.sh (no deb-src line needed on the machine).
W=${FFMPEG_CACHE:-$REPO/target/ffmpeg}
mkdir -p "$W"

# fetch: the source extracted in $W/ffmpeg-*/ (a no-op once done)
# (under a lock: the Windows build may fetch it in the background meanwhile)
fetch() {
  (
    flock 9
    [ -e "$W/.extracted" ] && exit 0
    bash "$REPO/tests/compat/debian-source.sh" --download-only ffmpeg "$W" || exit 1
    # a stamp, so that an interrupted extraction is redone rather than taken for a source tree
    (cd "$W" && rm -rf ffmpeg-*/ && tar xf src/ffmpeg_*.orig.tar.xz) && touch "$W/.extracted"
  ) 9>"$W/.fetch.lock"
}
