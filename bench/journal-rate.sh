#!/usr/bin/env bash
# journal-rate.sh - how fast one service's output reaches the journal, and what it costs the manager's memory:
#   store   N lines from one service (`seq 1 N`, StandardOutput=journal) from `summon start` until the last one is
#           in SQLite (polled with `summon journal -n 2` every 50 ms: the last line, or the manager's "Deactivated" line stored right after it in the same commit): lines/s
#   plain   the same N lines appended to a plain file (`seq 1 N >> file`): the limit beside it
#   cpu     CPU seconds of the writer thread (summon-journal) and of the event loop over the flood: on a busy machine
#           the wall-clock rate measures the machine, lines per writer CPU second measures the journal
#   rss     the manager's VmRSS before the flood, its peak (VmHWM) and after, in KiB
#   lost    lines missing from the journal at the end, and LogMessagesSuppressed (both must be 0)
#
# usage: bench/journal-rate.sh [-n LINES] [-r REPS] [-o OUTDIR] [-d DOC]
#   -n LINES  lines per run (default 2000000)   -r REPS  runs (default 3)
#   -d DOC    also write the generated markdown section there (e.g. docs/journal-rate.md)
# output: OUTDIR/raw.txt, one "suite=journal rep=.. lines=.. store_s=.. store_lps=.. plain_s=.. plain_lps=..
#         rss_before_kb=.. rss_peak_kb=.. rss_after_kb=.. stored=.. suppressed=.." line per run, and the section on stdout
set -u
. "$(dirname "$0")/lib.sh"
N=2000000 REPS=3 OUT="" DOC=""
while getopts "n:r:o:d:h" o; do
    case $o in
        n) N=$OPTARG ;; r) REPS=$OPTARG ;; o) OUT=$OPTARG ;; d) DOC=$OPTARG ;; *) sed -n '2,14p' "$0" >&2; exit 2 ;;
    esac
done
SUMMON=${SUMMON_BIN:-$BENCH_DIR/../artifacts/bin/summon}
[ -x "$SUMMON" ] || die "summon binary not found: $SUMMON"
[ -n "$OUT" ] || OUT=$BENCH_TMP/results/journal-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT" "$BENCH_TMP/logs"
RAW=$OUT/raw.txt
: >"$RAW"
PID=""
trap 'stop_pg "$PID"' EXIT
trap 'exit 130' INT TERM

