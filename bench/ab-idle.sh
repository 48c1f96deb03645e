#!/usr/bin/env bash
# ab-idle.sh - two or more summon binaries side by side, interleaved round by round:
#   idle     VmRSS, PSS and the binary's own resident text of `summon daemon` with one Accept=yes socket unit,
#            2 s after it listens (peers/summon.sh accept), and its start-up to listening (wall clock, noisy)
#   instr    instructions (callgrind, exact where the shared machine makes wall time noisy) of `summon daemon` from
#            exec to listening, 1 s idle and SIGTERM, and of the CLI `summon journal -n 1` and `summon --version`
#
# usage: bench/ab-idle.sh [-r ROUNDS] [-P PORT] [-o OUTDIR] NAME=BIN [NAME=BIN ...]
#   e.g. bench/ab-idle.sh -r 8 before=/tmp/old/summon after=artifacts/bin/summon
#   a binary's directory may hold its libraries (libe_sqlite3.so of builds before SQLite was linked in).
# output: OUTDIR/raw.txt, one "suite=ab metric=idle|instr name=..." line per measurement, and the medians on stdout
set -u
. "$(dirname "$0")/lib.sh"
ROUNDS=8 PORT=19480 OUT=""
while getopts "r:P:o:h" o; do
    case $o in
        r) ROUNDS=$OPTARG ;; P) PORT=$OPTARG ;; o) OUT=$OPTARG ;;
        *) sed -n '2,12p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || die "name at least one NAME=BIN"
declare -A B
NAMES=()
for a in "$@"; do
    name=${a%%=*}; bin=$(readlink -f "${a#*=}")
    [ "$name" != "$a" ] && [ -x "$bin" ] || die "not NAME=BIN with an executable BIN: $a"
    B[$name]=$bin; NAMES+=("$name")
done
[ -n "$OUT" ] || OUT=$BENCH_TMP/results/ab-idle-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT" "$BENCH_TMP/logs"
RAW=$OUT/raw.txt
"$BENCH_DIR/env.sh" > "$OUT/env.txt"
PID=""
trap 'stop_pg "$PID"' EXIT
trap 'exit 130' INT TERM
D=$BENCH_TMP/summon-accept-$PORT
export SUMMON_UNIT_PATH=$D/units SUMMON_RUNTIME_DIR=$D/run SUMMON_STATE_DIR=$D/state
now_ns() { date +%s%N; }

# A stripped copy without summon.dbg beside it (valgrind cannot read the NativeAOT debug file), keeping any libraries.
stage() { # NAME -> path of the staged binary
    local dir=$BENCH_TMP/ab-bin/$1
    rm -rf "$dir"; mkdir -p "$dir"
    cp "${B[$1]}" "$dir/summon"
    find "$(dirname "${B[$1]}")" -maxdepth 1 -name '*.so*' -exec cp {} "$dir/" \;
    echo "$dir/summon"
}
idle() { # NAME ROUND
    local bin=${B[$1]} t0 t1
    wait_free 30 "$PORT" || die "port $PORT busy"
    rm -rf "$D"; SUMMON_BIN=/bin/true "$BENCH_DIR/peers/summon.sh" accept "$PORT" 1 || die "unit generation failed"
    t0=$(now_ns)
    start_bg PID "$BENCH_TMP/logs/ab-idle.log" "SUMMON_BIN=$bin SUMMON_BENCH_REUSE=1 exec $BENCH_DIR/peers/summon.sh accept $PORT 1"
    while ! is_listening "$PORT"; do pid_alive "$PID" || die "$1 exited (see $BENCH_TMP/logs/ab-idle.log)"; sleep 0.002; done
    t1=$(now_ns)
    sleep 2
    local rss pss text
    rss=$(awk '/^VmRSS:/{print $2}' "/proc/$PID/status")
    pss=$(awk '/^Pss:/{print $2}' "/proc/$PID/smaps_rollup")
    text=$(awk -v b="$bin" '/^[0-9a-f]+-[0-9a-f]+ /{n=$6} /^Rss:/{if (n==b) s+=$2; else if (n ~ /sqlite/) q+=$2} END{print "bin_kb=" s+0, "sqlite_lib_kb=" q+0}' "/proc/$PID/smaps")
    echo "suite=ab metric=idle name=$1 round=$2 startup_ms=$(((t1 - t0) / 1000000)) rss_kb=$rss pss_kb=$pss $text" >> "$RAW"
    stop_pg "$PID"; PID=""
}
instr() { # NAME ROUND
    local bin vg n
    command -v valgrind >/dev/null || return 0
    bin=$(stage "$1")
    vg="valgrind --tool=callgrind --callgrind-out-file=/dev/null"
    wait_free 30 "$PORT" || die "port $PORT busy"
    rm -rf "$D"; SUMMON_BIN=/bin/true "$BENCH_DIR/peers/summon.sh" accept "$PORT" 1 || die "unit generation failed"
    start_bg PID "$OUT/vg-$1-$2.log" "exec $vg $bin daemon"
    while ! is_listening "$PORT"; do pid_alive "$PID" || die "$1 under valgrind exited"; sleep 0.05; done
    sleep 1
    stop_pg "$PID"; PID=""
    n=$(grep -o 'Collected : [0-9]*' "$OUT/vg-$1-$2.log" | awk '{print $3}')
    local journal version
    journal=$($vg "$bin" journal -n 1 2>&1 >/dev/null | grep -o 'Collected : [0-9]*' | awk '{print $3}')
    version=$($vg "$bin" --version 2>&1 >/dev/null | grep -o 'Collected : [0-9]*' | awk '{print $3}')
    echo "suite=ab metric=instr name=$1 round=$2 daemon=$n journal_n1=$journal version=$version" >> "$RAW"
}

log "ab-idle: rounds=$ROUNDS ${NAMES[*]} -> $OUT"
for ((r = 1; r <= ROUNDS; r++)); do
    # rotate the order each round so no binary always runs first after a pause
    for ((i = 0; i < ${#NAMES[@]}; i++)); do idle "${NAMES[(i + r) % ${#NAMES[@]}]}" "$r"; done
done
for name in "${NAMES[@]}"; do instr "$name" 1; done
python3 - "$RAW" <<'EOF'
import sys, statistics, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    kv = dict(p.split("=", 1) for p in line.split() if "=" in p)
    for k, v in kv.items():
        if v.isdigit() and k != "round":
            rows[(kv["name"], kv["metric"])][k].append(int(v))
for (name, metric), cols in rows.items():
    print(f"{name} {metric}: " + " ".join(f"{k}={statistics.median(v):.0f}" for k, v in cols.items()))
EOF
log "results: $OUT"
