#!/usr/bin/env bash
# Usage: tools/hexload/restart.sh BINARY [PLAYERS] [PORT]; DELAY=5s waits before the restart.
# One run of the restart scenario: a hub on a fresh data file, 1000 players, kill -9, restart.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
hl=$(mktemp -d /tmp/hexload-bin.XXXXXX)/hexload
(cd "$root" && go build -o "$hl" ./tools/hexload)
bin=$1 players=${2:-1000} port=${3:-7931}
work=$(mktemp -d /tmp/hexload-restart.XXXXXX)
token=load-token-0123456789
serve="exec $bin serve --addr 127.0.0.1:$port --data $work/h.db --dm-token $token --no-mdns --no-qr --join-limit 0 --max-members 100000 >>$work/hub.log 2>&1"
sh -c "$serve" &
pid=$!
until curl -fs "http://127.0.0.1:$port/api/hub" >/dev/null; do sleep 0.05; done
out=$("$hl" -url "http://127.0.0.1:$port" -token "$token" -pid "$pid" -players "$players" -restart "$serve" -restart-delay "${DELAY:-0s}" 2>&1) || { echo "$out"; }
echo "$out"
newpid=$(grep -o 'new_pid=[0-9]*' <<<"$out" | cut -d= -f2 || true)
[ -n "$newpid" ] && kill "$newpid" 2>/dev/null || true
sleep 0.5
tail -5 "$work/hub.log"; rm -rf "$work"
