#!/usr/bin/env bash
# Interleaved A/B of a well-behaved table's reveal latency while one player floods bad messages.
#   flood-ab.sh OLD NEW RUNS FLOOD
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
hl=$(mktemp -d /tmp/hexload-bin.XXXXXX)/hexload
(cd "$root" && go build -o "$hl" ./tools/hexload)
a=$1 b=$2 runs=${3:-3} flood=${4:-10000}
work=$(mktemp -d /tmp/hexload-flood.XXXXXX)
trap 'rm -rf "$work"' EXIT
token=load-token-0123456789
for i in $(seq "$runs"); do
	for bin in "$a" "$b"; do
		port=$(( 7900 + RANDOM % 90 ))
		rm -f "$work"/h.db*
		extra=""
		"$bin" serve --help 2>&1 | grep -q join-limit && extra="--join-limit 0 --max-members 100000"
		"$bin" serve --addr "127.0.0.1:$port" --data "$work/h.db" --dm-token "$token" --no-mdns --no-qr $extra >/dev/null 2>&1 &
		pid=$!
		until curl -fs "http://127.0.0.1:$port/api/hub" >/dev/null; do sleep 0.05; done
		out=$("$hl" -target hub -url "http://127.0.0.1:$port" -token "$token" -players 8 -reveals 50 -lat-reveals 500 -lat-interval 10ms -flood "$flood" -pid "$pid" 2>&1 || true)
		kill "$pid"; wait "$pid" 2>/dev/null || true
		printf '%s run=%d load=%s %s | %s\n' "$(basename "$bin")" "$i" "$(cut -d' ' -f1 /proc/loadavg)" \
			"$(grep -o 'lat_p50_us=[0-9]*\|lat_p99_us=[0-9]*\|lat_max_us=[0-9]*\|complete=[a-z]*' <<<"$out" | tr '\n' ' ')" "$(grep '^flood:' <<<"$out")"
	done
done
