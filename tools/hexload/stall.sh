#!/usr/bin/env bash
# Issue 15 item 10: 9,500 one-hex reveals to 8 players, 2 ms apart, interleaved across variants.
# Each variant: NAME=BINARY:DATADIR:SYNC (SYNC "-" for a binary without --synchronous).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
hl=$(mktemp -d /tmp/hexload-bin.XXXXXX)/hexload
(cd "$root" && go build -o "$hl" ./tools/hexload)
runs=$1; shift
token=load-token-0123456789
for i in $(seq "$runs"); do
	for v in "$@"; do
		IFS=: read -r name bin dir sync <<<"$v"
		work=$(mktemp -d "$dir/hexload-stall.XXXXXX")
		port=$(( 7900 + RANDOM % 90 ))
		extra=""
		[ "$sync" != "-" ] && extra="--synchronous $sync --join-limit 0"
		nice -n -10 taskset -c 0 "$bin" serve --addr "127.0.0.1:$port" --data "$work/h.db" --dm-token "$token" --no-mdns --no-qr $extra >"$work/log" 2>&1 &
		pid=$!
		until curl -fs "http://127.0.0.1:$port/api/hub" >/dev/null; do sleep 0.05; done
		out=$(nice -n -10 taskset -c 1 "$hl" -target hub -url "http://127.0.0.1:$port" -token "$token" -players 8 -reveals 9500 -interval 2ms -lat-reveals 0 -pid "$pid" 2>&1 || true)
		kill "$pid"; wait "$pid" 2>/dev/null || true
		printf '%-12s run=%d load=%s %s\n' "$name" "$i" "$(cut -d' ' -f1 /proc/loadavg)" \
			"$(grep -o 'tput_p50_us=[0-9]*\|tput_p99_us=[0-9]*\|tput_max_us=[0-9]*\|delivered=[0-9]*\|cpu_per_msg_us=[0-9.]*' <<<"$out" | tr '\n' ' ')"
		rm -rf "$work"
	done
done
