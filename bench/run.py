"""End-to-end benchmark of kcna-etl on generated corpora, beside trafilatura on the same pages.

    python bench/run.py                        # N = 1,000, 10,000, 100,000 (see docs/benchmarks.md)
    python bench/run.py --sizes 1000 --incremental 100 --trafilatura-max 500 --out /tmp/b

For each N it runs the real CLI (`kcna-etl run`, a subprocess) against a real
Prefect server that it starts once, and reports: wall time and pages/s end to
end (start-up included) and beyond the fixed start-up, CPU seconds per page of
the whole process tree, the stages' shares (from the run summary's
`stage_seconds`), peak resident memory of the process tree (sampled every
50 ms with psutil: the CLI and its worker processes; the temporary server when
there is one), the warehouse's size and file count. Then: the fixed start-up of
a run (an empty input) with the running server and with Prefect's temporary
server; the incremental case (pages added to the largest corpus, run again);
and trafilatura extracting the same pages, in as many processes as the pipeline
uses, as a throughput ratio. With `--compare-runners`, the largest corpus again
with each runner: the local process pool and a Dask local cluster of 1 and 2
workers (`--runner dask --workers W`), pages per second and CPU of each (the
cluster's worker processes are the run's descendants, so their CPU is
counted); with `--s3` also from and into a bucket of moto's S3 server on
loopback (its own CPU reported apart). Writes `<out>/results.json` and `<out>/bench.png`.
Needs the `bench` extra: `pip install -e ".[bench]"` (and `.[dask]` to compare runners).
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("ingest", "stage", "resolve", "validate", "write", "report")
DONE = (0, 3)  # exit status of a run that committed: 3 when expectations failed (the broken pages dated in the future)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env() -> dict[str, str]:
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    env.pop("PREFECT_API_URL", None)
    return env


class Background:
    """A server the benchmark started (`proc`): its CPU seconds (with its children), stopped with SIGTERM."""
    proc: subprocess.Popen

    def cpu(self) -> float:
        try:
            procs = [psutil.Process(self.proc.pid)] + psutil.Process(self.proc.pid).children(recursive=True)
            return sum(p.cpu_times().user + p.cpu_times().system for p in procs)
        except psutil.Error:
            return 0.0

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Server(Background):
    """`prefect server start` on loopback with its own home; stopped with SIGTERM."""

    def __init__(self, home: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        env = dict(base_env(), PREFECT_HOME=str(home), PREFECT_UI_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING")
        started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                      "--port", str(self.port)], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = started + 180
        while True:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Prefect server did not start")
            time.sleep(0.2)
        self.startup = time.monotonic() - started



def tree_rss(pid: int) -> int:
    try:
        root = psutil.Process(pid)
        procs = [root] + root.children(recursive=True)
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_cli(args: list[str], api_url: str | None, extra_env: dict | None = None,
            prefix: list[str] | None = None) -> dict:
    """Run `kcna-etl` in a subprocess; wall time, CPU of the tree, peak RSS of the tree (sampled)."""
    env = base_env()
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update(extra_env or {})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen([*(prefix or []), sys.executable, "-m", "kcna_etl.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            done.wait(0.05)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in DONE:
        raise RuntimeError(f"kcna-etl {' '.join(args)} exited {proc.returncode}:\n{out}\n{err[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_seconds": round(wall, 3), "cpu_seconds": round(cpu, 3), "peak_rss_mb": round(peak[0] / 2**20, 1),
            "stdout": out}


def last_summary(warehouse: Path) -> dict:
    runs = sorted((warehouse / "_runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(runs[-1].read_text())


def disk_usage(folder: Path) -> tuple[int, int]:
    """Bytes on disk of the current snapshot's data files, and how many there are."""
    current = (folder / "current").resolve()
    seen, size, files = set(), 0, 0
    for dirpath, _, names in os.walk(current):
        for n in names:
            st = os.stat(os.path.join(dirpath, n))
            if st.st_ino in seen:
                continue
            seen.add(st.st_ino)
            size += st.st_blocks * 512
            files += 1
    return size, files


