#!/usr/bin/env python3
"""report.py - turns the raw results of bench/run.sh into docs/performance.md (markdown on stdout).

usage: report.py OUTDIR "COMMAND LINE"
       report.py --sandbox-section OUTDIR      (only the hardened Accept=yes section, for bench/sandbox-accept.sh)
OUTDIR holds accept/, passfd/, coldstart/, rss/, sandbox/, manager/ (each with raw.txt; accept/ also env.txt, peers.txt).
Every number in the output comes from those files; nothing is typed by hand.
"""
import os
import statistics as st
import subprocess
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarize import num, parse  # noqa: E402

OURS = "summon"
REF_ACCEPT = "spawnd-fork"
# summon-nocgroup: the same binary without a cgroup per instance (SUMMON_CGROUP_ROOT outside the cgroup2 mount), to
# state what the cgroup costs; it is not a peer.
NOCGROUP = "summon-nocgroup"
NOT_PEERS = {"spawnd-fork", "spawnd-spawn", "spawnd-N-fork", "spawnd-N-spawn", "direct", OURS, NOCGROUP}


def rows(out, sub):
    p = os.path.join(out, sub, "raw.txt")
    return parse(p) if os.path.exists(p) else []


def med(xs):
    xs = [x for x in xs if x is not None]
    return st.median(xs) if xs else None


def fmt(x, d=2):
    return "-" if x is None else f"{x:.{d}f}"


def verdict(ok):
    return "-" if ok is None else ("**met**" if ok else "**not met**")


def rate_index(rs):
    """(name, conc) -> {rep: row}"""
    ix = defaultdict(dict)
    for d in rs:
        if "cps" in d:
            ix[(d["name"], int(num(d, "conc", 0)))][d.get("rep", "1")] = d
    return ix


def accept_targets(rs, lines):
    ix = rate_index(rs)
    concs = sorted({c for (n, c) in ix if n == OURS})
    peers = sorted({n for (n, c) in ix if n not in NOT_PEERS})
    for c in concs:
        ours = ix[(OURS, c)]
        ref = ix.get((REF_ACCEPT, c), {})
        # the best peer is the one with the highest median conn/s at this level (a max over noisy runs per rep would
        # pick whichever peer was luckiest); the ratio is then taken against it in the same rep
        meds = [(med([num(d, "cps") for d in ix[(p, c)].values()]), p) for p in peers if ix.get((p, c))]
        best_name = max(meds)[1] if meds else None
        r_ref, r_best = [], []
        for rep, d in ours.items():
            if rep in ref and num(ref[rep], "cps"):
                r_ref.append(num(d, "cps") / num(ref[rep], "cps"))
            b = ix.get((best_name, c), {}).get(rep)
            if b and num(b, "cps"):
                r_best.append(num(d, "cps") / num(b, "cps"))
        fails = sum(int(num(d, "fail", 0)) + int(num(d, "notrun", 0)) for d in ours.values())
        p99 = med([num(d, "p99_us") for d in ours.values()])
        sd = ix.get(("sd-activate", c), {})
        p99_sd = med([num(d, "p99_us") for d in sd.values()]) if sd else None
        mr, mb = med(r_ref), med(r_best)
        best_txt = best_name or "-"
        lines.append(
            f"| 1 | Accept=yes `/bin/cat`, c={c}: conn/s vs C limit (≥ 0.95), vs best peer (≥ 1.0), failures (0), "
            f"p99 vs systemd-socket-activate (≤) | {fmt(mr)} ({fmt(min(r_ref) if r_ref else None)}–{fmt(max(r_ref) if r_ref else None)}); "
            f"{fmt(mb)} vs best peer `{best_txt}`; {fails} failed; p99 {fmt(p99 / 1000 if p99 else None)} ms vs "
            f"{fmt(p99_sd / 1000 if p99_sd else None)} ms | "
            f"{verdict(None if mr is None else (mr >= 0.95 and (mb or 0) >= 1.0 and fails == 0 and (p99_sd is None or p99 <= p99_sd)))} |")


