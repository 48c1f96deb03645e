#!/usr/bin/env bash
# reliability.sh - issue 11's operator's worst day against one summon binary: every scenario prints its figures as
# key=value lines (OUTDIR/raw.txt), then reliability-report.py writes docs/reliability.md (before/after side by side).
#
# usage: bench/reliability.sh [--quick] [--only "SCENARIO..."] [--before RAW] [--no-docs] [-o OUTDIR]
#   (default)    full sizes (about 18 min): 100 reloads over 60 s of c=8 load, 2,000,000 journal lines, 2,000 idle
#                control clients, 20,000 connections for MaxConnections, 10,000 Environment= lines
#   --quick      shortened sizes (about 9 min): 100 reloads over 20 s, probes capped at 10 s, 5,000 connections
#   --only       run only these scenarios (reload reloadmove crashloop relexec emfile fifo stuck journal flood kill9 control
#                misc fuzz)
#   --before RAW the raw.txt of a run of another binary (e.g. the published 73f9556 of the issue's table): the
#                report shows it as the "before" column beside this run
#   --no-docs    do not rewrite docs/reliability.md (the report is still written to OUTDIR/report.md)
# The binary is $SUMMON_BIN (default artifacts/bin/summon; publish it first). Runs as root or as a normal user; the
# root-only faults (a full 2 MB tmpfs, a read-only bind mount, a second user's view) are skipped with a note.
# Every process is started in its own process group (lib.sh start_bg) and stopped by that group's id; every wait has
# a timeout. Ports 18700-18709 on 127.0.0.1.
set -u
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
MODE=full ONLY="" BEFORE="" DOCS=1 OUT=""
ARGS="$*"
while [ $# -gt 0 ]; do
    case $1 in
        --quick) MODE=quick ;; --only) ONLY=$2; shift ;; --before) BEFORE=$2; shift ;; --no-docs) DOCS=0 ;;
        -o) OUT=$2; shift ;;
        *) sed -n '2,18p' "$0" >&2; exit 2 ;;
    esac
    shift
done
SUMMON=${SUMMON_BIN:-$ROOT/artifacts/bin/summon}
[ -x "$SUMMON" ] || die "no summon binary at $SUMMON (dotnet publish src/Summon -c Release -o artifacts/bin)"
SUMMON=$(readlink -f "$SUMMON")
bench_build
[ -n "$OUT" ] || OUT=$BENCH_TMP/results/reliability-$MODE-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
RAW=$OUT/raw.txt
: > "$RAW"
T=$(mktemp -d "$BENCH_TMP/rel.XXXXXX")
chmod 0755 "$T"   # a second user (nobody) must reach the journal files to show what their modes allow
ROOTUSER=0; [ "$(id -u)" = 0 ] && ROOTUSER=1

if [ "$MODE" = quick ]; then
    RELOAD_SECS=20 RELOADS=100 FLOOD=2000000 FULL_LINES=200000 IDLE=2000 SLOW=200 MAXCONN_N=5000 ENV_LINES=10000
    PROBE_CAP=10 SHRINK=20 STUCK=20
else
    RELOAD_SECS=60 RELOADS=100 FLOOD=2000000 FULL_LINES=200000 IDLE=2000 SLOW=200 MAXCONN_N=20000 ENV_LINES=10000
    PROBE_CAP=30 SHRINK=30 STUCK=30
fi
P=18700

# ---- process bookkeeping: every group we start is stopped on exit -----------------------------------------------
GROUPS_FILE=$T/groups
: > "$GROUPS_FILE"
track() { echo "$1" >> "$GROUPS_FILE"; }
cleanup() {
    local g
    [ -s "$GROUPS_FILE" ] && for g in $(tac "$GROUPS_FILE"); do stop_pg "$g"; done
    kill_exe_copies
    chmod -R u+w "$T" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rec() { echo "suite=reliability $*" | tee -a "$RAW"; }
note() { echo "$*" >> "$OUT/notes.txt"; log "$*"; }
threads_of() { awk '/^Threads:/{print $2}' "/proc/$1/status" 2>/dev/null; }
cpu_ms() { # utime+stime of PID in ms
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / hz) }' "/proc/$1/stat" 2>/dev/null
}
tcp_conns() { # PORT STATE : connections on the server side of 127.0.0.1:PORT in STATE
    ss -Htn state "$2" "sport = :$1" 2>/dev/null | wc -l
}
# load ADDR ARGS... : loadclient, always bounded; prints its key=value line (all zeros when it could not run)
load() {
    local a=$1; shift
    local out
    out=$(timeout -k 2 400 "$BIN/loadclient" -a "$a" -q "$@" 2>/dev/null | tail -1)
    echo "${out:-ok=0 fail=0 refused=0 reset=0 timeout=0 other=0 notrun=0}"
}
kv() { # KEY "key=value line" : the value of KEY
    local k=$1 v; shift
    v=$(tr ' ' '\n' <<< "$*" | awk -F= -v k="$k" '$1==k{print $2; exit}')
    echo "${v:-0}"
}
# prefix PFX KEYS... < line : "PFX_key=value" for the chosen keys
prefix() {
    local p=$1 line k; shift
    read -r line
    for k in "$@"; do printf '%s_%s=%s ' "$p" "$k" "$(kv "$k" "$line")"; done
}

