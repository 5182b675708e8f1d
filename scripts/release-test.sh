#!/usr/bin/env bash
# Release test (`make test-release`, part of `make test`): checks the downloads `make release` put
# in dist/ as a user would get them. Each Linux and Windows binary is started and must answer
# GET /api/hub on loopback with its version; the Windows ones run under Wine (Debian's wine64).
# The Mac binaries cannot run here: their format, architecture and build settings are checked.
#
# Debian 12's Wine 8.0 lacks bcryptprimitives.dll, which every Go >= 1.22 Windows program loads
# for random numbers ("fatal error: bcryptprimitives.dll not found"). The test compiles a stub of
# it (ProcessPrng over advapi32's RtlGenRandom) with mingw-w64 into a private WINEPREFIX it makes
# and deletes: a test harness detail; nothing of it is shipped.
#
# Needs: VERSION and PRODUCT_VERSION (the Makefile passes them), dpkg-deb, objdump, file, curl,
# go, desktop-file-validate, wine64, x86_64-w64-mingw32-gcc (scripts/install-deps.sh).
# Prints ok/FAIL lines and "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
: "${VERSION:?}" "${PRODUCT_VERSION:?}"
DIST=$PWD/dist
WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { # check DESCRIPTION COMMAND...: ok when the command succeeds
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}

