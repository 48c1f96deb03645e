#!/usr/bin/env bash
# reexec.sh - issue 17's "How it is shown" for `summon daemon-reexec`: consecutive re-execs of one manager under
# continuous c=8 load on three sockets at once (Accept=yes /bin/cat, Accept=no lfd-echo, the Kestrel test app), then
# an upgrade into a binary published from a newer commit (--binary), then a manager as PID 1 of its own PID namespace.
# Figures go to OUTDIR/raw.txt (suite=reexec lines); reexec-report.py turns them into the reexec section of
# docs/reliability.md.
#
# usage: bench/reexec.sh [--quick] [--verb reexec|reload] [--count N] [--only "main upgrade pid1"] [--no-docs] [-o OUTDIR]
#   (default)   100 re-execs, then the upgrade and 99 re-execs of the new binary, then 10 re-execs as PID 1
#   --quick     100 re-execs, then the upgrade and 9 more, then 3 as PID 1 (about 6 min once the upgrade is built)
#   --verb      reexec (default): `daemon-reexec`; reload: `daemon-reload` stands in (the upgrade's --binary is then
#               not passed), to try the load, checks and report without the feature; its report is not written to docs
#   --count N   re-execs of the main scenario (default 100)
#   --only      run only these scenarios
#   --no-docs   do not rewrite the reexec section of docs/reliability.md (the section is still in OUTDIR/section.md)
# The binary is $SUMMON_BIN (default artifacts/bin/summon). The upgrade target is published once per source commit
# into $BENCH_TMP/reexec-upgrade/COMMIT/ (COMMIT: the last one that changed src/; a clone of it with one throwaway
# commit that sets the version to 1.0.1-reexec-upgrade; a few minutes the first time, then reused). The Kestrel app is $SUMMON_KESTREL_APP or
# artifacts/kestrel-app/KestrelApp.dll (published as test.sh does when missing). Needs root for the PID 1 scenario
# (unshare --pid, nsenter). Every process is started in its own process group (lib.sh start_bg) and stopped by that
# group's id; every wait and client has a timeout. Ports 127.0.0.1:18800-18803.
set -u
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
MODE=full VERB=reexec COUNT=100 ONLY="" DOCS=1 OUT=""
ARGS=$(printf "%q " "$@"); ARGS=${ARGS% }
while [ $# -gt 0 ]; do
    case $1 in
        --quick) MODE=quick ;; --verb) VERB=$2; shift ;; --count) COUNT=$2; shift ;; --only) ONLY=$2; shift ;;
        --no-docs) DOCS=0 ;; -o) OUT=$2; shift ;;
        *) sed -n '2,22p' "$0" >&2; exit 2 ;;
    esac
    shift
done
case $VERB in reexec|reload) ;; *) die "--verb is reexec or reload" ;; esac
[ "$VERB" = reload ] && DOCS=0
if [ "$MODE" = quick ]; then UP_COUNT=10 PID1_COUNT=3; else UP_COUNT=100 PID1_COUNT=10; fi
SUMMON=${SUMMON_BIN:-$ROOT/artifacts/bin/summon}
[ -x "$SUMMON" ] || die "no summon binary at $SUMMON (dotnet publish src/Summon -c Release -o artifacts/bin)"
SUMMON=$(readlink -f "$SUMMON")
PY=$(python3 -c 'import sys; print(sys.executable)') || die "python3 is needed for the fd store and notify services"
bench_build
[ -n "$OUT" ] || OUT=$BENCH_TMP/results/reexec-$VERB-$MODE-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT/logs"
RAW=$OUT/raw.txt
: > "$RAW"
T=$(mktemp -d "$BENCH_TMP/reexec.XXXXXX")
P=18800
LATE=4           # seconds from rx-late.service's start to its READY=1: longer than a verb takes on a loaded machine
CHUNK=5          # seconds per loadclient run: the load is a chain of runs until the scenario says stop
OP_TIMEOUT=10000 # ms per socket operation of a client: a re-exec that stalls a connection this long counts as timed out