# ---- one manager per scenario ------------------------------------------------------------------------------------
# unit NAME DIR CONTENT : writes a unit file (printf escapes in CONTENT)
unit() { mkdir -p "$2"; printf "$3" > "$2/$1"; }
wants() { mkdir -p "$1/sockets.target.wants"; ln -sf "../$2" "$1/sockets.target.wants/$2"; }
socket_yes() { # DIR NAME PORT [EXTRA] : Accept=yes socket + /bin/cat template, enabled
    unit "$2.socket" "$1" "[Socket]\nListenStream=127.0.0.1:$3\nAccept=yes\n${4:-MaxConnections=1024\nTriggerLimitBurst=0\nPollLimitBurst=0\n}[Install]\nWantedBy=sockets.target\n"
    unit "$2@.service" "$1" "[Service]\nExecStart=/bin/cat\nStandardInput=socket\nStandardOutput=socket\nStandardError=journal\n"
    wants "$1" "$2.socket"
}
socket_no() { # DIR NAME PORT [EXEC] : Accept=no socket + lfd-echo service, enabled
    unit "$2.socket" "$1" "[Socket]\nListenStream=127.0.0.1:$3\nTriggerLimitBurst=0\nPollLimitBurst=0\n[Install]\nWantedBy=sockets.target\n"
    unit "$2.service" "$1" "[Service]\nExecStart=${4:-$BIN/lfd-echo}\n"
    wants "$1" "$2.socket"
}
# scenario dirs: $T/NAME/{units,run,state}; the CLI and the daemon read the same variables
use() {
    D=$T/$1
    mkdir -p "$D/units" "$D/run" "$D/state"
    export SUMMON_UNIT_PATH=$D/units SUMMON_RUNTIME_DIR=$D/run SUMMON_STATE_DIR=$D/state
}
cli() { timeout -k 1 "${CLI_T:-15}" "$SUMMON" "$@"; }
# mgr_start LOGNAME [LAUNCH] [PORT...] : starts `summon daemon` for $D in its own group and waits (20 s) for its ports
# and its control socket; MPID is the group's leader (the daemon, or the wrapper it runs under). LAUNCH replaces the
# plain "exec" before the binary: "ulimit -n 64; exec", "exec strace ...", "exec unshare -m sh -c '...' ".
# Returns 1 when the daemon did not come up (exited, or no ports/control socket in time).
mgr_start() {
    local name=$1 launch=${2:-exec}; shift 2 2>/dev/null || shift $#
    start_bg MPID "$D/$name.log" "$launch $SUMMON daemon"
    track "$MPID"
    if [ $# -gt 0 ]; then wait_listen "$MPID" 20 "$@" || return 1; fi
    local end=$((SECONDS + 20))
    until [ -n "$(CLI_T=5 cli is-active summon-probe.service 2>/dev/null)" ]; do
        pid_alive "$MPID" || return 1
        [ $SECONDS -ge $end ] && return 1
        sleep 0.1
    done
    return 0
}
mgr_stop() { stop_pg "$MPID"; MPID=""; }
# latency_ms CMD... : wall time of CMD in ms, capped at PROBE_CAP s (the cap is printed when it timed out)
latency_ms() {
    local t0 t1
    t0=$(now_ms)
    CLI_T=$PROBE_CAP "$@" >/dev/null 2>&1
    t1=$(now_ms)
    echo $((t1 - t0))
}
# median_latency N CMD... : median of N probes
median_latency() {
    local n=$1 i; shift
    for ((i = 0; i < n; i++)); do latency_ms "$@"; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
# copies of one executable (by its path), for the orphan count after kill -9
exe_copies() { local p n=0; for p in /proc/[0-9]*; do [ "$(readlink "$p/exe" 2>/dev/null)" = "$1" ] && n=$((n + 1)); done; echo $n; }
EXE_COPIES=""   # executables whose copies cleanup must stop (services re-parented away from our groups)
kill_exe_copies() {
    local e p
    for e in $EXE_COPIES; do
        for p in /proc/[0-9]*; do [ "$(readlink "$p/exe" 2>/dev/null)" = "$e" ] && kill -KILL "${p#/proc/}" 2>/dev/null; done
    done
}
# cli_outcome OUTPUT_FILE RC : ok | error (a message and a non-zero exit) | trace (a stack trace or unhandled exception)
cli_outcome() {
    if grep -qE '^ +at |Unhandled exception' "$1"; then echo trace
    elif [ "$2" != 0 ]; then echo error
    else echo ok; fi
}
# journal_reported FILE... : yes when a one-line message (not a stack trace) says the journal is degraded or lost lines
journal_reported() {
    cat "$@" 2>/dev/null | grep -vE '^ +at |Unhandled exception' | grep -iE 'journal|database|sqlite|suppressed' \
        | grep -qiE 'corrupt|malformed|aside|read-only|readonly|console|space|full|not a database|suppress|cannot|could not|failed|error|lost|drop' \
        && echo yes || echo no
}

run() { # NAME : runs scenario NAME unless --only excludes it
    [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]] || return 0
    log "== $1"
    local t0=$SECONDS
    "sc_$1"
    [ -n "${MPID:-}" ] && mgr_stop
    local f d=$1
    [ "$1" = journal ] && d=jfault   # its directories do not say "journal", which the message check looks for
    mkdir -p "$OUT/logs"
    for f in "$T/$d"*/*.log "$T/$d"*/*.out; do   # what the manager and the clients said (the first 64 KiB of each)
        [ -f "$f" ] && head -c 65536 "$f" > "$OUT/logs/$(basename "$(dirname "$f")")-$(basename "$f")"
    done
    log "   $1: $((SECONDS - t0)) s"
}

# ---- 1. daemon-reload under load ------------------------------------------------------------------------------
# listen_inode PORT : the inode of the socket listening on 127.0.0.1:PORT (/proc/net/tcp), empty when none
listen_inode() {
    awk -v p="$(printf '%04X' "$1")" '$2 == "0100007F:" p && $4 == "0A" { print $10; exit }' /proc/net/tcp
}
sc_reload() {
    use reload
    socket_yes "$D/units" rl-acc $P
    socket_no "$D/units" rl-pass $((P + 1))
    mgr_start manager "" $P $((P + 1)) || { rec scenario=reload started=no; return; }
    load "127.0.0.1:$((P + 1))" -n 1 -t 5000 >/dev/null   # the Accept=no service is running before the load
    local fa=$D/acc.out fp=$D/pass.out i ok=0 f0 f1 ia0 ip0 ia1 ip1 spid0 spid1
    sleep 1
    f0=$(fds_of "$MPID"); ia0=$(listen_inode $P); ip0=$(listen_inode $((P + 1)))
    spid0=$(CLI_T=5 cli show -p MainPID --value rl-pass.service 2>/dev/null)
    (load "127.0.0.1:$P" -c 8 -n 2000000 -T "$RELOAD_SECS" -t 5000 > "$fa") &
    local la=$!
    (load "127.0.0.1:$((P + 1))" -c 8 -n 5000000 -T "$RELOAD_SECS" -t 5000 > "$fp") &
    local lp=$!
    local gap
    gap=$(awk -v s="$RELOAD_SECS" -v n="$RELOADS" 'BEGIN { printf "%.3f", s / (n + 2) }')
    sleep "$gap"
    for ((i = 0; i < RELOADS; i++)); do
        # every reload rewrites the units (a new description, the same Listen*= lines), so each one reloads something
        sed -i "1i # reload $i" "$D/units/rl-acc.socket" "$D/units/rl-pass.socket"
        cli daemon-reload >/dev/null 2>&1 && ok=$((ok + 1)); sleep "$gap"
    done
    wait "$la" "$lp"
    sleep 1
    f1=$(fds_of "$MPID"); ia1=$(listen_inode $P); ip1=$(listen_inode $((P + 1)))
    spid1=$(CLI_T=5 cli show -p MainPID --value rl-pass.service 2>/dev/null)
    rec scenario=reload reloads=$RELOADS reloads_ok=$ok secs=$RELOAD_SECS fds0=$f0 fds1=$f1 \
        inodes_kept=$([ -n "$ia0" ] && [ "$ia0/$ip0" = "$ia1/$ip1" ] && echo yes || echo no) \
        service_pid_kept=$([ -n "$spid0" ] && [ "$spid0" = "$spid1" ] && echo yes || echo no) \
        zombies=$(ps -o stat= --ppid "$MPID" 2>/dev/null | grep -c '^Z') \
        "$(prefix acc ok fail refused reset timeout other < "$fa")" "$(prefix pass ok fail refused reset timeout other < "$fp")"
}

# ---- 1. a moved ListenStream=: one client loop on the old port, one on the new, a reload between -----------------
sc_reloadmove() {
    use reloadmove
    local a=$((P + 8)) b=$((P + 9)) out
    socket_yes "$D/units" rl-move $a
    mgr_start manager "" $a || { rec scenario=reloadmove started=no; return; }
    (python3 "$BENCH_DIR/relclient.py" move $a $b 6 > "$D/move.out") &
    local lc=$!
    sleep 2
    sed -i "s/^ListenStream=127.0.0.1:$a\$/ListenStream=127.0.0.1:$b/" "$D/units/rl-move.socket"
    cli daemon-reload >/dev/null 2>&1
    wait "$lc"
    rec scenario=reloadmove "$(cat "$D/move.out")" old_listening=$([ -n "$(listen_inode $a)" ] && echo yes || echo no) \
        new_listening=$([ -n "$(listen_inode $b)" ] && echo yes || echo no)
}

# ---- 1. crash loop --------------------------------------------------------------------------------------------
sc_crashloop() {
    use crashloop
    unit crash.service "$D/units" "[Service]\nExecStart=/bin/false\nRestart=always\n"
    mgr_start manager "" || { rec scenario=crashloop started=no; return; }
    sleep 1
    local c0 c1 t0 res="" end
    c0=$(cpu_ms "$MPID"); t0=$(now_ms)
    cli start crash.service >/dev/null 2>&1
    end=$((SECONDS + 30))
    while [ $SECONDS -lt $end ]; do
        res=$(cli show -p Result --value crash.service 2>/dev/null)
        [ "$res" = start-limit-hit ] && break
        sleep 0.1
    done
    c1=$(cpu_ms "$MPID")
    rec scenario=crashloop result=${res:-unknown} secs_ms=$(($(now_ms) - t0)) cpu_ms=$((c1 - c0)) \
        manager_alive=$(pid_alive "$MPID" && echo yes || echo no)
}

# ---- 1. a relative ExecStart= (203/EXEC in systemd): fds, CLOSE-WAIT, serving after the fix ---------------------
sc_relexec() {
    use relexec
    unit re.socket "$D/units" "[Socket]\nListenStream=127.0.0.1:$((P + 2))\nAccept=yes\n[Install]\nWantedBy=sockets.target\n"
    unit re@.service "$D/units" "[Service]\nExecStart=nonexistent-binary\nStandardInput=socket\n"
    wants "$D/units" re.socket
    unit plain.service "$D/units" "[Service]\nExecStart=nonexistent-binary\n"
    mgr_start manager "" $((P + 2)) || { rec scenario=relexec started=no; return; }
    sleep 1
    local f0 f1 l cw fixed plain
    f0=$(fds_of "$MPID")
    l=$(load "127.0.0.1:$((P + 2))" -c 8 -n 70 -t 1500 -T 60)
    sleep 2
    f1=$(fds_of "$MPID"); cw=$(tcp_conns $((P + 2)) close-wait)
    CLI_T=5 cli start plain.service >/dev/null 2>&1
    sleep 1
    plain=$(CLI_T=5 cli is-active plain.service 2>/dev/null)
    unit re@.service "$D/units" "[Service]\nExecStart=/bin/cat\nStandardInput=socket\nStandardOutput=socket\n"
    cli daemon-reload >/dev/null 2>&1
    fixed=$(kv ok "$(load "127.0.0.1:$((P + 2))" -c 1 -n 10 -t 3000 -T 30)")
    rec scenario=relexec conns=70 "$(prefix load ok fail refused reset timeout <<< "$l")" fds0=$f0 fds1=$f1 \
        close_wait=$cw plain_state=${plain:-none} serving_after_fix=$fixed/10 \
        loop_errors=$(grep -c 'Unhandled error in the event loop' "$D/manager.log")
}

# ---- 1. ulimit -n 64 and 200 clients ---------------------------------------------------------------------------
sc_emfile() {
    use emfile
    socket_yes "$D/units" em $((P + 3))
    mgr_start manager "ulimit -n 64; exec" $((P + 3)) || { rec scenario=emfile started=no; return; }
    sleep 1
    local f0 f1 l after est cw
    f0=$(fds_of "$MPID")
    l=$(load "127.0.0.1:$((P + 3))" -c 200 -n 200 -t 5000 -T 60)
    sleep 3
    f1=$(fds_of "$MPID"); est=$(tcp_conns $((P + 3)) established); cw=$(tcp_conns $((P + 3)) close-wait)
    after=$(kv ok "$(load "127.0.0.1:$((P + 3))" -c 1 -n 10 -t 3000 -T 30)")
    rec scenario=emfile nofile=64 clients=200 "$(prefix load ok fail refused reset timeout <<< "$l")" fds0=$f0 fds1=$f1 \
        leaked_conns=$((est + cw)) serving_after=$after/10 alive=$(pid_alive "$MPID" && echo yes || echo no) \
        loop_errors=$(grep -c 'Unhandled error in the event loop' "$D/manager.log")
}

# ---- 2. a FIFO StandardOutput=file: with no reader -------------------------------------------------------------
sc_fifo() {
    use fifo
    socket_yes "$D/units" fe $((P + 4))
    mkfifo -m 0600 "$D/fifo"
    unit fifo.service "$D/units" "[Service]\nExecStart=/bin/echo hello\nStandardOutput=file:$D/fifo\n"
    mgr_start manager "" $((P + 4)) || { rec scenario=fifo started=no; return; }
    local base lat echo
    base=$(median_latency 3 cli is-active fe.socket)
    start_bg g "$D/start.log" "exec timeout -k 1 $((PROBE_CAP * 4 + 20)) $SUMMON start fifo.service"
    track "$g"
    sleep 1
    lat=$(median_latency 3 cli is-active fe.socket)
    echo=$(kv ok "$(load "127.0.0.1:$((P + 4))" -c 1 -n 5 -t 2000 -T 12)")
    # a reader lets the blocked open finish, so the manager can be stopped
    timeout 5 cat "$D/fifo" >/dev/null 2>&1
    rec scenario=fifo isactive_ms_before=$base isactive_ms=$lat cap_ms=$((PROBE_CAP * 1000)) echo_ok=$echo/5
}

# ---- 2. a child stuck before exec (its execve held by strace's fault injection) ---------------------------------
sc_stuck() {
    use stuck
    command -v strace >/dev/null || { note "stuck: skipped (no strace)"; return; }
    socket_yes "$D/units" se $((P + 5))
    cp /bin/true "$D/stuck-bin"
    unit stuck.service "$D/units" "[Service]\nType=oneshot\nExecStart=$D/stuck-bin\n"
    # only the execve of stuck-bin waits (strace -P), every other spawn runs normally
    mgr_start manager "exec strace -f -qq -o /dev/null --seccomp-bpf -e trace=execve -P $D/stuck-bin -e inject=execve:delay_enter=${STUCK}s" \
        $((P + 5)) || { rec scenario=stuck started=no; return; }
    local base lat echo
    base=$(median_latency 3 cli is-active se.socket)
    start_bg g "$D/start.log" "exec timeout -k 1 $((STUCK + 20)) $SUMMON start stuck.service"
    track "$g"
    sleep 1
    local cap=$PROBE_CAP
    PROBE_CAP=$(((STUCK - 8) / 3))
    lat=$(median_latency 3 cli is-active se.socket)
    echo=$(kv ok "$(load "127.0.0.1:$((P + 5))" -c 1 -n 3 -t 1000 -T 4)")
    rec scenario=stuck held_s=$STUCK isactive_ms_before=$base isactive_ms=$lat cap_ms=$((PROBE_CAP * 1000)) echo_ok=$echo/3
    PROBE_CAP=$cap
}

# ---- 3. journal faults: garbage, corrupt, read-only, full ------------------------------------------------------
journal_case() { # NAME LAUNCH [ns] : start with the prepared state, then the figures ("ns": the state is only
    # visible inside the daemon's mount namespace, so the reader runs there too)
    local name=$1 launch=$2 started=yes serve=0 jrc src st out
    NSENTER=""
    mgr_start manager "$launch" $((P + 6)) || started=no
    [ "${3:-}" = ns ] && pid_alive "$MPID" && NSENTER="nsenter -t $MPID -m --"
    if [ $started = yes ]; then serve=$(kv ok "$(load "127.0.0.1:$((P + 6))" -c 1 -n 5 -t 3000 -T 20)"); fi
    out=$D/journal-cli.out
    timeout -k 1 20 $NSENTER "$SUMMON" journal -n 5 > "$out" 2>&1; jrc=$?
    st=$D/status-cli.out
    CLI_T=20 cli status jf.socket > "$st" 2>&1; src=$?
    [ $src = 3 ] && src=0   # 3 is an inactive unit, not a failure of the command
    rec scenario=journal fault=$name started=$started serves=$serve/5 journal_cli=$(cli_outcome "$out" $jrc) \
        status_cli=$(cli_outcome "$st" $src) reported=$(journal_reported "$D/manager.log" "$out" "$st")
}
sc_journal() {
    local f
    for f in garbage corrupt readonly full; do
        use "jfault-$f"
        socket_yes "$D/units" jf $((P + 6))
        case $f in
            garbage)
                head -c 65536 /dev/urandom > "$D/state/journal.db"
                journal_case garbage exec ;;
            corrupt)
                unit talk.service "$D/units" "[Service]\nType=oneshot\nExecStart=/usr/bin/seq 1 20000\n"
                mgr_start manager exec $((P + 6)) || { rec scenario=journal fault=corrupt started=no; mgr_stop; continue; }
                CLI_T=60 cli start talk.service >/dev/null 2>&1; sleep 2; mgr_stop
                # pages in the middle of the database, past its header
                dd if=/dev/urandom of="$D/state/journal.db" bs=4096 seek=4 count=16 conv=notrunc status=none
                journal_case corrupt exec ;;
            readonly)
                if [ $ROOTUSER = 1 ]; then
                    journal_case readonly "exec unshare -m sh -c 'mount --bind $D/state $D/state && mount -o remount,ro,bind $D/state && exec \"\$0\" \"\$@\"'"
                else
                    chmod 0555 "$D/state"; journal_case readonly exec; chmod 0755 "$D/state"
                fi ;;
            full)
                [ $ROOTUSER = 1 ] || { note "journal full-disk: skipped (needs root for a 2 MB tmpfs)"; continue; }
                unit flood.service "$D/units" "[Service]\nType=oneshot\nExecStart=/usr/bin/seq 1 $FULL_LINES\n"
                journal_case full "exec unshare -m sh -c 'mount -t tmpfs -o size=2m,mode=0700 tmpfs $D/state && exec \"\$0\" \"\$@\"'" ns
                if pid_alive "${MPID:-0}"; then
                    CLI_T=120 cli start flood.service >/dev/null 2>&1
                    wait_stored 60
                    local stored supp
                    read -r stored supp < <(timeout -k 1 120 $NSENTER "$SUMMON" journal 2>/dev/null | count_lines)
                    supp=$(max_suppressed "$supp" flood.service)
                    rec scenario=journal fault=full-lines sent=$FULL_LINES stored=$stored suppressed=$supp \
                        alive=$(pid_alive "$MPID" && echo yes || echo no) reported=$(journal_reported "$D/manager.log") \
                        used_kb=$($NSENTER df -k --output=used "$D/state" | tail -1 | tr -d ' ')
                fi ;;
        esac
        mgr_stop
    done
    NSENTER=""
}
# count_lines < journal : "STORED SUPPRESSED": seq's lines (": N" at the end) and the sum of "Suppressed N messages"
count_lines() {
    awk '/: [0-9]+$/ { n++ } match($0, /Suppressed [0-9]+ messages/) { s += substr($0, RSTART + 11, RLENGTH - 20) }
         END { print n + 0, s + 0 }'
}
# max_suppressed N UNIT : the larger of N (the journal's "Suppressed" reports) and what `status UNIT` counts; while the
# disk is full the journal cannot hold its report, and status is where the count is then
max_suppressed() {
    local st
    st=$(cli status "$2" 2>/dev/null | sed -n 's/^ *Journal: \([0-9]*\) messages suppressed.*/\1/p' | head -1)
    echo $(( ${st:-0} > $1 ? ${st:-0} : $1 ))
}
# wait_stored SECS : until the journal files stop growing for 3 s (the queue has been written out) or SECS
wait_stored() {
    local end=$((SECONDS + $1)) last="" cur same=0
    while [ $SECONDS -lt $end ]; do
        cur=$($NSENTER sh -c "stat -c %s $D/state/journal.db* 2>/dev/null" | awk '{ s += $1 } END { print s + 0 }')
        if [ "$cur" = "$last" ]; then same=$((same + 1)); [ $same -ge 6 ] && return 0; else same=0; fi
        last=$cur
        sleep 0.5
    done
}

