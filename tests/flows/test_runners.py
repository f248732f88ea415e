"""Where a run's fixed costs are decided: the settings a CLI run gives its flow; which runs start workers."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

HEARTBEAT = """
from prefect.settings import get_current_settings
from kcna_etl.flows.runners import cli_flow_settings
with cli_flow_settings():
    print(get_current_settings().flows.heartbeat_frequency)
print(get_current_settings().flows.heartbeat_frequency)
"""


@pytest.mark.parametrize("set_by_operator, inside", [(None, "None"), ("60", "60")])
def test_a_cli_run_sends_no_heartbeats_unless_the_operator_sets_their_frequency(set_by_operator, inside):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_FLOWS_HEARTBEAT_FREQUENCY"}
    if set_by_operator:
        env["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] = set_by_operator
    out = subprocess.run([sys.executable, "-c", HEARTBEAT], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == [inside, set_by_operator or "180"]  # outside the CLI's run: Prefect's own setting, untouched


def worker_processes_of(args: list[str], prefect_server: dict) -> tuple[subprocess.CompletedProcess, dict[int, set[str]]]:
    """A CLI run, and the worker processes (multiprocessing's spawned children) seen in its tree, every 20 ms,
    with the `WORKER_LIBRARIES` each was seen to load."""
    import psutil

    from tests.conftest import cli_command, cli_env
    proc = subprocess.Popen(cli_command(args), env=cli_env(prefect_server), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    workers: dict[int, set[str]] = {}
    while proc.poll() is None:
        try:
            for child in psutil.Process(proc.pid).children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    line = " ".join(child.cmdline())
                    if "multiprocessing.spawn" in line and "resource_tracker" not in line:
                        workers.setdefault(child.pid, set()).update(loaded(child, WORKER_LIBRARIES))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.02)
    out, err = proc.communicate()
    return subprocess.CompletedProcess(args, proc.returncode, out, err), workers


# compiled libraries: pyarrow's, and pydantic's, which any process that imports Prefect loads
WORKER_LIBRARIES = ("pyarrow", "pydantic_core")


def validated_run(prefect_server: dict, pages: Path, wh: Path, *options: str) -> dict[int, set[str]]:
    """A run that validated its two pages (every expectation passed: results stored, no Data Docs built);
    its worker processes."""
    from tests.faults.common import last_summary
    p, workers = worker_processes_of(["run", "--input", str(pages), "--warehouse", str(wh), *options], prefect_server)
    assert p.returncode == 0, p.stderr
    summary = last_summary(wh, p.stdout)
    assert summary["new_articles"] == 2 and summary["quality"]["status"] == "passed", summary
    assert "validate" in summary["stage_seconds"] and not (wh / "_quality" / "index.html").exists()
    assert len(list((wh / "_quality" / "results").glob(f"*/{summary['run_id']}/*/staged.json"))) == 3
    return workers


def test_a_run_of_one_batch_parses_in_its_own_process_and_a_larger_run_in_workers(prefect_server, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for page in sorted((ROOT / "samples" / "pages").glob("*.txt"))[:2]:
        shutil.copy(page, pages / page.name)
    assert validated_run(prefect_server, pages, tmp_path / "one") == {}
    # the same pages in two batches: the batches in worker processes, which the sampler sees (validation stays
    # in the flow's process); they parse with pyarrow and never import Prefect (nor pydantic under it)
    workers = validated_run(prefect_server, pages, tmp_path / "two", "--batch-size", "1")
    assert any("pyarrow" in libraries for libraries in workers.values()), workers
    assert not any("pydantic_core" in libraries for libraries in workers.values()), workers


def loaded(p, libraries: tuple[str, ...]) -> set[str]:
    """Which of `libraries` (folder names of installed packages with compiled modules) process `p` has mapped."""
    with contextlib.suppress(Exception):
        return {lib for m in p.memory_maps() for lib in libraries if f"/site-packages/{lib}/" in m.path}
    return set()


def test_a_run_with_no_server_configured_starts_one_temporary_server_records_the_run_and_stops_it(tmp_path):
    """No `PREFECT_API_URL`: the flow's process starts Prefect's temporary server itself (without importing
    Prefect's server: no SQLAlchemy in it), its batch workers use that one, the supervisor imports neither
    pyarrow nor numpy, and the run's flow run, task runs and artifacts are in the server's database
    (under PREFECT_HOME) once it is gone."""
    import sqlite3

    import psutil

    from tests.conftest import cli_command
    wh, home = tmp_path / "wh", tmp_path / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    proc = subprocess.Popen(cli_command(["run", "--input", str(ROOT / "samples" / "pages"), "--warehouse", str(wh),
                                         "--batch-size", "2", "--workers", "2"]),
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    supervisor = psutil.Process(proc.pid)
    servers, flows, supervisor_libs, flow_libs = {}, set(), set(), set()
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            supervisor_libs |= loaded(supervisor, ("pyarrow", "numpy"))
            for p in supervisor.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    line = " ".join(p.cmdline())
                    if "prefect.server.api.server:create_app" in line:
                        servers[p.pid] = (p, p.ppid())
                    elif "kcna_etl.cli.main" in line and p.ppid() == proc.pid:
                        # the supervisor's child; a process the flow forks shows the flow's command line until
                        # it execs (seen once under load: two "flows")
                        flows.add(p.pid)
                        flow_libs |= loaded(p, ("sqlalchemy", "greenlet", "pyarrow"))
        time.sleep(0.05)
    out, err = proc.communicate()
    assert proc.returncode == 0, err[-3000:]
    assert "new 5" in out

    assert len(flows) == 1 and [parent for _, parent in servers.values()] == list(flows)  # one, the flow's
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p, _ in servers.values())
    assert supervisor_libs == set()
    assert flow_libs == {"pyarrow"}  # the sampler saw the flow's process loaded, without Prefect's server
    with sqlite3.connect(home / "prefect.db") as db:
        [(run_id, state)] = db.execute("SELECT id, state_type FROM flow_run").fetchall()
        tasks = db.execute("SELECT name, state_type FROM task_run WHERE flow_run_id = ?", (run_id,)).fetchall()
        artifacts = {k for (k,) in db.execute("SELECT key FROM artifact WHERE flow_run_id = ?", (run_id,))}
    assert state == "COMPLETED"
    assert sorted(n.split("-")[0] for n, _ in tasks) == ["batch"] * 3 + ["quality", "resolve", "validate", "write"]
    assert {s for _, s in tasks} == {"COMPLETED"}
    assert artifacts == {"kcna-etl-quality", "kcna-etl-run-summary", "kcna-etl-stage-seconds"}


def test_arrow_buffers_use_the_system_allocator_in_the_process_and_those_it_starts_unless_the_operator_chose_a_pool():
    """`arrow_memory`, as a run calls it first: the C library's allocator for Arrow in this process and in a process
    started after it (a batch worker inherits the environment), so that `release_memory` gives what a stage freed
    back; a pool the operator named is kept."""
    code = ("import os, subprocess, sys, pyarrow as pa; from kcna_etl.storage.memory import arrow_memory; "
            "arrow_memory(); child = subprocess.run([sys.executable, '-c', 'import pyarrow as pa; "
            "print(pa.default_memory_pool().backend_name)'], capture_output=True, text=True).stdout.strip(); "
            "print(pa.default_memory_pool().backend_name, child)")
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    chosen = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert chosen.stdout.split() == ["system", "system"], chosen.stderr
    kept = subprocess.run([sys.executable, "-c", code], env=dict(env, ARROW_DEFAULT_MEMORY_POOL="jemalloc"),
                          capture_output=True, text=True, check=True)
    assert kept.stdout.split() == ["jemalloc", "jemalloc"], kept.stderr


def test_a_process_started_with_pool_environment_has_arrow_s_pool_from_its_start():
    """What the supervisor adds to the flow process's environment (`pool_environment`): `set_memory_pool`
    after pyarrow's start leaves the C++ code's own default allocator as it was; an operator's choice is kept."""
    from kcna_etl.storage.memory import POOL, pool_environment

    assert pool_environment({}) == {POOL: "system"} and pool_environment({POOL: "mimalloc"}) == {}
    env = {k: v for k, v in os.environ.items() if k != POOL}
    started = subprocess.run([sys.executable, "-c", "import pyarrow as pa; print(pa.default_memory_pool().backend_name)"],
                             env={**env, **pool_environment(env)}, capture_output=True, text=True, check=True)
    assert started.stdout.strip() == "system", started.stderr


def test_the_process_runner_makes_its_worker_pool_only_for_the_copy_that_runs_the_batches():
    """The flow's own `process` runner hands no batch to workers: it makes no pool; the copy `worker_pool` enters
    for the batches makes one when asked, and shuts it down as it leaves."""
    from kcna_etl.flows.runners import ProcessTaskRunner
    with ProcessTaskRunner(max_workers=1) as runner:
        with runner.duplicate() as batches:
            pool = batches.pool
            assert batches.pool is pool and not pool._shutdown_thread
        assert pool._shutdown_thread and "pool" not in vars(batches)
        assert "pool" not in vars(runner)
