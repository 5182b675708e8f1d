#!/usr/bin/env bash
# Interleaved A/B of two hexcrawl binaries under hexload at a table's size: runs A, B, A, B, …
# each on a fresh data file, server pinned to core 0 and hexload to core 1 (nice -10), and
# prints each run's reveal latency p50/p99 and server CPU per delivered message. Interleaving
# lets a drifting or shared machine disturb both alike.
#
#   tools/hexload/ab.sh OLD_BINARY NEW_BINARY [RUNS]      # PLAYERS=8 by default
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BINARY_A BINARY_B [RUNS]" >&2; exit 2; }
a=$1 b=$2 runs=${3:-5} players=${PLAYERS:-8}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/hexload-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/hexload" ./tools/hexload)
token=load-token-0123456789
for i in $(seq "$runs"); do
	for bin in "$a" "$b"; do
		port=$(( 7900 + RANDOM % 90 ))
		rm -f "$work"/h.db*
		nice -n -10 taskset -c 0 "$bin" serve --addr "127.0.0.1:$port" --data "$work/h.db" --join-limit 0 --max-members 100000 \
			--dm-token "$token" --no-mdns --no-qr >/dev/null 2>&1 &
		pid=$!
		until curl -fs "http://127.0.0.1:$port/api/hub" >/dev/null; do sleep 0.05; done
		line=$(nice -n -10 taskset -c 1 "$work/hexload" -target hub -url "http://127.0.0.1:$port" -token "$token" \
			-players "$players" -reveals 200 -lat-reveals 500 -lat-interval 10ms -pid "$pid" 2>&1 | grep '^RESULT')
		kill "$pid"; wait "$pid" 2>/dev/null || true
		printf '%s run=%d %s\n' "$bin" "$i" "$(grep -o 'lat_p50_us=[0-9]*\|lat_p99_us=[0-9]*\|lat_cpu_per_msg_us=[0-9.]*' <<<"$line" | tr '\n' ' ')"
	done
done
