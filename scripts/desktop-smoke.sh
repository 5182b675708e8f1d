#!/usr/bin/env bash
# Desktop smoke test (issue 4): build the real Wails binary, start it under Xvfb, and check what a
# DM would see — a window titled "Hexcrawl" showing the UI, the hub answering on its port, a
# second copy on the same data file refusing to start, and closing the window stopping the hub
# cleanly (connected clients closed with 1001, database closed, port closed, exit status 0). Prints a final "N passed, M failed" line and exits
# non-zero on any failure. The screenshot and logs stay in $OUT (printed) for a human to look at.
#
# Needs: Go, the Wails CLI v2.16.0, libgtk-3-dev libwebkit2gtk-4.0-dev, xvfb (xvfb-run), xdotool,
# imagemagick (import, convert), curl, cc + libx11-dev (to send the window manager's close
# request; there is no window manager under Xvfb). Debian:
#   apt-get install -y build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.0-dev \
#     xvfb xdotool imagemagick curl libx11-dev
#   go install github.com/wailsapp/wails/v2/cmd/wails@v2.16.0
#
# Environment:
#   SMOKE_SKIP_FRONTEND=1  do not build frontend/ (use frontend/dist as it is)
#   SMOKE_SKIP_BUILD=1     do not run `wails build` (test build/bin/hexcrawl as it is)
#   SMOKE_OUT=DIR          where to put the screenshot and logs (default: a new /tmp directory)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
OUT=${SMOKE_OUT:-$(mktemp -d /tmp/hexcrawl-smoke.XXXXXX)}
mkdir -p "$OUT"
BIN=$ROOT/build/bin/hexcrawl
TOKEN=smoke-test-dm-token-$RANDOM$RANDOM
TITLE=Hexcrawl

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
note() { echo "     $*"; }
finish() {
	echo "artifacts: $OUT"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Process groups we started (setsid makes each launch its own group): killed on every exit,
# because WebKit's helper processes outlive the main one.
groups=()
cleanup() {
	for g in "${groups[@]}"; do
		kill -TERM -- "-$g" 2>/dev/null
	done
	sleep 0.5
	for g in "${groups[@]}"; do
		kill -KILL -- "-$g" 2>/dev/null
	done
}
trap cleanup EXIT

echo "# desktop smoke test in $ROOT"

# --- tools ------------------------------------------------------------------------------------
WAILS=${WAILS:-$(command -v wails || true)}
[ -z "$WAILS" ] && [ -x "$(go env GOPATH 2>/dev/null)/bin/wails" ] && WAILS=$(go env GOPATH)/bin/wails
missing=()
for t in xvfb-run xdotool xprop import convert curl cc; do
	command -v "$t" >/dev/null || missing+=("$t")
done
[ -z "$WAILS" ] && [ -z "${SMOKE_SKIP_BUILD:-}" ] && missing+=(wails)
if [ ${#missing[@]} -gt 0 ]; then
	fail "missing tools: ${missing[*]} (see the header of $0 for the install commands)"
	finish
fi

# The close request a window manager sends when the DM clicks the window's close button. Xvfb
# has no window manager, and `xdotool windowclose` destroys the window instead of asking it.
cat >"$OUT/wmclose.c" <<'EOF'
#include <X11/Xlib.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
	if (argc != 2) { fprintf(stderr, "usage: wmclose WINDOW-ID\n"); return 2; }
	Display *d = XOpenDisplay(NULL);
	if (!d) { fprintf(stderr, "wmclose: cannot open display\n"); return 1; }
	XEvent ev = {0};
	ev.xclient.type = ClientMessage;
	ev.xclient.window = (Window)strtoul(argv[1], NULL, 0);
	ev.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = XInternAtom(d, "WM_DELETE_WINDOW", False);
	ev.xclient.data.l[1] = CurrentTime;
	if (!XSendEvent(d, ev.xclient.window, False, NoEventMask, &ev)) { fprintf(stderr, "wmclose: XSendEvent failed\n"); return 1; }
	XSync(d, False);
	XCloseDisplay(d);
	return 0;
}
EOF
if ! cc -O -o "$OUT/wmclose" "$OUT/wmclose.c" -lX11 2>"$OUT/wmclose.log"; then
	fail "compile the close-request helper (needs libx11-dev): $(tail -1 "$OUT/wmclose.log")"
	finish
fi

# --- build ------------------------------------------------------------------------------------
if [ -z "${SMOKE_SKIP_FRONTEND:-}" ] && [ -f frontend/package.json ]; then
	start=$(now)
	# npm ci only when there is nothing installed: it deletes node_modules, which would pull the
	# rug from under anything else using frontend/ at the same time.
	if { [ -d frontend/node_modules ] || (cd frontend && npm ci --no-audit --no-fund) >"$OUT/npm.log" 2>&1; } &&
		(cd frontend && npm run build) >>"$OUT/npm.log" 2>&1; then
		ok "frontend built ($(since "$start") s)"
	else
		fail "frontend build failed: see $OUT/npm.log"
		tail -20 "$OUT/npm.log"
		finish
	fi
fi
if [ ! -f frontend/dist/index.html ]; then
	note "frontend/dist has no index.html: the window shows the hub's 'build the UI' page"
fi

if [ -z "${SMOKE_SKIP_BUILD:-}" ]; then
	start=$(now)
	# -s: the frontend was built above (or deliberately not); -m: a test must not rewrite go.mod.
	if timeout 900 "$WAILS" build -s -m >"$OUT/wails-build.log" 2>&1; then
		ok "wails build ($(since "$start") s)"
	else
		fail "wails build failed: see $OUT/wails-build.log"
		tail -30 "$OUT/wails-build.log"
		finish
	fi
fi
if [ ! -x "$BIN" ]; then
	fail "no binary at $BIN"
	finish
fi

# --- start under Xvfb -------------------------------------------------------------------------
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 40000))
}
PORT=$(free_port)
ADDR=127.0.0.1:$PORT
DB=$OUT/smoke.db
# WebKit keeps caches under the XDG directories: keep them out of the user's home.
export XDG_CACHE_HOME=$OUT/xdg/cache XDG_DATA_HOME=$OUT/xdg/data XDG_CONFIG_HOME=$OUT/xdg/config
unset WAYLAND_DISPLAY

