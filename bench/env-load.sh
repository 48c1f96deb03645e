#!/usr/bin/env bash
# env-load.sh - time loading a service with many Environment= lines: `summon verify` beside systemd 252's
# `systemd-analyze verify` on the same file, at each size (default 10000 and 20000 lines), best of N runs.
# Loading is linear when the time roughly doubles from one size to the next.
#   usage: bench/env-load.sh [-n RUNS] [SIZE...]      SUMMON_BIN=path/to/summon (default artifacts/bin/summon)
set -u
cd "$(dirname "$0")/.."
RUNS=3
while getopts "n:h" o; do case $o in n) RUNS=$OPTARG ;; *) sed -n '2,5p' "$0" >&2; exit 2 ;; esac; done
shift $((OPTIND - 1))
SIZES=("${@:-10000}")
[ $# -gt 0 ] || SIZES=(10000 20000)
BIN=${SUMMON_BIN:-artifacts/bin/summon}
[ -x "$BIN" ] || { echo "env-load.sh: $BIN is not executable; publish first (dotnet publish src/Summon -c Release -o artifacts/bin) or set SUMMON_BIN" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

best() { # CMD... -> best wall time in seconds of $RUNS runs
    local b="" t
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -o "$dir/t" -f %e "$@" >/dev/null 2>&1
        t=$(tail -1 "$dir/t")
        if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
    done
    echo "$b"
}

printf '| Environment= lines | summon verify (s) | systemd-analyze verify (s) |\n|---:|---:|---:|\n'
for n in "${SIZES[@]}"; do
    f=$dir/env$n.service
    { printf '[Service]\nExecStart=/bin/true\n'; seq 1 "$n" | sed 's/.*/Environment=VAR&=value&/'; } > "$f"
    s=$(best "$BIN" verify "$f")
    if command -v systemd-analyze >/dev/null; then a=$(best systemd-analyze verify --man=no "$f"); else a="n/a"; fi
    printf '| %s | %s | %s |\n' "$n" "$s" "$a"
done
