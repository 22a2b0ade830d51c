#!/usr/bin/env bash
# sid-ffmpeg.sh DIR: Debian sid's FFmpeg 9 programs with every library they need, unpacked under
# DIR/root (nothing installed) and run through sid's own dynamic loader: DIR/ff9 ARGS runs ffmpeg,
# FFTOOL=ffprobe DIR/ff9 ARGS ffprobe. The independent peer of the Enhanced RTMP tests: its own
# RTMP client, and the encoders and decoders (x265, SVT-AV1, dav1d, libvpx, Opus) that make and
# judge the media. The packages come from the mirror this machine's apt sources name.
set -euo pipefail
D=$1
[ -x "$D/ff9" ] && "$D/ff9" -hide_banner -version >/dev/null 2>&1 && exit 0
rm -rf "$D" && mkdir -p "$D"/{apt/lists/partial,apt/cache/archives/partial,debs,root}
# shellcheck source=tests/ffmpeg/source.sh
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/ffmpeg/source.sh"
mirror=$(debian_mirror)
[ -n "$mirror" ] || { echo "sid-ffmpeg: no Debian mirror in the apt sources" >&2; exit 1; }
echo "deb [arch=amd64] $mirror sid main" >"$D/apt/sources.list"
: >"$D/apt/status"
cat >"$D/apt/apt.conf" <<EOC
Dir::Etc::SourceList "$D/apt/sources.list"; Dir::Etc::SourceParts "/dev/null";
Dir::State::Lists "$D/apt/lists"; Dir::Cache "$D/apt/cache"; Dir::State::status "$D/apt/status";
APT::Get::List-Cleanup "0"; APT::Sandbox::User "root";
EOC
export APT_CONFIG=$D/apt/apt.conf
apt-get -qq update
# An empty status file: apt lists every package ffmpeg needs, down to libc.
apt-get -qq install --no-install-recommends --print-uris -y ffmpeg 2>/dev/null | awk -F"'" '/^.http/{print $2}' >"$D/uris"
[ -s "$D/uris" ] || { echo "sid-ffmpeg: apt named no packages" >&2; exit 1; }
(cd "$D/debs" && xargs -n 8 -P 4 curl -fsSL --retry 3 --remote-name-all <"$D/uris") || true
n=$(find "$D/debs" -name '*.deb' | wc -l)
[ "$n" -eq "$(wc -l <"$D/uris")" ] || { echo "sid-ffmpeg: fetched $n of $(wc -l <"$D/uris") packages" >&2; exit 1; }
for f in "$D"/debs/*.deb; do dpkg-deb -x "$f" "$D/root"; done
rm -rf "$D/debs"
R=$D/root L=$D/root/usr/lib/x86_64-linux-gnu
cat >"$D/ff9" <<EOC
#!/bin/sh
exec $R/usr/lib64/ld-linux-x86-64.so.2 --library-path $L:$L/blas:$L/lapack:$L/pulseaudio $R/usr/bin/\${FFTOOL:-ffmpeg} "\$@"
EOC
chmod +x "$D/ff9"
"$D/ff9" -hide_banner -version | head -1
