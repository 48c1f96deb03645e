#!/usr/bin/env bash
# Builds the NativeAOT `summon` binary and runs every test against it (unit and integration).
# Works as root on a clean clone with no stdin: missing test clients and toolchain pieces come from apt.
set -euo pipefail
cd "$(dirname "$0")"
exec </dev/null

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DEBIAN_FRONTEND=noninteractive

log() { printf '==> %s\n' "$*"; }

# --- test clients and toolchain ------------------------------------------------------------------------
missing=()
command -v socat >/dev/null || missing+=(socat)
# The walkthrough uses OpenBSD netcat's -N (shutdown on stdin EOF); other netcats lack it.
{ command -v nc >/dev/null && nc -h 2>&1 | grep -q OpenBSD; } || missing+=(netcat-openbsd)
command -v curl >/dev/null || missing+=(curl)
# systemd-socket-proxyd is a real Accept=no peer (ProxydTests); unshare runs the manager as PID 1 (Pid1Tests).
test -x /lib/systemd/systemd-socket-proxyd || missing+=(systemd)
command -v unshare >/dev/null || missing+=(util-linux)
# `ip link` shows a PrivateNetwork= service's interfaces (SandboxPrivilegesTests).
command -v ip >/dev/null || missing+=(iproute2)
# The harness runs the daemon under setsid and serialises publishing with flock (both util-linux).
{ command -v setsid >/dev/null && command -v flock >/dev/null; } || missing+=(util-linux)
# NativeAOT links with clang, or gcc when clang is absent, through binutils (ld.bfd; objcopy strips symbols).
# zlib and brotli come bundled with the ILCompiler package, so no -dev packages are needed.
{ command -v clang >/dev/null || command -v gcc >/dev/null; } || missing+=(clang)
{ command -v ld.bfd >/dev/null && command -v objcopy >/dev/null; } || missing+=(binutils)
# SQLite is linked into the binary from the distribution's static library (src/Summon/Summon.csproj).
compgen -G '/usr/lib/*/libsqlite3.a' >/dev/null || missing+=(libsqlite3-dev)
# The benchmark smoke run builds the C load client with gcc and make.
command -v gcc >/dev/null || missing+=(gcc)
command -v make >/dev/null || missing+=(make)
# Packaging tests: Debian's own systemctl completion needs bash-completion's helpers, zsh runs our zsh completion,
# man renders and finds summon(1), dpkg-deb builds the .deb.
test -f /usr/share/bash-completion/bash_completion || missing+=(bash-completion)
command -v zsh >/dev/null || missing+=(zsh)
command -v man >/dev/null || missing+=(man-db)
command -v dpkg-deb >/dev/null || missing+=(dpkg)
# Type=dbus runs against a private bus: dbus-daemon, and dbus-test-tool's black-hole as the service owning its name.
command -v dbus-daemon >/dev/null || missing+=(dbus-daemon)
command -v dbus-test-tool >/dev/null || missing+=(dbus-tests)
# The sandbox's secure-default test drops CAP_SYS_ADMIN around the daemon with capsh.
command -v capsh >/dev/null || missing+=(libcap2-bin)
# The metrics endpoint's tests lint a scrape with promtool and run a real Prometheus against the manager.
{ command -v promtool >/dev/null && command -v prometheus >/dev/null; } || missing+=(prometheus)

if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        log "installing: ${missing[*]}"
        apt-get update -qq || log "warning: apt-get update failed"
        apt-get install -y -qq --no-install-recommends "${missing[@]}" || log "warning: apt-get install failed"
    else
        log "warning: missing ${missing[*]} and cannot install them (not root or no apt); related tests will fail"
    fi
fi
command -v systemd-analyze >/dev/null || log "note: systemd-analyze not installed; the verify oracle tests are skipped"

# --- build --------------------------------------------------------------------------------------------------
log "publishing summon (NativeAOT) to artifacts/bin"
rm -rf artifacts/bin   # publish never removes files, and the one-file test looks at everything in the directory
dotnet publish src/Summon -c Release -o artifacts/bin
test -x artifacts/bin/summon

# The .NET tool package (summon and summon.linux-x64) packed from that build, for DotnetToolTests.
log "packing the .NET tool into artifacts/tool-feed"
rm -rf artifacts/tool-feed
packaging/dotnet-tool/pack.sh --no-build --out "$PWD/artifacts/tool-feed"

# The real peers of the integration tests (tests/Programs): the sd_listen_fds/sd_notify check program and the
# socket-activated Kestrel app (framework-dependent; the ASP.NET Core runtime comes with the SDK).
log "building listen-check and the Kestrel test app"
"$(command -v cc || command -v gcc || command -v clang)" -O2 -Wall -Wextra -Werror -o artifacts/listen-check tests/Programs/listen-check.c
dotnet publish tests/Programs/KestrelApp -c Release -o artifacts/kestrel-app --nologo
test -f artifacts/kestrel-app/KestrelApp.dll

# --- test ---------------------------------------------------------------------------------------------------
log "running tests against $PWD/artifacts/bin/summon"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
set +e
# The tests send Ctrl-C (SIGINT) to `demo` and `journal -f`; started as a background job of a non-interactive shell,
# as a CI runner may start us, SIGINT and SIGQUIT come ignored and every child would inherit that (.NET then never
# sees them), so the tests run with both at their default.
env --default-signal=INT,QUIT SUMMON_BIN="$PWD/artifacts/bin/summon" SUMMON_LISTEN_CHECK="$PWD/artifacts/listen-check" \
    SUMMON_KESTREL_APP="$PWD/artifacts/kestrel-app/KestrelApp.dll" SUMMON_TOOL_FEED="$PWD/artifacts/tool-feed" dotnet test Summon.slnx --logger "console;verbosity=normal" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
set -e
# One closing line over both test assemblies: "N passed, N failed".
passed=$(awk '/^ *Passed: *[0-9]+$/ {s += $2} END {print s + 0}' "$out")
failed=$(awk '/^ *Failed: *[0-9]+$/ {s += $2} END {print s + 0}' "$out")
skipped=$(awk '/^ *Skipped: *[0-9]+$/ {s += $2} END {print s + 0}' "$out")
if [[ $rc -ne 0 && $failed -eq 0 ]]; then failed=1; fi   # the runner failed without counting (build error, crash)

# Benchmark smoke run: a few hundred Accept=yes and Accept=no connections through the binary; only zero failures is
# asserted (no timing). The full benchmark is `bench/run.sh` (docs/performance.md).
log "benchmark smoke run (bench/run.sh --smoke)"
if SUMMON_BIN="$PWD/artifacts/bin/summon" BENCH_TMP="$(mktemp -d)" bench/run.sh --smoke --no-build; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); rc=1
fi
# The failed tests again at the end, where a log that keeps only its tail still shows them: first each one's message
# (its first 60 lines: the assertion and the daemon log it carries), then the names alone.
if grep -qE '^ +Failed [A-Za-z_]' "$out"; then
    log "failed tests, with their messages:"
    awk '/^ +Failed [A-Za-z_]/ {n = 60} /^ +Passed [A-Za-z_]/ {n = 0} n > 0 {print "    " $0; n--}' "$out"
    log "failed tests:"
    grep -E '^ +Failed [A-Za-z_]' "$out" | sed 's/^ */    /'
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