def cgroup_cost(rs):
    """What the cgroup per Accept=yes instance costs: conn/s of summon over summon-nocgroup in the same rep."""
    ix = rate_index(rs)
    parts = []
    for c in sorted({c for (n, c) in ix if n == NOCGROUP}):
        rr = [num(d, "cps") / num(ix[(NOCGROUP, c)][rep], "cps") for rep, d in ix.get((OURS, c), {}).items()
              if rep in ix[(NOCGROUP, c)] and num(ix[(NOCGROUP, c)][rep], "cps")]
        if rr:
            parts.append(f"c={c} {fmt(med(rr))} ({fmt(min(rr))}–{fmt(max(rr))})")
    if not parts:
        return None
    return ("The cgroup per instance: `summon-nocgroup` is the same binary and units with `SUMMON_CGROUP_ROOT` outside "
            "the cgroup2 mount, so each instance is tracked by its process group instead of a cgroup made, watched and "
            "removed for it. conn/s of `summon` over `summon-nocgroup` in the same rep: " + ", ".join(parts) + ".\n")


def cold_targets(cold, passfd, lines):
    by = defaultdict(list)
    for d in cold:
        if d.get("ok") == "1":
            by[d["name"]].append(num(d, "first_byte_us"))
    ours, sd = med(by.get(OURS, [])), med(by.get("sd-activate-lfd", []))
    ref = med(by.get("spawnd-N-fork", []))
    if ours is not None:
        ratio = ours / sd if sd else None
        lines.append(f"| 2 | Accept=no cold start, connect → first byte: vs systemd-socket-activate (≤ 1.0) | "
                     f"{fmt(ours / 1000)} ms vs {fmt(sd / 1000 if sd else None)} ms = {fmt(ratio)} "
                     f"(C limit {fmt(ref / 1000 if ref else None)} ms) | {verdict(None if ratio is None else ratio <= 1.0)} |")
    ix = rate_index(passfd)
    for c in sorted({c for (n, c) in ix if n == OURS}):
        rr = []
        for rep, d in ix[(OURS, c)].items():
            r = ix.get(("direct", c), {}).get(rep)
            if r and num(r, "cps"):
                rr.append(num(d, "cps") / num(r, "cps"))
        m = med(rr)
        lines.append(f"| 2 | Accept=no steady state c={c}: conn/s vs the service listening directly (1.00 within noise) | "
                     f"{fmt(m)} ({fmt(min(rr) if rr else None)}–{fmt(max(rr) if rr else None)}) | "
                     f"{verdict(None if m is None else m >= 0.9)} |")


def manager_targets(rss, mgr, lines):
    r = defaultdict(list)
    for d in rss:
        if d["name"] == OURS and num(d, "rss_kb"):
            r[int(num(d, "nsock"))].append(num(d, "rss_kb"))
    for d in mgr:
        if d.get("metric") == "startup":
            r[int(num(d, "nsock"))].append(num(d, "rss_kb"))
    for n, limit in ((1, 8), (1000, 24)):
        if r.get(n):
            m = med(r[n]) / 1024
            lines.append(f"| 3 | idle RSS of `summon daemon` with {n} socket unit(s) (≤ {limit} MB) | {fmt(m, 1)} MB "
                         f"(median of {len(r[n])}; min {fmt(min(r[n]) / 1024, 1)}, max {fmt(max(r[n]) / 1024, 1)}) | {verdict(m <= limit)} |")
    big = max([int(num(d, "nsock")) for d in mgr if d.get("metric") == "startup"] or [0])
    su = [num(d, "startup_ms") for d in mgr if d.get("metric") == "startup" and int(num(d, "nsock")) == big]
    if su:
        m = med(su)
        lines.append(f"| 3 | start-up to all {big} sockets listening (≤ 1 s) | {fmt(m, 0)} ms | {verdict(m <= 1000)} |")
    rl = [num(d, "p50_us") for d in mgr if d.get("metric") == "reload" and int(num(d, "nsock")) == big]
    if rl:
        m = med(rl) / 1000
        lines.append(f"| 3 | `summon daemon-reload` with {big} socket units (≤ 1 s) | {fmt(m, 1)} ms | {verdict(m <= 1000)} |")
    ar = [num(d, "rss_kb") for d in mgr if d.get("metric") == "rss_after_reload" and int(num(d, "nsock")) == big]
    if ar:
        lines.append(f"| 3 | RSS after 5 reloads with {big} units (≤ 24 MB) | {fmt(med(ar) / 1024, 1)} MB | {verdict(med(ar) / 1024 <= 24)} |")
    cli = defaultdict(list)
    for d in mgr:
        if d.get("metric") == "cli":
            cli[d["name"]].append(num(d, "p50_us"))
    floor = med(cli.get("true_floor", []))
    for name, label, limit in (("summon_is-active", "`summon is-active`", 5), ("summon_show", "`summon show -p ActiveState`", 5),
                               ("summon_status", "`summon status` with journal lines", 15)):
        if cli.get(name):
            m = med(cli[name]) / 1000
            lines.append(f"| 4 | {label} round trip, median (≤ {limit} ms) | {fmt(m)} ms (fork+exec of /bin/true by the same "
                         f"timer: {fmt(floor / 1000 if floor else None)} ms) | {verdict(m <= limit)} |")
    for d in mgr:
        if d.get("metric") == "growth":
            dr = (num(d, "rss1_kb") - num(d, "rss0_kb")) / 1024
            ok = dr <= 2 and d["fds0"] == d["fds1"] and d["zombies1"] == "0" and d.get("fail") == "0"
            lines.append(f"| 5 | {int(num(d, 'conns'))} Accept=yes connections: RSS growth (≤ +2 MB), fds unchanged, no zombies | "
                         f"{dr:+.1f} MB ({fmt(num(d, 'rss0_kb') / 1024, 1)} → {fmt(num(d, 'rss1_kb') / 1024, 1)}"
                         + (f", settled after {int(num(d, 'settle'))} connections" if 'settle' in d else "")
                         + f"); fds {d['fds0']} → {d['fds1']}; "
                         f"zombies {d['zombies1']}; {d.get('fail')} failed | {verdict(ok)} |")


