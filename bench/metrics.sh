#!/usr/bin/env bash
# metrics.sh - what `summon daemon --metrics` costs (issue 16): idle RSS and start-up (exec -> /readyz ok with the
# endpoint; exec -> control socket answering without) with the endpoint on and off, and the wall time of a /metrics
# scrape of 1,000 units (500 Accept=yes sockets listening, 500 services loaded), curl's time_total on loopback.
# Prints one markdown row per measure; docs/performance.md takes them through bench/decisions.md. Timings taken while
# the machine is shared are noise: say "under load" with them.
#
# usage: bench/metrics.sh [RUNS] [SCRAPES]
set -u
. "$(dirname "$0")/lib.sh"
SUMMON=${SUMMON_BIN:-$BENCH_DIR/../artifacts/bin/summon}
[ -x "$SUMMON" ] || die "summon binary not found: $SUMMON"
RUNS=${1:-5} SCRAPES=${2:-50}
d=$BENCH_TMP/metrics
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
PID=""
trap 'stop_pg "$PID"' EXIT

# One manager with one Accept=yes socket enabled; prints "rss_kb startup_ms" once it is idle.
one_run() { # $1: on|off
    rm -rf "$d/one" && mkdir -p "$d/one/units/sockets.target.wants" "$d/one/run" "$d/one/state"
    local port mport args="" t0 t1 i
    port=$(free_port) mport=$(free_port)
    printf '[Socket]\nListenStream=127.0.0.1:%s\nAccept=yes\n[Install]\nWantedBy=sockets.target\n' "$port" > "$d/one/units/echo.socket"
    printf '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n' > "$d/one/units/echo@.service"
    ln -s ../echo.socket "$d/one/units/sockets.target.wants/echo.socket"
    [ "$1" = on ] && args="--metrics 127.0.0.1:$mport"
    export SUMMON_UNIT_PATH=$d/one/units SUMMON_RUNTIME_DIR=$d/one/run SUMMON_STATE_DIR=$d/one/state
    t0=$(date +%s%N)
    start_bg PID "$d/one/manager.log" "exec $SUMMON daemon $args"
    for i in $(seq 2000); do
        if [ "$1" = on ]; then curl -sf -o /dev/null "http://127.0.0.1:$mport/readyz" && break
        else "$SUMMON" is-active echo.socket >/dev/null 2>&1 && break; fi
        sleep 0.005
    done
    t1=$(date +%s%N)
    sleep 3   # idle: the boot's pages released, the journal quiet
    echo "$(awk '/^VmRSS/ {print $2}' /proc/$PID/status) $(( (t1 - t0) / 1000000 ))"
    stop_pg "$PID"; PID=""
}

for mode in off on; do
    : > "$d.$mode" 2>/dev/null || { mkdir -p "$(dirname "$d")"; : > "$d.$mode"; }
    for _ in $(seq "$RUNS"); do one_run "$mode" >> "$d.$mode"; done
done
rss_off=$(cut -d' ' -f1 "$d.off" | median) rss_on=$(cut -d' ' -f1 "$d.on" | median)
st_off=$(cut -d' ' -f2 "$d.off" | median) st_on=$(cut -d' ' -f2 "$d.on" | median)

# 1,000 units: 500 listening Accept=yes sockets (enabled), 500 services (loaded by a start of a oneshot target's wants).
rm -rf "$d/big" && mkdir -p "$d/big/units/sockets.target.wants" "$d/big/units/multi-user.target.wants" "$d/big/run" "$d/big/state"
ports=($(python3 -c '
import socket
held = [socket.socket() for _ in range(500)]
for s in held: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))'))
for i in $(seq 0 499); do
    printf '[Socket]\nListenStream=127.0.0.1:%s\nAccept=yes\n[Install]\nWantedBy=sockets.target\n' "${ports[$i]}" > "$d/big/units/s$i.socket"
    printf '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n' > "$d/big/units/s$i@.service"
    ln -s "../s$i.socket" "$d/big/units/sockets.target.wants/s$i.socket"
    printf '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n' > "$d/big/units/o$i.service"
    ln -s "../o$i.service" "$d/big/units/multi-user.target.wants/o$i.service"
done
mport=$(free_port)
export SUMMON_UNIT_PATH=$d/big/units SUMMON_RUNTIME_DIR=$d/big/run SUMMON_STATE_DIR=$d/big/state
start_bg PID "$d/big/manager.log" "exec $SUMMON daemon --metrics 127.0.0.1:$mport"
for _ in $(seq 6000); do curl -sf -o /dev/null "http://127.0.0.1:$mport/readyz" && break; sleep 0.01; done
units=$(curl -s "http://127.0.0.1:$mport/metrics" | grep -c '^systemd_unit_state{.*state="active"')
bytes=$(curl -s "http://127.0.0.1:$mport/metrics" | wc -c)
for _ in $(seq "$SCRAPES"); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$mport/metrics"; done > "$d.scrape"
for _ in $(seq "$SCRAPES"); do curl -s "http://127.0.0.1:$mport/metrics" | awk '/^summon_metrics_scrape_seconds / {print $2*1000}'; done > "$d.loop"
loop_p50=$(median < "$d.loop") loop_max=$(sort -n "$d.loop" | tail -1)
scrape_p50=$(awk '{print $1*1000}' "$d.scrape" | median)
scrape_max=$(awk '{print $1*1000}' "$d.scrape" | sort -n | tail -1)
rss_big=$(awk '/^VmRSS/ {print $2}' /proc/$PID/status)
stop_pg "$PID"; PID=""

load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "| $(date -u +%F) \`bench/metrics.sh $RUNS $SCRAPES\`, load average $load | idle RSS with 1 socket, metrics off → on: $rss_off → $rss_on KB (median of $RUNS) | start-up to ready, off → on: $st_off → $st_on ms | scrape of $units units ($bytes bytes): loop time (summon_metrics_scrape_seconds) p50 $loop_p50 ms, max $loop_max ms; curl time_total p50 $scrape_p50 ms, max $scrape_max ms over $SCRAPES; RSS then $rss_big KB |"
