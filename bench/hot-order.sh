#!/usr/bin/env bash
# Regenerates bench/summon.order, the managed methods the daemon and the common CLI verbs execute, which the
# NativeAOT compiler places first and contiguously (Summon.csproj: IlcOrderFile). The kernel maps an executable in
# 64 KB windows (fault-around / page-cache folios); with the hot methods scattered among 2.3 MB of managed code the
# idle daemon had every window of the text mapped, with them together it maps only the hot region.
#   bench/hot-order.sh            (needs valgrind; ~2 min; run after large code changes, then republish)
# How: publishes summon (stripped; symbols from summon.dbg), runs it under callgrind through the scenarios below,
# maps every executed instruction address to its symbol, and writes the managed ones: first those the daemon runs from
# start-up to idle (so the idle daemon maps the fewest windows), then those of connections, reloads and CLI verbs.
# With perf installed it adds what perf sees the real daemon touch (see `sampled`).
# Methods missing from the list (new code) still work: they are only laid out among the cold code.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
command -v valgrind >/dev/null || die "valgrind is needed (apt-get install valgrind)"
bench_build
W=$(mktemp -d "$BENCH_TMP/hot-order.XXXXXX")
log "publishing without the order file to $W/bin"
dotnet publish src/Summon -c Release -o "$W/bin" -p:IlcOrderFile= >"$W/publish.log" 2>&1 || die "publish failed: $W/publish.log"
mv "$W/bin/summon.dbg" "$W/summon.dbg"   # valgrind cannot read it; the symbols are taken from it below
EXE=$W/bin/summon
# valgrind logs to its own file: the daemon must find its stderr as in the benchmark (a fresh file, where the first
# write also checks for a byte-order mark).
CG="valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=$W/cg.%p --log-file=$W/valgrind.%p.log"

# scenario MODE PORT: the daemon with one socket unit, idle, then connections, CLI verbs, a reload, SIGTERM.
scenario() {
    local mode=$1 port=$2 pid i
    SUMMON_BIN=/bin/false "$BENCH_DIR/peers/summon.sh" "$mode" "$port" 1 2>/dev/null || true   # writes the units only
    local d=$BENCH_TMP/summon-$mode-$port
    # callgrind emulates clone() and supports CLONE_VM only with CLONE_VFORK: spawn the synchronous way
    export SUMMON_UNIT_PATH=$d/units SUMMON_RUNTIME_DIR=$d/run SUMMON_STATE_DIR=$d/state SUMMON_SPAWN_VFORK=1
    setsid $CG "$EXE" daemon >"$W/daemon-$mode.log" 2>&1 &
    pid=$!
    for i in $(seq 600); do is_listening "$port" && break; sleep 0.1; done
    is_listening "$port" || { kill -KILL -- "-$pid"; die "daemon under valgrind did not listen on $port"; }
    sleep 2
    callgrind_control -d "$pid" >/dev/null   # profile part 1 (cg.PID.1): start-up to idle, laid out first
    "$BIN/loadclient" -a "127.0.0.1:$port" -c 2 -n 20 -T 120 -t 20000 >"$W/load-$mode.txt" || log "warning: load failed ($mode): $(tail -3 "$W/load-$mode.txt")"
    sleep 2
    $CG "$EXE" is-active "bench-$port.socket" >/dev/null 2>&1 || true
    $CG "$EXE" show -p ActiveState "bench-$port.socket" >/dev/null 2>&1 || true
    $CG "$EXE" status "bench-$port.socket" >/dev/null 2>&1 || true
    $CG "$EXE" list-units >/dev/null 2>&1 || true
    $CG "$EXE" daemon-reload >/dev/null 2>&1 || true
    sleep 2
    # SIGTERM and a long wait: callgrind writes its profile only when the daemon exits (stop_pg would SIGKILL it).
    kill -TERM -- "-$pid"
    for i in $(seq 600); do pid_alive "$pid" || break; sleep 0.1; done
    stop_pg "$pid" || true
}
# sampled MODE PORT: the real binary (valgrind 3.19 has no pidfd_open, so a spawn under it fails and the Accept=yes and
# Accept=no service paths above are only partly traced): perf samples the daemon through start-up and 2,000 connections,
# and records its first touch of each code window (page faults); the methods found are added to the lists.
sampled() {
    local mode=$1 port=$2 pid dpid i
    SUMMON_BIN=/bin/false "$BENCH_DIR/peers/summon.sh" "$mode" "$port" 1 2>/dev/null || true
    local d=$BENCH_TMP/summon-$mode-$port
    unset SUMMON_SPAWN_VFORK
    export SUMMON_UNIT_PATH=$d/units SUMMON_RUNTIME_DIR=$d/run SUMMON_STATE_DIR=$d/state
    setsid perf record -q -e cpu-clock -F 20000 -e exceptions:page_fault_user -o "$W/perf-$mode.data" -- "$EXE" daemon >"$W/daemon-perf-$mode.log" 2>&1 &
    pid=$!
    for i in $(seq 200); do is_listening "$port" && break; sleep 0.05; done
    dpid=$(pgrep -P "$pid" | head -1)   # the daemon (perf's child)
    cp "/proc/$dpid/maps" "$W/perf-$mode.maps"
    "$BIN/loadclient" -a "127.0.0.1:$port" -c 8 -n 2000 -q >"$W/load-perf-$mode.txt" || log "warning: load failed ($mode, perf)"
    kill -TERM "$dpid"
    for i in $(seq 200); do pid_alive "$pid" || break; sleep 0.05; done
    stop_pg "$pid" || true
    perf script -i "$W/perf-$mode.data" -F ip,trace 2>/dev/null >"$W/perf-$mode.txt" || true
}
scenario accept 17990
scenario passfd 17991
if command -v perf >/dev/null; then
    sampled accept 17992
    sampled passfd 17993
