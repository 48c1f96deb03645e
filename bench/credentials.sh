#!/usr/bin/env bash
# credentials.sh - what a unit's credentials cost its start (docs/architecture.md, *Credentials*): the wall time of
# `summon restart` of a Type=oneshot RemainAfterExit=yes service (ExecStart=/bin/true) without credentials, with one
# SetCredential=, and with N LoadCredential= files, interleaved, K times each; prints the median and p90 in ms.
# As root each start also mounts (and each stop unmounts) the directory's ramfs.
#
# usage: bench/credentials.sh [-n FILES] [-k RESTARTS]     (defaults: 16 files, 40 restarts per unit)
# Uses $SUMMON_BIN or artifacts/bin/summon. Kills only the manager it started (by its pid).
set -u
N=16 K=40
while getopts "n:k:h" o; do
    case $o in n) N=$OPTARG ;; k) K=$OPTARG ;; *) sed -n '2,8p' "$0" >&2; exit 2 ;; esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUMMON=${SUMMON_BIN:-$ROOT/artifacts/bin/summon}
[ -x "$SUMMON" ] || { echo "no summon binary at $SUMMON" >&2; exit 1; }

dir=$(mktemp -d /tmp/summon-creds-bench-XXXX)
mkdir -p "$dir/units" "$dir/run" "$dir/state" "$dir/src"
export SUMMON_UNIT_PATH=$dir/units SUMMON_RUNTIME_DIR=$dir/run SUMMON_STATE_DIR=$dir/state
unit() { printf '[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n%s' "$2" > "$dir/units/$1.service"; }
unit none ""
unit set 'SetCredential=token:0123456789abcdef\n'
loads=""
for i in $(seq 1 "$N"); do
    head -c 4096 /dev/urandom > "$dir/src/f$i"
    loads+="LoadCredential=f$i:$dir/src/f$i"$'\n'
done
unit load "$loads"

setsid "$SUMMON" daemon </dev/null >>"$dir/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -S "$dir/run/control" ] && "$SUMMON" list-units >/dev/null 2>&1 && break; sleep 0.1; done

for u in none set load; do : > "$dir/$u.ms"; done
for _ in $(seq 1 "$K"); do
    for u in none set load; do
        t0=$(date +%s%N)
        "$SUMMON" restart "$u.service" || echo "restart $u failed" >&2
        t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000 )) >> "$dir/$u.ms"
    done
done
for u in none set load; do "$SUMMON" stop "$u.service" >/dev/null; done
leftover=$(grep -c " $dir/" /proc/self/mountinfo)

kill -TERM "$pid"; wait "$pid" 2>/dev/null
printf 'loadavg %s; %d restarts each; %d LoadCredential= files of 4 KiB; mounts left after stop: %d\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$K" "$N" "$leftover"
for u in none set load; do
    sort -n "$dir/$u.ms" | awk -v u="$u" '{a[NR]=$1} END {printf "%-5s median %.2f ms  p90 %.2f ms\n", u, a[int((NR+1)/2)]/1000, a[int(NR*0.9)]/1000}'
done
[ -n "${KEEP:-}" ] && echo "kept $dir" || rm -rf "$dir"
