#!/usr/bin/env python3
"""reliability-report.py - docs/reliability.md from the raw results of bench/reliability.sh (markdown on stdout).

usage: reliability-report.py --after OUTDIR|RAW [--before OUTDIR|RAW] [--command "COMMAND LINE"]
Each side is a run's OUTDIR (raw.txt, env.txt, notes.txt) or its raw.txt alone. Both are printed side by side,
"before" (e.g. the published binary of issue 11's table) and "after" (this tree). Every figure comes from those files;
nothing is typed by hand.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarize import parse  # noqa: E402


class Run:
    def __init__(self, path):
        self.dir = path if os.path.isdir(path) else os.path.dirname(path)
        raw = os.path.join(path, "raw.txt") if os.path.isdir(path) else path
        self.rows = [d for d in parse(raw) if d.get("suite") == "reliability"] if os.path.exists(raw) else []

    def get(self, scenario, **match):
        for d in self.rows:
            if d.get("scenario") == scenario and all(d.get(k) == v for k, v in match.items()):
                return d
        return None

    def text(self, name):
        p = os.path.join(self.dir, name)
        return open(p).read().rstrip() if os.path.exists(p) else ""


def i(d, k, default=0):
    try:
        return int(float(d.get(k, default)))
    except (TypeError, ValueError):
        return default


def n(x):
    return f"{x:,}"


def ms(d, k="isactive_ms"):
    v, cap = i(d, k), i(d, "cap_ms")
    return f"≥ {cap / 1000:g} s (timed out)" if cap and v >= cap else f"{n(v)} ms"


def mb(kb):
    return f"{kb / 1024:.1f} MB"


def ratio(s):
    """'a/b' -> (a, b)"""
    a, _, b = str(s).partition("/")
    try:
        return int(a), int(b or 0)
    except ValueError:
        return 0, 0


def not_started(d):
    return d is not None and d.get("started") == "no"


# Each row: (issue item, what was done, what issue 11 wants, scenario, match, formatter). A formatter gets the row's
# key=value dict and returns the cell.
def f_reload(side):
    def f(d):
        ok, fail = i(d, f"{side}_ok"), i(d, f"{side}_fail")
        cell = (f"{n(i(d, f'{side}_refused'))} refused, {n(i(d, f'{side}_reset'))} reset, "
                f"{n(i(d, f'{side}_timeout'))} timed out, {n(fail)} failed of {n(ok + fail)} "
                f"({d.get('reloads_ok', '?')}/{d.get('reloads', '?')} reloads done)")
        if "fds0" in d:
            kept = d.get("inodes_kept") if side == "acc" else d.get("service_pid_kept")
            cell += (f"; manager fds {d.get('fds0')} → {d.get('fds1')}, "
                     + ("listening inodes kept " if side == "acc" else "service pid kept ") + str(kept)
                     + (f", zombies {d.get('zombies')}" if side == "pass" else ""))
        return cell
    return f


def f_move(d):
    return (f"overlap {d.get('overlap_ms')} ms (old port's last echo after the new one's first); "
            f"old port {n(i(d, 'old_ok'))} ok, {n(i(d, 'old_reset'))} reset, {n(i(d, 'old_timeout'))} timed out, then refused; "
            f"new port {n(i(d, 'new_ok'))} ok, {n(i(d, 'new_reset'))} reset, {n(i(d, 'new_timeout'))} timed out; "
            f"old listening after: {d.get('old_listening')}")


def f_crash(d):
    return f"{d.get('result')} after {n(i(d, 'secs_ms'))} ms; manager CPU {n(i(d, 'cpu_ms'))} ms"


def f_relexec(d):
    return (f"manager fds {d.get('fds0')} → {d.get('fds1')}; {d.get('close_wait')} CLOSE-WAIT; "
            f"{d.get('loop_errors')} loop errors")


def f_emfile(d):
    return (f"{n(i(d, 'load_ok'))} served, {n(i(d, 'load_fail'))} failed ({n(i(d, 'load_reset'))} reset); "
            f"fds {d.get('fds0')} → {d.get('fds1')}; {d.get('leaked_conns')} connections left open; "
            f"serving after: {d.get('serving_after')}")


def f_block(d):
    return f"is-active {ms(d)} (idle {ms(d, 'isactive_ms_before')}); echo {d.get('echo_ok')}"


def f_journal(d):
    return (f"started {d.get('started')}; serves {d.get('serves')}; `journal`: {d.get('journal_cli')}; "
            f"`status`: {d.get('status_cli')}; said so: {d.get('reported')}")


def f_full(d):
    sent, stored, supp = i(d, "sent"), i(d, "stored"), i(d, "suppressed")
    return (f"{n(stored)} stored + {n(supp)} counted suppressed of {n(sent)}: {n(max(sent - stored - supp, 0))} lost "
            f"silently; said so: {d.get('reported')}")


def f_flood_lines(d):
    sent, stored, supp = i(d, "sent"), i(d, "stored"), i(d, "suppressed")
    secs = i(d, "store_ms") / 1000
    rate = f"; stored in {secs:.1f} s ({n(int(stored / secs))} lines/s)" if secs > 0 else ""
    return (f"{n(stored)} stored + {n(supp)} counted suppressed of {n(sent)}: {n(max(sent - stored - supp, 0))} lost "
            f"silently{rate}; \"Deactivated successfully\" kept: {'yes' if i(d, 'deactivated_line') else 'no'}")


def f_flood_rss(d):
    return f"{mb(i(d, 'rss0_kb'))} → peak {mb(i(d, 'rss_peak_kb'))} (+{mb(i(d, 'rss_peak_kb') - i(d, 'rss0_kb'))})"


def f_modes(d):
    return f"journal.db {d.get('db_mode')}, directory {d.get('dir_mode')}; user nobody reads it: {d.get('other_user_reads')}"


def f_kill9(d):
    return (f"\"Address already in use\": {'yes' if i(d, 'addr_in_use') else 'no'}; socket {d.get('socket')}, service "
            f"{d.get('service')}; copies running {d.get('copies')}, after `start` {d.get('copies_after_start')}; "
            f"serves {d.get('serves')}")


def f_control(d):
    return (f"{n(i(d, 'connected'))} connected; is-active {ms(d)}; threads {d.get('threads0')} → "
            f"{d.get('threads_during')} → {d.get('threads_after')} ({d.get('after_s')} s after)")


def f_utf8(d):
    return f"LoadState={d.get('utf8_dropin')}"


def f_maxconn(d):
    ok, fail = i(d, "maxconn_ok"), i(d, "maxconn_fail")
    return (f"{n(i(d, 'maxconn_reset') + i(d, 'maxconn_refused'))} reset/refused, {n(fail)} failed of {n(ok + fail)}; "
            f"\"Too many incoming connections\" logged {d.get('maxconn_log_lines')}×")


def f_env(d):
    sd = d.get("systemd_verify_ms")
    return (f"`summon verify` {n(i(d, 'verify_ms'))} ms, `daemon-reload` {n(i(d, 'reload_ms'))} ms; "
            f"`systemd-analyze verify` {n(i(d, 'systemd_verify_ms')) + ' ms' if sd not in (None, 'none') else 'not installed'}")


def f_fuzz(d):
    extra = " ".join(f"{k}={v}" for k, v in d.items() if k not in ("suite", "scenario", "source", "inputs", "crashes", "hangs"))
    return (f"{n(i(d, 'inputs'))} inputs, {d.get('crashes', '?')} crashes, {d.get('hangs', '?')} hangs"
            + (f" ({extra})" if extra else "") + f"; from `{d.get('source')}`")


ROWS = [
    ("1", "100 `daemon-reload`s (30 before issue 17) during c=8 load, Accept=yes `/bin/cat`",
     "0 refused, reset, timed out; fds flat; the same listening sockets", "reload", {}, f_reload("acc")),
    ("1", "the same, Accept=no (`lfd-echo`)", "0 refused, reset, timed out; the service untouched", "reload", {}, f_reload("pass")),
    ("17", "a `ListenStream=` moved by `daemon-reload`, a client loop on each port", "no window: overlap > 0",
     "reloadmove", {}, f_move),
    ("1", "`Restart=always` service exiting at once", "start-limit-hit, little CPU", "crashloop", {}, f_crash),
    ("1", "`ExecStart=nonexistent-binary`, Accept=yes, 70 connections", "fds flat, 0 CLOSE-WAIT, no loop error",
     "relexec", {}, f_relexec),
    ("1", "… then the unit fixed and `daemon-reload`ed: connections served", "10/10", "relexec", {},
     lambda d: str(d.get("serving_after_fix"))),
    ("1", "a plain service with that ExecStart=, after `start`", "failed (203/EXEC)", "relexec", {},
     lambda d: str(d.get("plain_state"))),
    ("1", "`ulimit -n 64`, 200 clients at once", "no fd or connection left after the load; serving",
     "emfile", {}, f_emfile),
    ("2", "`StandardOutput=file:` a FIFO with no reader: another unit's is-active (median of 3), another socket",
     "≤ 100 ms; echo 5/5", "fifo", {}, f_block),
    ("2", "a Type=oneshot child stuck before `execve` (held by strace fault injection)", "≤ 100 ms; echo 3/3",
     "stuck", {}, f_block),
    ("3", "garbage `journal.db`", "starts, serves, says so once, readers give one line", "journal", {"fault": "garbage"},
     f_journal),
    ("3", "partly corrupt `journal.db`", "starts, serves, says so once, readers give one line", "journal",
     {"fault": "corrupt"}, f_journal),
    ("3", "read-only state directory", "starts, serves, says so once", "journal", {"fault": "readonly"}, f_journal),
    ("3", "full disk (2 MB tmpfs, root only)", "starts, serves, says so once", "journal", {"fault": "full"}, f_journal),
    ("3", "… one service writes lines into the full disk", "every line stored or counted suppressed", "journal",
     {"fault": "full-lines"}, f_full),
    ("3", "one service writes N lines (`seq`; `SUMMON_JOURNAL_MAX_ROWS` above N, so rotation removes none)", "every line stored or counted suppressed; ≥ 300,000 lines/s",
     "flood", {}, f_flood_lines),
    ("3", "… manager RSS during it", "≤ +32 MB", "flood", {}, f_flood_rss),
    ("3", "journal file modes", "0600 / 0700; another user reads nothing", "flood", {}, f_modes),
    ("4", "`kill -9` of the manager with an active Accept=no service, then a restart and `start`",
     "no EADDRINUSE, service active, 1 copy", "kill9", {}, f_kill9),
    ("5", "idle control clients, then `is-active` (median of 3)", "≤ 100 ms; threads shrink back", "control",
     {"kind": "idle"}, f_control),
    ("5", "slow control clients (one byte every 5 s)", "≤ 100 ms", "control", {"kind": "slow"}, f_control),
    ("6", "invalid UTF-8 byte in a drop-in", "loaded (systemd warns)", "misc", {}, f_utf8),
    ("6", "c=8 against the default MaxConnections=64", "0 resets", "misc", {}, f_maxconn),
    ("6", "10,000 `Environment=` lines", "linear, near systemd", "env", {}, f_env),
    ("fuzz", "unit-file parser fuzz", "≥ 10,000,000 inputs, 0 crashes, 0 hangs > 1 s", "fuzz", {}, f_fuzz),
]


def cell(run, scenario, match, fmt):
    if run is None:
        return "-"
    d = run.get(scenario, **match)
    if d is None:
        d0 = run.get(scenario)
        if not_started(d0):
            return "manager did not start"
        if scenario == "fuzz":
            return "no result file (`fuzz/run.sh` writes `artifacts/fuzz/result.txt`; `$FUZZ_RESULT` names another)"
        return "not run"
    if not_started(d) and fmt is not f_journal:
        return "manager did not start"
    try:
        return fmt(d).replace("|", "\\|")
    except Exception as e:  # a missing key must not lose the rest of the report
        return f"(unreadable: {e})"


def totals(run):
    """(load held, faults injected, bad inputs tried, lines lost silently, connections lost) of one run."""
    r = run.rows
    held = lost_conn = faults = bad = lost_lines = 0
    for d in r:
        s = d.get("scenario")
        if s == "reload":
            held += i(d, "acc_ok") + i(d, "pass_ok")
            lost_conn += i(d, "acc_fail") + i(d, "pass_fail")
            faults += i(d, "reloads")
        elif s == "reloadmove":
            held += i(d, "old_ok") + i(d, "new_ok")
            lost_conn += sum(i(d, f"{p}_{k}") for p in ("old", "new") for k in ("reset", "timeout", "other"))
            faults += 1
        elif s == "crashloop":
            faults += 1
        elif s == "relexec":
            a, b = ratio(d.get("serving_after_fix"))
            held += a
            lost_conn += (b - a) + i(d, "close_wait")
            bad += i(d, "conns") + 1
        elif s == "emfile":
            a, b = ratio(d.get("serving_after"))
            held += i(d, "load_ok") + a
            lost_conn += (b - a) + i(d, "leaked_conns")
            faults += 1
        elif s in ("fifo", "stuck"):
            a, b = ratio(d.get("echo_ok"))
            held += a
            lost_conn += b - a
            faults += 1
        elif s == "journal":
            if d.get("fault") == "full-lines":
                lost_lines += max(i(d, "sent") - i(d, "stored") - i(d, "suppressed"), 0)
                continue
            faults += 1
            if d.get("fault") in ("garbage", "corrupt"):
                bad += 1
            a, b = ratio(d.get("serves"))
            held += a
            lost_conn += b - a
        elif s == "flood":
            lost_lines += max(i(d, "sent") - i(d, "stored") - i(d, "suppressed"), 0)
            faults += 1
        elif s == "kill9":
            a, b = ratio(d.get("serves"))
            held += a
            lost_conn += b - a
            faults += 1
        elif s == "control":
            faults += i(d, "connected")
        elif s == "misc":
            held += i(d, "maxconn_ok")
            lost_conn += i(d, "maxconn_fail")
            bad += 1
        elif s == "env":
            bad += 1
        elif s == "fuzz":
            bad += i(d, "inputs")
    return held, faults, bad, lost_lines, lost_conn


def binary_line(run):
    for line in run.text("env.txt").splitlines():
        if line.startswith("summon:"):
            return line[len("summon:"):].strip()
    return "?"


def kept_sections():
    """The sections other scripts generate into docs/reliability.md (between their BEGIN/END markers, e.g.
    bench/reexec.sh's), carried over unchanged: this report rewrites the file, they regenerate only their part."""
    doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "reliability.md")
    text = open(doc).read() if os.path.exists(doc) else ""
    return [m.group(0) for m in re.finditer(r"^<!-- BEGIN ([\w-]+)[^\n]*-->\n.*?^<!-- END \1 -->$", text, re.S | re.M)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--after", required=True)
    ap.add_argument("--before")
    ap.add_argument("--command", default="bench/reliability.sh")
    a = ap.parse_args()
    after = Run(a.after)
    before = Run(a.before) if a.before else None
    sides = [("before", before), ("after", after)] if before else [("this run", after)]
    o = ["# Reliability\n",
         "<!-- Generated by bench/reliability.sh (bench/reliability-report.py) from its raw results; do not edit by hand. -->\n",
         f"Regenerate with `{a.command}` (methods: [bench/README.md](../bench/README.md)). Issue 11 attacked the manager "
         "as an operator's worst day would: these are its scenarios, each against a real `summon daemon` with real "
         "sockets, processes and files, and what the manager held, what was injected and what was lost."
         + (" *Before* is the binary of the issue's table, *after* this tree, run the same way on the same machine." if before else "")
         + "\n"]
    busy = []
    for name, run in sides:
        notes = run.text("notes.txt").splitlines()
        start = next((t for t in notes if t.startswith("start ")), "")
        cmd = run.text("command.txt")
        o.append(f"- **{name}**: `{binary_line(run)}`; {start.replace('start ', 'started ', 1) or 'no notes'}"
                 + (f"; command `{cmd}`" if cmd else ""))
        if "loadavg " in start and float(start.split("loadavg ")[1].split()[0]) > (os.cpu_count() or 1):
            busy.append(name)
    o.append("")
    if busy:
        who = " and ".join(b if b == "this run" else f"the {b} run" for b in busy)
        o.append(f"**Warning: the machine was busy when {who} started (load average above "
                 f"{os.cpu_count()} CPUs, from other work): connection counts under load and latencies (even an idle "
                 "`is-active`) are far from a quiet machine's; the counts of lost lines, leaked fds, failed starts and "
                 "states do not depend on it.**\n")
    o.append("## Summary\n")
    o.append("| | " + " | ".join(s for s, _ in sides) + " |")
    o.append("|---|" + "---|" * len(sides))
    t = [totals(r) for _, r in sides]
    labels = ["load held: connections served during the scenarios",
              "faults injected: reloads, crash loop, fd limit, blocked streams, journal faults, kill -9, hostile control clients",
              "bad inputs tried: bad ExecStart= connections, bad drop-in, 10,000-line unit, broken databases, fuzz inputs",
              "lines lost silently: neither stored nor counted as suppressed",
              "connections lost: failed, refused or left open where they should have been served or closed"]
    for k, label in enumerate(labels):
        o.append(f"| {label} | " + " | ".join(n(x[k]) for x in t) + " |")
    o.append("")
    o.append("## Scenarios\n")
    o.append("| item | scenario | wanted (issue 11) | " + " | ".join(s for s, _ in sides) + " |")
    o.append("|---|---|---|" + "---|" * len(sides))
    for item, what, want, scenario, match, fmt in ROWS:
        o.append(f"| {item} | {what} | {want} | " + " | ".join(cell(r, scenario, match, fmt) for _, r in sides) + " |")
    o.append("")
    sizes = after.get("flood") or {}
    o.append("Sizes of this run: " + ", ".join(filter(None, [
        f"{n(i(sizes, 'sent'))} journal lines" if sizes else "",
        f"{n(i(after.get('control', kind='idle') or {}, 'clients'))} idle and "
        f"{n(i(after.get('control', kind='slow') or {}, 'clients'))} slow control clients" if after.get("control") else "",
        f"{n(i(after.get('misc') or {}, 'maxconn_conns'))} connections against MaxConnections=64" if after.get("misc") else "",
        f"{(after.get('reload') or {}).get('secs', '?')} s of load for the reloads" if after.get("reload") else "",
    ])) + ". Timed-out probes show their cap: the wait was at least that long.\n")
    for name, run in sides:
        env = run.text("env.txt")
        if env:
            o.append(f"## Machine ({name})\n\n```\n{env}\n```\n")
        notes = run.text("notes.txt")
        if notes:
            o.append(f"## Run notes ({name})\n\n```\n{notes}\n```\n")
    print("\n".join(o))
    for section in kept_sections():
        print("\n" + section)


if __name__ == "__main__":
    main()