def synth(out: Path, pages: int, seed: str, start: int = 0) -> dict:
    subprocess.run([sys.executable, "-m", "kcna_etl.cli", "synth", "--pages", str(pages), "--out", str(out),
                    "--seed", seed, "--start", str(start)], check=True, cwd=ROOT, env=base_env(),
                   stdout=subprocess.DEVNULL)
    return json.loads((out / f"synth-{start}.json").read_text())


def corpus_prefix(full: Path, pages: int, target: Path) -> None:
    """The first `pages` pages of `full` (hard links: regular files, no copy)."""
    if target.exists():
        shutil.rmtree(target)
    for folder in sorted(p for p in full.iterdir() if p.is_dir()):
        if int(folder.name) * 1000 >= pages:
            break
        (target / folder.name).mkdir(parents=True)
        for f in folder.iterdir():
            if int(f.name.split("_", 1)[0]) < pages:
                os.link(f, target / folder.name / f.name)


# -- trafilatura on the same pages ------------------------------------------------------------------
def as_html(path: Path) -> str:
    """The page as HTML: HTML pages as they are; a text page wrapped, one `<p>` per non-blank line."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            return ""
    text = raw.decode("utf-8", errors="replace")
    if ".htm" in path.name:
        return text
    body = "".join(f"<p>{html.escape(line.strip())}</p>\n" for line in text.splitlines() if line.strip())
    return f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{body}</body></html>\n"


def extract_chunk(paths: list[str]) -> tuple[int, float]:
    import trafilatura
    started = time.process_time()
    found = 0
    for p in paths:
        markup = as_html(Path(p))
        if markup and trafilatura.extract(markup, include_comments=False, with_metadata=True) is not None:
            found += 1
    return found, time.process_time() - started


def trafilatura_run(corpus: Path, limit: int, workers: int) -> dict:
    paths = sorted(str(p) for p in corpus.rglob("*") if p.is_file() and ".json" not in p.name)
    step = max(1, len(paths) // limit) if limit else 1
    sample = paths[::step][:limit] if limit else paths
    chunks = [sample[i::workers * 8] for i in range(workers * 8)]
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(extract_chunk, chunks))
    wall = time.monotonic() - started
    cpu = sum(c for _, c in results)
    return {"pages": len(sample), "extracted": sum(f for f, _ in results), "workers": workers,
            "wall_seconds": round(wall, 3), "pages_per_second": round(len(sample) / wall, 1),
            "cpu_ms_per_page": round(1000 * cpu / max(1, len(sample)), 3)}


# -- CPU per page of each stage, in one process (mentions apart from the rest of enrich) ------------------
def stage_costs(corpus: Path, limit: int) -> dict:
    """CPU milliseconds per page of the page path (`transforms.page.read_page`: decode, clean, split, rows),
    with the mentions timed apart (run again alone on each body), in this process on an even sample of pages."""
    import hashlib
    sys.path.insert(0, str(ROOT))
    from kcna_etl.transforms.lexicon import lexicon, rules
    from kcna_etl.transforms.mentions import mentions
    from kcna_etl.transforms.page import Reject, read_page
    r, lex = rules(), lexicon()
    paths = sorted(p for p in corpus.rglob("*") if p.is_file() and ".json" not in p.name)
    sample = paths[::max(1, len(paths) // limit)][:limit]
    cost = dict.fromkeys(("read+sha256", "page path without mentions", "mentions"), 0.0)
    clock = time.process_time
    for path in sample:
        t = clock()
        raw = path.read_bytes()
        sha = hashlib.sha256(raw).hexdigest()
        t1 = clock()
        got = read_page(raw, path.name, r, lex, sha256=sha)
        t2 = clock()
        if not isinstance(got, Reject):
            mentions(got.article["body"], lex)  # again, alone, to tell its share
        t3 = clock()
        cost["read+sha256"] += t1 - t
        cost["mentions"] += t3 - t2
        cost["page path without mentions"] += max(0.0, (t2 - t1) - (t3 - t2))
    ms = {k: round(1000 * v / len(sample), 3) for k, v in cost.items()}
    return {"pages": len(sample), "cpu_ms_per_page": ms, "total_cpu_ms_per_page": round(sum(ms.values()), 3),
            "mentions_share": round(ms["mentions"] / max(1e-9, sum(ms.values())), 3)}


# -- where the time goes: py-spy over the whole process tree ------------------------------------------
def profile_summary(speedscope: Path, top: int = 90) -> str:
    """Share of all busy samples (every process) per function, inclusive, and per process. py-spy counts a
    thread blocked in C (a sleep, a lock, a socket) as busy: a stack ending in a wait is left out as idle
    (`bench/where_cpu.py`; in the flow process such threads made six of every seven samples)."""
    from where_cpu import waiting  # bench/ is this script's folder

    d = json.loads(speedscope.read_text())
    frames = d["shared"]["frames"]
    total, per_frame, per_process = 0, {}, {}
    for prof in d["profiles"]:
        busy = [s for s in prof["samples"] if s and not waiting(frames[s[-1]]["name"], frames[s[-1]].get("file"))]
        n = len(busy)
        total += n
        name = prof["name"].split(" Thread")[0]
        per_process[name] = per_process.get(name, 0) + n
        for sample in busy:
            for key in {f"{frames[f]['name']} ({Path(frames[f].get('file') or '?').name})" for f in sample}:
                per_frame[key] = per_frame.get(key, 0) + 1
    lines = [f"{total} busy samples over all processes (py-spy, 50 Hz, waits left out)", "", "per process:"]
    lines += [f"  {n / total:6.1%}  {p}" for p, n in sorted(per_process.items(), key=lambda x: -x[1])]
    lines += ["", "inclusive, per function:"]
    lines += [f"  {n / total:6.1%}  {k}" for k, n in sorted(per_frame.items(), key=lambda x: -x[1])[:top]]
    return "\n".join(lines) + "\n"


# -- the same pages with each runner -----------------------------------------------------------------
RUNNERS = (("process", None), ("dask", 1), ("dask", 2))


class S3Server(Background):
    """moto's S3 server on loopback (`moto_server`, the test extra), a bucket holding a copy of the corpus."""

    def __init__(self, corpus: Path, work: Path):
        self.port = free_port()
        self.env = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{self.port}", "AWS_ACCESS_KEY_ID": "bench",
                    "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
                    "KCNA_ETL_CACHE": str(work / "s3-cache")}
        self.proc = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p",
                                      str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.env["AWS_ENDPOINT_URL"] + "/moto-api/", timeout=2):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start")
                time.sleep(0.2)
        import boto3
        client = boto3.client("s3", endpoint_url=self.env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                              aws_access_key_id="bench", aws_secret_access_key="bench")
        client.create_bucket(Bucket="bench")
        started = time.monotonic()
        for path in sorted(p for p in corpus.rglob("*") if p.is_file() and ".json" not in p.name):
            client.upload_file(str(path), "bench", f"pages/{path.relative_to(corpus).as_posix()}")
        self.upload_seconds = round(time.monotonic() - started, 1)
        self.client = client

    def summary(self, warehouse: str, stdout: str) -> dict:
        run_id = stdout.split("kcna-etl run ", 1)[1].split()[0]
        key = f"{warehouse.removeprefix('s3://bench/')}/_runs/{run_id}.json"
        return json.loads(self.client.get_object(Bucket="bench", Key=key)["Body"].read())



