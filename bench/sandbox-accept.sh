#!/usr/bin/env bash
# sandbox-accept.sh - the Accept=yes cost of a hardened unit (issue 14): the seed's per-connection /bin/cat service
# (bench/peers/summon.sh accept) against the same unit with ProtectSystem=strict, PrivateTmp=yes, NoNewPrivileges=yes,
# SystemCallFilter=@system-service (peers/summon.sh accept-hardened), side by side and interleaved by compare.sh,
# plus strace -c -f of a few connections of each (which system calls the hardened spawn adds).
#
# usage: bench/sandbox-accept.sh [-r REPS] [-n COUNT] [-c "LEVELS"] [--no-docs] [--no-profile] [-o OUTDIR]
#   defaults: 5 reps x 2000 connections at "1 8 32" (as run.sh's accept suite); as root (mount namespaces).
#   Writes OUTDIR/raw.txt (compare.sh), OUTDIR/profile.md, and, unless --no-docs, the sandbox-accept section of
#   docs/performance.md (bench/report.py renders it; bench/run.sh runs this script as its "sandbox" step and keeps
#   the section on every regeneration).
set -u
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
REPS=5 COUNT=2000 LEVELS="1 8 32" DOCS=1 PROFILE=1 OUT=""
while [ $# -gt 0 ]; do
    case $1 in
        -r) REPS=$2; shift ;; -n) COUNT=$2; shift ;; -c) LEVELS=$2; shift ;; -o) OUT=$2; shift ;;
        --no-docs) DOCS=0 ;; --no-profile) PROFILE=0 ;;
        *) sed -n '2,13p' "$0" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || die "run as root: the hardened unit needs a mount namespace"
export SUMMON_BIN=${SUMMON_BIN:-$ROOT/artifacts/bin/summon}
[ -x "$SUMMON_BIN" ] || die "no summon binary at $SUMMON_BIN"
[ -n "$OUT" ] || OUT=$BENCH_TMP/results/sandbox-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
echo "start $(date -Is) loadavg $(cut -d' ' -f1-3 /proc/loadavg)" > "$OUT/notes.txt"
PEER=$BENCH_DIR/peers/summon.sh
echo "bench/sandbox-accept.sh -r $REPS -n $COUNT -c '$LEVELS'" > "$OUT/command.txt"
"$BENCH_DIR/compare.sh" -S accept -r "$REPS" -n "$COUNT" -c "$LEVELS" -p none -P 17700 -o "$OUT" \
    "summon=$PEER accept {PORT}" "summon-hardened=$PEER accept-hardened {PORT}" >/dev/null || log "compare.sh had failures"

# ---- strace -c -f: the manager and its children over the same connections, plain and hardened ----
if [ "$PROFILE" = 1 ] && command -v strace >/dev/null; then
    [ -x "$BIN/loadclient" ] || bench_build
    N=50
    for mode in accept accept-hardened; do
        port=17790; [ $mode = accept-hardened ] && port=17791
        pid=""
        start_bg pid "$OUT/strace-$mode.log" "exec strace -f -c -o $OUT/strace-$mode.txt $PEER $mode $port"
        if wait_listen "$pid" 30 "$port"; then
            "$BIN/loadclient" -a 127.0.0.1:$port -c 1 -n $N -t 5000 -T 60 -q > "$OUT/strace-$mode.load" || log "$mode: strace load had failures"
            sleep 0.5
        fi
        stop_pg "$pid"
    done
    python3 - "$OUT" "$N" > "$OUT/profile.md" <<'PY'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
def calls(mode):
    table = {}
    path = os.path.join(out, f"strace-{mode}.txt")
    if not os.path.exists(path):
        return table
    for line in open(path):
        f = line.split()
        if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
            table[f[-1]] = (int(f[3]), float(f[1]))   # calls, seconds
    return table
plain, hard = calls("accept"), calls("accept-hardened")
if plain and hard:
    extra = sorted(((hard.get(k, (0, 0))[0] - plain.get(k, (0, 0))[0], k) for k in set(plain) | set(hard)), reverse=True)
    print(f"System calls of the manager and every child over {n} connections at c=1 (`strace -f -c`, which slows every "
          "call alike: read counts, not times), hardened minus plain, per connection:\n")
    print("| system call | plain / connection | hardened / connection | added | hardened time (strace) |")
    print("|---|---|---|---|---|")
    for d, k in extra[:14]:
        if d <= 0:
            break
        print(f"| `{k}` | {plain.get(k, (0, 0))[0] / n:.1f} | {hard[k][0] / n:.1f} | {d / n:+.1f} | {hard[k][1]:.3f} s |")
    print(f"\nAll calls per connection: plain {sum(v[0] for v in plain.values()) / n:.0f}, hardened {sum(v[0] for v in hard.values()) / n:.0f}.")
PY
fi

if [ "$DOCS" = 1 ]; then
    doc=$ROOT/docs/performance.md
    # report.py reads RUN/sandbox/: OUT is that directory when run.sh calls this script; otherwise a link makes one.
    if [ "$(basename "$OUT")" != sandbox ]; then mkdir -p "$OUT/_r"; ln -sfn "$OUT" "$OUT/_r/sandbox"; R=$OUT/_r; else R=$(dirname "$OUT"); fi
    python3 "$BENCH_DIR/report.py" --sandbox-section "$R" > "$OUT/section.md" || die "report.py failed"
    python3 - "$doc" "$OUT/section.md" <<'PY'
import sys
doc, section = sys.argv[1:]
begin = "<!-- BEGIN sandbox-accept"
end = "<!-- END sandbox-accept -->"
text = open(doc).read()
new = open(section).read().rstrip("\n")
if begin in text:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    text = head + new + tail
else:
    # first time: before the manager section, where bench/report.py puts it
    mark = "## Manager: start-up, reload, CLI, growth"
    text = text.replace(mark, new + "\n\n" + mark, 1) if mark in text else text.rstrip("\n") + "\n\n" + new + "\n"
open(doc, "w").write(text)
PY
    log "wrote the sandbox-accept section of docs/performance.md"
fi
cat "$OUT/profile.md" 2>/dev/null
log "results: $OUT"
