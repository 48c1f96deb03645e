#!/usr/bin/env bash
# idle-count.sh - what one IdleStopSec= look costs (issue 15): counting the established connections of one port with
# NETLINK_SOCK_DIAG against /proc/net/tcp, with 1 and 1,000 connections open (bench/src/idle-count.c).
#
# usage: bench/idle-count.sh [ROUNDS]
set -u
. "$(dirname "$0")/lib.sh"
bench_build
for n in 1 1000; do "$BIN/idle-count" "$n" "${1:-500}"; done
