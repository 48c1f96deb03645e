#!/usr/bin/env python3
"""relclient.py - the control-socket attackers of bench/reliability.sh (standard library only).

usage: relclient.py hold PATH N idle|slow SECS
  Opens N stream connections to the unix socket PATH (non-blocking connects, retried for up to 30 s while the
  listen backlog is full), prints "connected=K refused=R" on stdout once they are made, then holds them for SECS:
  idle sends nothing; slow sends one byte every 5 s on each (a request that never ends). Prints
  "closed_by_peer=C" when SECS are over (connections the manager closed meanwhile), then closes everything.
"""
import errno
import os
import selectors
import socket
import sys
import time


def connect_all(path, n, deadline):
    socks, refused = [], 0
    pending = n
    while pending and time.monotonic() < deadline:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(path)
        except BlockingIOError:  # EAGAIN: the backlog is full; wait for the manager to accept some
            s.close()
            time.sleep(0.05)
            continue
        except OSError as e:
            s.close()
            if e.errno in (errno.ECONNREFUSED, errno.ENOENT):
                refused += 1
                pending -= 1
                continue
            raise
        socks.append(s)
        pending -= 1
    return socks, refused


def main():
    if len(sys.argv) != 6 or sys.argv[1] != "hold" or sys.argv[4] not in ("idle", "slow"):
        sys.stderr.write(__doc__)
        return 2
    path, n, mode, secs = sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
    socks, refused = connect_all(path, n, time.monotonic() + 30)
    print(f"connected={len(socks)} refused={refused}", flush=True)
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    closed = set()
    end = time.monotonic() + secs
    next_byte = time.monotonic()
    while time.monotonic() < end:
        if mode == "slow" and time.monotonic() >= next_byte:
            for s in socks:
                if s.fileno() not in closed:
                    try:
                        s.send(b"{")
                    except OSError:
                        closed.add(s.fileno())
            next_byte += 5
        for key, _ in sel.select(timeout=0.5):
            try:
                data = key.fileobj.recv(4096)
            except OSError:
                data = b""
            if not data:
                closed.add(key.fileobj.fileno())
                sel.unregister(key.fileobj)
    print(f"closed_by_peer={len(closed)}", flush=True)
    for s in socks:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
