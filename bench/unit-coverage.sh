#!/usr/bin/env bash
# unit-coverage.sh - the measure of issue 13: how much of what real unit files say Summon honours.
#
# usage: bench/unit-coverage.sh [--no-download] [--no-docs] [--no-load] [-o OUTDIR]
#   (1) `summon analyze-coverage` on this image's units (/lib/systemd/system, /usr/lib/systemd/user);
#   (2) `apt-get download` of the server packages in PACKAGES below into OUTDIR/debs (kept there for reruns; never
#       committed), `dpkg-deb -x`, their unit directories copied to OUTDIR/units/PACKAGE;
#   (3) the report of each set (per unit and per key; full per-unit tables in OUTDIR/*.md);
#   (4) the generated section of docs/compatibility.md (between its unit-coverage markers), unless --no-docs;
#   (5) every unit loaded by `summon verify` (one call per file) and by a real `summon daemon` whose
#       SUMMON_UNIT_PATH holds them all (`show` of every unit, then `list-units --all`): crashes are counted
#       (exit status >= 128, or "Unhandled exception" in the output), unless --no-load.
# Which keys are honoured comes from src/Summon.Core/Units/SupportedKeys.cs alone (through the binary); the
# sandbox family is src/Summon.Core/Units/SandboxKeys.cs. The binary is $SUMMON_BIN, else artifacts/bin/summon.
# Takes about a minute after the first download (about 400 MB of packages).
set -u
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
DOWNLOAD=1 DOCS=1 LOAD=1 OUT=$BENCH_TMP/unit-coverage
while [ $# -gt 0 ]; do
    case $1 in
        --no-download) DOWNLOAD=0 ;; --no-docs) DOCS=0 ;; --no-load) LOAD=0 ;; -o) OUT=$2; shift ;;
        *) sed -n '2,17p' "$0" >&2; exit 2 ;;
    esac
    shift
done
SUMMON=${SUMMON_BIN:-$ROOT/artifacts/bin/summon}
[ -x "$SUMMON" ] || die "no summon binary at $SUMMON (dotnet publish src/Summon -c Release -o artifacts/bin)"

# Debian 12 server packages whose .deb ships systemd units (postgresql's units are in postgresql-common).
PACKAGES="nginx-common apache2 postgresql-common redis-server memcached openssh-server haproxy cups-daemon
dovecot-core bind9 mariadb-server prometheus prometheus-node-exporter prometheus-alertmanager podman docker.io
containerd libvirt-daemon-system php8.2-fpm postfix rsyslog cron chrony squid varnish lighttpd tomcat10 mosquitto
rabbitmq-server nfs-kernel-server samba vsftpd unbound dnsmasq isc-dhcp-server openvpn wireguard-tools fail2ban
clamav-daemon slapd keepalived avahi-daemon tor cockpit-ws knot"

mkdir -p "$OUT/debs" "$OUT/extract"
rm -rf "$OUT/units"; mkdir -p "$OUT/units"

# ---- the packages -------------------------------------------------------------------------------------------
if [ "$DOWNLOAD" = 1 ]; then
    log "downloading $(echo $PACKAGES | wc -w) packages into $OUT/debs"
    for p in $PACKAGES; do
        compgen -G "$OUT/debs/${p}_*.deb" >/dev/null && continue
        (cd "$OUT/debs" && apt-get download -q "$p" >/dev/null 2>"$OUT/debs/$p.err") || log "warning: apt-get download $p failed (see $OUT/debs/$p.err)"
    done
fi
got=0
for p in $PACKAGES; do
    deb=$(compgen -G "$OUT/debs/${p}_*.deb" | head -1) || true
    [ -n "$deb" ] || { log "warning: no .deb for $p; left out"; continue; }
    rm -rf "$OUT/extract/$p"; dpkg-deb -x "$deb" "$OUT/extract/$p" || { log "warning: dpkg-deb -x $deb failed"; continue; }
    for d in lib/systemd/system usr/lib/systemd/system lib/systemd/user usr/lib/systemd/user; do
        [ -d "$OUT/extract/$p/$d" ] || continue
        mkdir -p "$OUT/units/$p"
        cp -a "$OUT/extract/$p/$d/." "$OUT/units/$p/"
    done
    [ -d "$OUT/units/$p" ] && got=$((got + 1))
done
log "$got packages ship units"

# ---- the reports ----------------------------------------------------------------------------------------------
image_dirs="$(readlink -f /lib/systemd/system) $(readlink -f /usr/lib/systemd/user)"
# shellcheck disable=SC2086
"$SUMMON" analyze-coverage --all-units --title "The units installed on this image ($(. /etc/os-release; echo "$PRETTY_NAME"))" $image_dirs > "$OUT/image.md" || die "analyze-coverage failed"
"$SUMMON" analyze-coverage --all-units --title "The units of $got Debian 12 server packages" "$OUT/units" > "$OUT/packages.md" || die "analyze-coverage failed"
cat "$OUT/image.md" "$OUT/packages.md"