# ---- 3. one service floods the journal; file modes; a second user's view ----------------------------------------
sc_flood() {
    NSENTER=""
    use flood
    unit flood.service "$D/units" "[Service]\nExecStart=/usr/bin/seq 1 $FLOOD\n"
    # Rotation (SUMMON_JOURNAL_MAX_ROWS, default 1,000,000) is retention, not loss: room for every line of the flood.
    export SUMMON_JOURNAL_MAX_ROWS=$((FLOOD + 100000))
    mgr_start manager "" || { unset SUMMON_JOURNAL_MAX_ROWS; rec scenario=flood started=no; return; }
    unset SUMMON_JOURNAL_MAX_ROWS
    sleep 1
    local r0 t0 t1 stored supp deact peak
    r0=$(rss_kb "$MPID")
    t0=$(now_ms)
    cli start flood.service >/dev/null 2>&1
    local end=$((SECONDS + 600))
    while [ "$(cli is-active flood.service 2>/dev/null)" = active ] && [ $SECONDS -lt $end ]; do sleep 0.5; done
    wait_stored 600
    t1=$(now_ms)
    peak=$(rss_kb "$MPID" VmHWM)
    read -r stored supp < <(CLI_T=300 cli journal 2>/dev/null | count_lines)
    supp=$(max_suppressed "$supp" flood.service)
    deact=$(CLI_T=300 cli journal -u flood.service 2>/dev/null | grep -c 'Deactivated successfully')
    local other=skipped
    if [ $ROOTUSER = 1 ]; then
        other=no
        setpriv --reuid=65534 --regid=65534 --clear-groups head -c 16 "$D/state/journal.db" >/dev/null 2>&1 && other=yes
    fi
    rec scenario=flood sent=$FLOOD stored=$stored suppressed=$supp deactivated_line=$deact store_ms=$((t1 - t0 - 3000)) \
        rss0_kb=$r0 rss_peak_kb=$peak rss1_kb=$(rss_kb "$MPID") alive=$(pid_alive "$MPID" && echo yes || echo no) \
        db_mode=$(stat -c %a "$D/state/journal.db" 2>/dev/null || echo none) dir_mode=$(stat -c %a "$D/state") \
        other_user_reads=$other
}

