#!/bin/bash
# Foreground summon manager serving one Accept=yes /bin/cat socket on 127.0.0.1:$1 (for bench/run-accept.sh).
PORT=$1; D=/tmp/summon-bench-$PORT; rm -rf $D; mkdir -p $D/units/sockets.target.wants
printf '[Socket]\nListenStream=127.0.0.1:%s\nAccept=yes\nMaxConnections=1024\nTriggerLimitBurst=0\n[Install]\nWantedBy=sockets.target\n' $PORT > $D/units/bench.socket
printf '[Service]\nExecStart=/bin/cat\nStandardInput=socket\nStandardOutput=socket\nStandardError=journal\n' > $D/units/bench@.service
ln -s $D/units/bench.socket $D/units/sockets.target.wants/bench.socket
export SUMMON_UNIT_PATH=$D/units SUMMON_RUNTIME_DIR=$D/run SUMMON_STATE_DIR=$D/state
exec /work/main/artifacts/bin/summon daemon 2>/dev/null
