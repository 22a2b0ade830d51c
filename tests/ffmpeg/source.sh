# Sourced by the FFmpeg scripts: Debian's FFmpeg source, fetched once into $W (FFMPEG_CACHE,
# default target/ffmpeg) with a private apt configuration (no deb-src line needed on the machine).
W=${FFMPEG_CACHE:-$REPO/target/ffmpeg}
mkdir -p "$W"

# fetch: the source extracted in $W/ffmpeg-*/ (a no-op once done)
fetch() {
  [ -e "$W/.extracted" ] && return 0
  mkdir -p "$W/apt/sources.list.d" "$W/apt/lists/partial"
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$W/apt/sources.list.d/src.sources"
  local o=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$W/apt/sources.list.d" -o "Dir::State::Lists=$W/apt/lists" -o APT::Sandbox::User=root)
  apt-get "${o[@]}" -qq update && (cd "$W" && apt-get "${o[@]}" -qq source --download-only ffmpeg) || return 1
  # a stamp, so that an interrupted extraction is redone rather than taken for a source tree
  (cd "$W" && rm -rf ffmpeg-*/ && tar xf ffmpeg_*.orig.tar.xz) && touch "$W/.extracted" || return 1
}

