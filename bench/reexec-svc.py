#!/usr/bin/env python3
"""reexec-svc.py - the two small services bench/reexec.sh runs under the manager it re-executes.

usage: reexec-svc.py fdstore LOG      Type=notify; on a start with no fd named "token" in LISTEN_FDS it makes a memfd
                                      holding a fresh token, hands it to the manager with FDSTORE=1 FDNAME=token and
                                      logs "stored=TOKEN"; on a start that is given one it logs "got=TOKEN" (what the
                                      memfd holds); then READY=1 and it sleeps until stopped. Each line starts with
                                      "pid=PID".
       reexec-svc.py notify-late S    Type=notify; sends READY=1 only S seconds after it started, then sleeps.
       reexec-svc.py tick S FILE      writes "tick 1", "tick 2", ... to its standard output, one line every S seconds,
                                      and the last number written into FILE: the journal must hold every number, with
                                      none missing across the re-execs.
"""
import array
import os
import socket
import sys
import time


def notify(text, fds=()):
    addr = os.environ.get("NOTIFY_SOCKET", "")
    if not addr:
        sys.exit("reexec-svc: no NOTIFY_SOCKET (run it as a Type=notify service)")
    if addr.startswith("@"):
        addr = "\0" + addr[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
        s.sendmsg([text.encode()], anc, 0, addr)


def passed_fds():
    """{name: fd} of the fds passed with LISTEN_FDS/LISTEN_FDNAMES, when they are meant for this process."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        return {}
    n = int(os.environ.get("LISTEN_FDS", "0"))
    names = os.environ.get("LISTEN_FDNAMES", "").split(":")
    return {(names[i] if i < len(names) else "unknown"): 3 + i for i in range(n)}


def fdstore(log):
    fds = passed_fds()
    with open(log, "a") as f:
        if "token" in fds:
            got = os.pread(fds["token"], 64, 0).decode(errors="replace")
            f.write(f"pid={os.getpid()} got={got}\n")
        else:
            token = f"{os.getpid()}-{time.time_ns()}"
            m = os.memfd_create("reexec-token")
            os.write(m, token.encode())
            notify("FDSTORE=1\nFDNAME=token", [m])
            os.close(m)
            f.write(f"pid={os.getpid()} stored={token}\n")
    notify("READY=1")
    while True:
        time.sleep(3600)


def notify_late(seconds):
    time.sleep(seconds)
    notify("READY=1")
    while True:
        time.sleep(3600)


def tick(seconds, path):
    i = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    while True:
        i += 1
        print(f"tick {i}", flush=True)
        os.pwrite(fd, f"{i:>12}\n".encode(), 0)
        time.sleep(seconds)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "fdstore":
        fdstore(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "notify-late":
        notify_late(float(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "tick":
        tick(float(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(__doc__)
