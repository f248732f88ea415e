"""The fixed cost of a run: CPU seconds of the whole process tree for one new page.

    python bench/fixed_costs.py [--rounds 3] [--api-url URL]

Two cases, each `kcna-etl run` over a folder of one generated page into a new
warehouse: against a running Prefect server (started here once, its own CPU
reported apart), and with Prefect's temporary server (no `PREFECT_API_URL`: the
CLI starts one, and so did each worker process before issue 14). CPU is
`getrusage(RUSAGE_CHILDREN)`: every descendant that its parent waited for (psutil
sampling the tree every 20 ms agreed within 0.03 s on the figures of record).
Prints one JSON line per run and the medians, then one more run of each case whose
CPU is told by process (the supervisor, the flow's process, the temporary server;
psutil samples every 20 ms, the last sample of each process: a few ms short).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from run import ROOT, Server, base_env, load, run_cli, synth


def one_run(input_dir: Path, warehouse: Path, env: dict) -> dict:
    shutil.rmtree(warehouse, ignore_errors=True)
    return run_cli(["run", "--input", str(input_dir), "--warehouse", str(warehouse)], env.get("PREFECT_API_URL"),
                   env)


def by_process(input_dir: Path, warehouse: Path, env: dict) -> dict[str, float]:
    """CPU seconds of one run by process, from psutil samples of the tree every 20 ms."""
    shutil.rmtree(warehouse, ignore_errors=True)
    proc = subprocess.Popen([sys.executable, "-m", "kcna_etl.cli", "run", "--input", str(input_dir), "--warehouse",
                             str(warehouse)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root, last = psutil.Process(proc.pid), {}
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            for p in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    line, cpu = " ".join(p.cmdline()), p.cpu_times()
                    kind = ("supervisor" if p.pid == proc.pid else "flow process" if "kcna_etl.cli.main" in line
                            else "temporary server" if "create_app" in line else "other")
                    if last.get(p.pid, ("other",))[0] != "other":  # an exiting process shows no command line
                        kind = last[p.pid][0]
                    last[p.pid] = (kind, cpu.user + cpu.system)
        time.sleep(0.02)
    out: dict[str, float] = {}
    for kind, cpu in last.values():
        out[kind] = round(out.get(kind, 0.0) + cpu, 2)
    return out


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
                    r = {k: v for k, v in one_run(page, work / f"wh-{i}", env).items() if k != "stdout"}
                    if server and case == "running server":
                        r["server_cpu"] = round(server.cpu() - server_before, 2)
                    print(json.dumps({"case": case, **r}), flush=True)
                    runs.append(r)
                results[case] = {k: median([r[k] for r in runs]) for k in runs[0]}
                print(json.dumps({"case": case, "by_process": by_process(page, work / "wh-by", env)}), flush=True)
        finally:
            if server:
                server.stop()
    for case, r in results.items():
        print(f"{case}: median of {args.rounds}: {r}")
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
