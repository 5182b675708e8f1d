#!/usr/bin/env bash
# Installs what building and testing Hexcrawl needs beyond Go and Node: Debian packages for the
# desktop window (GTK, WebKit), the browser tests (Chromium), the desktop smoke test (Xvfb,
# xdotool, ImageMagick) and the mDNS tests (iproute2; avahi, nss-mdns and D-Bus, which one test
# runs inside a network namespace as a player's laptop would: it does not start them on the
# machine), plus the Wails CLI and staticcheck (make lint). Safe to re-run: it installs only
# what is missing. Needs root for apt-get.
set -euo pipefail

WAILS_VERSION=v2.16.0
STATICCHECK_VERSION=v0.8.2 # staticcheck 2026.2.2, which checks Go 1.26 code
packages=(
	build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.0-dev libx11-dev
	chromium xvfb xauth xdotool imagemagick iproute2 curl ca-certificates
	avahi-daemon avahi-utils libnss-mdns dbus
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: missing Debian packages: ${missing[*]}" >&2
		echo "install-deps: run this script as root, or: sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
	echo "install-deps: apt-get install ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

GOBIN=$(go env GOPATH)/bin
if ! "$GOBIN/wails" version 2>/dev/null | grep -q "${WAILS_VERSION}"; then
	echo "install-deps: go install wails@${WAILS_VERSION}"
	go install "github.com/wailsapp/wails/v2/cmd/wails@${WAILS_VERSION}"
fi
if ! "$GOBIN/staticcheck" -version 2>/dev/null | grep -q "(${STATICCHECK_VERSION#v})"; then
	echo "install-deps: go install staticcheck@${STATICCHECK_VERSION}"
	go install "honnef.co/go/tools/cmd/staticcheck@${STATICCHECK_VERSION}"
fi
echo "install-deps: ok"
