#!/usr/bin/env bash
# takeover.sh - what a crash of the manager costs (docs/recovery.md): N Accept=no sockets, each with a running
# service holding its listener (ExecStart=/bin/sleep infinity, the socket's fd at 3); the state file's size; then
# kill -9 of the manager and a new one on the same directories: how long until every service is active again with
# its old main pid and every socket running, and how many sockets are running (held by their service) again.
#
# usage: bench/takeover.sh [-n SERVICES] [-r REPS]     (defaults: 100 services, 3 repetitions)
# Needs root or the services' user (pidfd_getfd needs ptrace access). Uses $SUMMON_BIN or artifacts/bin/summon.
# Kills only the pids it started (the manager's and, at the end, the recorded service pids).
set -u
N=100 REPS=3
while getopts "n:r:h" o; do
    case $o in n) N=$OPTARG ;; r) REPS=$OPTARG ;; *) sed -n '2,9p' "$0" >&2; exit 2 ;; esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUMMON=${SUMMON_BIN:-$ROOT/artifacts/bin/summon}
[ -x "$SUMMON" ] || { echo "no summon binary at $SUMMON" >&2; exit 1; }
ms() { date +%s%3N; }

run() {
    local dir pid start adopted_ms pids=() i
    dir=$(mktemp -d /tmp/summon-takeover-XXXX)
    mkdir -p "$dir/units" "$dir/run" "$dir/state"
    export SUMMON_UNIT_PATH=$dir/units SUMMON_RUNTIME_DIR=$dir/run SUMMON_STATE_DIR=$dir/state
    for i in $(seq 1 "$N"); do
        printf '[Socket]\nListenStream=%s/run/s%d.sock\n' "$dir" "$i" > "$dir/units/s$i.socket"
        printf '[Service]\nExecStart=/bin/sleep infinity\n' > "$dir/units/s$i.service"
    done
    setsid "$SUMMON" daemon </dev/null >>"$dir/daemon1.log" 2>&1 &
    pid=$!
    until "$SUMMON" list-sockets >/dev/null 2>&1; do sleep 0.05; done
    for i in $(seq 1 "$N"); do "$SUMMON" start "s$i.socket" "s$i.service" || exit 1; done
    for i in $(seq 1 "$N"); do pids+=("$("$SUMMON" show -p MainPID --value "s$i.service")"); done
    sleep 0.2
    local size; size=$(stat -c %s "$dir/run/manager-state.json")
    kill -9 "$pid"; wait "$pid" 2>/dev/null

    start=$(ms)
    setsid "$SUMMON" daemon </dev/null >>"$dir/daemon2.log" 2>&1 &
    pid=$!
    until "$SUMMON" list-sockets >/dev/null 2>&1; do sleep 0.01; done
    adopted_ms=$(( $(ms) - start ))
    local active=0 same=0 running=0
    for i in $(seq 1 "$N"); do
        [ "$("$SUMMON" is-active "s$i.service")" = active ] && active=$((active + 1))
        [ "$("$SUMMON" show -p MainPID --value "s$i.service")" = "${pids[$((i - 1))]}" ] && same=$((same + 1))
        [ "$("$SUMMON" show -p SubState --value "s$i.socket")" = running ] && running=$((running + 1))
    done
    echo "services=$N state_file_bytes=$size ready_after_restart_ms=$adopted_ms active=$active same_main_pid=$same sockets_running=$running"
    "$SUMMON" stop $(for i in $(seq 1 "$N"); do echo "s$i.service"; done) >/dev/null 2>&1
    kill -TERM "$pid"; wait "$pid" 2>/dev/null
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$dir"
}

for r in $(seq 1 "$REPS"); do run; done
