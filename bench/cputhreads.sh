#!/bin/bash
# Per-thread CPU of a running activator, in µs per connection (user+sys, user, sys), from /proc/PID/task/*/stat
# around one loadclient run of N connections at 8 concurrent clients. /proc counts 10 ms ticks: use N >= 4000.
#   bench/cputhreads.sh PID PORT [N]
PID=$1; PORT=$2; N=${3:-4000}
declare -A u s
for t in /proc/$PID/task/*; do id=${t##*/}; read -r u[$id] s[$id] < <(awk '{print $14, $15}' "$t/stat"); done
out=$("$(dirname "$0")/bin/loadclient" -a "127.0.0.1:$PORT" -c 8 -n "$N" -t 5000 -T 30)
hz=$(getconf CLK_TCK); ok=$(tr ' ' '\n' <<<"$out" | sed -n 's/^ok=//p')
for t in /proc/$PID/task/*; do
    id=${t##*/}; read -r bu bs < <(awk '{print $14, $15}' "$t/stat")
    du=$((bu - ${u[$id]:-0})); ds=$((bs - ${s[$id]:-0}))
    ((du + ds > 0)) && echo "$(cat "$t/comm"): $(((du + ds) * 1000000 / hz / ok)) us/conn (user $((du * 1000000 / hz / ok)), sys $((ds * 1000000 / hz / ok)))"
done
echo "ok=$ok $(tr ' ' '\n' <<<"$out" | grep ^cps=)"
