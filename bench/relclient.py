#!/usr/bin/env python3
"""relclient.py - the control-socket attackers of bench/reliability.sh (standard library only).

usage: relclient.py hold PATH N idle|slow SECS
       relclient.py move OLDPORT NEWPORT SECS
  Opens N stream connections to the unix socket PATH (non-blocking connects, retried for up to 30 s while the
  listen backlog is full), prints "connected=K refused=R" on stdout once they are made, then holds them for SECS:
  idle sends nothing; slow sends one byte every 5 s on each (a request that never ends). Prints
  "closed_by_peer=C" when SECS are over (connections the manager closed meanwhile), then closes everything.
move: one client loop on 127.0.0.1:OLDPORT and one on NEWPORT for SECS (connect, one line, half-close, read the
  echo; a refused connect is retried after 5 ms), while the caller moves the socket's ListenStream= from one to the
  other; prints each loop's counts, and overlap_ms: the old port's last echoed connect minus the new port's first
  (negative: a window in which neither accepted).
"""
import errno
import os
import selectors
import socket
import sys
import threading
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


def echo_loop(port, end, out):
    """Connects to 127.0.0.1:PORT again and again until END; counts outcomes and the times of echoed connects."""
    while time.monotonic() < end:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            at = time.monotonic()
            s.sendall(b"ping\n")
            s.shutdown(socket.SHUT_WR)
            got = b""
            while True:
                b = s.recv(64)
                if not b:
                    break
                got += b
            if got == b"ping\n":
                out["ok"] += 1
                out["first"] = out["first"] if out["first"] is not None else at
                out["last"] = at
            else:
                out["other"] += 1
        except ConnectionRefusedError:
            out["refused"] += 1
            time.sleep(0.005)
        except ConnectionResetError:
            out["reset"] += 1
        except socket.timeout:
            out["timeout"] += 1
        except OSError:
            out["other"] += 1
        finally:
            s.close()


def move(old_port, new_port, secs):
    end = time.monotonic() + secs
    loops = {name: {"ok": 0, "refused": 0, "reset": 0, "timeout": 0, "other": 0, "first": None, "last": None}
             for name in ("old", "new")}
    threads = [threading.Thread(target=echo_loop, args=(port, end, loops[name]))
               for name, port in (("old", old_port), ("new", new_port))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fields = []
    for name, d in loops.items():
        fields += [f"{name}_{k}={d[k]}" for k in ("ok", "refused", "reset", "timeout", "other")]
    old_last, new_first = loops["old"]["last"], loops["new"]["first"]
    overlap = "none" if old_last is None or new_first is None else f"{(old_last - new_first) * 1000:.1f}"
    print(" ".join(fields) + f" overlap_ms={overlap}", flush=True)
    return 0


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "move":
        return move(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
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
