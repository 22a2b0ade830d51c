#!/usr/bin/env bash
# ffmpeg-build.sh OURS_DIR: FFmpeg 9 (tests/ffmpeg/source.sh) built for 64-bit
# Windows with mingw-w64, configured with --enable-librtmp finding our library only through
# pkg-config in OURS_DIR (its librtmp-uninstalled.pc: the import library, so ffmpeg.exe loads
# librtmp-1.dll). Small, as the Linux build: the librtmp protocols, file, FLV in and out, the
# H.264 and AAC decoders and parsers that stream copy needs to fill in the FLV header.
# Gives target/ffmpeg/build-win64/ffmpeg.exe; nothing is done when it is newer than the DLL.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ours=$(cd "${1:?usage: ffmpeg-build.sh OURS_DIR}" && pwd)
# shellcheck source=tests/ffmpeg/source.sh
source "$REPO/tests/ffmpeg/source.sh"
fetch
src=$W/ffmpeg-$FFMPEG_VERSION b=$W/build-win64
if [ -x "$b/ffmpeg.exe" ] && [ "$b/ffmpeg.exe" -nt "$ours/librtmp-1.dll" ] && grep -qs "^$FFMPEG_VERSION\$" "$b/.rtmp-test-version"; then echo "ffmpeg-build: $b/ffmpeg.exe is up to date"; exit 0; fi
rm -rf "$b" && mkdir -p "$b"
# PKG_CONFIG_LIBDIR alone: none of the build machine's .pc files can stand in for ours
(cd "$b" && PKG_CONFIG_LIBDIR=$ours PKG_CONFIG_PATH= "$src/configure" --prefix="$b/inst" \
  --target-os=mingw32 --arch=x86_64 --cross-prefix=x86_64-w64-mingw32- --enable-cross-compile --pkg-config=pkg-config \
  --disable-everything --disable-autodetect --disable-doc --disable-x86asm --disable-ffplay --disable-ffprobe \
  --enable-ffmpeg --enable-w32threads --enable-librtmp --enable-protocol='librtmp*' --enable-protocol=file \
  --enable-muxer=flv --enable-demuxer=flv,live_flv --enable-decoder=flv,h264,aac --enable-parser=h264,aac \
  --enable-bsf=aac_adtstoasc,extract_extradata >"$b/configure.log" 2>&1) || { tail -20 "$b/configure.log"; exit 1; }
grep -q '^CONFIG_LIBRTMP=yes' "$b/ffbuild/config.mak" || { echo "ffmpeg-build: librtmp not enabled"; exit 1; }
(cd "$b" && make -j"$(nproc)" >make.log 2>&1) || { tail -30 "$b/make.log"; exit 1; }
echo "$FFMPEG_VERSION" >"$b/.rtmp-test-version"
echo "ffmpeg-build: $b/ffmpeg.exe, $(grep '^EXTRALIBS-avformat' "$b/ffbuild/config.mak")"