# xvfb-run picks a free display and an auth file; the inner shell writes them down so xdotool
# and import can reach the same server, then becomes the app (exec), so xvfb-run's exit status
# is the app's.
launch() { # launch NAME ARGS...: starts a copy in its own process group, sets $launched
	local name=$1
	shift
	setsid xvfb-run -a -s "-screen 0 1280x800x24" \
		sh -c 'echo "$DISPLAY $XAUTHORITY" >"$0"; exec "$@"' "$OUT/$name.display" "$BIN" "$@" \
		>"$OUT/$name.log" 2>&1 &
	launched=$!
	groups+=("$launched")
}

# wait_window GROUP: sets $WIN to the visible window of that copy whose title is exactly $TITLE.
# GTK also creates a leader window named after the program ("hexcrawl"), and xdotool's name
# search ignores case, so compare the titles here. Fails when the app exits or after 60 s;
# $SEEN then lists the titles of the app's visible windows.
wait_window() {
	WIN=
	SEEN=
	local pid w name
	for _ in $(seq 1 600); do
		kill -0 "$1" 2>/dev/null || return 1
		pid=$(app_pid "$1")
		if [ -n "$pid" ]; then
			for w in $(xdotool search --onlyvisible --pid "$pid" 2>/dev/null); do
				name=$(xdotool getwindowname "$w" 2>/dev/null)
				[[ " $SEEN " == *" \"$name\" "* ]] || SEEN="$SEEN \"$name\""
				if [ "$name" = "$TITLE" ]; then
					WIN=$w
					return 0
				fi
			done
		fi
		sleep 0.1
	done
	return 1
}

# use_display NAME: point xdotool and import at the X server that copy runs on.
use_display() {
	for _ in $(seq 1 100); do [ -s "$OUT/$1.display" ] && break; sleep 0.1; done
	read -r DISPLAY XAUTHORITY <"$OUT/$1.display"
	export DISPLAY XAUTHORITY
}

# app_pid GROUP: the hexcrawl process itself (xvfb-run's child) in that process group.
app_pid() {
	ps -e -o pgid=,pid=,comm= | awk -v g="$1" '$1 == g && $3 == "hexcrawl" { print $2; exit }'
}