GROUPS_FILE=$T/groups
: > "$GROUPS_FILE"
track() { echo "$1" >> "$GROUPS_FILE"; }
cleanup() {
    local g
    [ -s "$GROUPS_FILE" ] && for g in $(tac "$GROUPS_FILE"); do stop_pg "$g"; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rec() { echo "suite=reexec $*" | tee -a "$RAW"; }
note() { echo "$*" >> "$OUT/notes.txt"; log "$*"; }
zombies_of() { ps -e -o ppid=,stat= | awk -v p="$1" '$1 == p && $2 ~ /^Z/' | wc -l; }
children_of() { cat /proc/"$1"/task/*/children 2>/dev/null; }
fd_list() { local f; for f in /proc/"$1"/fd/*; do echo "${f##*/} $(readlink "$f")"; done 2>/dev/null | sort -n; }
outer_pid() { # PARENT NSPID : the pid, seen from here, of PARENT's child whose pid in its own namespace is NSPID
    local p
    for p in $(children_of "$1"); do
        [ "$(awk '$1=="NSpid:"{print $NF}' "/proc/$p/status" 2>/dev/null)" = "$2" ] && { echo "$p"; return; }
    done
}

# ---- the manager and its units ------------------------------------------------------------------------------------
unit() { mkdir -p "$2"; printf "$3" > "$2/$1"; }
wants() { mkdir -p "$1/sockets.target.wants"; ln -sf "../$2" "$1/sockets.target.wants/$2"; }
use() {
    D=$T/$1 D_NAME=$1
    mkdir -p "$D/units" "$D/run" "$D/state"
    export SUMMON_UNIT_PATH=$D/units SUMMON_RUNTIME_DIR=$D/run SUMMON_STATE_DIR=$D/state
}
cli() { timeout -k 1 "${CLI_T:-15}" "$SUMMON" "$@"; }
prop() { cli show -p "$1" --value "$2" 2>/dev/null; }   # PROPERTY UNIT
# mgr_start LOGNAME LAUNCH PORT... : `summon daemon` in its own group; waits (60 s) for its ports and control socket
mgr_start() {
    local name=$1 launch=$2; shift 2
    start_bg MPID "$D/$name.log" "$launch $SUMMON daemon"
    track "$MPID"
    wait_listen "$MPID" 60 "$@" || return 1
    local end=$((SECONDS + 60))
    until [ -n "$(CLI_T=5 cli is-active summon-probe.service 2>/dev/null)" ]; do
        pid_alive "$MPID" || return 1
        [ $SECONDS -ge $end ] && return 1
        sleep 0.1
    done
}
# wait_state UNIT STATE SECONDS : until `is-active UNIT` says STATE
wait_state() {
    local end=$((SECONDS + $3))
    until [ "$(cli is-active "$1" 2>/dev/null)" = "$2" ]; do
        [ $SECONDS -ge $end ] && return 1
        sleep 0.1
    done
}
# journal_to NAME : the manager's journal (its last 400 lines) kept with the results
journal_to() { CLI_T=30 cli journal -n 400 > "$OUT/logs/$1-journal.txt" 2>&1; }

# ---- load: loadclient runs of CHUNK s, back to back, until $D/stop exists ------------------------------------------
LOADS=""
load_start() { # NAME ADDR [LOADCLIENT ARGS...] : one line of figures per run into $D/NAME.load
    local name=$1 addr=$2 cmd g; shift 2
    printf -v cmd '%q ' timeout -k 2 $((CHUNK + 60)) "$BIN/loadclient" -a "$addr" -q -c 8 -n 1000000 -T "$CHUNK" -t "$OP_TIMEOUT" "$@"
    : > "$D/$name.load"
    start_bg g /dev/null "while [ ! -e $D/stop ]; do $cmd 2>/dev/null | tail -1 >> $D/$name.load; done"
    track "$g"
    LOADS+=" $g"
}
load_stop() { # waits for the running chunks to end (bounded), then stops the loops' groups
    local g end=$((SECONDS + CHUNK + 70))
    touch "$D/stop"
    for g in $LOADS; do
        while pid_alive "$g" && [ $SECONDS -lt $end ]; do sleep 0.2; done
        stop_pg "$g"
    done
    LOADS=""
    rm -f "$D/stop"
}
load_sum() { # NAME PREFIX : PREFIX_ok=… PREFIX_refused=… summed over the runs
    awk -v p="$2" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] } runs++ }
        END { printf "%s_ok=%d %s_refused=%d %s_reset=%d %s_timeout=%d %s_other=%d %s_runs=%d", p, s["ok"], p, s["refused"],
              p, s["reset"], p, s["timeout"], p, s["other"], p, runs }' "$D/$1.load"
}