# ---- 4. kill -9 of the manager, then a restart --------------------------------------------------------------------
sc_kill9() {
    use kill9
    cp "$BIN/lfd-echo" "$D/echo-svc"
    EXE_COPIES+=" $D/echo-svc"
    socket_no "$D/units" k9 $((P + 7)) "$D/echo-svc"
    mgr_start manager "" $((P + 7)) || { rec scenario=kill9 started=no; return; }
    load "127.0.0.1:$((P + 7))" -n 3 -t 5000 >/dev/null
    local before svc sock copies inuse started copies2 serve
    before=$(cli is-active k9.service 2>/dev/null)
    kill -KILL "$MPID"; wait "$MPID" 2>/dev/null
    sleep 0.5
    mgr_start manager2 "" && started=yes || started=no
    sleep 2
    inuse=$(grep -c 'Address already in use' "$D/manager2.log")
    sock=$(cli is-active k9.socket 2>/dev/null); svc=$(cli is-active k9.service 2>/dev/null)
    copies=$(exe_copies "$D/echo-svc")
    CLI_T=10 cli start k9.service >/dev/null 2>&1; sleep 1
    copies2=$(exe_copies "$D/echo-svc")
    serve=$(kv ok "$(load "127.0.0.1:$((P + 7))" -c 1 -n 10 -t 3000 -T 30)")
    rec scenario=kill9 service_before=${before:-none} restarted=$started addr_in_use=$inuse socket=${sock:-none} \
        service=${svc:-none} copies=$copies copies_after_start=$copies2 serves=$serve/10
    mgr_stop
    kill_exe_copies
}