work=$(mktemp -d /tmp/hexcrawl-release-test.XXXXXX)
groups=()
cleanup() {
	for g in "${groups[@]}"; do kill -KILL -- "-$g" 2>/dev/null; done
	[ -d "$work/wineprefix" ] && WINEPREFIX=$work/wineprefix "$WINESERVER" -k 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# serves NAME SECONDS COMMAND...: starts the command (a hub on 127.0.0.1:0) in its own process
# group, reads the address it prints, and is ok when GET /api/hub answers with this release's
# version and the demo campaign.
serves() {
	local name=$1 secs=$2
	shift 2
	local log=$work/${name//[^a-zA-Z0-9]/_}
	: >"$log.out"
	setsid "$@" >"$log.out" 2>"$log.err" </dev/null &
	local pid=$!
	disown "$pid"
	groups+=("$pid")
	local base="" body="" i
	for ((i = 0; i < secs * 4; i++)); do
		base=$(tr -d '\r' <"$log.out" | sed -n 's,^DM console: *\(http://[^/]*\)/dm#.*,\1,p')
		[ -n "$base" ] && body=$(curl -fsS --max-time 2 "$base/api/hub" 2>/dev/null) && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	if [[ $body == *"\"version\":\"$VERSION\""* && $body == *'"campaigns":1'* ]]; then
		ok "$name: GET $base/api/hub = $body"
	else
		fail "$name: GET ${base:-(no address printed)}/api/hub = '${body}', want version $VERSION and the demo campaign; stderr:"
		tail -5 "$log.err"
	fi
	kill -KILL -- "-$pid" 2>/dev/null
	LAST_ERR=$log.err
}

version_is() { # version_is NAME OUTPUT PLATFORM KIND
	local want="hexcrawl $VERSION ($3, $4, "
	if [[ $2 == "$want"* ]]; then ok "$1 --version: $2"; else fail "$1 --version: '$2', want '$want…'"; fi
}

echo "# release test of $DIST ($VERSION)"

# --- what is there ---------------------------------------------------------------------------
V=$VERSION
files=(
	"hexcrawl-$V-linux-amd64.tar.gz" "hexcrawl_${V}_amd64.deb"
	"hexcrawl-$V-linux-amd64-hub.tar.gz" "hexcrawl-$V-linux-arm64-hub.tar.gz"
	"hexcrawl-$V-windows-amd64.exe" "hexcrawl-$V-windows-amd64-installer.exe" "hexcrawl-$V-windows-amd64-hub.exe"
	"hexcrawl-$V-macos-arm64.tar.gz" "hexcrawl-$V-macos-amd64.tar.gz" SHA256SUMS
)
for f in "${files[@]}"; do
	check "dist/$f exists" test -s "$DIST/$f"
done
check "SHA256SUMS lists exactly the other files" \
	test "$(awk '{print $2}' "$DIST/SHA256SUMS" | sort)" = "$(printf '%s\n' "${files[@]}" | grep -vx SHA256SUMS | sort)"
check "SHA256SUMS matches every file" sh -c "cd '$DIST' && sha256sum --quiet -c SHA256SUMS"
check "wails.json's version $PRODUCT_VERSION is X.Y.Z (the installer and the exe's version info need it)" \
	grep -qE '^[0-9]+\.[0-9]+\.[0-9]+$' <<<"$PRODUCT_VERSION"
check "the binaries' version $VERSION is wails.json's" test "${VERSION%%+*}" = "$PRODUCT_VERSION"

# --- Linux: the .deb ---------------------------------------------------------------------------
deb=$DIST/hexcrawl_${V}_amd64.deb
field() { dpkg-deb -f "$deb" "$1"; }
check ".deb: Package hexcrawl, Version $V, Architecture amd64" \
	test "$(field Package) $(field Version) $(field Architecture)" = "hexcrawl $V amd64"
mkdir -p "$work/deb"
check ".deb unpacks (dpkg-deb -x)" dpkg-deb -x "$deb" "$work/deb"
for p in usr/bin/hexcrawl usr/share/applications/hexcrawl.desktop usr/share/icons/hicolor/256x256/apps/hexcrawl.png; do
	check ".deb has /$p" test -s "$work/deb/$p"
done
check ".deb: the desktop entry is valid and starts hexcrawl with its icon" sh -c \
	"desktop-file-validate '$work/deb/usr/share/applications/hexcrawl.desktop' &&
	 grep -qx 'Exec=hexcrawl' '$work/deb/usr/share/applications/hexcrawl.desktop' &&
	 grep -qx 'Icon=hexcrawl' '$work/deb/usr/share/applications/hexcrawl.desktop'"
check ".deb: the icon is a 256×256 PNG" sh -c "file '$work/deb/usr/share/icons/hicolor/256x256/apps/hexcrawl.png' | grep -q 'PNG image data, 256 x 256'"

# Depends must name the package of every library the binary links against (found here with
# ldconfig and dpkg -S, independently of the dpkg-shlibdeps run that wrote it).
depends=$(field Depends)
depnames=" $(sed 's/ *([^)]*)//g; s/,/ /g' <<<"$depends") "
missing=()
for so in $(objdump -p "$work/deb/usr/bin/hexcrawl" | awk '/NEEDED/ {print $2}'); do
	path=$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ {print $NF; exit}')
	owner=""
	for p in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr$path"; do
		[ -n "$p" ] && owner=$(dpkg -S "$p" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$owner" ] && break
	done
	[[ -n $owner && $depnames == *" $owner "* ]] || missing+=("$so (${owner:-no package found})")
done
if [ ${#missing[@]} -eq 0 ]; then ok ".deb Depends covers every linked library: $depends"; else fail ".deb Depends ($depends) lacks ${missing[*]}"; fi

debbin=$work/deb/usr/bin/hexcrawl
version_is ".deb's hexcrawl" "$("$debbin" --version 2>&1)" linux/amd64 "with the desktop window"
export XDG_DATA_HOME=$work/xdg-data XDG_CONFIG_HOME=$work/xdg-config
serves ".deb's hexcrawl serve" 20 env -u DISPLAY -u WAYLAND_DISPLAY "$debbin" serve --addr 127.0.0.1:0 --no-qr
check ".deb's hexcrawl made its default data file" test -s "$XDG_DATA_HOME/hexcrawl/hexcrawl.db"

# --- Linux: the tarballs -------------------------------------------------------------------------
mkdir -p "$work/tgz"
for t in linux-amd64 linux-amd64-hub linux-arm64-hub macos-arm64 macos-amd64; do
	tar -xzf "$DIST/hexcrawl-$V-$t.tar.gz" -C "$work/tgz" || fail "unpack hexcrawl-$V-$t.tar.gz"
done
desk=$work/tgz/hexcrawl-$V-linux-amd64
check "linux tar.gz: hexcrawl, desktop entry, icon, README" \
	test -x "$desk/hexcrawl" -a -s "$desk/hexcrawl.desktop" -a -s "$desk/hexcrawl.png" -a -s "$desk/README.md"
check "linux tar.gz: the same binary as the .deb" cmp -s "$desk/hexcrawl" "$debbin"

linuxhub=$work/tgz/hexcrawl-$V-linux-amd64-hub/hexcrawl
check "linux hub: a static x86-64 ELF" sh -c "file '$linuxhub' | grep -q 'ELF 64-bit LSB executable, x86-64.*statically linked'"
version_is "linux hub" "$("$linuxhub" --version 2>&1)" linux/amd64 "hub only, no window"
serves "linux hub serve" 20 "$linuxhub" serve --addr 127.0.0.1:0 --data "$work/linux-hub.db" --no-qr

# binary_is NAME FILE FILE-PATTERN GOOS GOARCH: the file(1) type, Go's build settings, and the
# version inside (-trimpath keeps -ldflags out of the build settings).
binary_is() {
	local desc buildinfo
	desc=$(file -b "$2")
	buildinfo=$(go version -m "$2" 2>&1)
	if [[ $desc == "$3"* ]] && grep -q "build	GOOS=$4$" <<<"$buildinfo" && grep -q "build	GOARCH=$5$" <<<"$buildinfo" &&
		grep -qaF "$VERSION" "$2"; then
		ok "$1: $desc; GOOS=$4 GOARCH=$5, version $VERSION"
	else
		fail "$1: file says '$desc', want '$3…'; go version -m:"
		grep -E 'GOOS|GOARCH|ldflags' <<<"$buildinfo"
	fi
}
binary_is "linux arm64 hub" "$work/tgz/hexcrawl-$V-linux-arm64-hub/hexcrawl" "ELF 64-bit LSB executable, ARM aarch64" linux arm64

# --- macOS ---------------------------------------------------------------------------------------
binary_is "macos arm64 hub" "$work/tgz/hexcrawl-$V-macos-arm64/hexcrawl" "Mach-O 64-bit arm64 executable" darwin arm64
binary_is "macos amd64 hub" "$work/tgz/hexcrawl-$V-macos-amd64/hexcrawl" "Mach-O 64-bit x86_64 executable" darwin amd64
for a in arm64 amd64; do
	check "macos $a hub: no cgo (runs without Apple's toolchain)" sh -c \
		"go version -m '$work/tgz/hexcrawl-$V-macos-$a/hexcrawl' | grep -q 'build	CGO_ENABLED=0'"
done

# --- Windows -------------------------------------------------------------------------------------
gui=$DIST/hexcrawl-$V-windows-amd64.exe
con=$DIST/hexcrawl-$V-windows-amd64-hub.exe
inst=$DIST/hexcrawl-$V-windows-amd64-installer.exe
binary_is "windows desktop exe" "$gui" "PE32+ executable (GUI) x86-64" windows amd64
binary_is "windows hub exe" "$con" "PE32+ executable (console) x86-64" windows amd64
check "windows desktop exe has the window (build tag desktop)" sh -c "go version -m '$gui' | grep -q 'build	-tags=.*desktop'"
check "windows installer: an NSIS installer" sh -c "file -b '$inst' | grep -q 'Nullsoft Installer'"
# The version Windows shows in the file's properties and in Apps & features: wails.json's.
resource_version() { strings -el "$1" | grep -A1 -x ProductVersion | sed -n 2p; }
check "windows exe's ProductVersion is $PRODUCT_VERSION" test "$(resource_version "$gui")" = "$PRODUCT_VERSION"
check "windows installer's ProductVersion is $PRODUCT_VERSION" test "$(resource_version "$inst")" = "$PRODUCT_VERSION"

# Under Wine, in a prefix of our own with the stub DLL.
export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
if ! "$WINE" wineboot --init >"$work/wineboot.log" 2>&1; then
	fail "wine64 wineboot --init failed:"
	tail -5 "$work/wineboot.log"
else
	mkdir -p "$work/stub"
	cat >"$work/stub/bcryptprimitives.c" <<'EOF'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n)) return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
EOF
	printf 'LIBRARY bcryptprimitives\nEXPORTS\nProcessPrng\n' >"$work/stub/bcryptprimitives.def"
	if x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
		"$work/stub/bcryptprimitives.c" "$work/stub/bcryptprimitives.def" -ladvapi32 2>"$work/stub.log"; then
		ok "bcryptprimitives.dll stub built into the test's WINEPREFIX"
	else
		fail "building the bcryptprimitives.dll stub:"
		cat "$work/stub.log"
	fi
	version_is "windows hub under Wine" "$("$WINE" "$con" --version 2>&1 | tr -d '\r')" windows/amd64 "hub only, no window"
	serves "windows hub serve under Wine" 60 "$WINE" "$con" serve --addr 127.0.0.1:0 --no-qr
	check "windows hub made its default data file under %LOCALAPPDATA%" \
		test -s "$WINEPREFIX/drive_c/users/$(id -un)/AppData/Local/hexcrawl/hexcrawl.db"
	# The desktop exe, where Wine has no WebView2: it must say so in Windows' terms and serve.
	serves "windows desktop exe under Wine (no WebView2)" 60 "$WINE" "$gui" --addr 127.0.0.1:0 --no-qr \
		--data 'C:\users\Public\desktop-exe.db'
	err=$(tr -d '\r' <"$LAST_ERR")
	if [[ $err == *"Microsoft Edge WebView2"* && $err == *"Running the hub without a window"* && $err != *DISPLAY* ]]; then
		ok "windows desktop exe without WebView2 says so (not DISPLAY) and serves"
	else
		fail "windows desktop exe without WebView2 said: $err"
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