# ---- the upgrade target: this tree's HEAD plus one throwaway commit, published once --------------------------------
upgrade_binary() { # prints the path of the new binary
    local base dir
    # the last commit that changed what the binary is built from, so a commit of scripts or docs reuses the build
    base=$(git -C "$ROOT" log -1 --format=%H -- src Directory.Build.props bench/summon.order) || return 1
    dir=$BENCH_TMP/reexec-upgrade/$base
    if [ -x "$dir/bin/summon" ] && "$dir/bin/summon" --version 2>/dev/null | grep -q reexec-upgrade; then
        echo "$dir/bin/summon"; return 0
    fi
    log "publishing the upgrade target from $base plus a version commit into $dir (a few minutes)"
    rm -rf "$dir"; mkdir -p "$dir"
    git clone -q --no-checkout "$ROOT" "$dir/src" && git -C "$dir/src" checkout -q --detach "$base" || return 1
    sed -i 's|<Deterministic>true</Deterministic>|&\n    <Version>1.0.1-reexec-upgrade</Version>|' "$dir/src/Directory.Build.props"
    git -C "$dir/src" -c user.name=bench -c user.email=bench@localhost commit -q -am \
        "throwaway: version 1.0.1-reexec-upgrade, the upgrade target of bench/reexec.sh" || return 1
    (cd "$dir/src" && timeout 1200 dotnet publish src/Summon -c Release -o "$dir/bin" --nologo) > "$dir/publish.log" 2>&1 \
        || { log "publish failed: $dir/publish.log"; return 1; }
    rm -rf "$dir/src"   # its build outputs are large; the binary is what is kept
    "$dir/bin/summon" --version 2>/dev/null | grep -q reexec-upgrade || return 1
    echo "$dir/bin/summon"
}

kestrel_app() {
    local dll=${SUMMON_KESTREL_APP:-$ROOT/artifacts/kestrel-app/KestrelApp.dll}
    if [ ! -f "$dll" ]; then
        log "publishing the Kestrel test app into artifacts/kestrel-app"
        (cd "$ROOT" && dotnet publish tests/Programs/KestrelApp -c Release -o artifacts/kestrel-app --nologo) >&2 || return 1
    fi
    echo "$dll"
}

