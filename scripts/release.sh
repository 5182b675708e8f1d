#!/usr/bin/env bash
# Builds every download into dist/ (`make release` runs it after building the frontend):
#
#   hexcrawl-V-linux-amd64.tar.gz         desktop app (window + hub; needs GTK 3 and WebKitGTK 4.0)
#   hexcrawl_V_amd64.deb                  the same as a Debian package (menu entry, icon, Depends)
#   hexcrawl-V-linux-{amd64,arm64}-hub.tar.gz   the hub alone, static (servers, Raspberry Pi,
#                                         distributions without WebKitGTK 4.0)
#   hexcrawl-V-windows-amd64.exe          desktop app (WebView2 window; a GUI program: no console)
#   hexcrawl-V-windows-amd64-installer.exe  NSIS installer of it (installs WebView2 if missing)
#   hexcrawl-V-windows-amd64-hub.exe      the hub alone as a console program, for `serve` in a terminal
#   hexcrawl-V-macos-{arm64,amd64}.tar.gz the hub alone with the browser DM console (the native
#                                         window needs Apple's toolchain, which Linux lacks)
#   SHA256SUMS
#
# Needs VERSION (the Makefile passes it; see the Makefile for where it comes from), Go, the Wails
# CLI (WAILS, default: on PATH), nsis (makensis), dpkg-dev (dpkg-shlibdeps) and the GTK/WebKit
# -dev packages: scripts/install-deps.sh installs them all. Prints the time of each step.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${VERSION:?VERSION is not set: run make release}"
WAILS=${WAILS:-$(command -v wails || true)}
NFPM="github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0"
DIST=dist
LDFLAGS="-s -w -X main.version=$VERSION"
# Archives get the commit's time and no owner, so two builds of one commit give the same bytes.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

[ -x "$WAILS" ] || { echo "release: the Wails CLI is missing: run scripts/install-deps.sh" >&2; exit 1; }
[ -f frontend/dist/index.html ] || { echo "release: build the frontend first (make release does)" >&2; exit 1; }

started=$(date +%s.%N)
step_start=$started
step() { # step NAME: prints how long the previous step took
	local now
	now=$(date +%s.%N)
	[ -n "${step_name:-}" ] && awk -v n="$step_name" -v a="$step_start" -v b="$now" 'BEGIN { printf "release: %-28s %5.1f s\n", n, b - a }'
	step_name=$1
	step_start=$now
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$DIST"
mkdir -p "$DIST"

# tarball NAME DIR: dist/NAME.tar.gz of DIR's contents under NAME/, byte-for-byte reproducible.
tarball() {
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
		-C "$2" --transform "s,^\.,$1," -cf - . | gzip -n9 >"$DIST/$1.tar.gz"
}

# hub GOOS GOARCH OUT: the headless hub, no cgo: runs on any machine of that kind as it is.
hub() {
	CGO_ENABLED=0 GOOS=$1 GOARCH=$2 go build -trimpath -ldflags "$LDFLAGS" -o "$3" .
}

step "linux desktop (wails)"
rm -f build/bin/hexcrawl
"$WAILS" build -s -m -trimpath -ldflags "-X main.version=$VERSION" >"$work/wails-linux.log" 2>&1 ||
	{ cat "$work/wails-linux.log" >&2; exit 1; }
[ -f build/bin/hexcrawl ] || { cat "$work/wails-linux.log" >&2; echo "release: wails built no build/bin/hexcrawl" >&2; exit 1; }
mkdir -p "$work/linux"
cp build/bin/hexcrawl build/linux/hexcrawl.desktop build/linux/hexcrawl.png README.md "$work/linux/"
tarball "hexcrawl-$VERSION-linux-amd64" "$work/linux"

step "linux .deb (nfpm)"
# The shlibs line of a throwaway debian/ tree: dpkg-shlibdeps reads the binary's NEEDED libraries
# and the installed packages' symbols files.
mkdir -p "$work/shlibs/debian"
printf 'Source: hexcrawl\n\nPackage: hexcrawl\nArchitecture: amd64\n' >"$work/shlibs/debian/control"
DEB_DEPENDS=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$OLDPWD/build/bin/hexcrawl" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEB_DEPENDS" ] || { echo "release: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
VERSION=$VERSION DEB_DEPENDS=$DEB_DEPENDS \
	go run "$NFPM" package --packager deb --config build/linux/nfpm.yaml --target "$DIST/" >"$work/nfpm.log" 2>&1 ||
	{ cat "$work/nfpm.log" >&2; exit 1; }

step "windows desktop + installer"
# Wails writes build/windows/ only where files are missing: start clean so the icon and the
# version info come from today's appicon.png and wails.json.
rm -rf build/windows build/bin/hexcrawl.exe build/bin/Hexcrawl-amd64-installer.exe
"$WAILS" build -platform windows/amd64 -s -m -trimpath -nsis -ldflags "-X main.version=$VERSION" -o hexcrawl.exe \
	>"$work/wails-windows.log" 2>&1 || { cat "$work/wails-windows.log" >&2; exit 1; }
for f in hexcrawl.exe Hexcrawl-amd64-installer.exe; do
	[ -f "build/bin/$f" ] || { cat "$work/wails-windows.log" >&2; echo "release: wails built no build/bin/$f" >&2; exit 1; }
done
mv build/bin/hexcrawl.exe "$DIST/hexcrawl-$VERSION-windows-amd64.exe"
mv build/bin/Hexcrawl-amd64-installer.exe "$DIST/hexcrawl-$VERSION-windows-amd64-installer.exe"

step "windows hub (console)"
hub windows amd64 "$DIST/hexcrawl-$VERSION-windows-amd64-hub.exe"

# `wails build -platform darwin/…` exits 0 having built nothing ("Crosscompiling to Mac not
# currently supported"): the Mac downloads are plain Go builds of the hub.
for arch in arm64 amd64; do
	step "macos $arch hub"
	mkdir -p "$work/macos-$arch"
	hub darwin "$arch" "$work/macos-$arch/hexcrawl"
	cp README.md "$work/macos-$arch/"
	tarball "hexcrawl-$VERSION-macos-$arch" "$work/macos-$arch"
done

for arch in amd64 arm64; do
	step "linux $arch hub"
	mkdir -p "$work/linux-hub-$arch"
	hub linux "$arch" "$work/linux-hub-$arch/hexcrawl"
	cp README.md "$work/linux-hub-$arch/"
	tarball "hexcrawl-$VERSION-linux-$arch-hub" "$work/linux-hub-$arch"
done

step "SHA256SUMS"
(cd "$DIST" && sha256sum -- * >SHA256SUMS)
step ""
awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "release: total %.0f s\n", b - a }'
ls -l "$DIST"
