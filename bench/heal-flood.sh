#!/usr/bin/env bash
# heal-flood.sh - issue 15's flood, full size: the seed's demo-echo socket (stock TriggerLimit and PollLimit) under
# 3,000 connections at 8 clients. With the poll limit counting one connection per dispatch (systemd 255+) the socket
# pauses and serves them all (ok=3000 fail=0); counting wake-ups it failed with trigger-limit-hit after about 200.
# The throughput is the poll limit's (150 per 2 s), so the run takes about 40 s. The CI form (600 connections) is
# tests/Summon.IntegrationTests/HealingTests.cs.
# usage: bench/heal-flood.sh [-n COUNT] [-c CLIENTS]
set -u
. "$(dirname "$0")/lib.sh"
N=3000 C=8
while getopts "n:c:h" o; do case $o in n) N=$OPTARG ;; c) C=$OPTARG ;; *) sed -n '2,8p' "$0" >&2; exit 2 ;; esac; done
bench_build
"$BENCH_DIR/run-accept.sh" -s heal -N summon-demo -n "$N" -c "$C" -W 0 -t 10000 -T 180 "$BENCH_DIR/peers/summon.sh demo {PORT}" 17990
