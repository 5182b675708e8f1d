#!/usr/bin/env bash
# Compare `hexcrawl serve` with tools/barehub (bare melody, the floor) under tools/hexload, as the
# issue's speed targets are stated: server pinned to core 0, load generator to core 1, loopback
# only. Each run starts a fresh server (fresh SQLite file), so "RSS right after start" is idle.
# Runs alternate bare/hub so background noise hits both alike; the summary is the median of
# each figure over the quiet runs, then over all runs. others_cpu_ms is CPU used during a run by
# processes other than the server and hexload (from /proc/stat) over the run's wall_ms; a run
# where others used more than MAX_OTHERS_PCT % of one core is retried, and kept as quiet=0 if
# the machine never calms down (1000 ms of others per 1000 ms of wall is a whole core).
#
#   tools/hexload/compare.sh                 # 5 runs each, 1000 players
#   RUNS=7 PLAYERS=1000 tools/hexload/compare.sh
#   HEXLOAD_ARGS="-reveals 400 -interval 1ms" tools/hexload/compare.sh
#
# Needs: go, taskset (util-linux), 2+ cores. Prints every run's RESULT line, then the medians.
set -euo pipefail

RUNS=${RUNS:-5}
PLAYERS=${PLAYERS:-1000}
HEXLOAD_ARGS=${HEXLOAD_ARGS:-}
TARGETS=${TARGETS:-"bare hub"}
SERVER_CORE=${SERVER_CORE:-0}
LOAD_CORE=${LOAD_CORE:-1}
# Both processes run at this nice level (negative needs root) so that other work on a shared
# machine disturbs the measurement less; 0 to leave priorities alone.
NICE=${NICE:--10}
# A run during which other processes used more than MAX_OTHERS_PCT % of one core counts as
# disturbed: it is retried (up to RETRIES times, after a pause) and flagged quiet=0.
MAX_OTHERS_PCT=${MAX_OTHERS_PCT:-10}
RETRIES=${RETRIES:-3}
TOKEN=load-token-0123456789

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/hexload-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "building into $work" >&2
(cd "$root" && go build -o "$work/hexcrawl" . && go build -o "$work/barehub" ./tools/barehub &&
	go build -o "$work/hexload" ./tools/hexload)

# busy_jiffies: all CPUs' non-idle time from /proc/stat, in jiffies (1/100 s).
busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
# proc_jiffies PID: a process's user+system time in jiffies (0 once it is gone).
proc_jiffies() { awk '{sub(/.*\) /, ""); print $12+$13}' "/proc/$1/stat" 2>/dev/null || echo 0; }

free_port() {
	local port=$1
	while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
	echo "$port"
}

results=$work/results
: >"$results"
# one_run TARGET: start a fresh server, load it, append its RESULT line to $results.
one_run() {
	local target=$1 attempt=0 port pid busy0 busy1 t0 wall status server line load others quiet
	while :; do
		port=$(free_port 7800)
		rm -f "$work"/h.db*
		if [ "$target" = bare ]; then
			nice -n "$NICE" taskset -c "$SERVER_CORE" "$work/barehub" -addr "127.0.0.1:$port" 2>"$work/server.log" &
		else
			nice -n "$NICE" taskset -c "$SERVER_CORE" "$work/hexcrawl" serve --addr "127.0.0.1:$port" --data "$work/h.db" --join-limit 0 --max-members 100000 \
				--dm-token "$TOKEN" --no-mdns --no-qr >/dev/null 2>"$work/server.log" &
		fi
		pid=$!
		busy0=$(busy_jiffies)
		t0=$(date +%s%N)
		# hexload waits for the server to answer, reads its RSS at once, then loads it.
		set +e
		nice -n "$NICE" taskset -c "$LOAD_CORE" "$work/hexload" -target "$target" -url "http://127.0.0.1:$port" -token "$TOKEN" \
			-pid "$pid" -players "$PLAYERS" $HEXLOAD_ARGS >"$work/out" 2>&1
		status=$?
		set -e
		server=$(proc_jiffies "$pid")
		busy1=$(busy_jiffies)
		wall=$((($(date +%s%N) - t0) / 1000000))
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		line=$(grep '^RESULT ' "$work/out" || true)
		if [ $status -ne 0 ] || [ -z "$line" ]; then
			echo "run $run $target failed (exit $status):" >&2
			cat "$work/out" >&2
			tail -5 "$work/server.log" >&2
			return 0
		fi
		load=$(sed -n 's/.* load_cpu_ms=\([0-9]*\).*/\1/p' <<<"$line")
		# Whole-system busy time minus the server's and hexload's (its whole life).
		others=$(((busy1 - busy0 - server) * 10 - load))
		quiet=1
		if [ $((others * 100)) -gt $((wall * MAX_OTHERS_PCT)) ]; then
			quiet=0
			if [ $attempt -lt "$RETRIES" ]; then
				attempt=$((attempt + 1))
				echo "run $run $target disturbed (others used $others ms in $wall ms); retrying" >&2
				sleep 5
				continue
			fi
		fi
		echo "$line run=$run wall_ms=$wall others_cpu_ms=$others quiet=$quiet" | tee -a "$results"
		return 0
	done
}

for run in $(seq 1 "$RUNS"); do
	for target in $TARGETS; do
		one_run "$target"
	done
done

summarize() {
awk '
{
	t = ""; for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "target") t = kv[2] }
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[2] !~ /^-?[0-9.]+$/ || kv[1] == "run" || kv[1] == "players" || kv[1] == "quiet") continue
		if (!(kv[1] in seen)) { seen[kv[1]] = 1; keys[++nk] = kv[1] }
		n = ++count[t, kv[1]]; val[t, kv[1], n] = kv[2]
		if (!(t in tseen)) { tseen[t] = 1; targets[++nt] = t }
	}
}
function median(t, k,    n, i, j, a, tmp) {
	n = count[t, k]; if (n == 0) return "-"
	for (i = 1; i <= n; i++) a[i] = val[t, k, i] + 0
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { tmp = a[i]; a[i] = a[j]; a[j] = tmp }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	printf "%-18s", "figure"; for (j = 1; j <= nt; j++) printf " %12s", targets[j]
	if (nt == 2) printf " %10s", "ratio"
	printf "\n"
	for (i = 1; i <= nk; i++) {
		k = keys[i]; printf "%-18s", k
		for (j = 1; j <= nt; j++) { m[j] = median(targets[j], k); printf " %12s", m[j] }
		if (nt == 2) { if (m[1] + 0 > 0) printf " %10.2f", m[2] / m[1]; else printf " %10s", "-" }
		printf "\n"
	}
}' "$@"
}

echo
quiet_runs=$(grep -c ' quiet=1' "$results" || true)
echo "medians over the $quiet_runs quiet runs (others under $MAX_OTHERS_PCT % of a core; server on core $SERVER_CORE, load on core $LOAD_CORE, nice $NICE, $PLAYERS players${HEXLOAD_ARGS:+, $HEXLOAD_ARGS})"
grep ' quiet=1' "$results" | summarize
echo
echo "medians over all $(wc -l <"$results") runs"
summarize "$results"