HARDENED = "summon-hardened"
SANDBOX_BEGIN = "<!-- BEGIN sandbox-accept: generated by bench/sandbox-accept.sh (bench/report.py); do not edit by hand -->"
SANDBOX_END = "<!-- END sandbox-accept -->"


def sandbox_section(out):
    """The Accept=yes cost of the hardening issue 14 measures (OUT/sandbox: bench/sandbox-accept.sh), as lines."""
    rs = rows(out, "sandbox")
    if not rs:
        return []
    ix = rate_index(rs)
    o = [SANDBOX_BEGIN, "## Accept=yes with a hardened unit (issue 14)\n"]
    cmd = read(os.path.join(out, "sandbox", "command.txt"))
    if cmd:
        o.append(f"Command: `{cmd}`\n")
    o.append("The per-connection `/bin/cat` service of `bench/peers/summon.sh accept` (the seed's examples/demo-echo with "
             "the benchmark's limits) against the same unit with `ProtectSystem=strict`, `PrivateTmp=yes`, "
             "`NoNewPrivileges=yes`, `SystemCallFilter=@system-service` (`accept-hardened`), interleaved in each "
             "repetition; the ratio is hardened / plain conn/s in the same repetition.\n")
    load = read(os.path.join(out, "sandbox", "notes.txt"))
    if "loadavg " in load:
        start = float(load.split("loadavg ")[1].split()[0])
        if start > os.cpu_count():
            o.append(f"**Under load: the machine's load average was {start:.1f} on {os.cpu_count()} CPUs when this run "
                     "started (other work); the ratio is indicative only. Rerun on a quiet machine.**\n")
        else:
            o.append(f"Load average (1 min) {start:.2f} when the run started.\n")
    o.append("| clients | plain conn/s | hardened conn/s | hardened / plain (range) | p99 plain | p99 hardened | failed |")
    o.append("|---|---|---|---|---|---|---|")
    for c in sorted({c for (n, c) in ix if n == OURS}):
        plain, hard = ix.get((OURS, c), {}), ix.get((HARDENED, c), {})
        ratios = [num(hard[r], "cps") / num(d, "cps") for r, d in plain.items() if r in hard and num(d, "cps")]
        p99p, p99h = med([num(d, "p99_us") for d in plain.values()]), med([num(d, "p99_us") for d in hard.values()])
        fails = sum(int(num(d, "fail", 0)) for d in list(plain.values()) + list(hard.values()))
        o.append(f"| {c} | {fmt(med([num(d, 'cps') for d in plain.values()]), 0)} | {fmt(med([num(d, 'cps') for d in hard.values()]), 0)} | "
                 f"{fmt(med(ratios))} ({fmt(min(ratios) if ratios else None)}–{fmt(max(ratios) if ratios else None)}) | "
                 f"{fmt(p99p / 1000 if p99p else None)} ms | {fmt(p99h / 1000 if p99h else None)} ms | {fails} |")
    profile = read(os.path.join(out, "sandbox", "profile.md"))
    if profile:
        o.append("\n" + profile)
    o.append(SANDBOX_END)
    return o


def summarize(out, sub, *args):
    raw = os.path.join(out, sub, "raw.txt")
    if not os.path.exists(raw):
        return ""
    here = os.path.dirname(os.path.abspath(__file__))
    return subprocess.run([sys.executable, os.path.join(here, "summarize.py"), *args, raw],
                          capture_output=True, text=True, check=True).stdout