# ---- the main manager: three sockets under load, an fd store, a late Type=notify service ---------------------------
main_units() {
    local u=$D/units dll=$1
    unit rx-acc.socket "$u" "[Socket]\nListenStream=127.0.0.1:$P\nAccept=yes\nMaxConnections=1024\nTriggerLimitBurst=0\nPollLimitBurst=0\n[Install]\nWantedBy=sockets.target\n"
    unit rx-acc@.service "$u" "[Service]\nExecStart=/bin/cat\nStandardInput=socket\nStandardOutput=socket\nStandardError=journal\n"
    unit rx-pass.socket "$u" "[Socket]\nListenStream=127.0.0.1:$((P + 1))\nTriggerLimitBurst=0\nPollLimitBurst=0\n[Install]\nWantedBy=sockets.target\n"
    unit rx-pass.service "$u" "[Service]\nExecStart=$BIN/lfd-echo\n"
    unit rx-web.socket "$u" "[Socket]\nListenStream=127.0.0.1:$((P + 2))\nTriggerLimitBurst=0\nPollLimitBurst=0\n[Install]\nWantedBy=sockets.target\n"
    unit rx-web.service "$u" "[Service]\nType=notify\nExecStart=$(command -v dotnet) $dll\nEnvironment=DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 Logging__LogLevel__Default=Warning\nTimeoutStartSec=180\n"
    unit rx-store.service "$u" "[Service]\nType=notify\nExecStart=$PY $BENCH_DIR/reexec-svc.py fdstore $D/fdstore.log\nFileDescriptorStoreMax=4\nRestart=always\nRestartSec=100ms\nTimeoutStartSec=60\n"
    unit rx-late.service "$u" "[Service]\nType=notify\nExecStart=$PY $BENCH_DIR/reexec-svc.py notify-late $LATE\nTimeoutStartSec=90\n"
    unit rx-tick.service "$u" "[Service]\nExecStart=$PY $BENCH_DIR/reexec-svc.py tick 0.05 $D/ticks\n"
    wants "$u" rx-acc.socket; wants "$u" rx-pass.socket; wants "$u" rx-web.socket
}
# journal_figures : the whole journal so far: its lines; rx-tick.service's numbered lines (the highest, how many below
# it are missing or twice; how many it had written a second before); the manager's lines (journal and console) that
# must not be there
journal_figures() {
    local j=$D/journal-all.txt
    printf 'tick_written=%d ' "$(cat "$D/ticks" 2>/dev/null || echo 0)"
    sleep 1
    CLI_T=60 cli journal > "$j" 2>/dev/null
    # the manager's own lines and the services' but the per-connection instances and the ticks, for a diagnosis
    grep -vE 'rx-acc@|: tick [0-9]+$' "$j" | tail -c 2000000 > "$OUT/logs/$D_NAME-journal-filtered.txt"
    awk '/rx-tick.service|python/ && $(NF-1) == "tick" { n = $NF + 0; if (seen[n]++) dup++; if (n > max) max = n }
        END { c = 0; for (k in seen) c++; printf "journal_lines=%d tick_max=%d tick_missing=%d tick_twice=%d", NR, max, max - c, dup + 0 }' "$j"
    printf ' loop_errors=%d degraded_lines=%d' "$(cat "$j" "$D"/manager*.log 2>/dev/null | grep -c 'Unhandled error')" \
        "$(cat "$j" "$D"/manager*.log 2>/dev/null | grep -ciE 'degraded')"
    # the re-exec's own lines (docs/reexec.md): done in place, refused by the check, a unit left to the boot
    printf ' reexecuted_lines=%d not_reexecuting_lines=%d not_carried_lines=%d' "$(grep -c 'Reexecuted in place' "$j")" \
        "$(grep -c 'Not reexecuting' "$j")" "$(grep -c 'Not carried across the re-exec' "$j")"
}
web_pid() { curl -s --max-time 10 "http://127.0.0.1:$((P + 2))/" | awk '/^hello from pid/{print $4}'; }
store_line() { tail -1 "$D/fdstore.log" 2>/dev/null; }
# store_kill : kill -9 of the fd store service's main process; waits (60 s) for its automatic restart to be active
# with a new main pid and to have logged its start
store_kill() {
    local old new end lines
    old=$(prop MainPID rx-store.service)
    lines=$(wc -l < "$D/fdstore.log")
    [ -n "$old" ] && [ "$old" != 0 ] && kill -KILL "$old"
    end=$((SECONDS + 60))
    while [ $SECONDS -lt $end ]; do
        new=$(prop MainPID rx-store.service)
        if [ -n "$new" ] && [ "$new" != 0 ] && [ "$new" != "$old" ] && [ "$(wc -l < "$D/fdstore.log")" -gt "$lines" ] \
            && [ "$(cli is-active rx-store.service 2>/dev/null)" = active ]; then return 0; fi
        sleep 0.2
    done
    return 1
}
verb() { # the verb under test, with any extra arguments; output into $D/verb.out
    if [ "$VERB" = reexec ]; then CLI_T=120 cli daemon-reexec "$@" > "$D/verb.out" 2>&1
    else CLI_T=120 cli daemon-reload > "$D/verb.out" 2>&1; fi
}