# ---- 5. the control socket under idle and slow clients -------------------------------------------------------------
control_case() { # KIND N
    local kind=$1 n=$2 th0 th1 th2 lat line g hold=$((PROBE_CAP * 3 + 30))
    th0=$(threads_of "$MPID")
    start_bg g "$D/$kind.out" "exec python3 $BENCH_DIR/relclient.py hold $D/run/control $n $kind $hold"
    track "$g"
    local end=$((SECONDS + 60))
    until grep -q '^connected=' "$D/$kind.out" 2>/dev/null || [ $SECONDS -ge $end ]; do sleep 0.2; done
    [ "$kind" = slow ] && sleep 6   # a byte has been sent on each and the next is due
    lat=$(median_latency 3 cli is-active ct.socket)
    th1=$(threads_of "$MPID")
    stop_pg "$g"
    sleep "$SHRINK"
    th2=$(threads_of "$MPID")
    line=$(grep '^connected=' "$D/$kind.out")
    rec scenario=control kind=$kind clients=$n "${line:-connected=0}" isactive_ms=$lat cap_ms=$((PROBE_CAP * 1000)) \
        threads0=$th0 threads_during=$th1 threads_after=$th2 after_s=$SHRINK alive=$(pid_alive "$MPID" && echo yes || echo no)
}
sc_control() {
    use control
    socket_yes "$D/units" ct $((P + 8))
    mgr_start manager "" $((P + 8)) || { rec scenario=control started=no; return; }
    control_case idle "$IDLE"
    control_case slow "$SLOW"
}