start=$(now)
launch app --addr "$ADDR" --data "$DB" --dm-token "$TOKEN"
APP=$launched
note "started pid $APP (process group $(ps -o pgid= -p "$APP" | tr -d ' ')), hub on $ADDR, data $DB"
use_display app
if wait_window "$APP"; then
	ok "window titled \"$TITLE\" appeared ($(since "$start") s after launch)"
else
	fail "no visible window titled \"$TITLE\" within 60 s (visible windows of the app:${SEEN:- none}); app log:"
	tail -30 "$OUT/app.log"
	finish
fi

geom=$(xdotool getwindowgeometry "$WIN" | awk '/Geometry/ { print $2 }')
if [ "$geom" = "1280x800" ]; then ok "window is 1280x800"; else fail "window is $geom, want 1280x800 (app/run.go)"; fi
# Without a window manager GTK sets the icon as WM_HINTS' icon pixmap (_NET_WM_ICON needs a WM).
if xprop -id "$WIN" WM_HINTS 2>/dev/null | grep -q "bitmap id # to use for icon"; then
	ok "window has an icon (WM_HINTS icon pixmap)"
else
	fail "window has no icon in WM_HINTS (build/appicon.png not passed to Wails?)"
fi

hub=$(curl -fsS -m 5 "http://$ADDR/api/hub" 2>&1)
# The wire protocol's version, from the file both sides check their constants against.
protocol=$(sed -n 's/^ *"protocolVersion": *\([0-9]*\).*/\1/p' testdata/protocol/constants.json)
if [[ -n "$protocol" && "$hub" == *"\"protocol\":$protocol,"* ]]; then ok "hub answers on $ADDR: $hub"; else fail "hub on $ADDR (protocol ${protocol:-?}): $hub"; fi

camps=$(curl -fsS -m 5 -H "Authorization: Bearer $TOKEN" "http://$ADDR/api/campaigns" 2>&1)
ncamps=$(grep -o '"id"' <<<"$camps" | wc -l)
if [[ "$camps" == '['*'"id"'* ]]; then
	ok "first launch created a demo campaign ($ncamps campaign(s))"
else
	fail "no demo campaign on first launch: GET /api/campaigns = $camps"
fi

# Rendered: a blank page (WebKit failed, nothing painted yet) is one colour; text and a map are
# many. Poll, since the UI loads and connects after the window is mapped.
SHOT=$OUT/window.png
colours=0
for _ in $(seq 1 60); do
	if import -window root "$SHOT" 2>/dev/null; then
		colours=$(convert "$SHOT" -format %k info: 2>/dev/null || echo 0)
		[ "$colours" -gt 64 ] && break
	fi
	sleep 0.5
done
rendered=$(since "$start")
# One more second for late paints (fonts, the map), then the screenshot to keep.
sleep 1
import -window root "$SHOT" 2>/dev/null && colours=$(convert "$SHOT" -format %k info: 2>/dev/null || echo 0)
if [ "$colours" -gt 64 ]; then
	ok "window rendered the UI ($colours colours, at most $rendered s after launch); screenshot: $SHOT"
else
	fail "window looks blank ($colours colours); screenshot: $SHOT"
fi

# End to end: the DM UI in the window got its credentials from the binding and its WebSocket
# reached the hub with the window's Origin (the hub logs every accepted and refused socket).
dmsock=
for _ in $(seq 1 200); do
	dmsock=$(grep -m1 'msg="socket connected" role=dm' "$OUT/app.log")
	[ -n "$dmsock" ] && break
	sleep 0.1
done
if [[ "$dmsock" == *"origin=wails://wails "* ]]; then
	ok "the window's DM UI is connected to the hub (Origin wails://wails)"
elif [ -n "$dmsock" ]; then
	fail "the DM socket connected with an unexpected Origin: $dmsock"
else
	fail "no DM WebSocket from the window within 20 s: $(grep -m1 'socket refused' "$OUT/app.log" || echo 'no socket refused either')"
fi

# --- a second copy on the same data file ------------------------------------------------------
PORT2=$(free_port)
launch second --addr "127.0.0.1:$PORT2" --data "$DB" --dm-token "$TOKEN"
SECOND=$launched
for _ in $(seq 1 200); do kill -0 "$SECOND" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SECOND" 2>/dev/null; then
	fail "a second copy on the same data file is still running after 20 s (it should refuse)"
	kill -TERM -- "-$SECOND" 2>/dev/null
