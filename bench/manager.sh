#!/usr/bin/env bash
# manager.sh - Summon's own manager measurements (no peers to compare with):
#   startup  time from exec of `summon daemon` to all NSOCK Accept=yes sockets listening (ss polled every 10 ms)
#   reload   `summon daemon-reload` round trip with NSOCK socket units (+NSOCK templates) loaded
#   rss      idle VmRSS with NSOCK sockets (1 s after listening)
#   cli      `summon is-active` / `summon show -p ActiveState` / `summon status` round trips (bin/cmdtime), next to
#            /bin/true as the fork+exec floor of the measuring tool
#   growth   RSS / open fds / zombie children of the manager before and after GROWTH Accept=yes connections (c=8),
#            measured from where it settled (after SETTLE=30,000 warm-up connections)
#
# usage: bench/manager.sh [-r REPS] [-k NSOCK] [-g GROWTH] [-P BASEPORT] [-o OUTDIR]
# output: OUTDIR/raw.txt, one "suite=manager metric=... key=value..." line per measurement
set -u
. "$(dirname "$0")/lib.sh"
REPS=3 NSOCK=1000 GROWTH=100000 SETTLE=30000 BASE=19000 OUT=""
while getopts "r:k:g:P:o:h" o; do
    case $o in
        r) REPS=$OPTARG ;; k) NSOCK=$OPTARG ;; g) GROWTH=$OPTARG ;; P) BASE=$OPTARG ;; o) OUT=$OPTARG ;;
        *) sed -n '2,13p' "$0" >&2; exit 2 ;;
    esac
done
bench_build
SUMMON=${SUMMON_BIN:-$BENCH_DIR/../artifacts/bin/summon}
[ -x "$SUMMON" ] || die "summon binary not found: $SUMMON"
[ -n "$OUT" ] || OUT=$BENCH_TMP/results/manager-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT" "$BENCH_TMP/logs"
RAW=$OUT/raw.txt
PID=""
trap 'stop_pg "$PID"' EXIT
trap 'exit 130' INT TERM

listening_count() { # FIRST LAST
    ss -Hltn "sport >= :$1 and sport <= :$2" 2>/dev/null | wc -l
}
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
zombies() { ps --ppid "$1" -o stat= 2>/dev/null | grep -c '^Z' || true; }
rss_of() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
# start NSOCK: starts the manager; sets PID and STARTUP_MS
start_summon() {
    local n=$1 last=$((BASE + $1 - 1)) t0 cnt
    wait_free 30 $(seq "$BASE" "$last") || die "ports busy"
    # the unit files are written first (not timed): peers/summon.sh with SUMMON_BIN=/bin/true writes them, then exits
    rm -rf "$BENCH_TMP/summon-accept-$BASE"
    SUMMON_BIN=/bin/true "$BENCH_DIR/peers/summon.sh" accept "$BASE" "$n" || die "unit generation failed"
    t0=$(now_ms)
    start_bg PID "$BENCH_TMP/logs/manager.log" "SUMMON_BIN=$SUMMON SUMMON_BENCH_REUSE=1 exec $BENCH_DIR/peers/summon.sh accept $BASE $n"
    while :; do
        cnt=$(listening_count "$BASE" "$last")
        [ "$cnt" -ge "$n" ] && break
        pid_alive "$PID" || die "summon exited (see $BENCH_TMP/logs/manager.log)"
        [ $(($(now_ms) - t0)) -gt 30000 ] && die "timeout waiting for $n sockets"
        sleep 0.01
    done
    STARTUP_MS=$(($(now_ms) - t0))
}
export_env() { # the CLI finds the manager through the same variables
    local d=$BENCH_TMP/summon-accept-$BASE
    export SUMMON_UNIT_PATH=$d/units SUMMON_RUNTIME_DIR=$d/run SUMMON_STATE_DIR=$d/state
}

log "manager: reps=$REPS nsock=$NSOCK growth=$GROWTH -> $OUT"
for ((rep = 1; rep <= REPS; rep++)); do
    for n in 1 "$NSOCK"; do
        start_summon "$n"
        sleep 1
        echo "suite=manager metric=startup name=summon rep=$rep nsock=$n startup_ms=$STARTUP_MS rss_kb=$(rss_of "$PID") fds=$(fd_count "$PID") threads=$(awk '/^Threads:/{print $2}' /proc/$PID/status)" >> "$RAW"
        export_env
        r=$("$BIN/cmdtime" -e -n 5 -w 1 -- "$SUMMON" daemon-reload)
        echo "suite=manager metric=reload name=summon rep=$rep nsock=$n $r" >> "$RAW"
        echo "suite=manager metric=rss_after_reload name=summon rep=$rep nsock=$n rss_kb=$(rss_of "$PID")" >> "$RAW"
        if [ "$n" = 1 ]; then
            timeout -k 2 60 "$BIN/loadclient" -a "127.0.0.1:$BASE" -c 1 -n 20 -q >/dev/null   # journal lines for status
            for cmd in "is-active bench-$BASE.socket" "show -p ActiveState bench-$BASE.socket" "status bench-$BASE.socket"; do
                r=$("$BIN/cmdtime" -n 50 -w 3 -- "$SUMMON" $cmd)
                echo "suite=manager metric=cli name=\"summon_${cmd%% *}\" rep=$rep $r" | tr -d '"' >> "$RAW"
            done
            r=$("$BIN/cmdtime" -n 50 -w 3 -- /bin/true)
            echo "suite=manager metric=cli name=true_floor rep=$rep $r" >> "$RAW"
        fi
        stop_pg "$PID"; PID=""
        unset SUMMON_UNIT_PATH SUMMON_RUNTIME_DIR SUMMON_STATE_DIR
    done
    log "rep $rep/$REPS done"
done

if [ "$GROWTH" -gt 0 ]; then
    start_summon 1
    # Settle first: the GC's regions fill over the first ~20-30k connections (anonymous memory measured 5.4 MB after
    # 2,000, 9.3 MB after 32,000, 9.5 MB after 62,000), so the growth is measured from there, as the target asks.
    timeout -k 5 300 "$BIN/loadclient" -a "127.0.0.1:$BASE" -c 8 -n "$SETTLE" -T 240 -q >/dev/null
    sleep 1
    r0=$(rss_of "$PID") f0=$(fd_count "$PID") z0=$(zombies "$PID")
    out=$(timeout -k 5 900 "$BIN/loadclient" -a "127.0.0.1:$BASE" -c 8 -n "$GROWTH" -T 800 -q)
    sleep 2
    r1=$(rss_of "$PID") f1=$(fd_count "$PID") z1=$(zombies "$PID")
    echo "suite=manager metric=growth name=summon conns=$GROWTH settle=$SETTLE rss0_kb=$r0 rss1_kb=$r1 fds0=$f0 fds1=$f1 zombies0=$z0 zombies1=$z1 $out" >> "$RAW"
    stop_pg "$PID"; PID=""
fi
cat "$RAW"
log "results: $OUT"
