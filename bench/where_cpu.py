"""Where a run's CPU goes: per process of the tree, and (from a py-spy profile) per phase and function.

    python bench/where_cpu.py run -- kcna-etl run --input C --warehouse W    # CPU and peak RSS of each process
    py-spy record --subprocesses -r 50 -f raw -o prof.txt -- kcna-etl run ...
    python bench/where_cpu.py profile prof.txt [--under FRAME] [--depth N]   # busy samples by process, phase

`run` samples every process of the command's tree every 0.1 s (psutil: CPU seconds, resident memory), and
splits the flow process's CPU into before the batch workers start, while they live, and after (the run's
own stages). `profile` reads py-spy's raw output (one line per stack and count): py-spy counts a thread
waiting in C (a lock, a socket, `time.sleep`) as busy, so the stacks ending in a wait are left out as idle.
Samples are wall-clock: under load they give shares within a process, not CPU seconds; `run` gives those.
"""
from __future__ import annotations

import argparse
import collections
import os
import re
import resource
import subprocess
import sys
import time

import psutil

IDLE = ("Condition.wait ", "EpollSelector.select ", "Connection._recv ", "Queue.get ", "sleep ", "Event.wait ",
        "_wait_for_tstate_lock ", "select ", "poll ", "PollSelector.select ", "_PollLikeSelector.select ",
        "die_with_supervisor.<locals>.watch ", "_worker (concurrent/futures/thread.py", "Connection._send ",
        "wait (multiprocessing/connection.py")


def waiting(name: str, file: str | None) -> bool:
    """Whether a stack's last frame (function `name` in `file`, a short or a full path) is a wait (`IDLE`)."""
    for x in IDLE:
        fn, _, where = x.strip().partition(" (")
        if name == fn and (not where or (file or "").endswith(where)):
            return True
    return False


PHASES = ["process_batch", "resolve (", "validate (", "write (", "quality_report (", "submit", "pipeline (",
          "run_flow", "<module> (cli/main.py", "_process_worker", "spawn_main", "Thread.run"]


def kind(cmd: str) -> str:
    if "kcna_etl.cli.main" in cmd:
        return "flow"
    if "resource_tracker" in cmd:
        return "resource tracker"
    if "spawn_main" in cmd:
        return "batch worker"
    return "supervisor" if "kcna-etl" in cmd else "other"


def run(command: list[str]) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(proc.pid)
    seen: dict[int, dict] = {}
    while proc.poll() is None:
        try:
            procs = [root] + root.children(recursive=True)
        except psutil.Error:
            procs = []
        for p in procs:
            try:
                with p.oneshot():
                    cpu, rss = sum(p.cpu_times()[:2]), p.memory_info().rss
                    d = seen.setdefault(p.pid, {"cmd": " ".join(p.cmdline()), "start": p.create_time(), "rss": 0,
                                                "series": []})
                d["cpu"], d["rss"], d["end"] = cpu, max(d["rss"], rss), time.time()
                d["series"].append((time.time(), cpu))
            except psutil.Error:
                pass
        time.sleep(0.1)
    err = proc.stderr.read().decode(errors="replace")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    print(f"exit {proc.returncode}, wall {time.monotonic() - started:.1f} s, CPU of the tree {total:.2f} s "
          f"(getrusage), load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for pid, d in sorted(seen.items(), key=lambda x: x[1]["start"]):
        print(f"  {kind(d['cmd']):16s} pid {pid:7d}: CPU {d['cpu']:7.2f} s, peak RSS {d['rss'] / 2**20:6.0f} MB, "
              f"lived {d['end'] - d['start']:6.1f} s")
    flow = [d for d in seen.values() if kind(d["cmd"]) == "flow"]
    workers = [d for d in seen.values() if kind(d["cmd"]) == "batch worker"]
    if flow and workers:
        start, end = min(w["start"] for w in workers), max(w["end"] for w in workers)

        def at(d: dict, t: float) -> float:
            return max([c for ts, c in d["series"] if ts <= t], default=0.0)
        f = flow[0]
        print(f"  flow process: {at(f, start):.2f} s before the workers start, {at(f, end) - at(f, start):.2f} s "
              f"while they live, {f['cpu'] - at(f, end):.2f} s after")
    if proc.returncode not in (0, 3):
        print(err[-3000:])


def frames_of(line: str) -> tuple[str, list[str], int]:
    # a worker's command line holds `;` (`from multiprocessing.spawn import spawn_main; spawn_main(...)`)
    line = re.sub(r"import (\w+); ?(\w+)\(", r"import \1, \2(", line.rstrip("\n")).replace("main;main(", "main, main(")
    stack, n = line.rsplit(" ", 1)
    frames = stack.split(";")
    p = max(i for i, f in enumerate(frames) if f.startswith("process "))
    return kind(frames[p]), [re.sub(r":\d+\)$", ")", f) for f in frames[p + 1:]], int(n)


def profile(path: str, under: str | None, depth: int, top: int = 30) -> None:
    phases: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    below: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    with open(path) as f:
        for line in f:
            k, frames, n = frames_of(line)
            if not frames:
                continue
            name, _, where = frames[-1].partition(" (")
            if waiting(name, where.rstrip(")")):
                phases[k]["(idle: a wait)"] += n
                continue
            phases[k][next((m for m in PHASES if any(m in x for x in frames)), "other")] += n
            if under:
                at = next((i for i, x in enumerate(frames) if x.startswith(under)), None)
                if at is not None:
                    below[k][" ; ".join(frames[at + 1:at + 1 + depth]) or "(self)"] += n
    for k, c in phases.items():
        busy = sum(v for p, v in c.items() if not p.startswith("(idle"))
        print(f"{k}: {busy} busy samples")
        for p, v in c.most_common():
            print(f"  {v:7d} {v / max(busy, 1):7.1%}  {p}")
    for k, c in below.items():
        total = sum(c.values())
        print(f"\n{k}: {total} busy samples under {under}")
        for p, v in c.most_common(top):
            print(f"  {v:7d} {v / total:6.1%}  {p}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    r = sub.add_parser("run")
    r.add_argument("command", nargs=argparse.REMAINDER)
    p = sub.add_parser("profile")
    p.add_argument("raw")
    p.add_argument("--under")
    p.add_argument("--depth", type=int, default=1)
    a = ap.parse_args()
    if a.what == "run":
        run([c for c in a.command if c != "--"] if a.command[:1] == ["--"] else a.command)
    else:
        profile(a.raw, a.under, a.depth)