def compare_runners(corpus: Path, pages: int, work: Path, api: str, extra: list[str], rounds: int = 1,
                    s3: S3Server | None = None) -> list[dict]:
    """The corpus with the local process pool and with Dask at 1 and 2 workers, on local disk and, with `s3`,
    from the bucket into a warehouse in the bucket.

    The runners take turns, `rounds` times (the machine's load changes under a run: taking turns spreads
    it over all of them); every round is kept."""
    tried: dict[tuple, list[dict]] = {}
    places = ["local disk"] + (["S3 (moto, loopback)"] if s3 else [])
    for _ in range(rounds):
        for storage in places:
            for runner, workers in RUNNERS:
                name = f"wh-{pages}-{runner}-{workers or 'all'}"
                chosen = ["--runner", runner] + (["--workers", str(workers)] if workers else [])
                if s3 and storage != "local disk":
                    source, wh = "s3://bench/pages", f"s3://bench/{name}-{time.monotonic_ns()}"
                    moto_cpu = s3.cpu()
                    r = run_cli(["run", "--input", source, "--warehouse", wh, *chosen, *extra], api, s3.env)
                    summary = s3.summary(wh, r["stdout"])
                    r["store_cpu_seconds"] = round(s3.cpu() - moto_cpu, 2)
                else:
                    wh = work / name
                    shutil.rmtree(wh, ignore_errors=True)
                    r = run_cli(["run", "--input", str(corpus), "--warehouse", str(wh), *chosen, *extra], api)
                    summary = last_summary(wh)
                    shutil.rmtree(wh, ignore_errors=True)
                tried.setdefault((storage, runner, workers), []).append(dict(
                    r, load=load(), in_flow_seconds=summary["seconds"], stage_seconds=summary["stage_seconds"],
                    new_articles=summary["new_articles"], rows=summary["rows"]))
                print(f"{storage}, {runner} x{workers or os.cpu_count()}: {r['wall_seconds']:.1f}s wall, "
                      f"{r['cpu_seconds']:.1f}s CPU, load {load()}", flush=True)
    return [summarise(runner, workers, pages, rs, storage) for (storage, runner, workers), rs in tried.items()]


