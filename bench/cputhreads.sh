#!/bin/bash
# Per-thread CPU of a running activator in µs per connection, around one loadclient run of N connections at 8
# concurrent clients: the total from /proc/PID/task/TID/schedstat (ns, exact) and its user/sys split from
# /proc/PID/task/TID/stat (10 ms ticks: use N >= 4000 for the split).
#   bench/cputhreads.sh PID PORT [N]
PID=$1; PORT=$2; N=${3:-4000}
declare -A u s r
for t in /proc/$PID/task/*; do
    id=${t##*/}; read -r u[$id] s[$id] < <(awk '{print $14, $15}' "$t/stat"); read -r r[$id] _ < "$t/schedstat"
done
out=$("$(dirname "$0")/bin/loadclient" -a "127.0.0.1:$PORT" -c 8 -n "$N" -t 5000 -T 30)
hz=$(getconf CLK_TCK); ok=$(tr ' ' '\n' <<<"$out" | sed -n 's/^ok=//p')
for t in /proc/$PID/task/*; do
    id=${t##*/}; read -r bu bs < <(awk '{print $14, $15}' "$t/stat"); read -r br _ < "$t/schedstat"
    du=$((bu - ${u[$id]:-0})); ds=$((bs - ${s[$id]:-0})); dr=$((br - ${r[$id]:-0}))
    ((dr / ok >= 1000)) && echo "$(cat "$t/comm"): $((dr / ok / 1000)) us/conn (user ~$((du * 1000000 / hz / ok)), sys ~$((ds * 1000000 / hz / ok)))"
done
echo "ok=$ok $(tr ' ' '\n' <<<"$out" | grep ^cps=)"
