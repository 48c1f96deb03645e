#!/usr/bin/env bash
# coldstart-syscalls.sh - what Summon's manager does between an Accept=no socket's readiness and its service's
# execve, counted, not timed (a count is the same on a loaded machine): `summon daemon` with one lfd-echo socket
# (peers/summon.sh passfd) is traced with strace -f from after its start-up; one client connects; the lines of the
# trace from the epoll_wait that reports the listener to the child's execve are counted per thread and per call.
#
# usage: bench/coldstart-syscalls.sh [-P PORT] [-o OUTDIR]
# output: OUTDIR/trace.txt (strace -f -tt) and on stdout "suite=coldstart-syscalls manager=N child=N" then one
#   "call=NAME thread=manager|child count=N" line per call on the path
set -u
. "$(dirname "$0")/lib.sh"
PORT=17900 OUT=""
while getopts "P:o:h" o; do
    case $o in
        P) PORT=$OPTARG ;; o) OUT=$OPTARG ;;
        *) sed -n '2,10p' "$0" >&2; exit 2 ;;
    esac
done
command -v strace >/dev/null || die "strace is not installed"
bench_build
[ -n "$OUT" ] || OUT=$BENCH_TMP/results/coldstart-syscalls-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT" "$BENCH_TMP/logs"
PID="" TRACER=""
cleanup() { [ -n "$TRACER" ] && kill "$TRACER" 2>/dev/null; stop_pg "$PID"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_free 10 "$PORT" || die "port $PORT busy"
start_bg PID "$BENCH_TMP/logs/coldstart-syscalls.log" "exec $BENCH_DIR/peers/summon.sh passfd $PORT"
wait_listen "$PID" 30 "$PORT" || die "summon did not listen"
sleep 1   # start-up done: the boot job, the page unmapping
strace -f -tt -qq -o "$OUT/trace.txt" -p "$PID" &
TRACER=$!
sleep 1
echo hello | timeout 10 socat -t 5 - "TCP:127.0.0.1:$PORT" > "$OUT/echo.txt" || log "the client got no answer"
sleep 1
kill "$TRACER"; wait "$TRACER" 2>/dev/null; TRACER=""

# The manager's loop thread is the traced pid; the child is what its clone3 with CLONE_PIDFD returned (a runtime
# thread is made without it), on that line or on its "resumed" line.
CHILD=$(awk -v mgr="$PID" '
    $1 == mgr && /clone3\(/ && /CLONE_PIDFD/ { if ($NF ~ /^[0-9]+$/) { print $NF; exit } wait = 1; next }
    wait && $1 == mgr && /<\.\.\. clone3 resumed>/ { print $NF; exit }' "$OUT/trace.txt")
[ -n "$CHILD" ] || die "no spawn in the trace ($OUT/trace.txt)"
awk -v mgr="$PID" -v child="$CHILD" '
    function name(s) { sub(/\(.*/, "", s); return s }
    /resumed>/ { next }
    $1 == mgr && !start && /epoll_wait\(/ && /EPOLLIN/ { start = 1; next }
    !start { next }
    $1 == mgr && !spawned { calls["manager " name($3)]++; m++; if ($3 ~ /^clone3\(/) spawned = 1; next }
    $1 == child { calls["child " name($3)]++; c++; if ($3 ~ /^execve\(/) exit }
    END {
        printf "suite=coldstart-syscalls manager=%d child=%d\n", m, c
        for (k in calls) { split(k, p, " "); printf "call=%s thread=%s count=%d\n", p[2], p[1], calls[k] }
    }' "$OUT/trace.txt" | sort | tee "$OUT/counts.txt"
