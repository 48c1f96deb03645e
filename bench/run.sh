#!/usr/bin/env bash
# run.sh - the one benchmark command: Summon and its peers side by side, interleaved, with repetitions;
# prints medians and ratios and regenerates docs/performance.md.
#
# usage: bench/run.sh [--quick | --smoke] [--no-build] [--no-install] [--no-docs] [-o OUTDIR]
#   (default)     full run, about 25 min on 2 cores: 5 reps x 2000 conns (accept), 5 x 10000 (passfd),
#                 25 cold starts per peer, 3 memory reps with 1 and 1000 sockets, 100,000-connection growth run
#   --quick       about 8 min: 2 reps x 1000 conns, 2 x 5000, 10 cold starts, 1 memory rep, 100,000 connections
#   --smoke       CI check, under a minute: 300 Accept=yes and 200 Accept=no connections through summon,
#                 exit 1 on any failed connection; no peers, no docs
#   --no-build    use artifacts/bin/summon (or $SUMMON_BIN) as it is; default: dotnet publish when missing or
#                 older than the sources (always when not --smoke)
#   --no-install  do not apt-get install missing peers (they are skipped with a warning)
#   --no-docs     do not rewrite docs/performance.md (the report is still written to OUTDIR/report.md)
# Peers (bench/peers.sh): spawnd-fork/spawnd-spawn (the C limit), systemd-socket-activate, xinetd, openbsd-inetd,
# tcpserver -b 1024; summon runs as bench/peers/summon.sh. Results: OUTDIR (default
# /tmp/bench-sockact/results/run-TIMESTAMP).
set -u
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
MODE=full BUILD=auto INSTALL=1 DOCS=1 OUT=""
ARGS="$*"
while [ $# -gt 0 ]; do
    case $1 in
        --quick) MODE=quick ;; --smoke) MODE=smoke ;; --no-build) BUILD=no ;; --no-install) INSTALL=0 ;;
        --no-docs) DOCS=0 ;; -o) OUT=$2; shift ;;
        *) sed -n '2,19p' "$0" >&2; exit 2 ;;
    esac
    shift
done
export SUMMON_BIN=${SUMMON_BIN:-$ROOT/artifacts/bin/summon}

# ---- build -------------------------------------------------------------------------------------------------
bench_build
if [ "$BUILD" = auto ]; then
    stale=$(find "$ROOT/src" -name '*.cs' -newer "$SUMMON_BIN" -print -quit 2>/dev/null)
    if [ ! -x "$SUMMON_BIN" ] || { [ "$MODE" != smoke ] && [ -n "$stale" ]; }; then
        [ "$SUMMON_BIN" = "$ROOT/artifacts/bin/summon" ] || die "SUMMON_BIN=$SUMMON_BIN is missing or stale"
        log "publishing summon (NativeAOT) to artifacts/bin"
        (cd "$ROOT" && dotnet publish src/Summon -c Release -o artifacts/bin >&2) || die "publish failed"
    fi
fi
[ -x "$SUMMON_BIN" ] || die "no summon binary at $SUMMON_BIN"

[ -n "$OUT" ] || OUT=$BENCH_TMP/results/$MODE-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"

# ---- smoke ---------------------------------------------------------------------------------------------------
if [ "$MODE" = smoke ]; then
    rc=0
    "$BENCH_DIR/run-accept.sh" -s smoke -N summon -n 300 -c "1 8" -W 10 -T 40 \
        "$BENCH_DIR/peers/summon.sh accept {PORT}" 17980 | tee -a "$OUT/raw.txt" || rc=1
    "$BENCH_DIR/run-accept.sh" -s smoke -N summon-passfd -n 200 -c "1 8" -W 1 -T 40 \
        "$BENCH_DIR/peers/summon.sh passfd {PORT}" 17981 | tee -a "$OUT/raw.txt" || rc=1
    if [ $rc = 0 ] && ! grep -q ' fail=[1-9]' "$OUT/raw.txt"; then log "smoke: ok (0 failed connections)"; exit 0; fi
    log "smoke: FAILED (see $OUT/raw.txt and $BENCH_TMP/logs)"; exit 1
fi

