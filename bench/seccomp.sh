#!/usr/bin/env bash
# seccomp.sh - what a unit's system-call filter costs its start (docs/architecture.md, *Spawn modes*): the wall time of
# `summon restart` of a Type=oneshot RemainAfterExit=yes service (ExecStart=/bin/true) without filters, with
# SystemCallFilter=@system-service, and with the hardening set of a typical package unit (the call filter,
# SystemCallArchitectures=native, RestrictAddressFamilies=, RestrictNamespaces=, MemoryDenyWriteExecute=,
# RestrictRealtime=, LockPersonality=, RestrictSUIDSGID=), interleaved, K times each; prints the median and p90 in ms.
# The program is built once per unit load; a restart copies the block into the spawn slot and installs it.
#
# usage: bench/seccomp.sh [-k RESTARTS]     (default: 40 restarts per unit)
# Uses $SUMMON_BIN or artifacts/bin/summon. Kills only the manager it started (by its pid).
set -u
K=40
while getopts "k:h" o; do
    case $o in k) K=$OPTARG ;; *) sed -n '2,10p' "$0" >&2; exit 2 ;; esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUMMON=${SUMMON_BIN:-$ROOT/artifacts/bin/summon}
[ -x "$SUMMON" ] || { echo "no summon binary at $SUMMON" >&2; exit 1; }

dir=$(mktemp -d /tmp/summon-seccomp-bench-XXXX)
mkdir -p "$dir/units" "$dir/run" "$dir/state"
export SUMMON_UNIT_PATH=$dir/units SUMMON_RUNTIME_DIR=$dir/run SUMMON_STATE_DIR=$dir/state
unit() { printf '[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n%b' "$2" > "$dir/units/$1.service"; }
unit none ""
unit filter 'SystemCallFilter=@system-service\nSystemCallErrorNumber=EPERM\n'
unit hardened 'SystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources\nSystemCallErrorNumber=EPERM\nSystemCallArchitectures=native\nRestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\nRestrictNamespaces=yes\nMemoryDenyWriteExecute=yes\nRestrictRealtime=yes\nLockPersonality=yes\nRestrictSUIDSGID=yes\n'

setsid "$SUMMON" daemon </dev/null >>"$dir/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -S "$dir/run/control" ] && "$SUMMON" list-units >/dev/null 2>&1 && break; sleep 0.1; done

for u in none filter hardened; do : > "$dir/$u.ms"; done
for _ in $(seq 1 "$K"); do
    for u in none filter hardened; do
        t0=$(date +%s%N)
        "$SUMMON" restart "$u.service" || echo "restart $u failed" >&2
        t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000 )) >> "$dir/$u.ms"
    done
done
for u in none filter hardened; do "$SUMMON" stop "$u.service" >/dev/null; done

kill -TERM "$pid"; wait "$pid" 2>/dev/null
printf 'loadavg %s; %d restarts each\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$K"
for u in none filter hardened; do
    sort -n "$dir/$u.ms" | awk -v u="$u" '{a[NR]=$1} END {printf "%-8s median %.2f ms  p90 %.2f ms\n", u, a[int((NR+1)/2)]/1000, a[int(NR*0.9)]/1000}'
done
[ -n "${KEEP:-}" ] && echo "kept $dir" || rm -rf "$dir"
