#!/usr/bin/env python3
"""Control-socket flood at full size (issue 11, item 5; the integration tests run a shortened form).

Against a running `summon daemon` (SUMMON_RUNTIME_DIR): IDLE connections that never send, and SLOW clients that send
a real request one byte every PERIOD seconds, for DURATION seconds; meanwhile the request `summon is-active` sends is
timed every second, and the manager's threads and fds sampled. Prints one key=value line per figure.

usage: control-flood.py PID [IDLE] [SLOW] [PERIOD] [DURATION]
"""
import os, resource, socket, statistics, sys, time

pid = int(sys.argv[1])
idle, slow = int(sys.argv[2]) if len(sys.argv) > 2 else 2000, int(sys.argv[3]) if len(sys.argv) > 3 else 200
period = float(sys.argv[4]) if len(sys.argv) > 4 else 5.0
duration = float(sys.argv[5]) if len(sys.argv) > 5 else 60.0
path = os.path.join(os.environ["SUMMON_RUNTIME_DIR"], "control")
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, idle + slow + 1024)), hard))
probe = b'{"method":"Show","units":["UNIT"],"all":false,"noBlock":false,"signal":0,"properties":["ActiveState"]}\n'
probe = probe.replace(b"UNIT", os.environ.get("UNIT", "b.socket").encode())
request = b'{"method":"Show","units":[' + b",".join([b'"b.socket"'] * 64) + b']}\n'


def status(key):
    return int(next(l for l in open(f"/proc/{pid}/status") if l.startswith(key)).split()[1])


def fds():
    return len(os.listdir(f"/proc/{pid}/fd"))


def is_active():
    s = socket.socket(socket.AF_UNIX)
    t = time.perf_counter()
    s.connect(path)
    s.sendall(probe)
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    s.close()
    return (time.perf_counter() - t) * 1000


before = (status("Threads:"), fds(), statistics.median(is_active() for _ in range(20)))
t0 = time.monotonic()
held = [socket.socket(socket.AF_UNIX) for _ in range(idle)]
for s in held:
    s.connect(path)
trickling = []
for _ in range(slow):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.setblocking(False)
    trickling.append([s, 0, None])
print(f"connected idle={idle} slow={slow} in_s={time.monotonic() - t0:.2f}", flush=True)
probes, threads, maxfds, start = [], [], 0, time.monotonic()
while time.monotonic() - start < duration:
    now = time.monotonic() - start
    for c in trickling:
        if c[2] is None:
            try:
                c[0].send(request[c[1]:c[1] + 1])
                c[1] += 1
            except OSError:
                c[2] = now
    for _ in range(int(period)):
        probes.append(is_active())
        threads.append(status("Threads:"))
        maxfds = max(maxfds, fds())
        time.sleep(1)
cut = [c[2] for c in trickling if c[2] is not None]
for s in held:
    s.close()
for c in trickling:
    c[0].close()
time.sleep(2)
probes.sort()
print(f"idle_threads={before[0]} idle_fds={before[1]} idle_request_ms={before[2]:.3f}")
print(f"flood_request_ms_median={statistics.median(probes):.3f} flood_request_ms_max={probes[-1]:.3f} probes={len(probes)}")
print(f"flood_threads_max={max(threads)} flood_fds_max={maxfds}")
print(f"slow_cut_off={len(cut)}/{slow} slow_cut_after_s_min={min(cut, default=0):.1f} slow_cut_after_s_max={max(cut, default=0):.1f}")
print(f"after_threads={status('Threads:')} after_fds={fds()}")
