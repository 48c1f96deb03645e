#!/usr/bin/env bash
# Run `summon daemon` in the foreground with a private unit directory, for the bench harness.
#   peers/summon.sh accept|accept-hardened|passfd|demo PORT [NSOCK]
# Creates NSOCK enabled socket units listening on 127.0.0.1:PORT .. PORT+NSOCK-1:
#   accept: bench-P.socket (Accept=yes) + bench-P@.service, ExecStart=/bin/cat on the connection (inetd style)
#   passfd: bench-P.socket (Accept=no) + bench-P.service, ExecStart=bin/lfd-echo (LISTEN_FDS=1)
#   demo:   examples/demo-echo as it is (stock limits), on PORT instead of 9091 (bench/heal-flood.sh)
#   accept-hardened: accept with the hardening issue 14 measures on the seed's unit (bench/sandbox-accept.sh):
#           ProtectSystem=strict, PrivateTmp=yes, NoNewPrivileges=yes, SystemCallFilter=@system-service
# TriggerLimitBurst=0 and PollLimitBurst=0 because the stock Accept=yes trigger limit (200 per 2 s) would trip in a benchmark;
# MaxConnections=1024 because the stock 64 would refuse connections at c=32 while /bin/cat instances linger.
# With SUMMON_BENCH_REUSE=1 an existing unit directory is used as is (manager.sh times the start-up without the
# unit file generation). SUMMON_BENCH_SERVICE_LINES (printf %b escapes) is appended to the accept service, to compare
# a setting's cost on the spawn path (e.g. 'KeyringMode=inherit\n'). The binary is $SUMMON_BIN, else artifacts/bin/summon of this repository. Manager log lines go to stderr
# (the harness sends them to a file, as it does for systemd-socket-activate's).
set -eu
MODE=$1; PORT=$2; NSOCK=${3:-1}
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/lib.sh"
SUMMON=${SUMMON_BIN:-$HERE/../artifacts/bin/summon}
[ -x "$SUMMON" ] || { echo "summon binary not found: $SUMMON (dotnet publish src/Summon -c Release -o artifacts/bin)" >&2; exit 1; }
D=$BENCH_TMP/summon-$MODE-$PORT
if [ "${SUMMON_BENCH_REUSE:-0}" = 1 ] && [ -d "$D/units" ]; then NSOCK=0; else rm -rf "$D"; fi
mkdir -p "$D/units/sockets.target.wants"
for ((i = 0; i < NSOCK; i++)); do
    p=$((PORT + i))
    case $MODE in
        accept|accept-hardened)
            [ "$MODE" = accept-hardened ] && SUMMON_BENCH_SERVICE_LINES='ProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\nSystemCallFilter=@system-service\n'
            printf '[Socket]\nListenStream=127.0.0.1:%s\nAccept=yes\nMaxConnections=1024\nTriggerLimitBurst=0\nPollLimitBurst=0\n[Install]\nWantedBy=sockets.target\n' "$p" > "$D/units/bench-$p.socket"
            printf '[Service]\nExecStart=/bin/cat\nStandardInput=socket\nStandardOutput=socket\nStandardError=journal\n%b' "${SUMMON_BENCH_SERVICE_LINES:-}" > "$D/units/bench-$p@.service" ;;
        passfd)
            printf '[Socket]\nListenStream=127.0.0.1:%s\nTriggerLimitBurst=0\nPollLimitBurst=0\n[Install]\nWantedBy=sockets.target\n' "$p" > "$D/units/bench-$p.socket"
            printf '[Service]\nExecStart=%s\n' "$BIN/lfd-echo" > "$D/units/bench-$p.service" ;;
        demo)
            sed "s/127.0.0.1:9091/127.0.0.1:$p/" "$HERE/../examples/demo-echo/demo-echo.socket" > "$D/units/bench-$p.socket"
            cp "$HERE/../examples/demo-echo/demo-echo@.service" "$D/units/bench-$p@.service" ;;
        *) echo "usage: $0 accept|accept-hardened|passfd|demo PORT [NSOCK]" >&2; exit 2 ;;
    esac
    ln -s "../bench-$p.socket" "$D/units/sockets.target.wants/bench-$p.socket"
done
export SUMMON_UNIT_PATH=$D/units SUMMON_RUNTIME_DIR=$D/run SUMMON_STATE_DIR=$D/state
exec "$SUMMON" daemon
