# Sourced by the FFmpeg scripts: FFmpeg 9.0.2, the release tarball Debian sid ships (its source
# package is incomplete there, its .orig tarball is not), fetched once into $W (FFMPEG_CACHE,
# default target/ffmpeg) from the mirror the machine's own apt sources name, and checked against
# its SHA-256. libavformat/librtmp.c is the same in 8.1 and 9.0: what FFmpeg users build today.
W=${FFMPEG_CACHE:-$REPO/target/ffmpeg}
FFMPEG_VERSION=9.0.2
FFMPEG_SHA256=8c3850283eb25fa026482078a04051e0be17347b09ef81a0849bec15a96e002e
mkdir -p "$W"

# The Debian mirror of this machine's apt sources (deb822 or one-line).
debian_mirror() {
  local m
  m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)
  [ -n "$m" ] || m=$(awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -1)
  echo "${m%/}"
}

# fetch: the source extracted in $W/ffmpeg-$FFMPEG_VERSION/ (a no-op once done)
# (under a lock: the Windows build may fetch it in the background meanwhile)
fetch() {
  (
    flock 9
    [ -e "$W/.extracted-$FFMPEG_VERSION" ] && exit 0
    local tarball=$W/src/ffmpeg_$FFMPEG_VERSION.orig.tar.xz mirror
    mkdir -p "$W/src"
    if ! echo "$FFMPEG_SHA256  $tarball" | sha256sum -c --status 2>/dev/null; then
      mirror=$(debian_mirror)
      [ -n "$mirror" ] || { echo "source.sh: no Debian mirror in the apt sources" >&2; exit 1; }
      curl -fsSL --retry 3 -o "$tarball.part" "$mirror/pool/main/f/ffmpeg/ffmpeg_$FFMPEG_VERSION.orig.tar.xz" || exit 1
      echo "$FFMPEG_SHA256  $tarball.part" | sha256sum -c --status || { echo "source.sh: FFmpeg's tarball has the wrong SHA-256" >&2; exit 1; }
      mv "$tarball.part" "$tarball"
    fi
    # a stamp, so that an interrupted extraction is redone rather than taken for a source tree
    (cd "$W" && rm -rf ffmpeg-*/ && tar xf "$tarball") && touch "$W/.extracted-$FFMPEG_VERSION"
  ) 9>"$W/.fetch.lock"
}