else
	wait "$SECOND"
	rc=$?
	if [ "$rc" -ne 0 ] && grep -qi "already running" "$OUT/second.log"; then
		ok "a second copy refuses (exit $rc): $(grep -i -m1 "already running" "$OUT/second.log")"
	else
		fail "second copy: exit $rc, want non-zero saying the first is already running; log:"
		tail -5 "$OUT/second.log"
	fi
fi
if curl -fsS -m 5 "http://$ADDR/api/hub" >/dev/null 2>&1; then
	ok "the first copy still serves after the second gave up"
else
	fail "the first copy stopped answering after the second copy started"
fi

# --- close the window -------------------------------------------------------------------------
# A client connected from outside the window (as a player's browser would be) must be told the
# hub is going away (close code 1001), not see the connection drop. Node and the frontend's ws
# package are there whenever the frontend was built.
WATCH=
if command -v node >/dev/null && [ -d frontend/node_modules/ws ]; then
	node -e '
		const WebSocket = require(process.argv[1]);
		const ws = new WebSocket(process.argv[2], ["hexcrawl.v1", "hexcrawl.dm." + process.argv[3]]);
		ws.on("message", (d) => { if (String(d).includes("\"session:state\"")) console.log("state"); });
		ws.on("close", (code, reason) => { console.log("close " + code + " " + reason); process.exit(0); });
		ws.on("error", (e) => { console.log("error " + e.message); process.exit(1); });
		setTimeout(() => { console.log("timeout"); process.exit(1); }, 60000);
	' "$ROOT/frontend/node_modules/ws" "ws://$ADDR/ws?campaignId=$(grep -o '"id":"[^"]*"' <<<"$camps" | head -1 | cut -d'"' -f4)" "$TOKEN" \
		>"$OUT/watcher.log" 2>&1 &
	WATCH=$!
	for _ in $(seq 1 100); do grep -q '^state' "$OUT/watcher.log" 2>/dev/null && break; sleep 0.1; done
	grep -q '^state' "$OUT/watcher.log" || note "the outside client got no session:state: $(cat "$OUT/watcher.log")"
else
	note "no node or frontend/node_modules/ws: the close code is not checked"
fi

start=$(now)
"$OUT/wmclose" "$WIN"
for _ in $(seq 1 200); do kill -0 "$APP" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$APP" 2>/dev/null; then
	fail "the app is still running 20 s after its window was closed"
else
	wait "$APP"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ok "closing the window ended the app with status 0 ($(since "$start") s)"
	else
		fail "closing the window ended the app with status $rc; log:"
		tail -10 "$OUT/app.log"
	fi
fi
if curl -fsS -m 2 "http://$ADDR/api/hub" >/dev/null 2>&1; then
	fail "the hub still answers on $ADDR after the window closed"
else
	ok "the hub's port is closed after the window closed"
fi
if [ -n "$WATCH" ]; then
	wait "$WATCH"
	if grep -q '^close 1001 ' "$OUT/watcher.log"; then
		ok "a connected client was closed with 1001 going away ($(head -c 80 "$OUT/watcher.log" | tr '\n' ' '))"
	else
		fail "a connected client was not closed with 1001: $(tr '\n' ' ' <"$OUT/watcher.log")"
	fi
fi
# SQLite removes the write-ahead log when its last connection closes cleanly; after a crash or a
# kill it stays behind.
if [ -e "$DB-wal" ]; then
	fail "the database was not closed cleanly: $DB-wal is still there"
else
	ok "the database was closed cleanly (no $(basename "$DB")-wal left)"
fi
if grep -E "panic|fatal error|SIGSEGV" "$OUT/app.log" >/dev/null; then
	fail "the app's log has a panic or a crash: $OUT/app.log"
else
	ok "no panic or crash in the app's log"
fi

left=$(ps -e -o pgid=,stat=,comm= | awk -v g="$APP" '$1 == g && $2 !~ /^Z/ { printf "%s ", $3 }')
note "left in the app's process group after it exited: ${left:-nothing} (killed now)"
cleanup
groups=()

