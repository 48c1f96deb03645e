#!/usr/bin/env bash
# idle-stop.sh - [X-Summon] IdleStopSec= at full size (issue 15): CYCLES idle-stop/start cycles of lfd-echo behind
# `summon daemon` with IdleStopSec=IDLE, a client arriving around each stop (from 3/4 of IDLE to 3/2 of it after the
# previous close, so some land before, some at, some after the stop). Counts refused, reset and unanswered requests
# (all must be 0) and reports the cold-start time (connect -> first echoed byte when the service was stopped) p50/p99.
# The integration test IdleStopTests runs 50 cycles.
#
# usage: bench/idle-stop.sh [CYCLES] [IDLE_MS]
set -u
. "$(dirname "$0")/lib.sh"
SUMMON=${SUMMON_BIN:-$BENCH_DIR/../artifacts/bin/summon}
[ -x "$SUMMON" ] || die "summon binary not found: $SUMMON"
bench_build
CYCLES=${1:-1000} IDLE_MS=${2:-200}
d=$BENCH_TMP/idle-stop
rm -rf "$d" && mkdir -p "$d/units" "$d/run" "$d/state"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '[Socket]\nListenStream=127.0.0.1:%s\n\n[X-Summon]\nIdleStopSec=%sms\n' "$PORT" "$IDLE_MS" > "$d/units/echo.socket"
printf '[Unit]\nStartLimitIntervalSec=0\n\n[Service]\nExecStart=%s\n' "$BIN/lfd-echo" > "$d/units/echo.service"
export SUMMON_UNIT_PATH=$d/units SUMMON_RUNTIME_DIR=$d/run SUMMON_STATE_DIR=$d/state
PID=""
trap 'stop_pg "$PID"' EXIT
start_bg PID "$d/manager.log" "exec $SUMMON daemon"
for _ in $(seq 100); do [ -S "$d/run/control" ] && break; sleep 0.1; done
"$SUMMON" start echo.socket || die "echo.socket did not start (see $d/manager.log)"
python3 - "$PORT" "$CYCLES" "$IDLE_MS" "$SUMMON" <<'PY'
import random, socket, subprocess, sys, time
port, cycles, idle_ms, summon = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def request(tag):
    t0 = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        s.sendall(tag)
        got = b""
        while len(got) < len(tag):
            b = s.recv(256)
            if not b:
                break
            got += b
        return got == tag, (time.monotonic() - t0) * 1e6
    finally:
        s.close()
def active():
    return subprocess.run([summon, "is-active", "echo.service"], capture_output=True, text=True).stdout.strip() == "active"
rnd = random.Random(15)
refused = reset = unanswered = 0
cold = []
for i in range(cycles):
    for tag in (b"a\n", b"boundary %d\n" % i):
        try:
            ok, us = request(tag)
            if not ok:
                unanswered += 1
        except ConnectionRefusedError:
            refused += 1
        except ConnectionResetError:
            reset += 1
        if tag == b"a\n":
            time.sleep(rnd.uniform(0.75, 1.5) * idle_ms / 1000)
    # a cold start: wait for the idle stop, then time connect -> first echoed byte
    if i % 4 == 0:
        deadline = time.monotonic() + 10
        while active() and time.monotonic() < deadline:
            time.sleep(0.01)
        try:
            ok, us = request(b"cold\n")
            cold.append(us) if ok else None
            unanswered += 0 if ok else 1
        except ConnectionRefusedError:
            refused += 1
        except ConnectionResetError:
            reset += 1
stops = subprocess.run([summon, "show", "-p", "X-SummonNIdleStops", "--value", "echo.socket"], capture_output=True, text=True).stdout.strip()
cold.sort()
pct = lambda p: cold[min(len(cold) - 1, int(p * len(cold)))] / 1000
print(f"cycles={cycles} idle_ms={idle_ms} requests={cycles * 2 + len(cold)} refused={refused} reset={reset} unanswered={unanswered} idle_stops={stops}")
print(f"cold_start_ms n={len(cold)} p50={pct(0.50):.2f} p99={pct(0.99):.2f}")
sys.exit(1 if refused or reset or unanswered else 0)
PY