# ---- loading every unit ------------------------------------------------------------------------------------------
crash=0
if [ "$LOAD" = 1 ]; then
    files=$(find $image_dirs "$OUT/units" -type f \( -name '*.service' -o -name '*.socket' \) | sort)
    n=0 rc1=0
    for f in $files; do
        n=$((n + 1))
        o=$("$SUMMON" verify "$f" 2>&1); r=$?
        [ $r = 1 ] && rc1=$((rc1 + 1))
        if [ $r -ge 2 ] || grep -q 'Unhandled exception' <<<"$o"; then crash=$((crash + 1)); log "CRASH: verify $f (exit $r)"; fi
    done
    log "verify: $n unit files, $rc1 with errors (exit 1, e.g. a command not installed), $crash crashes"

    D=$BENCH_TMP/unit-coverage-manager
    rm -rf "$D"; mkdir -p "$D/run" "$D/state"
    # The manager loads every unit but must start none of this machine's: the image's directories hold its enablement
    # (*.wants/, default.target), and a boot of them ran systemd-tmpfiles-setup, which emptied the host's /tmp. So it
    # reads a copy of their unit files and aliases only, and the packages' units without their *.wants/ directories.
    img=$D/image-units
    mkdir -p "$img"
    for dir in $image_dirs; do
        find "$dir" -mindepth 1 -maxdepth 1 \( -type f -o -type l \) ! -name default.target -exec cp -P -t "$img/" {} + 2>/dev/null
    done
    find "$OUT/units" -mindepth 2 -maxdepth 2 -type d \( -name '*.wants' -o -name '*.requires' -o -name '*.upholds' \) -exec rm -rf {} +
    path=$(find "$OUT/units" -mindepth 1 -maxdepth 1 -type d | sort | tr '\n' ':')$img
    export SUMMON_UNIT_PATH=$path SUMMON_RUNTIME_DIR=$D/run SUMMON_STATE_DIR=$D/state
    setsid "$SUMMON" daemon >"$D/daemon.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do "$SUMMON" list-units >/dev/null 2>&1 && break; sleep 0.1; done
    names=$(for f in $files; do basename "$f"; done | sed 's/@\./@i./' | sort -u)
    shown=0
    for u in $names; do
        o=$("$SUMMON" show "$u" 2>&1); r=$?
        [ $r = 0 ] && shown=$((shown + 1))
        if [ $r -ge 2 ] || grep -q 'Unhandled exception' <<<"$o"; then crash=$((crash + 1)); log "CRASH: show $u (exit $r)"; fi
    done
    listed=$("$SUMMON" list-units --all --no-legend 2>&1 | wc -l)
    if kill -0 "$pid" 2>/dev/null; then
        log "manager: show answered for $shown of $(echo "$names" | wc -l) units, list-units --all lists $listed; still running"
    else
        crash=$((crash + 1)); log "CRASH: the manager died (see $D/daemon.log)"
    fi
    grep -q 'Unhandled exception' "$D/daemon.log" && { crash=$((crash + 1)); log "CRASH: in $D/daemon.log"; }
    kill -TERM -- "-$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    unset SUMMON_UNIT_PATH SUMMON_RUNTIME_DIR SUMMON_STATE_DIR
    log "crashes: $crash"
fi

# ---- docs/compatibility.md ---------------------------------------------------------------------------------------
if [ "$DOCS" = 1 ]; then
    doc=$ROOT/docs/compatibility.md
    begin='<!-- BEGIN unit-coverage: generated by bench/unit-coverage.sh; do not edit by hand -->'
    end='<!-- END unit-coverage -->'
    grep -qF "$begin" "$doc" || die "$doc has no unit-coverage markers"
    {
        echo "Generated on $(date -u +%Y-%m-%d) from commit $(git -C "$ROOT" rev-parse --short HEAD) by \`bench/unit-coverage.sh\`."
        echo "Packages: $(echo $PACKAGES | sed 's/ /, /g') ($got ship units; versions of Debian 12 as apt-get download fetched them)."
        [ "$LOAD" = 1 ] && echo "Every \`.service\`/\`.socket\` of both sets loaded through \`summon verify\` and a running manager (\`show\` of each, \`list-units --all\`): **$crash crashes**."
        echo
        "$SUMMON" analyze-coverage --title "The units installed on this image" $image_dirs
        echo
        "$SUMMON" analyze-coverage --title "The units of $got Debian 12 server packages" "$OUT/units"
    } > "$OUT/section.md"
    python3 - "$doc" "$OUT/section.md" "$begin" "$end" <<'PY'
import sys
doc, section, begin, end = sys.argv[1:]
text = open(doc).read()
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(doc, "w").write(head + begin + "\n" + open(section).read().rstrip("\n") + "\n" + end + tail)
PY
    log "wrote the unit-coverage section of docs/compatibility.md"
fi
[ "$crash" = 0 ]
