#!/usr/bin/env bash
# The parser fuzz target's full run (fuzz/README.md): AFL++ with SharpFuzz over fuzz/corpus, then every crash, hang
# and slow input saved is replayed in-process on the current code to confirm it; the figures go to
# OUT/result.txt as `key value` lines (bench/reliability.sh reads them for docs/reliability.md).
#
#   fuzz/run.sh [--execs N | --seconds T] [--jobs J] [--resume] [--report] [--out DIR]
#
#   --execs N    stop after about N executions in total (split over the jobs); default 10000000
#   --seconds T  stop after T seconds instead
#   --jobs J     AFL instances (one -M, the rest -S); default 1 — the machine's cores are shared
#   --resume     continue the findings in OUT (AFL's -i -) with the same --jobs: AFL restores each instance's
#                execution count, so --execs is the total to reach, not what is left
#   --report     fuzz nothing: rebuild, replay what OUT holds on the current code and rewrite result.txt
#                (after fixing a crash)
#   --out DIR    default artifacts/fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DEBIAN_FRONTEND=noninteractive

execs=10000000 seconds= jobs=1 resume=0 report=0 out=artifacts/fuzz
while (($#)); do
    case $1 in
        --execs) execs=$2; shift 2 ;;
        --seconds) seconds=$2; execs=; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --resume) resume=1; shift ;;
        --report) report=1; shift ;;
        --out) out=$2; shift 2 ;;
        *) echo "usage: fuzz/run.sh [--execs N | --seconds T] [--jobs J] [--resume] [--report] [--out DIR]" >&2; exit 2 ;;
    esac
done
out=$(realpath -m "$out")
log() { printf '==> %s\n' "$*"; }
findings=$out/findings
bin=$out/bin replay=$out/replay
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo +changes)
afl_stat() { awk -v k="$1" '$1 == k { s += $3 } END { printf "%d", s }' "$findings"/*/fuzzer_stats 2>/dev/null; }

# --- tools ---------------------------------------------------------------------------------------------------------
if ((!report)) && ! command -v afl-fuzz >/dev/null; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        log "installing afl++"
        apt-get update -qq || true
        apt-get install -y -qq --no-install-recommends afl++
    else
        echo "fuzz/run.sh: afl-fuzz is missing; install afl++ (apt-get install afl++) and run again" >&2
        exit 1
    fi
fi

# --- build: one instrumented copy for AFL, one plain copy to replay findings ----------------------------------------
log "building the fuzz target"
dotnet build fuzz/Summon.Fuzz.csproj -c Release -o "$replay" -v q --nologo >/dev/null
if ((!report)); then
    (cd fuzz && dotnet tool restore >/dev/null)
    dotnet build fuzz/Summon.Fuzz.csproj -c Release -o "$bin" -v q --nologo >/dev/null
    log "instrumenting Summon.Core.dll (SharpFuzz)"
    (cd fuzz && dotnet sharpfuzz "$bin/Summon.Core.dll") >/dev/null
fi

# --- fuzz ----------------------------------------------------------------------------------------------------------
mkdir -p "$findings"
if ((!report)); then
    export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_FORKSRV_INIT_TMOUT=120000
    export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_AUTORESUME=1 SUMMON_FUZZ_SLOW=$findings/slow
    input=fuzz/corpus
    if ((resume)); then input=-; fi
    if [[ -n $execs ]]; then
        # Per instance; a resumed instance counts from its earlier execs_done, so this is a total, not what is left.
        limit=(-E $(((execs + jobs - 1) / jobs)))
    else
        limit=(-V "$seconds")
    fi
    started=$(date +%s)
    pids=()
    for ((j = 0; j < jobs; j++)); do
        role=(-S "s$j"); ((j == 0)) && role=(-M m0)
        log "afl-fuzz ${role[*]} ${limit[*]} (log: $findings/${role[1]}.log)"
        nice -n 10 afl-fuzz -i "$input" -o "$findings" "${role[@]}" "${limit[@]}" -t 20000 -m none -x fuzz/unit.dict \
            -- "$bin/Summon.Fuzz" afl >>"$findings/${role[1]}.log" 2>&1 &
        pids+=($!)
    done
    rc=0
    for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
    # Wall time of every session, summed (run_time in fuzzer_stats is per instance).
    echo $(($(date +%s) - started)) >>"$findings/sessions"
    ((rc == 0)) || log "warning: an afl-fuzz instance exited with $rc (see $findings/*.log)"
fi

# --- confirm: replay what was saved, on the current code (a crash escapes as an exception, a hang takes over 1 s) ---
shopt -s nullglob
saved=("$findings"/*/crashes/id:* "$findings"/*/hangs/id:* "$findings"/slow/slow-*)
confirmed_crashes=0 confirmed_hangs=0
report_file=$out/replay.txt
: >"$report_file"
if ((${#saved[@]})); then
    log "replaying ${#saved[@]} saved inputs"
    "$replay/Summon.Fuzz" replay "${saved[@]}" >"$report_file" || true
    confirmed_crashes=$(grep -c '^crash ' "$report_file" || true)
    confirmed_hangs=$(grep -c '^hang ' "$report_file" || true)
fi

inputs=$(afl_stat execs_done)
seconds_total=$(awk '{ s += $1 } END { printf "%d", s }' "$findings/sessions" 2>/dev/null || echo 0)
{
    echo "engine afl++ $(afl-fuzz -h 2>&1 | grep -o '++[0-9.a-z]*' | head -1 | tr -d +) sharpfuzz 2.3.0"
    echo "jobs $(ls "$findings"/*/fuzzer_stats 2>/dev/null | wc -l)"
    echo "inputs $inputs"
    echo "seconds $seconds_total"
    echo "execs_per_sec $(awk -v n="$inputs" -v s="$seconds_total" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')"
    echo "crashes $confirmed_crashes"
    echo "hangs $confirmed_hangs"
    echo "afl_crashes $(afl_stat saved_crashes)"
    echo "afl_hangs $(afl_stat saved_hangs)"
    echo "slow_under_load $(ls "$findings/slow" 2>/dev/null | wc -l)"
    echo "replayed ${#saved[@]}"
    echo "corpus_seeds $(ls fuzz/corpus | wc -l)"
    echo "queue $(afl_stat corpus_count)"
    echo "max_input_bytes 65535"
    echo "hang_bound_ms 1000"
    echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit $commit"
} >"$out/result.txt"
cat "$out/result.txt"
((confirmed_crashes + confirmed_hangs == 0))