# phase NAME COUNT [ARGS OF THE FIRST VERB...] : COUNT verbs back to back under load on the three sockets, every
# tenth with rx-late.service's start in flight (started with --no-block just before); the figures before and after
rx_phase() {
    local name=$1 count=$2 i t0 rc ok=0 times acc=0 prev_acc prev_rst mono_acc=yes mono_rst=yes
    times=$D/$name.ms
    local trials=0 inflight=0 across=0 reached=0 st first_err=""
    shift 2
    local first=("$@")
    local exe0 ver0 mfd0 rss0 pass0 web0 webh0 store0 acc0 rst0 tok0 tick0 tick1
    exe0=$(readlink "/proc/$MPID/exe"); ver0=$("$exe0" --version 2>/dev/null | head -1)
    mfd0=$(fds_of "$MPID"); rss0=$(rss_kb "$MPID"); fd_list "$MPID" > "$OUT/logs/$name-fds0.txt"
    pass0=$(prop MainPID rx-pass.service); web0=$(prop MainPID rx-web.service); webh0=$(web_pid)
    store0=$(prop MainPID rx-store.service); tick0=$(prop MainPID rx-tick.service)
    acc0=$(prop NAccepted rx-acc.socket); rst0=$(prop NRestarts rx-store.service)
    tok0=$(store_line)
    prev_acc=$acc0 prev_rst=$rst0
    : > "$times"
    load_start "$name-acc" "127.0.0.1:$P"
    load_start "$name-pass" "127.0.0.1:$((P + 1))"
    load_start "$name-web" "127.0.0.1:$((P + 2))" -V -m $'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n'
    sleep 2
    for ((i = 1; i <= count; i++)); do
        if [ $((i % 10)) = 3 ]; then
            trials=$((trials + 1))
            cli stop rx-late.service >/dev/null 2>&1
            cli start --no-block rx-late.service >/dev/null 2>&1
            [ "$(cli is-active rx-late.service 2>/dev/null)" = activating ] && inflight=$((inflight + 1))
        fi
        t0=$(now_ms)
        if [ $i = 1 ] && [ ${#first[@]} -gt 0 ]; then verb "${first[@]}"; else verb; fi
        rc=$?
        echo $(($(now_ms) - t0)) >> "$times"
        if [ $rc = 0 ]; then ok=$((ok + 1))
        else
            { echo "== $name $i: exit $rc"; cat "$D/verb.out"; } >> "$OUT/logs/verb-errors.txt"
            [ -n "$first_err" ] || first_err=$i
        fi
        pid_alive "$MPID" || { note "$name: the manager (pid $MPID) is gone after verb $i"; break; }
        acc=$(prop NAccepted rx-acc.socket); st=$(prop NRestarts rx-store.service)
        # a counter read lower than the one before (or unreadable) after a verb: the first such verb is kept
        if [ -n "$acc" ] && [ "$acc" -ge "$prev_acc" ] 2>/dev/null; then prev_acc=$acc
        elif [ "$mono_acc" = yes ]; then mono_acc="no:verb-$i:$prev_acc-then-${acc:-none}"; fi
        if [ -n "$st" ] && [ "$st" -ge "$prev_rst" ] 2>/dev/null; then prev_rst=$st
        elif [ "$mono_rst" = yes ]; then mono_rst="no:verb-$i:$prev_rst-then-${st:-none}"; fi
        if [ $((i % 10)) = 3 ]; then
            [ "$(cli is-active rx-late.service 2>/dev/null)" = activating ] && across=$((across + 1))
            wait_state rx-late.service active 60 && reached=$((reached + 1)) \
                || note "$name: rx-late.service not active 60 s after verb $i ($(cli is-active rx-late.service 2>&1))"
        fi
    done
    load_stop
    cli stop rx-late.service >/dev/null 2>&1   # its pipes and pidfd are not the manager's own: fds compare as before
    sleep 3   # the last connections' instances exit and are reaped
    local mfd1 rss1 pass1 web1 webh1 store1 acc1 rst1 exe1 ver1 zomb tok1 rst2 stored got tk
    exe1=$(readlink "/proc/$MPID/exe"); ver1=$("$exe1" --version 2>/dev/null | head -1)
    mfd1=$(fds_of "$MPID"); rss1=$(rss_kb "$MPID"); zomb=$(zombies_of "$MPID"); fd_list "$MPID" > "$OUT/logs/$name-fds1.txt"
    pass1=$(prop MainPID rx-pass.service); web1=$(prop MainPID rx-web.service); webh1=$(web_pid)
    store1=$(prop MainPID rx-store.service); tick1=$(prop MainPID rx-tick.service)
    acc1=$(prop NAccepted rx-acc.socket); rst1=$(prop NRestarts rx-store.service)
    # the fd store: the service killed now is restarted and must be handed the token it stored at its first start
    store_kill || note "$name: rx-store.service did not come back after kill -9"
    rst2=$(prop NRestarts rx-store.service); tok1=$(store_line)
    stored=$(awk -F'stored=' 'NF > 1 {print $2; exit}' "$D/fdstore.log")
    got=${tok1#*got=}
    [ "$tok1" != "$got" ] && [ "$got" = "$stored" ] && got=yes || got="no(${tok1// /_})"
    sort -n "$times" > "$times.s"
    tk=$(journal_figures)
    rec scenario="$name" verb="$VERB" verbs="$count" verbs_ok="$ok" first_failed="${first_err:-none}" \
        verb_ms_p50="$(awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}' "$times.s")" verb_ms_max="$(tail -1 "$times.s")" \
        "$(load_sum "$name-acc" acc)" "$(load_sum "$name-pass" pass)" "$(load_sum "$name-web" web)" \
        mpid="$MPID" alive="$(pid_alive "$MPID" && echo yes || echo no)" exe0="$exe0" exe1="$exe1" \
        version0="${ver0// /_}" version1="${ver1// /_}" \
        pass_pid0="$pass0" pass_pid1="$pass1" web_pid0="$web0" web_pid1="$web1" web_hello0="${webh0:-none}" \
        web_hello1="${webh1:-none}" store_pid0="$store0" store_pid1="$store1" tick_pid0="$tick0" tick_pid1="$tick1" \
        naccepted0="$acc0" naccepted1="$acc1" naccepted_monotonic="$mono_acc" \
        nrestarts0="$rst0" nrestarts1="$rst1" nrestarts_after_kill="$rst2" nrestarts_monotonic="$mono_rst" \
        fdstore_token="${stored:-none}" fdstore_before="$([ "${tok0#*got=}" = "$stored" ] && echo yes || echo no)" \
        fdstore_after="$got" notify_delay_s="$LATE" notify_trials="$trials" notify_inflight="$inflight" notify_across="$across" notify_active="$reached" \
        zombies="$zomb" fds0="$mfd0" fds1="$mfd1" rss0_kb="$rss0" rss1_kb="$rss1" "$tk"
}

sc_main() {
    local dll new=""
    dll=$(kestrel_app) || { note "main: the Kestrel app could not be published"; rec scenario=reexec started=no; return; }
    if [ -z "$ONLY" ] || [[ " $ONLY " == *" upgrade "* ]]; then
        new=$(upgrade_binary) || { note "upgrade: the upgrade target could not be published"; new=""; }
    fi
    use main
    main_units "$dll"
    mgr_start manager exec $P $((P + 1)) $((P + 2)) || { note "main: the manager did not start"; rec scenario=reexec started=no; return; }
    # every service running before the load; the fd store has stored its token and been restarted once with it, so
    # NRestarts is 1 and the delivery works before any re-exec
    CLI_T=200 cli start rx-pass.service rx-web.service rx-store.service rx-tick.service >/dev/null 2>&1 \
        || note "main: start of the services failed: $(cli is-active rx-pass.service rx-web.service rx-store.service rx-tick.service | tr '\n' ' ')"
    store_kill || note "main: rx-store.service did not come back after the first kill -9"
    if [ -z "$ONLY" ] || [[ " $ONLY " == *" main "* ]]; then
        log "main: $COUNT × $VERB"
        rx_phase reexec "$COUNT"
    fi
    if [ -n "$new" ]; then
        log "upgrade: $VERB into $new, then $((UP_COUNT - 1)) more"
        if [ "$VERB" = reexec ]; then rx_phase upgrade "$UP_COUNT" --binary "$new"; else rx_phase upgrade "$UP_COUNT"; fi
        echo "upgrade target: $new ($("$new" --version 2>/dev/null | head -1))" >> "$OUT/env.txt"
    fi
    journal_to main
    stop_pg "$MPID"; MPID=""
}

# ---- PID 1: a manager in its own PID namespace ----------------------------------------------------------------------
sc_pid1() {
    [ "$(id -u)" = 0 ] || { note "pid1: skipped (needs root for unshare --pid and nsenter)"; return; }
    use pid1
    local u=$D/units ipid ns0 ns1 svc0 svc1 i ok=0 before after orphan="" reaped=no reparented=no rc t0 stopped
    unit rx1.socket "$u" "[Socket]\nListenStream=127.0.0.1:$((P + 3))\nTriggerLimitBurst=0\nPollLimitBurst=0\n[Install]\nWantedBy=sockets.target\n"
    unit rx1.service "$u" "[Service]\nExecStart=$BIN/lfd-echo\n"
    wants "$u" rx1.socket
    mgr_start manager "exec unshare --pid --fork --mount-proc" $((P + 3)) \
        || { note "pid1: the manager did not start"; rec scenario=pid1 started=no; return; }
    ipid=$(children_of "$MPID" | awk '{print $1}')
    ns0=$(awk '$1=="NSpid:"{print $NF}' "/proc/$ipid/status")
    cli start rx1.service >/dev/null 2>&1
    svc0=$(prop MainPID rx1.service)
    load_start pid1 "127.0.0.1:$((P + 3))"
    sleep 1
    for ((i = 1; i <= PID1_COUNT; i++)); do
        if verb; then ok=$((ok + 1)); else { echo "== pid1 $i"; cat "$D/verb.out"; } >> "$OUT/logs/verb-errors.txt"; fi
    done
    load_stop
    ns1=$(awk '$1=="NSpid:"{print $NF}' "/proc/$ipid/status" 2>/dev/null)
    svc1=$(prop MainPID rx1.service)
    local svc_outer; svc_outer=$(outer_pid "$ipid" "$svc1")
    # an orphan made after the re-execs: its parent exits at once, so the namespace's PID 1 inherits it
    before=$(children_of "$ipid")
    nsenter -t "$ipid" -p sh -c 'sleep 2 & exit 0'
    local end=$((SECONDS + 5)) p
    while [ -z "$orphan" ] && [ $SECONDS -lt $end ]; do
        for p in $(children_of "$ipid"); do
            [[ " $before " == *" $p "* ]] && continue
            [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] && orphan=$p && reparented=yes
        done
        sleep 0.05
    done
    if [ -n "$orphan" ]; then
        end=$((SECONDS + 20))
        while [ -e "/proc/$orphan" ] && [ $SECONDS -lt $end ]; do sleep 0.1; done
        [ -e "/proc/$orphan" ] || reaped=yes
    fi
    journal_to pid1
    # SIGTERM to the namespace's PID 1: every unit stopped, exit 0 (unshare --fork exits with its child's status)
    t0=$(now_ms)
    kill -TERM "$ipid"
    end=$((SECONDS + 90))
    while pid_alive "$MPID" && [ $SECONDS -lt $end ]; do sleep 0.1; done
    if pid_alive "$MPID"; then rc=timeout; else wait "$MPID"; rc=$?; fi
    # stopped by the manager, not by the kernel's SIGKILL to what is left when a namespace's PID 1 exits: its lines
    stopped=$(CLI_T=30 cli journal -u rx1.service 2>/dev/null | grep -cE 'Stopped |Deactivated successfully')
    rec scenario=pid1 verb="$VERB" verbs="$PID1_COUNT" verbs_ok="$ok" nspid0="$ns0" nspid1="${ns1:-gone}" \
        outer_pid="$ipid" svc_pid0="$svc0" svc_pid1="$svc1" "$(load_sum pid1 load)" orphan_reparented="$reparented" \
        orphan_reaped="$reaped" zombies="$(zombies_of "$ipid")" sigterm_exit="$rc" sigterm_ms=$(($(now_ms) - t0)) \
        stop_lines="$stopped" svc_gone="$([ -n "$svc_outer" ] && { [ -e "/proc/$svc_outer" ] && echo no || echo yes; } || echo unknown)"
    MPID=""
}

run() { # NAME : runs scenario NAME unless --only excludes it
    if [ "$1" = main ]; then
        [ -z "$ONLY" ] || [[ " $ONLY " == *" main "* ]] || [[ " $ONLY " == *" upgrade "* ]] || return 0
    else
        [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]] || return 0
    fi
    log "== $1"
    local t0=$SECONDS f
    "sc_$1"
    [ -n "${MPID:-}" ] && { stop_pg "$MPID"; MPID=""; }
    for f in "$T/$1"/*.log "$T/$1"/*.load; do   # what the manager, the services and the clients said
        [ -f "$f" ] && head -c 65536 "$f" > "$OUT/logs/$1-$(basename "$f")"
    done
    log "   $1: $((SECONDS - t0)) s"
}

# the run, in one function: bash has read all of it before it starts, so an edit of this file cannot change a run
main() {
    "$BENCH_DIR/env.sh" > "$OUT/env.txt" 2>/dev/null
    echo "summon: $SUMMON ($(stat -c %s "$SUMMON") bytes; $("$SUMMON" --version 2>/dev/null | head -1))" >> "$OUT/env.txt"
    echo "SUMMON_BIN=$SUMMON bench/reexec.sh${ARGS:+ $ARGS}" > "$OUT/command.txt"
    note "start $(date -Is) loadavg $(cut -d' ' -f1-3 /proc/loadavg) mode=$MODE verb=$VERB user=$(id -un)"
    for s in main pid1; do run "$s"; done
    note "end $(date -Is) loadavg $(cut -d' ' -f1-3 /proc/loadavg)"

    python3 "$BENCH_DIR/reexec-report.py" "$OUT" > "$OUT/section.md" || die "report failed"
    if [ "$DOCS" = 1 ]; then
        python3 "$BENCH_DIR/reexec-report.py" --splice "$ROOT/docs/reliability.md" "$OUT/section.md" || die "splice failed"
        log "wrote the reexec section of docs/reliability.md"
    fi
    cat "$OUT/section.md"
    log "results: $OUT"
}
main
exit
