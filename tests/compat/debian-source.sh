#!/usr/bin/env bash
# debian-source.sh [--download-only] PACKAGE DESTDIR: fetches Debian's source package PACKAGE and
# unpacks it into DESTDIR/PACKAGE (cached: nothing is fetched when it is already there); with
# --download-only, leaves the downloaded files in DESTDIR/src. The deb-src entries are the
# machine's own deb entries (its /etc/apt sources, whichever mirror they name), written to a
# private apt configuration under DESTDIR, so the system's sources are not touched.
set -euo pipefail
only=0
[ "${1:-}" = --download-only ] && { only=1; shift; }
pkg=$1 dest=$2
if [ $only = 0 ] && [ -d "$dest/$pkg/debian" ]; then echo "debian-source: $pkg already unpacked in $dest/$pkg"; exit 0; fi
if [ $only = 1 ] && ls "$dest/src/${pkg}"_*.dsc >/dev/null 2>&1; then echo "debian-source: $pkg already downloaded"; exit 0; fi
mkdir -p "$dest/apt/sources.list.d" "$dest/apt/lists/partial" "$dest/src"
rm -f "$dest/apt/sources.list.d/"*
n=0
for f in /etc/apt/sources.list.d/*.sources; do
  [ -e "$f" ] || continue
  sed 's/^Types:.*\bdeb\b.*/Types: deb-src/' "$f" >"$dest/apt/sources.list.d/$n.sources"; n=$((n + 1))
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -e "$f" ] || continue
  sed -n 's/^deb \(.*\)/deb-src \1/p' "$f" >"$dest/apt/sources.list.d/$n.list"; n=$((n + 1))
done
[ $n -gt 0 ] || { echo "debian-source: no apt sources on this machine to take deb-src entries from" >&2; exit 1; }
opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$dest/apt/sources.list.d"
      -o "Dir::State::Lists=$dest/apt/lists" -o APT::Sandbox::User=root)
apt-get "${opts[@]}" -qq update
(cd "$dest/src" && apt-get "${opts[@]}" -qq source --download-only "$pkg")
[ $only = 1 ] && { echo "debian-source: $pkg downloaded into $dest/src"; exit 0; }
dsc=$(ls "$dest/src/${pkg}"_*.dsc | head -1)
dpkg-source --no-check -x "$dsc" "$dest/$pkg" >/dev/null
echo "debian-source: $pkg unpacked in $dest/$pkg"
