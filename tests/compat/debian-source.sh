#!/usr/bin/env bash
# debian-source.sh PACKAGE DESTDIR: fetches and unpacks the Debian bookworm source package PACKAGE
# into DESTDIR/PACKAGE (cached: nothing is fetched when it is already there). The deb-src entry
# lives in a private apt configuration under DESTDIR, so the system's sources are not touched.
set -euo pipefail
pkg=$1 dest=$2
[ -d "$dest/$pkg/debian" ] && { echo "debian-source: $pkg already unpacked in $dest/$pkg"; exit 0; }
mkdir -p "$dest/apt/sources.list.d" "$dest/apt/lists/partial" "$dest/src"
cat > "$dest/apt/sources.list.d/src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$dest/apt/sources.list.d"
      -o "Dir::State::Lists=$dest/apt/lists" -o APT::Sandbox::User=root)
apt-get "${opts[@]}" -qq update
(cd "$dest/src" && apt-get "${opts[@]}" -qq source --download-only "$pkg")
dsc=$(ls "$dest/src/${pkg}"_*.dsc | head -1)
dpkg-source --no-check -x "$dsc" "$dest/$pkg" >/dev/null
echo "debian-source: $pkg unpacked in $dest/$pkg"
