#!/usr/bin/env bash
# journal-follow.sh - how late `journalctl -f` shows a line, and what following costs while nothing is logged:
#   latency  for each of N lines a service prints (one every 200 ms), the time from the manager reading it
#            (__REALTIME_TIMESTAMP) to the follower printing it (stamped with bash's $EPOCHREALTIME by the reader of its pipe, no fork): median, p90, max ms
#   idle     CPU the follower spends over IDLE seconds with nothing logged (it looks at the database every 20 ms), in
#            percent of one core
#
# usage: bench/journal-follow.sh [-n LINES] [-i IDLE_S]     (defaults: 50 lines, 10 s)
# output: one "suite=journal-follow lines=.. median_ms=.. p90_ms=.. max_ms=.. idle_cpu_pct=.." line on stdout
set -u
. "$(dirname "$0")/lib.sh"
N=50 IDLE=10
while getopts "n:i:h" o; do
    case $o in
        n) N=$OPTARG ;; i) IDLE=$OPTARG ;; *) sed -n '2,10p' "$0" >&2; exit 2 ;;
    esac
done
SUMMON=${SUMMON_BIN:-$BENCH_DIR/../artifacts/bin/summon}
[ -x "$SUMMON" ] || die "summon binary not found: $SUMMON"
d=$BENCH_TMP/journal-follow
rm -rf "$d"
mkdir -p "$d/units" "$d/run" "$d/state" "$BENCH_TMP/logs"
printf '[Service]\nExecStart=/bin/sh -c '"'"'for i in $(seq 1 %s); do echo tick $i; sleep 0.2; done'"'"'\nStandardOutput=journal\n' "$N" >"$d/units/tick.service"
export SUMMON_UNIT_PATH=$d/units SUMMON_RUNTIME_DIR=$d/run SUMMON_STATE_DIR=$d/state
PID="" FOLLOW=""
trap 'stop_pg "$FOLLOW"; stop_pg "$PID"' EXIT
trap 'exit 130' INT TERM
start_bg PID "$BENCH_TMP/logs/journal-follow.log" "exec $SUMMON daemon"
for _ in $(seq 1 300); do [ -S "$d/run/control" ] && "$SUMMON" list-units >/dev/null 2>&1 && break; sleep 0.05; done

# The follower's own CPU over an idle stretch: utime+stime in clock ticks, before and after.
ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
start_bg FOLLOW "$d/follow.out" "$SUMMON journal -f -n 0 -u tick.service -o json | while IFS= read -r line; do printf '%s %s\n' \"\${EPOCHREALTIME/./}\" \"\$line\"; done"
sleep 1
fpid=$(pgrep -g "$FOLLOW" -x summon | head -1)
[ -n "$fpid" ] || die "no follower process"
t0=$(ticks "$fpid")
sleep "$IDLE"
t1=$(ticks "$fpid")
idle_pct=$(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v s="$IDLE" 'BEGIN { printf "%.2f", 100 * t / hz / s }')

"$SUMMON" start tick.service || die "start failed"
for _ in $(seq 1 $((N * 10 + 100))); do
    [ "$(grep -c '"MESSAGE":"tick ' "$d/follow.out")" -ge "$N" ] && break
    sleep 0.1
done
grep '"MESSAGE":"tick ' "$d/follow.out" \
    | sed -E 's/^([0-9]+) .*"__REALTIME_TIMESTAMP":"([0-9]+)".*/\1 \2/' \
    | awk '{print ($1 - $2) / 1000}' | sort -n \
    | awk -v n="$N" -v idle="$idle_pct" '{ v[NR] = $1 } END {
        if (NR == 0) { print "suite=journal-follow lines=0"; exit 1 }
        p90 = int(NR * 0.9 + 0.5); if (p90 < 1) p90 = 1
        printf "suite=journal-follow lines=%d/%d median_ms=%.1f p90_ms=%.1f max_ms=%.1f idle_cpu_pct=%s\n",
            NR, n, v[int((NR + 1) / 2)], v[p90], v[NR], idle }'