now_ns() { date +%s%N; }
kb() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
cpu_ticks() { # PID COMM: utime+stime of the manager's thread named COMM, in clock ticks
    local t
    for t in /proc/"$1"/task/*; do
        [ "$(cat "$t/comm" 2>/dev/null)" = "$2" ] && { sed 's/^.*) //' "$t/stat" | awk '{print $12 + $13}'; return; }
    done
    echo 0
}

for rep in $(seq 1 "$REPS"); do
    d=$BENCH_TMP/journal-$rep
    rm -rf "$d"
    mkdir -p "$d/units" "$d/run" "$d/state"
    printf '[Service]\nExecStart=/usr/bin/seq 1 %s\nStandardOutput=journal\n' "$N" >"$d/units/flood.service"
    # Rotation (1,000,000 rows by default) would delete the oldest lines of a longer run: keep them all to count them.
    export SUMMON_UNIT_PATH=$d/units SUMMON_RUNTIME_DIR=$d/run SUMMON_STATE_DIR=$d/state SUMMON_JOURNAL_MAX_ROWS=$((2 * N + 1000))
    start_bg PID "$BENCH_TMP/logs/journal.log" "exec $SUMMON daemon"
    for _ in $(seq 1 300); do "$SUMMON" is-system-running >/dev/null 2>&1 && break; [ -S "$d/run/control" ] && "$SUMMON" list-units >/dev/null 2>&1 && break; sleep 0.05; done
    sleep 1
    before=$(kb "$PID" VmRSS)
    w0=$(cpu_ticks "$PID" summon-journal) l0=$(cpu_ticks "$PID" summon)
    t0=$(now_ns)
    "$SUMMON" start flood.service || die "start failed"
    until "$SUMMON" journal -u flood.service -n 2 -o json 2>/dev/null | grep -q "\"MESSAGE\":\"$N\""; do
        pid_alive "$PID" || die "summon exited (see $BENCH_TMP/logs/journal.log)"
        sleep 0.05
    done
    t1=$(now_ns)
    w1=$(cpu_ticks "$PID" summon-journal) l1=$(cpu_ticks "$PID" summon)
    peak=$(kb "$PID" VmHWM)
    sleep 1
    after=$(kb "$PID" VmRSS)
    stored=$("$SUMMON" journal -u flood.service | grep -c ' seq\[')
    suppressed=$("$SUMMON" show -p LogMessagesSuppressed --value flood.service 2>/dev/null)
    stop_pg "$PID"; PID=""
    p0=$(now_ns)
    seq 1 "$N" >>"$d/plain.txt"
    p1=$(now_ns)
    awk -v rep="$rep" -v n="$N" -v s="$t0" -v e="$t1" -v ps="$p0" -v pe="$p1" -v b="$before" -v pk="$peak" -v a="$after" \
        -v st="$stored" -v su="${suppressed:-0}" -v hz="$(getconf CLK_TCK)" -v wc="$((w1 - w0))" -v lc="$((l1 - l0))" \
        -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
        ss = (e - s) / 1e9; pss = (pe - ps) / 1e9
        wcpu = wc / hz; if (wcpu <= 0) wcpu = 1 / hz
        printf "suite=journal rep=%s lines=%d store_s=%.3f store_lps=%.0f writer_cpu_s=%.2f writer_cpu_lps=%.0f loop_cpu_s=%.2f plain_s=%.3f plain_lps=%.0f rss_before_kb=%d rss_peak_kb=%d rss_after_kb=%d stored=%d suppressed=%d loadavg=%s\n",
            rep, n, ss, n / ss, wcpu, n / wcpu, lc / hz, pss, n / pss, b, pk, a, st, su + 0, load }' >>"$RAW"
    tail -1 "$RAW" >&2
    rm -rf "$d"
done

section=$(awk -v cmd="bench/journal-rate.sh -n $N -r $REPS" '
    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      k++; lps[k] = v["store_lps"]; wlps[k] = v["writer_cpu_lps"]; ld[k] = v["loadavg"]; plps[k] = v["plain_lps"]; grow[k] = (v["rss_peak_kb"] - v["rss_before_kb"]) / 1024
      after[k] = (v["rss_after_kb"] - v["rss_before_kb"]) / 1024; lost += v["lines"] - v["stored"]; sup += v["suppressed"]; n = v["lines"] }
    END {
      print "<!-- Generated by bench/journal-rate.sh from its raw results; do not edit by hand. -->"
      print "## Journal: one flooding service\n"
      printf "`%s` on %d cores, median of %d runs of %d lines (`seq 1 N`, `StandardOutput=journal`).\n\n", cmd, '"$(nproc)"', k, n
      print "| measure | value | target |"
      print "|---|---|---|"
      printf "| stored in SQLite, lines/s | %.0f | >= 300,000 |\n", med(lps, k)
      printf "| stored per CPU second of the writer thread, lines/s | %.0f | >= 300,000 |\n", med(wlps, k)
      printf "| appended to a plain file (the limit), lines/s | %.0f | - |\n", med(plps, k)
      printf "| manager RSS growth at the peak, MiB | %.1f | <= 32 |\n", med(grow, k)
      printf "| manager RSS growth after, MiB | %.1f | - |\n", med(after, k)
      printf "| lines missing from the journal / suppressed, all runs | %d / %d | 0 / 0 |\n", lost, sup
      printf "\nThe machine'"'"'s load average during the runs (median): %s. The wall-clock rate is the time from `summon start` to the last line readable; the writer-CPU rate is what the writer thread alone would sustain on an idle core.\n", med(ld, k)
    }' "$RAW")
echo "$section"
[ -n "$DOC" ] && echo "$section" >"$DOC"
log "raw results: $RAW"
