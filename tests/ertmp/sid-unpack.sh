#!/usr/bin/env bash
# sid-unpack.sh DIR PACKAGE...: Debian sid's PACKAGEs with everything they depend on, down to libc,
# unpacked under DIR/root (nothing installed; an empty dpkg status makes apt list it all). Their
# programs run through sid's own dynamic loader, DIR/root/usr/lib64/ld-linux-x86-64.so.2, with
# DIR/root/usr/lib/x86_64-linux-gnu as the library path. The packages come from the mirror this
# machine's apt sources name.
set -euo pipefail
D=$1; shift
rm -rf "$D" && mkdir -p "$D"/{apt/lists/partial,apt/cache/archives/partial,debs,root}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/ffmpeg/source.sh
source "$REPO/tests/ffmpeg/source.sh"
mirror=$(debian_mirror)
[ -n "$mirror" ] || { echo "sid-unpack: no Debian mirror in the apt sources" >&2; exit 1; }
echo "deb [arch=amd64] $mirror sid main" >"$D/apt/sources.list"
: >"$D/apt/status"
cat >"$D/apt/apt.conf" <<EOC
Dir::Etc::SourceList "$D/apt/sources.list"; Dir::Etc::SourceParts "/dev/null";
Dir::State::Lists "$D/apt/lists"; Dir::Cache "$D/apt/cache"; Dir::State::status "$D/apt/status";
APT::Get::List-Cleanup "0"; APT::Sandbox::User "root"; APT::Architecture "amd64";
EOC
export APT_CONFIG=$D/apt/apt.conf
apt-get -qq update
apt-get -qq install --no-install-recommends --print-uris -y "$@" 2>/dev/null | awk -F"'" '/^.http/{print $2}' >"$D/uris"
[ -s "$D/uris" ] || { echo "sid-unpack: apt named no packages for $*" >&2; exit 1; }
(cd "$D/debs" && xargs -n 8 -P 4 curl -fsSL --retry 3 --remote-name-all <"$D/uris") || true
n=$(find "$D/debs" -name '*.deb' | wc -l)
[ "$n" -eq "$(wc -l <"$D/uris")" ] || { echo "sid-unpack: fetched $n of $(wc -l <"$D/uris") packages" >&2; exit 1; }
for f in "$D"/debs/*.deb; do dpkg-deb -x "$f" "$D/root"; done
rm -rf "$D/debs" "$D/apt"