def summarise(runner: str, workers: int | None, pages: int, rounds: list[dict], storage: str = "local disk") -> dict:
    """A runner's rounds: the least disturbed one (least wall time) is the figure, the median beside it."""
    best = min(rounds, key=lambda x: x["wall_seconds"])
    median = sorted(rounds, key=lambda x: x["wall_seconds"])[len(rounds) // 2]
    return {"storage": storage, "runner": runner, "workers": workers or os.cpu_count(), "pages": pages,
            "rounds": len(rounds), "wall_seconds": best["wall_seconds"], "in_flow_seconds": best["in_flow_seconds"],
            "pages_per_second": round(pages / best["wall_seconds"], 1), "cpu_seconds": best["cpu_seconds"],
            "cpu_ms_per_page": round(1000 * best["cpu_seconds"] / pages, 3), "peak_rss_mb": best["peak_rss_mb"],
            "load": best["load"], "median_wall_seconds": median["wall_seconds"],
            "median_pages_per_second": round(pages / median["wall_seconds"], 1),
            "new_articles": best["new_articles"], "rows": best["rows"],
            "store_cpu_seconds": best.get("store_cpu_seconds"),
            "each_round": [{k: x.get(k) for k in ("wall_seconds", "cpu_seconds", "peak_rss_mb", "load",
                                                  "in_flow_seconds", "stage_seconds", "store_cpu_seconds")}
                           for x in rounds]}


# -- the report ------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    versions = {}
    for pkg in ("prefect", "pyarrow", "beautifulsoup4", "lxml", "trafilatura", "duckdb"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(), "packages": versions}


def chart(results: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    runs = results["runs"]
    ns = [r["pages"] for r in runs]
    compared = results.get("runners") or []
    fig, axes = plt.subplots(1, 3 if compared else 2, figsize=(18 if compared else 12, 4.8))
    a, b = axes[0], axes[1]
    a.plot(ns, [r["pages_per_second"] for r in runs], "o-", label="kcna-etl end to end (start-up included)")
    a.plot(ns, [r["pages_per_second_beyond_startup"] for r in runs], "s--", label="kcna-etl beyond the fixed start-up")
    a.plot(ns, [r["trafilatura"]["pages_per_second"] for r in runs], "^-", label="trafilatura, same pages")
    a.axhline(2000, color="grey", lw=0.8, ls=":", label="target 2,000 pages/s")
    a.set_xscale("log")
    a.set_xlabel("pages (N)")
    a.set_ylabel("pages per second")
    a.set_title(f"Throughput on {results['machine']['cores']} cores")
    a.legend(fontsize=8)
    a.grid(alpha=0.3)
    bottom = [0.0] * len(runs)
    for stage in STAGES:
        shares = [r["stage_shares"].get(stage, 0.0) for r in runs]
        b.bar([str(n) for n in ns], shares, bottom=bottom, label=stage)
        bottom = [x + y for x, y in zip(bottom, shares)]
    b.set_ylabel("share of stage seconds (batch stages + write)")
    b.set_xlabel("pages (N)")
    b.set_title("Where the time goes")
    b.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    if compared:
        c = axes[2]
        labels = [f"{x['runner']} ×{x['workers']}\n{'local' if x['storage'] == 'local disk' else 'S3'}"
                  for x in compared]
        c.bar(labels, [x["pages_per_second"] for x in compared],
              color=["tab:blue" if x["storage"] == "local disk" else "tab:orange" for x in compared])
        c.tick_params(axis="x", labelsize=8)
        c.set_ylabel("pages per second, end to end")
        c.set_title(f"Runners on {compared[0]['pages']:,} pages")
        for i, x in enumerate(compared):
            c.annotate(f"{x['cpu_ms_per_page']:.1f} CPU\nms/page", (i, x["pages_per_second"]), ha="center",
                       va="bottom", fontsize=7)
        c.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes, comma separated")
    p.add_argument("--incremental", type=int, default=1000, help="pages added to the largest corpus, then run again")
    p.add_argument("--seed", default="2026")
    p.add_argument("--work", default=str(ROOT / "bench" / ".work"), help="corpora and warehouses (kept between runs)")
    p.add_argument("--out", default=str(ROOT / "docs" / "bench"), help="where results.json and bench.png go")
    p.add_argument("--trafilatura-max", type=int, default=10000,
                   help="pages of each corpus given to trafilatura (an even sample; 0 = all)")
    p.add_argument("--api-url", default=None, help="use this running Prefect server instead of starting one")
    p.add_argument("--no-temporary-server", action="store_true",
                   help="skip the start-up measurement with Prefect's temporary server")
    p.add_argument("--profile", action="store_true",
                   help="run the largest N under py-spy too (all processes); writes profile.txt and profile.json")
    p.add_argument("--startup-runs", type=int, default=3, help="empty runs timed for the fixed start-up (median)")
    p.add_argument("--compare-runners", action="store_true",
                   help="run the largest corpus again with the process runner and Dask at 1 and 2 workers")
    p.add_argument("--s3", action="store_true",
                   help="with --compare-runners: also from and into a bucket of moto's S3 server on loopback")
    p.add_argument("--runner-rounds", type=int, default=1, help="with --compare-runners: turns each runner takes")
    p.add_argument("--runs-args", default="", help="extra options for kcna-etl run, e.g. '--batch-size 2000'")
    args = p.parse_args(argv)
    sizes = sorted(int(x) for x in args.sizes.split(","))
    work, out = Path(args.work).absolute(), Path(args.out).absolute()
    work.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    extra = args.runs_args.split()
    results: dict = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                     "machine": machine(), "load_before": load(), "seed": args.seed, "runs": []}
    print(f"load average before: {results['load_before']}", flush=True)

    full = work / f"corpus-{args.seed}-{sizes[-1]}"
    if not (full / "synth-0.json").exists():
        shutil.rmtree(full, ignore_errors=True)
        t = time.monotonic()
        results["synth"] = synth(full, sizes[-1], args.seed)
        results["synth"]["seconds"] = round(time.monotonic() - t, 1)
        print(f"generated {sizes[-1]:,} pages in {results['synth']['seconds']}s", flush=True)
    else:
        results["synth"] = json.loads((full / "synth-0.json").read_text())
    for extra_file in full.glob("synth-*.json"):  # pages added by an earlier incremental run
        if extra_file.name != "synth-0.json":
            for f in full.rglob("*"):
                if f.is_file() and f.name[0].isdigit() and int(f.name.split("_", 1)[0]) >= sizes[-1]:
                    f.unlink()
            extra_file.unlink()

    server = None
    api = args.api_url
    if not api:
        server = Server(work / "prefect-home")
        api = server.url
        results["server_startup_seconds"] = round(server.startup, 2)
        print(f"Prefect server up in {server.startup:.1f}s", flush=True)
    try:
        empty = work / "empty-input"
        empty.mkdir(exist_ok=True)
        startups = []
        for i in range(max(1, args.startup_runs)):
            wh = work / f"wh-startup-{i}"
            shutil.rmtree(wh, ignore_errors=True)
            startups.append(run_cli(["run", "--input", str(empty), "--warehouse", str(wh), "--allow-empty", *extra], api))
        fixed = sorted(s["wall_seconds"] for s in startups)[len(startups) // 2]
        results["startup"] = {"running_server_seconds": fixed, "runs": [s["wall_seconds"] for s in startups],
                              "peak_rss_mb": max(s["peak_rss_mb"] for s in startups)}
        # one new page: the start-up plus the worker pool's (a run with pages spawns its worker processes)
        one = work / "one-page"
        shutil.rmtree(one, ignore_errors=True)
        synth(one, 1, args.seed)
        wh = work / "wh-startup-one"
        shutil.rmtree(wh, ignore_errors=True)
        results["startup"]["one_page_seconds"] = run_cli(["run", "--input", str(one), "--warehouse", str(wh),
                                                          *extra], api)["wall_seconds"]
        if not args.no_temporary_server:
            wh = work / "wh-startup-temp"
            shutil.rmtree(wh, ignore_errors=True)
            temp = run_cli(["run", "--input", str(empty), "--warehouse", str(wh), "--allow-empty", *extra], None,
                           {"PREFECT_HOME": str(work / "prefect-home-temp")})
            results["startup"]["temporary_server_seconds"] = temp["wall_seconds"]
            results["startup"]["temporary_server_peak_rss_mb"] = temp["peak_rss_mb"]
        print(f"fixed start-up: {results['startup']}", flush=True)

        for n in sizes:
            corpus = full if n == sizes[-1] else work / f"corpus-{args.seed}-{n}"
            if corpus is not full:
                corpus_prefix(full, n, corpus)
            wh = work / f"wh-{n}"
            shutil.rmtree(wh, ignore_errors=True)
            cpu_server = server.cpu() if server else 0.0
            r = run_cli(["run", "--input", str(corpus), "--warehouse", str(wh), *extra], api)
            summary = last_summary(wh)
            stage = summary["stage_seconds"]
            total_stage = sum(stage.values()) or 1.0
            size, files = disk_usage(wh)
            run = {
                "pages": n, "wall_seconds": r["wall_seconds"], "in_flow_seconds": summary["seconds"],
                "pages_per_second": round(n / r["wall_seconds"], 1),
                "pages_per_second_beyond_startup": round(n / max(1e-9, r["wall_seconds"] - fixed), 1),
                "cpu_seconds": r["cpu_seconds"], "cpu_ms_per_page": round(1000 * r["cpu_seconds"] / n, 3),
                "server_cpu_seconds": round((server.cpu() - cpu_server) if server else 0.0, 2),
                "peak_rss_mb": r["peak_rss_mb"],
                "stage_seconds": {k: round(v, 3) for k, v in stage.items()},
                "stage_shares": {k: round(v / total_stage, 4) for k, v in stage.items()},
                "outcome": {k: summary.get(k) for k in ("pages_seen", "new_articles", "duplicates", "skipped",
                                                         "already_processed", "rejected", "quarantined")
                            if k in summary},
                "rows": summary["rows"], "warehouse_bytes": size, "warehouse_files": files,
            }
            run["trafilatura"] = trafilatura_run(corpus, args.trafilatura_max, os.cpu_count() or 1)
            run["ratio_kcna_to_trafilatura"] = round(run["pages_per_second"] / run["trafilatura"]["pages_per_second"], 2)
            results["runs"].append(run)
            print(json.dumps({k: v for k, v in run.items() if k != "stage_seconds"}), flush=True)

        results["stage_costs"] = stage_costs(full, 2000)
        print(f"CPU per page by stage (one process): {json.dumps(results['stage_costs'])}", flush=True)

        spy = shutil.which("py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        if args.profile and spy:
            n = sizes[-1]
            wh = work / f"wh-{n}-profile"
            shutil.rmtree(wh, ignore_errors=True)
            raw = out / "profile.json"
            run_cli(["run", "--input", str(full), "--warehouse", str(wh), *extra], api,
                    prefix=[spy, "record", "--subprocesses", "-r", "50", "-f", "speedscope", "-o", str(raw), "--"])
            (out / "profile.txt").write_text(profile_summary(raw))
            shutil.rmtree(wh, ignore_errors=True)
            print(f"profile of {n:,} pages: {out / 'profile.txt'}", flush=True)

        if args.compare_runners:
            s3 = S3Server(full, work) if args.s3 else None
            try:
                if s3:
                    results["s3_upload_seconds"] = s3.upload_seconds
                results["runners"] = compare_runners(full, sizes[-1], work, api, extra, args.runner_rounds, s3)
            finally:
                if s3:
                    s3.stop()

        if args.incremental:
            n = sizes[-1]
            added = synth(full, args.incremental, args.seed, start=n)
            wh = work / f"wh-{n}"
            r = run_cli(["run", "--input", str(full), "--warehouse", str(wh), *extra], api)
            summary = last_summary(wh)
            results["incremental"] = {
                "stored_pages": n, "new_pages": args.incremental, "wall_seconds": r["wall_seconds"],
                "beyond_startup_seconds": round(r["wall_seconds"] - fixed, 3), "cpu_seconds": r["cpu_seconds"],
                "peak_rss_mb": r["peak_rss_mb"], "stage_seconds": summary["stage_seconds"],
                "outcome": {k: summary.get(k) for k in ("pages_seen", "new_articles", "duplicates", "skipped",
                                                         "already_processed", "rejected", "quarantined")
                            if k in summary},
                "generated": added["kinds"],
            }
            print(f"incremental: {json.dumps(results['incremental'])}", flush=True)
    finally:
        if server:
            server.stop()
    results["load_after"] = load()
    results["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    chart(results, out / "bench.png")
    print_table(results)
    print(f"wrote {out / 'results.json'} and {out / 'bench.png'}")
    return 0


def print_table(r: dict) -> None:
    s = r["startup"]
    print(f"\nmachine: {r['machine']['cpu']}, {r['machine']['cores']} cores, {r['machine']['memory_gb']} GB; "
          f"load {r['load_before']} -> {r['load_after']}")
    temp = f", temporary server {s['temporary_server_seconds']:.1f}s" if "temporary_server_seconds" in s else ""
    print(f"fixed start-up: running server {s['running_server_seconds']:.1f}s (empty input), "
          f"{s['one_page_seconds']:.1f}s with one new page (worker processes started){temp}")
    print(f"{'pages':>8} {'wall s':>8} {'pages/s':>8} {'beyond':>8} {'cpu ms/p':>8} {'rss MB':>7} {'MB out':>7} "
          f"{'files':>6} {'trafil/s':>8} {'ratio':>6}  stage shares")
    for x in r["runs"]:
        shares = " ".join(f"{k} {v:.0%}" for k, v in x["stage_shares"].items())
        print(f"{x['pages']:>8,} {x['wall_seconds']:>8.1f} {x['pages_per_second']:>8,.0f} "
              f"{x['pages_per_second_beyond_startup']:>8,.0f} {x['cpu_ms_per_page']:>8.2f} {x['peak_rss_mb']:>7.0f} "
              f"{x['warehouse_bytes'] / 2**20:>7.1f} {x['warehouse_files']:>6} "
              f"{x['trafilatura']['pages_per_second']:>8,.0f} {x['ratio_kcna_to_trafilatura']:>6.2f}  {shares}")
    if r.get("runners"):
        print(f"\n{'storage':<20} {'runner':<8} {'workers':>7} {'pages':>7} {'wall s':>7} {'pages/s':>8} "
              f"{'median':>7} {'cpu s':>7} {'cpu ms/p':>8} {'rss MB':>7}  load (least disturbed of the rounds)")
        for x in r["runners"]:
            print(f"{x['storage']:<20} {x['runner']:<8} {x['workers']:>7} {x['pages']:>7,} {x['wall_seconds']:>7.1f} "
                  f"{x['pages_per_second']:>8,.0f} {x['median_pages_per_second']:>7,.0f} {x['cpu_seconds']:>7.1f} "
                  f"{x['cpu_ms_per_page']:>8.2f} {x['peak_rss_mb']:>7.0f}  {x['load']}")
    if "incremental" in r:
        i = r["incremental"]
        print(f"incremental: {i['new_pages']:,} new pages on {i['stored_pages']:,}: {i['wall_seconds']:.1f}s wall, "
              f"{i['beyond_startup_seconds']:.1f}s beyond the fixed start-up")


if __name__ == "__main__":
    sys.exit(main())
