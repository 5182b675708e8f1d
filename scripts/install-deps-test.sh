#!/usr/bin/env bash
# Test of scripts/install-deps.sh and the Makefile's Wails lookup (`make test-install-deps`, part
# of `make test`, which has just run install-deps, so everything is installed): the frictions a
# newcomer met on fresh machines. Needs root (to run the script as nobody with setpriv).
# Prints ok/FAIL lines and "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
work=$(mktemp -d /tmp/hexcrawl-deps-test.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
GO=$(command -v go || echo /usr/local/go/bin/go)
real_wails=$("$GO" env GOBIN)
real_wails=${real_wails:-$("$GO" env GOPATH)/bin}/wails

# 1. Re-runs install nothing. The old `wails version | grep -q` died of SIGPIPE under pipefail
#    whenever wails wrote its sponsor line after grep had matched and exited, and reinstalled.
for i in 1 2 3 4 5; do
	out=$(scripts/install-deps.sh 2>&1)
	if [ "$out" != "install-deps: ok" ]; then
		fail "run $i with everything installed did something: $out"
		break
	fi
	[ "$i" -eq 5 ] && ok "five runs with everything installed: each says only 'install-deps: ok'"
done

# 2. Sudo resets PATH, so Go is often not on it: the script finds Go where the official archive
#    puts it instead of failing with "go: command not found".
if [ -x /usr/local/go/bin/go ]; then
	out=$(env PATH=/usr/sbin:/usr/bin:/sbin:/bin scripts/install-deps.sh 2>&1)
	if [ "$out" = "install-deps: ok" ]; then ok "without Go on PATH it finds /usr/local/go/bin/go"; else fail "without Go on PATH: $out"; fi
else
	ok "# skip: Go is not in /usr/local/go here"
fi

# 3. A user without root and without sudo (no sudo on PATH) and a missing package: a clear
#    message saying what to run as root, nothing attempted.
mkdir -p "$work/bin" "$work/home"
for t in dpkg-query id; do ln -s "$(command -v "$t")" "$work/bin/$t"; done
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	env -i HOME="$work/home" PATH="$work/bin" HEXCRAWL_DEPS_EXTRA=hexcrawl-no-such-package \
	/bin/bash "$ROOT/scripts/install-deps.sh" 2>&1)
code=$?
want="install-deps: there is no sudo here; as root run: apt-get update && apt-get install -y hexcrawl-no-such-package"
if [ "$code" -eq 1 ] && grep -qxF "$want" <<<"$out" && grep -qxF "install-deps: missing Debian packages: hexcrawl-no-such-package" <<<"$out"; then
	ok "no root and no sudo: exit 1 and says what to run as root"
else
	fail "no root and no sudo: exit $code, said: $out"
fi

# 4. The Makefile looks for Wails where `go install` (and so install-deps) puts it: GOBIN when
#    set, else GOPATH/bin; not in a GOPATH it guessed.
mkdir -p "$work/gobin"
ln -s "$real_wails" "$work/gobin/wails"
# install-deps also wants staticcheck in GOBIN (make lint): the installed one, so nothing is built.
ln -s "$(dirname "$real_wails")/staticcheck" "$work/gobin/staticcheck"
nopath="/usr/local/go/bin:/usr/sbin:/usr/bin:/sbin:/bin" # no wails on it
got=$(env PATH="$nopath" GOBIN="$work/gobin" make -s -p -n -f Makefile 2>/dev/null | sed -n 's/^WAILS := //p')
if [ "$got" = "$work/gobin/wails" ]; then ok "make finds wails in GOBIN ($got)"; else fail "with GOBIN=$work/gobin make uses wails '$got'"; fi
out=$(env PATH="$nopath" GOBIN="$work/gobin" scripts/install-deps.sh 2>&1)
if [ "$out" = "install-deps: ok" ]; then ok "install-deps finds the same wails in GOBIN"; else fail "install-deps with GOBIN=$work/gobin: $out"; fi
got=$(env -u GOBIN PATH="$nopath" GOPATH="$work/gopath" make -s -p -n -f Makefile 2>/dev/null | sed -n 's/^WAILS := //p')
if [ "$got" = "$work/gopath/bin/wails" ]; then ok "make finds wails in GOPATH/bin without GOBIN ($got)"; else fail "with GOPATH=$work/gopath make uses wails '$got'"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
