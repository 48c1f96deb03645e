#!/usr/bin/env bash
# control-flood.sh - the control socket under a flood at full size (issue 11, item 5): 2,000 idle connections and 200
# clients sending a request one byte every 5 s, against `summon daemon` with one socket unit, while the request
# `summon is-active` sends is timed every second (bench/control-flood.py). The integration tests run it shortened.
#
# usage: bench/control-flood.sh [IDLE] [SLOW] [PERIOD_S] [DURATION_S]
set -u
. "$(dirname "$0")/lib.sh"
SUMMON=${SUMMON_BIN:-$BENCH_DIR/../artifacts/bin/summon}
[ -x "$SUMMON" ] || die "summon binary not found: $SUMMON"
d=$BENCH_TMP/control-flood
rm -rf "$d" && mkdir -p "$d/units" "$d/run" "$d/state"
printf '[Socket]\nListenStream=%s/echo.sock\nAccept=yes\n' "$d/run" > "$d/units/b.socket"
printf '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n' > "$d/units/b@.service"
export SUMMON_UNIT_PATH=$d/units SUMMON_RUNTIME_DIR=$d/run SUMMON_STATE_DIR=$d/state
PID=""
trap 'stop_pg "$PID"' EXIT
start_bg PID "$d/manager.log" "exec $SUMMON daemon"
for _ in $(seq 100); do [ -S "$d/run/control" ] && break; sleep 0.1; done
"$SUMMON" start b.socket || die "b.socket did not start (see $d/manager.log)"
python3 "$BENCH_DIR/control-flood.py" "$PID" "${1:-2000}" "${2:-200}" "${3:-5}" "${4:-60}"
