"""The fixed cost of a run: CPU seconds of the whole process tree for one new page.

    python bench/fixed_costs.py [--rounds 3] [--api-url URL]

Two cases, each `kcna-etl run` over a folder of one generated page into a new
warehouse: against a running Prefect server (started here once, its own CPU
reported apart), and with Prefect's temporary server (no `PREFECT_API_URL`: the
CLI starts one, and so did each worker process before issue 14). CPU is counted
twice, as a check on each other: `getrusage(RUSAGE_CHILDREN)` (every descendant
that its parent waited for), and psutil sampling the tree every 20 ms, each
process's user + system seconds as last seen (a process orphaned by its parent,
which getrusage misses, is still counted; a process's last < 20 ms are missed).
The figure of record is the larger. Prints one JSON line per run and the medians.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from run import DONE, ROOT, Server, base_env, load, synth


def tree_cpu(pid: int, seen: dict[int, float]) -> None:
    """User + system seconds of `pid` and its descendants, kept per process (the last value seen)."""
    try:
        root = psutil.Process(pid)
        procs = [root] + root.children(recursive=True)
    except psutil.Error:
        return
    for p in procs:
        try:
            t = p.cpu_times()
            seen[(p.pid, p.create_time())] = t.user + t.system
        except psutil.Error:
            pass


def one_run(input_dir: Path, warehouse: Path, env: dict) -> dict:
    shutil.rmtree(warehouse, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "kcna_etl.cli", "run", "--input", str(input_dir),
                             "--warehouse", str(warehouse)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: dict = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            tree_cpu(proc.pid, seen)
            done.wait(0.02)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in DONE:
        raise RuntimeError(f"kcna-etl run exited {proc.returncode}:\n{out}\n{err[-3000:]}")
    waited = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    sampled = sum(seen.values())
    return {"wall_seconds": round(wall, 2), "cpu_waited": round(waited, 2), "cpu_sampled": round(sampled, 2),
            "processes": len(seen), "cpu_seconds": round(max(waited, sampled), 2)}


def median(xs: list[float]) -> float:
    return sorted(xs)[len(xs) // 2]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3, help="runs of each case (the median is reported)")
    p.add_argument("--api-url", default=None, help="a running Prefect server (default: start one here)")
    args = p.parse_args(argv)
    print(f"load average before: {load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="kcna-fixed-") as tmp:
        work = Path(tmp)
        page = work / "one-page"
        synth(page, 1, "2026")
        server = None if args.api_url else Server(work / "prefect-home")
        api = args.api_url or server.url
        results = {}
        try:
            for case, env in (("running server", dict(base_env(), PREFECT_API_URL=api)),
                              ("temporary server", dict(base_env(), PREFECT_HOME=str(work / "home-temp"),
                                                        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120"))):
                if case == "temporary server":  # once, not measured: creates the temporary server's database
                    one_run(page, work / "wh-warm", env)
                runs = []
                for i in range(args.rounds):
                    server_before = server.cpu() if server else 0.0
                    r = one_run(page, work / f"wh-{i}", env)
                    if server and case == "running server":
                        r["server_cpu"] = round(server.cpu() - server_before, 2)
                    print(json.dumps({"case": case, **r}), flush=True)
                    runs.append(r)
                results[case] = {k: median([r[k] for r in runs]) for k in runs[0]}
        finally:
            if server:
                server.stop()
    for case, r in results.items():
        print(f"{case}: median of {args.rounds}: {r}")
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