# ---- peers ---------------------------------------------------------------------------------------------------
if [ "$INSTALL" = 1 ]; then
    need=()
    command -v xinetd >/dev/null || need+=(xinetd)
    command -v tcpserver >/dev/null || need+=(ucspi-tcp)
    command -v socat >/dev/null || need+=(socat)
    command -v systemd-socket-activate >/dev/null || need+=(systemd)
    if ((${#need[@]})) && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing peers: ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2; apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 || log "warning: apt-get install failed"
    fi
    # openbsd-inetd conflicts with xinetd in apt: only extract its package (see setup-peers.sh)
    if [ -z "${INETD_BIN:-}" ] && [ ! -x /tmp/bench-peers/openbsd-inetd/usr/sbin/inetd ] && [ "$(id -u)" = 0 ]; then
        (mkdir -p /tmp/bench-peers && cd /tmp/bench-peers && apt-get install -y -qq --no-install-recommends libwrap0 libbsd0 libevent-2.1-7 >&2 \
            && apt-get download openbsd-inetd >&2 && dpkg-deb -x openbsd-inetd_*.deb /tmp/bench-peers/openbsd-inetd) \
            || log "warning: openbsd-inetd not available; skipped"
    fi
fi

if [ "$MODE" = quick ]; then R=2 NA=1000 NP=5000 S=10 RR=1 MR=1 G=100000
else R=5 NA=2000 NP=10000 S=25 RR=3 MR=3 G=100000; fi
S_ACCEPT="$BENCH_DIR/peers/summon.sh accept {PORT}"
S_PASSFD="$BENCH_DIR/peers/summon.sh passfd {PORT}"
"$BENCH_DIR/env.sh" > "$OUT/env.txt"
echo "summon: $SUMMON_BIN ($(stat -c %s "$SUMMON_BIN") bytes, git $(git -C "$ROOT" describe --always --dirty 2>/dev/null))" >> "$OUT/env.txt"
notes() { echo "$*" >> "$OUT/notes.txt"; log "$*"; }
notes "start $(date -Is) loadavg $(cut -d' ' -f1-3 /proc/loadavg) mode=$MODE"

step() { # DIR SCRIPT ARGS... : runs one suite with -o OUT/DIR, records its exact command line
    local d=$1 script=$2; shift 2
    mkdir -p "$OUT/$d"
    local a shown=${script#"$ROOT"/}
    for a in "$@"; do
        a=${a//$ROOT\//}
        case $a in *" "*) shown+=" '$a'" ;; *) shown+=" $a" ;; esac
    done
    echo "$shown" > "$OUT/$d/command.txt"
    log "== $d: $shown"
    "$script" -o "$OUT/$d" "$@" >/dev/null || log "$d: had failures"
}
# summon-nocgroup: the same manager without a cgroup per instance, to show what the cgroup costs (not a peer).
step accept "$BENCH_DIR/compare.sh" -S accept -r $R -n $NA -p "spawnd-spawn sd-activate xinetd inetd tcpserver-b1024" "summon=$S_ACCEPT" \
    "summon-nocgroup=env SUMMON_CGROUP_ROOT=/nonexistent $S_ACCEPT"
step passfd "$BENCH_DIR/compare.sh" -S passfd -r $R -n $NP -p "sd-activate-lfd spawnd-N-fork" "summon=$S_PASSFD"
step coldstart "$BENCH_DIR/coldstart.sh" -s $S -p "spawnd-N-spawn sd-activate-lfd" "summon=$S_PASSFD"
step sandbox "$BENCH_DIR/sandbox-accept.sh" -r $R -n $NA --no-docs
step rss "$BENCH_DIR/rss.sh" -r $RR -k "1 1000" -p "spawnd-min sd-activate xinetd" "summon=$BENCH_DIR/peers/summon.sh accept {PORT} {N}"
step manager "$BENCH_DIR/manager.sh" -r $MR -k 1000 -g $G
notes "end $(date -Is) loadavg $(cut -d' ' -f1-3 /proc/loadavg)"

python3 "$BENCH_DIR/report.py" "$OUT" "bench/run.sh${ARGS:+ $ARGS}" > "$OUT/report.md" || die "report failed"
if [ "$DOCS" = 1 ]; then
    mkdir -p "$ROOT/docs"
    cp "$OUT/report.md" "$ROOT/docs/performance.md"
    log "wrote docs/performance.md"
fi
cat "$OUT/report.md"
log "results: $OUT"
