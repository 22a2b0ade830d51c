#!/usr/bin/env bash
# make check-ffmpeg-rtmpe: FFmpeg's OWN RTMP client (FFmpeg 9, built without librtmp,
# with libgcrypt for RTMPE's Diffie-Hellman) as an independent rtmpe and rtmpte peer of our
# server, in the ffmpeg-native cases of tests/interop/relay.sh. Not part of `make check`: a third
# FFmpeg build would take CI past its time budget.
#   FFMPEG_CACHE=DIR  where the source and builds are kept (default target/ffmpeg)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/ffmpeg/source.sh
source "$REPO/tests/ffmpeg/source.sh"
b=$W/build-native
if ! [ -x "$b/ffmpeg" ]; then
  fetch || { echo "cannot fetch FFmpeg's source"; exit 2; }
  src=$W/ffmpeg-$FFMPEG_VERSION
  rm -rf "$b" && mkdir -p "$b"
  echo "building FFmpeg's own rtmp/rtmpe/rtmpt/rtmpte client in $b"
  (cd "$b" && "$src/configure" --prefix="$b/inst" \
    --disable-everything --disable-autodetect --disable-doc --disable-x86asm --disable-ffplay --disable-ffprobe \
    --enable-ffmpeg --enable-gcrypt --enable-protocol=rtmp,rtmpe,rtmpt,rtmpte,ffrtmpcrypt,ffrtmphttp,tcp,http,file \
    --enable-muxer=flv --enable-demuxer=flv,live_flv --enable-decoder=flv,h264,aac --enable-parser=h264,aac \
    --enable-bsf=aac_adtstoasc,extract_extradata >configure.log 2>&1) || { tail -20 "$b/configure.log"; exit 2; }
  grep -q '^CONFIG_FFRTMPCRYPT_PROTOCOL=yes' "$b/ffbuild/config.mak" || { echo "FFmpeg's rtmpe (ffrtmpcrypt) is not enabled"; exit 2; }
  (cd "$b" && make -j"$(nproc)" >make.log 2>&1) || { tail -30 "$b/make.log"; exit 2; }
fi
FFMPEG_NATIVE=$b/ffmpeg exec bash "$REPO/tests/interop/relay.sh" ffmpeg-native
