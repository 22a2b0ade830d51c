#!/usr/bin/env bash
# sid-ffmpeg.sh DIR: Debian sid's FFmpeg 9 programs with every library they need, unpacked under
# DIR/root (tests/ertmp/sid-unpack.sh) and run through sid's own dynamic loader: DIR/ff9 ARGS runs
# ffmpeg, FFTOOL=ffprobe DIR/ff9 ARGS ffprobe. The independent peer of the Enhanced RTMP tests: its
# own RTMP client, and the encoders and decoders (x265, SVT-AV1, dav1d, libvpx, Opus) that make and
# judge the media.
set -euo pipefail
D=$1
[ -x "$D/ff9" ] && "$D/ff9" -hide_banner -version >/dev/null 2>&1 && exit 0
bash "$(dirname "${BASH_SOURCE[0]}")/sid-unpack.sh" "$D" ffmpeg
R=$D/root L=$D/root/usr/lib/x86_64-linux-gnu
cat >"$D/ff9" <<EOC
#!/bin/sh
exec $R/usr/lib64/ld-linux-x86-64.so.2 --library-path $L:$L/blas:$L/lapack:$L/pulseaudio $R/usr/bin/\${FFTOOL:-ffmpeg} "\$@"
EOC
chmod +x "$D/ff9"
"$D/ff9" -hide_banner -version | head -1
