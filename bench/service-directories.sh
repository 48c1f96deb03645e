#!/bin/bash
# Cost of service directories per start: a oneshot /bin/true with five directories against one without.
set -eu
B=${SUMMON_BIN:-$(dirname "$0")/../artifacts/bin/summon}
R=$(mktemp -d /tmp/dirs-bench.XXXX)
mkdir -p $R/units $R/run $R/state
export SUMMON_UNIT_PATH=$R/units SUMMON_RUNTIME_DIR=$R/run SUMMON_STATE_DIR=$R/state SUMMON_DIRECTORY_ROOT=$R/dirs
printf '[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=oneshot\nExecStart=/bin/true\n' > $R/units/plain.service
printf '[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=oneshot\nExecStart=/bin/true\nUser=nobody\nRuntimeDirectory=a\nStateDirectory=b\nCacheDirectory=c\nLogsDirectory=d\nConfigurationDirectory=e\n' > $R/units/dirs.service
$B daemon > $R/daemon.log 2>&1 &
D=$!
for i in $(seq 50); do [ -S $R/run/control ] && break; sleep 0.1; done
$B start dirs.service; $B start plain.service
strace -f -c -e trace=mkdirat,openat,fchmod,fstat,fchown,fchownat,newfstatat,unlink,unlinkat,rmdir -p $D -o $R/strace.txt & S=$!
sleep 1; $B start dirs.service; sleep 0.5; kill -INT $S; wait $S || true
cat $R/strace.txt
hyperfine -N --warmup 5 --runs 30 "$B start plain.service" "$B start dirs.service"
kill $D; wait $D || true
rm -rf $R