# Why the control protocol has one hand codec (measured once by hand, not by this run; kept with every regeneration).
def read(path):
    return open(path).read().rstrip() if os.path.exists(path) else ""


def main():
    if sys.argv[1] == "--sandbox-section":
        print("\n".join(sandbox_section(sys.argv[2])))
        return
    out, cmdline = sys.argv[1], sys.argv[2]
    o = []
    o.append("# Performance\n")
    o.append("<!-- Generated by bench/run.sh (bench/report.py) from its raw results; do not edit by hand. -->\n")
    o.append(f"Regenerate with `{cmdline}` (as root on Debian 12; it installs the peers with apt). Every ratio compares "
             "runs taken in the same repetition, seconds apart, on the same machine: the machine is shared and noisy, "
             "so read the ratios, not the absolute numbers. Methods: [bench/README.md](../bench/README.md).\n")
    o.append("## Machine\n\n```")
    o.append(read(os.path.join(out, "env.txt")))
    o.append("```\n")
    notes = read(os.path.join(out, "notes.txt"))
    # notes.txt: "start ... loadavg A B C" before the first suite, "end ... loadavg A B C" after the last. The end
    # value is mostly this run's own load (the growth run ends it with 8 clients and their services busy), so only
    # the start says whether other work was there.
    loads = {t.split()[0]: float(t.split("loadavg ")[1].split()[0]) for t in notes.splitlines() if "loadavg " in t}
    start, end = loads.get("start"), loads.get("end")
    if start is not None and start > os.cpu_count():
        o.append(f"**Warning: the machine was busy when this run started (load average {start:.1f} on "
                 f"{os.cpu_count()} CPUs, from other work). The absolute numbers are far below the quiet-machine baseline and "
                 "even the same-rep ratios are unreliable; rerun on a quiet machine before drawing conclusions.**\n")
    elif start is not None:
        o.append(f"Load average (1 min) {start:.2f} when the run started, {end if end is not None else float('nan'):.2f} "
                 "when it ended; the end includes the run's own load.\n")
    o.append("## Targets (issue 5)\n")
    o.append("| # | target | measured (median; range over repetitions) | |")
    o.append("|---|---|---|---|")
    accept_targets(rows(out, "accept"), o)
    cold_targets(rows(out, "coldstart"), rows(out, "passfd"), o)
    manager_targets(rows(out, "rss"), rows(out, "manager"), o)
    o.append("")
    sections = [
        ("accept", "Accept=yes: a `/bin/cat` per connection", ["--ref", REF_ACCEPT]),
        ("passfd", "Accept=no steady state: `lfd-echo` behind the activator vs listening directly", ["--ref", "direct"]),
        ("coldstart", "Accept=no cold start", ["--cold-ref", "spawnd-N-fork"]),
        ("rss", "Idle memory", []),
    ]
    for sub, title, args in sections:
        s = summarize(out, sub, *args)
        if not s:
            continue
        o.append(f"## {title}\n")
        cmd = read(os.path.join(out, sub, "command.txt"))
        if cmd:
            o.append(f"Command: `{cmd}`\n")
        peers = read(os.path.join(out, sub, "peers.txt"))
        if peers:
            o.append("<details><summary>peers and exact commands</summary>\n\n```\n" + peers + "\n```\n</details>\n")
        o.append(s.strip() + "\n")
        if sub == "accept" and (cost := cgroup_cost(rows(out, "accept"))):
            o.append(cost)
    section = sandbox_section(out)
    if section:
        o.append("\n".join(section) + "\n")
    mgr = os.path.join(out, "manager", "raw.txt")
    if os.path.exists(mgr):
        o.append("## Manager: start-up, reload, CLI, growth\n")
        cmd = read(os.path.join(out, "manager", "command.txt"))
        if cmd:
            o.append(f"Command: `{cmd}`\n")
        o.append("```\n" + read(mgr) + "\n```\n")
    # Hand-written, not measured by this run: the figures behind design choices, kept beside the generator.
    decisions = read(os.path.join(os.path.dirname(os.path.abspath(__file__)), "decisions.md"))
    if decisions:
        o.append(decisions.strip() + "\n")
    notes = read(os.path.join(out, "notes.txt"))
    if notes:
        o.append("## Run notes\n\n```\n" + notes + "\n```\n")
    print("\n".join(o))


if __name__ == "__main__":
    main()