# --- start again on the same data file, then stop with SIGTERM (Ctrl-C in a terminal) ----------
start=$(now)
launch again --addr "$ADDR" --data "$DB" --dm-token "$TOKEN"
AGAIN=$launched
use_display again
if wait_window "$AGAIN"; then
	ok "starts again on the same data file after the window closed ($(since "$start") s to the window)"
	camps2=$(curl -fsS -m 5 -H "Authorization: Bearer $TOKEN" "http://$ADDR/api/campaigns" 2>&1)
	n2=$(grep -o '"id"' <<<"$camps2" | wc -l)
	if [ "$ncamps" -gt 0 ] && [ "$n2" -eq "$ncamps" ]; then
		ok "the second start kept the campaigns and added no second demo ($n2)"
	elif [ "$ncamps" -gt 0 ]; then
		fail "campaigns after the second start: $n2, before: $ncamps"
	fi
	# The second start opens the campaign remembered from the first (the console starts its
	# socket before the campaign list is in): it must connect and draw again.
	dmsock=
	for _ in $(seq 1 200); do
		dmsock=$(grep -m1 'msg="socket connected" role=dm' "$OUT/again.log")
		[ -n "$dmsock" ] && break
		sleep 0.1
	done
	SHOT2=$OUT/window-again.png
	sleep 1
	if [ -n "$dmsock" ] && import -window root "$SHOT2" 2>/dev/null && [ "$(convert "$SHOT2" -format %k info: 2>/dev/null || echo 0)" -gt 64 ]; then
		ok "the second start's console connected and rendered; screenshot: $SHOT2"
	else
		fail "the second start's console: socket ${dmsock:-not connected}; screenshot: $SHOT2"
	fi
	pid=$(app_pid "$AGAIN")
	kill -TERM "$pid"
	for _ in $(seq 1 200); do kill -0 "$AGAIN" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$AGAIN" 2>/dev/null; then
		fail "the app is still running 20 s after SIGTERM"
	else
		wait "$AGAIN"
		rc=$?
		if [ "$rc" -eq 0 ] && ! curl -fsS -m 2 "http://$ADDR/api/hub" >/dev/null 2>&1; then
			ok "SIGTERM closes the window and stops the hub (status 0, port closed)"
		else
			fail "after SIGTERM: status $rc; log:"
			tail -10 "$OUT/again.log"
		fi
	fi
else
	fail "no window when starting again on the same data file; log:"
	tail -20 "$OUT/again.log"
fi

# --- no usable display: the windowed build says so and serves ------------------------------------
# (a) no DISPLAY at all (an SSH session); (b) a DISPLAY nothing answers on (GTK cannot open it).
headless() { # headless NAME DISPLAY-VALUE
	local name=$1 disp=$2 port
	port=$(free_port)
	if [ -z "$disp" ]; then
		setsid env -u DISPLAY -u WAYLAND_DISPLAY "$BIN" --addr "127.0.0.1:$port" --data "$OUT/$name.db" \
			--dm-token "$TOKEN" >"$OUT/$name.log" 2>&1 &
	else
		setsid env -u WAYLAND_DISPLAY DISPLAY="$disp" "$BIN" --addr "127.0.0.1:$port" --data "$OUT/$name.db" \
			--dm-token "$TOKEN" >"$OUT/$name.log" 2>&1 &
	fi
	local p=$!
	groups+=("$p")
	for _ in $(seq 1 200); do
		curl -fsS -m 1 "http://127.0.0.1:$port/api/hub" >/dev/null 2>&1 && break
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	local what="DISPLAY=${disp:-<unset>}"
	if ! curl -fsS -m 2 "http://127.0.0.1:$port/api/hub" >/dev/null 2>&1; then
		fail "$what: the hub does not answer (want: serving without a window); log:"
		tail -5 "$OUT/$name.log"
	elif ! grep -qi "no display" "$OUT/$name.log"; then
		fail "$what: serving, but the log does not say there is no display; log:"
		tail -5 "$OUT/$name.log"
	else
		kill -TERM "$p"
		for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$p" 2>/dev/null; then
			fail "$what: still running 10 s after SIGTERM"
		else
			wait "$p"
			local rc=$?
			if [ "$rc" -eq 0 ]; then
				ok "$what: says \"$(grep -i -m1 "no display" "$OUT/$name.log" | cut -c1-90)…\", serves, exits 0 on SIGTERM"
			else
				fail "$what: exit $rc after SIGTERM; log:"
				tail -5 "$OUT/$name.log"
			fi
		fi
	fi
}
headless nodisplay ""
# Display numbers above 1000 are never used by xvfb-run -a.
headless baddisplay ":1999"

finish
