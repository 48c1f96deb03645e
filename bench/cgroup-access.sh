#!/usr/bin/env bash
# cgroup-access.sh - what DevicePolicy=/DeviceAllow= and IPAddressAllow=/IPAddressDeny= cost a start
# (docs/architecture.md, *Control groups*): `summon restart` of a Type=oneshot RemainAfterExit=yes service
# (ExecStart=/bin/true) K times, one manager per unit, each under `strace -f -c`; prints the manager's system calls
# per restart (the child's included: the same /bin/true in every row), the bpf(2) calls and the cgroup files written per
# restart, and the median wall time of a restart (a timing: "under load" unless the machine is quiet).
#   none      no access keys
#   devices   DevicePolicy=closed + DeviceAllow=/dev/loop-control rw (v1 devices controller here, else a device program)
#   ip        IPAddressDeny=any + IPAddressAllow=localhost (two cgroup skb programs)
#   both      both of the above
#
# usage: bench/cgroup-access.sh [-k RESTARTS]     (default: 30 restarts per unit; needs root and strace)
# Uses $SUMMON_BIN or artifacts/bin/summon. Kills only the managers it started (by their pids).
set -u
K=30
while getopts "k:h" o; do
    case $o in k) K=$OPTARG ;; *) sed -n '2,14p' "$0" >&2; exit 2 ;; esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUMMON=${SUMMON_BIN:-$ROOT/artifacts/bin/summon}
[ -x "$SUMMON" ] || { echo "no summon binary at $SUMMON" >&2; exit 1; }
command -v strace >/dev/null || { echo "strace is needed" >&2; exit 1; }
unified=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
[ -n "$unified" ] || { echo "no cgroup2 mount" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/summon-cgaccess-XXXX")
units() {
    mkdir -p "$dir/units"
    for u in none devices ip both; do
        extra=""
        case $u in
            devices) extra='DevicePolicy=closed\nDeviceAllow=/dev/loop-control rw\n' ;;
            ip) extra='IPAddressDeny=any\nIPAddressAllow=localhost\n' ;;
            both) extra='DevicePolicy=closed\nDeviceAllow=/dev/loop-control rw\nIPAddressDeny=any\nIPAddressAllow=localhost\n' ;;
        esac
        printf '[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n%b' "$extra" > "$dir/units/$u.service"
    done
}
units
printf 'loadavg %s; %d restarts each; cgroup2 at %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$K" "$unified"
printf '%-8s %14s %10s %14s %16s\n' unit syscalls/start bpf/start writes/start "median restart"
for u in none devices ip both; do
    run=$dir/$u
    mkdir -p "$run/run" "$run/state"
    export SUMMON_UNIT_PATH=$dir/units SUMMON_RUNTIME_DIR=$run/run SUMMON_STATE_DIR=$run/state
    export SUMMON_CGROUP_ROOT=$unified/summon-bench-$$-$u
    setsid strace -f -c -o "$run/strace" "$SUMMON" daemon </dev/null >>"$run/daemon.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 200); do [ -S "$run/run/control" ] && "$SUMMON" list-units >/dev/null 2>&1 && break; sleep 0.1; done
    "$SUMMON" start "$u.service" >/dev/null || echo "start $u failed" >&2
    : > "$run/ms"
    for _ in $(seq 1 "$K"); do
        t0=$(date +%s%N)
        "$SUMMON" restart "$u.service" || echo "restart $u failed" >&2
        t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000 )) >> "$run/ms"
    done
    "$SUMMON" stop "$u.service" >/dev/null
    # the manager is strace's child: stopping it (by its pid) ends strace, which then writes its table
    kill -TERM "$(pgrep -P "$pid")"; wait "$pid" 2>/dev/null
    calls=$(awk '$NF == "total" {print $4}' "$run/strace")
    bpf=$(awk '$NF == "bpf" {print $4}' "$run/strace")
    writes=$(awk '$NF == "write" {print $4}' "$run/strace")
    median=$(sort -n "$run/ms" | awk '{a[NR]=$1} END {printf "%.2f ms", a[int((NR+1)/2)]/1000}')
    printf '%-8s %14s %10s %14s %16s\n' "$u" "$(( ${calls:-0} / (K + 1) ))" "$(( ${bpf:-0} / (K + 1) ))" "$(( ${writes:-0} / (K + 1) ))" "$median"
    rmdir "$SUMMON_CGROUP_ROOT" 2>/dev/null
done
[ -n "${KEEP:-}" ] && echo "kept $dir" || rm -rf "$dir"
