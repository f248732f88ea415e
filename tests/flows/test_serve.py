"""The scheduled deployment against a real Prefect server: `kcna-etl serve` in a subprocess, and
`prefect.yaml` deployed to a process work pool with a real worker. Runs are triggered through the API
and the warehouse is read back with DuckDB. Every process started here is stopped (SIGTERM, then SIGKILL
after a timeout), whatever the outcome."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator


from kcna_etl.cli.main import parser
from kcna_etl.quality.report import MAX_ERROR_SHARE
from tests.conftest import ROOT, SAMPLES, duck_table, prefect_client
from tests.flows.test_pipeline import assert_added_exactly, assert_same_tables, changed_copy, snapshot
from kcna_etl.transforms.decode import MAX_TEXT_BYTES

STARTUP = 120  # seconds for a serving process or a worker to register
RUN = 300  # seconds for a triggered run to finish


def test_serve_defaults_to_hourly_and_skips_a_run_that_finds_the_warehouse_locked():
    serve = parser().parse_args(["serve"])
    assert (serve.cron, serve.timezone, serve.if_locked) == ("0 * * * *", "UTC", "skip")
    assert parser().parse_args(["run"]).if_locked == parser().parse_args(["backfill", "--stale"]).if_locked == "wait"


@contextlib.contextmanager
def process(cmd: list[str], env: dict, log: Path, cwd: Path = ROOT) -> Iterator[subprocess.Popen]:
    """A long-running process in its own session; on the way out SIGTERM to the group, SIGKILL if it hangs."""
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield proc
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            with contextlib.suppress(ProcessLookupError):  # the group: flow-run children and pool workers too
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def eventually(probe: Callable, timeout: float, proc: subprocess.Popen, log: Path):
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            if (value := probe()) is not None:
                return value
        assert proc.poll() is None, f"exited {proc.returncode}:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"timed out:\n{log.read_text()}"
        time.sleep(0.5)


def trigger(prefect_server: dict, deployment: str, wait: bool = True):
    """A flow run of the deployment created through the API; with `wait`, its final state."""
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: prefect_server["PREFECT_API_URL"]}):
        run = run_deployment(deployment, timeout=RUN if wait else 0, poll_interval=1)
    if wait:
        assert run.state.is_final(), f"{deployment} still {run.state.name} after {RUN}s"
    return run


def final_states(prefect_server: dict, runs: list, log: Path) -> list:
    deadline = time.monotonic() + RUN
    with prefect_client(prefect_server) as c:
        while True:
            states = [c.read_flow_run(r.id).state for r in runs]
            if all(s.is_final() for s in states):
                return states
            assert time.monotonic() < deadline, f"{[s.name for s in states]}:\n{log.read_text()}"
            time.sleep(1)


def environment(prefect_server: dict, **extra: str) -> dict:
    return dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
                PREFECT_RUNNER_POLL_FREQUENCY="1", PREFECT_WORKER_QUERY_SECONDS="1", **prefect_server, **extra)


def three_samples(folder: Path) -> Path:
    folder.mkdir()
    for p in sorted(SAMPLES.glob("*.txt"))[:3]:
        shutil.copy(p, folder / p.name)
    return folder


def test_served_deployment_runs_when_triggered_and_a_new_page_adds_exactly_its_rows(
        flow_cli, prefect_server, tmp_path):
    inp, wh, log = three_samples(tmp_path / "in"), tmp_path / "wh", tmp_path / "serve.log"
    reference = tmp_path / "reference"
    flow_cli("run", "--input", str(inp), "--warehouse", str(reference))
    name = f"served-{os.getpid()}"
    # a schedule that will not fire while the test runs: runs come from the API only
    cmd = [sys.executable, "-m", "kcna_etl.cli", "serve", "--input", str(inp), "--warehouse", str(wh),
           "--cron", "30 4 1 1 *", "--timezone", "Asia/Pyongyang", "--name", name]
    with process(cmd, environment(prefect_server), log) as proc, prefect_client(prefect_server) as c:
        deployment = eventually(lambda: c.read_deployment_by_name(f"kcna-etl/{name}"), STARTUP, proc, log)
        [schedule] = deployment.schedules
        assert (schedule.schedule.cron, schedule.schedule.timezone, schedule.active) == \
            ("30 4 1 1 *", "Asia/Pyongyang", True)
        assert deployment.global_concurrency_limit.limit == 1
        assert deployment.concurrency_options.collision_strategy == "CANCEL_NEW"
        assert deployment.parameters == {"input": str(inp), "warehouse": str(wh), "batch_size": 1000,
                                         "lock_timeout": 3600.0, "if_locked": "skip", "show_progress": False,
                                         "max_page_bytes": MAX_TEXT_BYTES, "max_error_share": MAX_ERROR_SHARE}

        first = trigger(prefect_server, f"kcna-etl/{name}")
        assert first.state.is_completed(), log.read_text()
        assert_same_tables(snapshot(reference), snapshot(wh))

        changed_copy(SAMPLES / "000_e310ae4d5a904c70.txt", inp / "new page.txt", "anew")
        before = snapshot(wh)
        second = trigger(prefect_server, f"kcna-etl/{name}")
        assert second.state.is_completed(), log.read_text()
        after = snapshot(wh)
        assert_added_exactly(before, after, "new page.txt")

        # two runs at once: the second is cancelled by the deployment's limit, or skipped by the
        # warehouse lock, or runs after the first and finds nothing new; the page lands once
        changed_copy(SAMPLES / "000_e310ae4d5a904c70.txt", inp / "newer page.txt", "once more")
        runs = [trigger(prefect_server, f"kcna-etl/{name}", wait=False) for _ in range(2)]
        states = final_states(prefect_server, runs, log)
        assert {s.name for s in states} <= {"Completed", "Cancelled", "Skipped"}, [s.message for s in states]
        assert "Completed" in {s.name for s in states}
        articles = duck_table(wh, "articles")
        assert len(articles) == len(after["articles"]) + 1
        assert (articles["raw_path"] == "newer page.txt").sum() == 1
        manifest = duck_table(wh, "_manifest")
        assert manifest["raw_sha256"].is_unique and len(manifest) == 5

    assert proc.returncode is not None
    with prefect_client(prefect_server) as c:
        # a stopped server pauses its deployment's schedule: no runs pile up for a process that is gone
        assert c.read_deployment_by_name(f"kcna-etl/{name}").paused


def test_prefect_yaml_deploys_the_schedule_to_a_process_work_pool(flow_cli, prefect_server, tmp_path):
    inp, wh, log = three_samples(tmp_path / "in"), tmp_path / "wh", tmp_path / "worker.log"
    env = environment(prefect_server, KCNA_ETL_INPUT=str(inp), KCNA_ETL_WAREHOUSE=str(wh))
    prefect = [sys.executable, "-m", "prefect"]

    def run(*args: str) -> None:
        p = subprocess.run([*prefect, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stdout + p.stderr
    run("work-pool", "create", "kcna-etl", "--type", "process", "--overwrite")
    run("deploy", "--all", "--no-prompt")
    with prefect_client(prefect_server) as c:
        deployment = c.read_deployment_by_name("kcna-etl/scheduled")
    [schedule] = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 * * * *", "UTC")
    assert deployment.work_pool_name == "kcna-etl"
    assert deployment.concurrency_options.collision_strategy == "CANCEL_NEW"
    assert deployment.parameters == {"input": str(inp), "warehouse": str(wh), "show_progress": False,
                                     "if_locked": "skip"}

    # the worker runs from elsewhere: it imports the installed package, nothing is pulled
    with process([*prefect, "worker", "start", "--pool", "kcna-etl"], env, log, cwd=tmp_path) as proc:
        run_ = trigger(prefect_server, "kcna-etl/scheduled")
        assert run_.state.is_completed(), log.read_text()
    assert proc.returncode is not None
    reference = tmp_path / "reference"
    flow_cli("run", "--input", str(inp), "--warehouse", str(reference))
    assert_same_tables(snapshot(reference), snapshot(wh))
