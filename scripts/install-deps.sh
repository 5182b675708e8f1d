#!/usr/bin/env bash
# Installs what building and testing Hexcrawl needs beyond Go and Node: Debian packages for the
# desktop window (GTK, WebKit), the browser tests (Chromium), the desktop smoke test (Xvfb,
# xdotool, ImageMagick), the mDNS tests (iproute2; avahi, nss-mdns and D-Bus, which one test
# runs inside a network namespace as a player's laptop would: it does not start them on the
# machine), the release (nsis for the Windows installer, dpkg-dev for the .deb's Depends) and its
# test (wine64 and mingw-w64 to run the Windows build, file, desktop-file-utils), plus the Wails
# CLI and staticcheck (make lint). Safe to re-run: it installs only what is missing.
#
# Run it as yourself: apt-get runs as root (directly when you are root, as in a container or
# CI; else through sudo), the Wails CLI goes where your `go install` puts programs (GOBIN, else
# GOPATH/bin), which is where the Makefile looks. Run with sudo, it still installs the Wails CLI
# for the user who ran sudo, not for root.
#
# HEXCRAWL_DEPS_EXTRA (space-separated package names) adds packages to the list; the script's
# own test uses it to make a package be missing.
set -euo pipefail

WAILS_VERSION=v2.16.0
STATICCHECK_VERSION=v0.8.2 # staticcheck 2026.2.2, which checks Go 1.26 code
packages=(
	build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.0-dev libx11-dev
	chromium xvfb xauth xdotool imagemagick iproute2 curl ca-certificates
	avahi-daemon avahi-utils libnss-mdns dbus
	nsis dpkg-dev file desktop-file-utils wine64 gcc-mingw-w64-x86-64-win32
)
# shellcheck disable=SC2206 # word splitting is the point
packages+=(${HEXCRAWL_DEPS_EXTRA:-})

say() { echo "install-deps: $*"; }
die() {
	echo "install-deps: $*" >&2
	exit 1
}

# as_user CMD...: runs CMD as the person who ran the script (the sudo caller, if any), with their
# login environment, so GOPATH and GOBIN are theirs.
as_user() {
	if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
		sudo -u "$SUDO_USER" -i -- "$@"
	else
		"$@"
	fi
}

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ]; then
		root=()
	elif command -v sudo >/dev/null; then
		root=(sudo)
		say "apt-get needs root: asking sudo"
	else
		die "missing Debian packages: ${missing[*]}
install-deps: there is no sudo here; as root run: apt-get update && apt-get install -y ${missing[*]}
install-deps: (or run this script as root)"
	fi
	say "apt-get install ${missing[*]}"
	"${root[@]}" apt-get update -qq
	"${root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go: on PATH, else where the official archive installs it (sudo resets PATH), else on the
# sudo caller's login PATH.
GO=$(command -v go || true)
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
[ -z "$GO" ] && GO=$(as_user sh -c 'command -v go' 2>/dev/null || true)
[ -n "$GO" ] || die "Go is not on PATH (nor in /usr/local/go/bin): install Go 1.26 from https://go.dev/dl/ and run this again"

GOBIN=$(as_user "$GO" env GOBIN)
[ -n "$GOBIN" ] || GOBIN=$(as_user "$GO" env GOPATH)/bin
# Capture, then match: `wails version | grep -q` under pipefail fails with SIGPIPE whenever grep
# exits before wails has written everything, and the CLI was reinstalled for nothing.
have=$("$GOBIN/wails" version 2>/dev/null || true)
if [[ $have != *"$WAILS_VERSION"* ]]; then
	say "go install wails@${WAILS_VERSION} into $GOBIN"
	as_user "$GO" install "github.com/wailsapp/wails/v2/cmd/wails@${WAILS_VERSION}"
fi
have=$("$GOBIN/staticcheck" -version 2>/dev/null || true)
if [[ $have != *"(${STATICCHECK_VERSION#v})"* ]]; then
	say "go install staticcheck@${STATICCHECK_VERSION} into $GOBIN"
	as_user "$GO" install "honnef.co/go/tools/cmd/staticcheck@${STATICCHECK_VERSION}"
fi
say "ok"