# ---- 6. smaller: UTF-8 in a drop-in, MaxConnections at 8 clients, 10,000 Environment= lines ------------------------
sc_misc() {
    use misc
    unit u8.service "$D/units" "[Service]\nExecStart=/bin/true\n"
    mkdir -p "$D/units/u8.service.d"
    printf '[Unit]\nDescription=caf\xe9 latin-1\n' > "$D/units/u8.service.d/bad.conf"
    # default MaxConnections= (64); only the trigger limits are off, as in the benchmarks
    socket_yes "$D/units" mc $((P + 9)) "TriggerLimitBurst=0\nPollLimitBurst=0\n"
    mgr_start manager "" $((P + 9)) || { rec scenario=misc started=no; return; }
    local u8 l resets
    u8=$(cli show -p LoadState --value u8.service 2>/dev/null)
    l=$(load "127.0.0.1:$((P + 9))" -c 8 -n "$MAXCONN_N" -t 5000 -T 300)
    resets=$(grep -c 'Too many incoming connections' "$D/manager.log")
    rec scenario=misc utf8_dropin=${u8:-none} maxconn_conns=$MAXCONN_N "$(prefix maxconn ok fail refused reset <<< "$l")" \
        maxconn_log_lines=$resets
    # 10,000 Environment= lines: summon verify, daemon-reload with the unit loaded, systemd-analyze verify on the file
    local f=$D/units/env.service i
    { printf '[Service]\nExecStart=/bin/true\n'; for ((i = 0; i < ENV_LINES; i++)); do echo "Environment=VAR_$i=value_$i"; done; } > "$f"
    local v r sd=none
    v=$(median_latency 3 cli verify "$f")
    r=$(median_latency 3 cli daemon-reload)
    if command -v systemd-analyze >/dev/null; then
        sd=$(median_latency 3 env -u SUMMON_UNIT_PATH systemd-analyze verify --man=no "$f")
    fi
    rec scenario=env lines=$ENV_LINES verify_ms=$v reload_ms=$r systemd_verify_ms=$sd
}