else
    log "note: perf not installed; the connection paths come from the valgrind traces only"
fi

python3 - "$W" "$EXE" >"$W/summon.order" <<'PY'
import bisect, glob, os, re, subprocess, sys
work, exe = sys.argv[1], os.path.realpath(sys.argv[2])
syms = []
for line in subprocess.run(["nm", "-n", f"{work}/summon.dbg"], capture_output=True, text=True, check=True).stdout.splitlines():
    p = line.split(" ", 2)
    if len(p) == 3 and p[0] and p[1] in "tT":
        syms.append((int(p[0], 16), p[2]))
starts = [a for a, _ in syms]
sec = {}
for s in subprocess.run(["readelf", "-SW", f"{work}/summon.dbg"], capture_output=True, text=True, check=True).stdout.splitlines():
    m = re.search(r"\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", s)
    if m:
        sec[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
lo = sec["__managedcode"][0]
hi = sec["__unbox"][0] + sec["__unbox"][1]
# Valgrind names the executable's managed code (outside the ELF's symbol-bearing object it knows) "???" and reports it
# at its load address; the native part is reported as file offsets. Find the load bias from the executable's mapping.
idle, hit = {}, {}
for f in glob.glob(f"{work}/cg.*"):
    into = idle if f.endswith(".1") else hit
    names, cur, last, bias = {}, None, 0, None
    for line in open(f, errors="replace"):
        m = re.match(r"c?ob=\((\d+)\)(?: (.*))?", line)
        if m:
            if m.group(2):
                names[m.group(1)] = m.group(2).strip()
            if line.startswith("ob="):
                cur = names.get(m.group(1))
            continue
        if not line or line[0] not in "0123456789+-*":
            continue
        tok = line.split()[0]
        try:
            a = int(tok, 16) if tok.startswith("0x") else last + int(tok) if tok[0] in "+-" else last if tok == "*" else None
        except ValueError:
            continue
        if a is None:
            continue
        last = a
        if cur == "???":
            a -= 0x108000          # valgrind's load address of a position-independent executable
        elif cur != exe:
            continue
        if lo <= a < hi:
            i = bisect.bisect_right(starts, a) - 1
            into.setdefault(syms[i][1], syms[i][0])
# perf: page-fault addresses (the first touch of each code window, nearly all during start-up: laid out with the idle
# methods) and sampled instruction pointers (connections: after the traced methods), mapped back through the maps.
perf, faults = {}, {}
for f in glob.glob(f"{work}/perf-*.txt"):
    maps = []
    for line in open(f[:-4] + ".maps"):
        p = line.split()
        if len(p) >= 6 and os.path.realpath(p[5]) == exe:
            a, b = (int(x, 16) for x in p[0].split("-"))
            maps.append((a, b, int(p[2], 16)))
    for line in open(f, errors="replace"):
        into = faults if "address=" in line else perf
        for x in re.findall(r"\b(?:0x)?([0-9a-f]{6,16})\b", line):
            v = int(x, 16)
            for a, b, off in maps:
                if a <= v < b and lo <= v - a + off < hi:
                    i = bisect.bisect_right(starts, v - a + off) - 1
                    into.setdefault(syms[i][1], syms[i][0])
for name, at in faults.items():
    idle.setdefault(name, at)
for name in sorted(idle, key=idle.get):
    print(name)
for name in sorted(hit.keys() - idle.keys(), key=hit.get):
    print(name)
for name in sorted(perf.keys() - hit.keys() - idle.keys(), key=perf.get):
    print(name)
PY
mv "$W/summon.order" bench/summon.order
log "$(wc -l <bench/summon.order) hot methods in bench/summon.order (work files: $W)"