# ---- parser fuzz: the fuzz target's own full run writes its result; this only reads it --------------------------------
# FUZZ_RESULT (default artifacts/fuzz/result.txt) is what fuzz/run.sh writes: "key value" lines (fuzz/README.md);
# when it is missing the report says so.
sc_fuzz() {
    local f=${FUZZ_RESULT:-$ROOT/artifacts/fuzz/result.txt}
    if [ -r "$f" ]; then
        # shellcheck disable=SC2046
        rec scenario=fuzz source=${f#"$ROOT"/} $(awk 'NF == 2 && $1 ~ /^(inputs|seconds|execs_per_sec|crashes|hangs|jobs|commit)$/ {printf "%s=%s ", $1, $2}' "$f")
    else
        note "fuzz: no result file at $f (run fuzz/run.sh first)"
    fi
}

"$BENCH_DIR/env.sh" > "$OUT/env.txt" 2>/dev/null
echo "summon: $SUMMON ($(stat -c %s "$SUMMON") bytes; $("$SUMMON" --version 2>/dev/null | head -1))" >> "$OUT/env.txt"
echo "SUMMON_BIN=$SUMMON bench/reliability.sh${ARGS:+ $ARGS}" > "$OUT/command.txt"
note "start $(date -Is) loadavg $(cut -d' ' -f1-3 /proc/loadavg) mode=$MODE user=$(id -un)"
for s in reload reloadmove crashloop relexec emfile fifo stuck journal flood kill9 control misc fuzz; do run "$s"; done
note "end $(date -Is) loadavg $(cut -d' ' -f1-3 /proc/loadavg)"

python3 "$BENCH_DIR/reliability-report.py" --after "$OUT" ${BEFORE:+--before "$BEFORE"} \
    --command "bench/reliability.sh${ARGS:+ $ARGS}" > "$OUT/report.md" || die "report failed"
if [ "$DOCS" = 1 ]; then
    cp "$OUT/report.md" "$ROOT/docs/reliability.md"
    log "wrote docs/reliability.md"
fi
log "results: $OUT"
