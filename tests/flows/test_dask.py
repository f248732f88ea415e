"""`--runner dask`: the real CLI on a real Dask cluster, tables equal row for row to a process-runner run.

A cluster of two worker processes (`distributed.LocalCluster`) is started in a
process of its own, once for the module, and reached by `--dask-address`, as an
existing cluster would be; another run starts its own local cluster. The workers' own counts of
executed tasks show that the batches ran there.
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pyarrow.dataset as ds
import pytest

from tests.conftest import labelled_pages
from tests.faults.common import assert_same_state, finish, state
from tests.flows.test_pipeline import labelled_input  # noqa: F401  (a fixture: the labelled pages in a folder)

BATCH = "5"  # pages per batch: several batches for two workers

CLUSTER = """
import sys, time
from distributed import LocalCluster
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
    cluster.wait_for_workers(2, timeout=90)
    print(cluster.scheduler_address, flush=True)
    while sys.stdin.read(1):  # until the test closes our stdin (or dies)
        pass
"""


@contextlib.contextmanager
def cluster(env: dict | None = None) -> Iterator[str]:
    """A two-worker Dask cluster on loopback, its workers in `env`; its scheduler address.
    Started within 120 s, always stopped."""
    proc = subprocess.Popen([sys.executable, "-c", CLUSTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True,
                            env=dict(os.environ, **(env or {}), DASK_LOGGING__DISTRIBUTED="error"))
    try:
        deadline = time.monotonic() + 120
        os.set_blocking(proc.stdout.fileno(), False)
        address = ""
        while not address.endswith("\n"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Dask cluster did not start")
            address += proc.stdout.readline() or ""
            time.sleep(0.2)
        yield address.strip()
    finally:
        proc.stdin.close()  # the cluster closes its workers and exits
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def workers_elsewhere(tmp_path_factory) -> dict[str, Path]:
    """The cluster workers' own cache and temporary folders, as on another machine than the flow's."""
    base = tmp_path_factory.mktemp("dask-workers")
    (base / "tmp").mkdir()
    return {"KCNA_ETL_CACHE": base / "cache", "TMPDIR": base / "tmp"}


@pytest.fixture(scope="module")
def dask_cluster(s3_server, workers_elsewhere) -> Iterator[str]:
    """One cluster for the module's runs on an existing cluster (each cluster start costs its three processes'
    imports): its workers reach the S3 server with their own AWS variables and have their own folders."""
    with cluster(dict(s3_server, **{k: str(v) for k, v in workers_elsewhere.items()})) as address:
        yield address


def executed(address: str) -> dict[str, int]:
    """Tasks each worker of the cluster has run so far."""
    from distributed import Client

    with Client(address, timeout=30) as client:
        return client.run(lambda dask_worker: dask_worker.state.executed_count)


def tables(warehouse: Path) -> dict:
    """Every table as DuckDB reads it (`state`, manifest run ids left out), and the entities through the read path."""
    out = state(warehouse)
    out["entities"] = ds.dataset(warehouse / "entities", format="parquet").to_table().sort_by("entity_id")
    return out


def assert_same_tables(a: dict, b: dict) -> None:
    assert len(a["articles"]) > 0 and len(a["entities"]) > 0
    assert_same_state(a, b)
    assert a["entities"].equals(b["entities"])


@pytest.fixture(scope="module")
def process_run(flow_cli, labelled_input, tmp_path_factory) -> dict:
    """The same pages with the default runner: what every Dask run must equal."""
    wh = tmp_path_factory.mktemp("process") / "warehouse"
    flow_cli("run", "--input", str(labelled_input), "--warehouse", str(wh), "--batch-size", BATCH)
    return tables(wh)


def test_existing_cluster_runs_the_batches_and_gives_the_same_tables(kcna_etl, dask_cluster, labelled_input,
                                                                     process_run,
                                                                     tmp_path):
    before = executed(dask_cluster)
    wh = tmp_path / "warehouse"
    p = kcna_etl("run", "--input", str(labelled_input), "--warehouse", str(wh), "--runner", "dask",
                 "--dask-address", dask_cluster, "--batch-size", BATCH)
    n = len(labelled_pages())
    assert f"pages seen {n}: new {n}, duplicates 0, already processed 0, rejected 0, quarantined 0" in p.stdout
    assert_same_tables(tables(wh), process_run)
    after = executed(dask_cluster)
    ran = {w: after[w] - before.get(w, 0) for w in after}
    batches = -(-n // int(BATCH))
    # every batch ran on the cluster's workers, on both of them (validation runs in the flow's process)
    assert sum(ran.values()) >= batches, ran
    assert len(ran) == 2 and all(ran.values()), ran
    assert "distributed." not in p.stderr  # Dask's logs stay quiet without --verbose


def test_a_second_run_on_the_cluster_finds_every_page_processed(flow_cli, dask_cluster, labelled_input,
                                                                tmp_path):
    wh = tmp_path / "warehouse"
    flow_cli("run", "--input", str(labelled_input), "--warehouse", str(wh), "--runner", "dask", "--dask-address",
             dask_cluster, "--batch-size", BATCH)
    first = tables(wh)
    p = flow_cli("run", "--input", str(labelled_input), "--warehouse", str(wh), "--runner", "dask", "--dask-address",
                 dask_cluster, "--batch-size", BATCH)
    n = len(labelled_pages())
    assert f"pages seen {n}: new 0, duplicates 0, already processed {n}" in p.stdout
    assert_same_tables(tables(wh), first)


def test_local_cluster_without_an_address_gives_the_same_tables(kcna_etl, labelled_input, process_run, tmp_path):
    wh = tmp_path / "warehouse"
    p = kcna_etl("run", "--input", str(labelled_input), "--warehouse", str(wh), "--runner", "dask", "--workers", "2",
                 "--batch-size", BATCH)
    assert_same_tables(tables(wh), process_run)
    assert "distributed." not in p.stderr


def test_dask_address_without_the_dask_runner_is_a_usage_error(kcna_etl, labelled_input, tmp_path):
    p = kcna_etl("run", "--input", str(labelled_input), "--warehouse", str(tmp_path / "wh"), "--dask-address",
                 "tcp://127.0.0.1:1", check=False, timeout=60)
    assert p.returncode == 2
    assert p.stderr.strip() == "kcna-etl run: --dask-address needs --runner dask"
    assert not (tmp_path / "wh").exists()


def test_a_served_run_takes_the_dask_runner_from_the_environment(monkeypatch):
    """`kcna-etl serve --runner dask --dask-address A` leaves its choice in the environment that each served
    flow run (a child process) builds its task runner from; without an address, a local cluster."""
    from prefect_dask import DaskTaskRunner

    from kcna_etl.flows import serve
    from kcna_etl.flows.runners import default_task_runner

    for name in ("KCNA_ETL_RUNNER", "KCNA_ETL_WORKERS", "KCNA_ETL_DASK_ADDRESS"):
        monkeypatch.setenv(name, "")  # restored (removed) after the test: use_runner sets them
    serve.use_runner("dask", 3, "tcp://10.0.0.7:8786")
    runner = default_task_runner()
    assert isinstance(runner, DaskTaskRunner) and runner.address == "tcp://10.0.0.7:8786"
    monkeypatch.delenv("KCNA_ETL_DASK_ADDRESS")
    runner = default_task_runner()
    assert runner.address is None and runner.cluster_kwargs["n_workers"] == 3


def test_a_worker_that_cannot_see_the_staging_folder_refuses_the_batch(labelled_input, tmp_path):
    """A Dask worker on another machine than the flow, with the warehouse on the flow's local disk, must
    fail the batch rather than write its rows to a disk of its own (where the commit would never see them)."""
    from kcna_etl.flows.pipeline import process_batch
    from kcna_etl.flows.runners import Unreachable

    elsewhere = tmp_path / "flow-host" / ".staging" / "run"
    with pytest.raises(Unreachable, match="cannot see .*flow-host"):
        process_batch.fn(str(labelled_input), sorted(p.name for p in labelled_input.iterdir())[:3], None, None,
                         str(elsewhere), 0, 1 << 20)
    assert not (tmp_path / "flow-host").exists()


def test_s3_input_to_s3_warehouse_on_a_two_worker_cluster_equals_a_local_run(prefect_server, s3_server, dask_cluster,
                                                                             workers_elsewhere, labelled_input,
                                                                             process_run, tmp_path):
    """The workers read their pages from the bucket themselves and stage their rows there (their own AWS
    variables, cache and temporary folder, as on another machine); the tables read through the
    documented read path equal a local process-runner run's."""
    from kcna_etl.storage.store import Warehouse
    from tests.faults.s3 import aws, new_bucket, s3_state, start_s3, upload

    bucket = new_bucket(s3_server, "dask")
    upload(s3_server, labelled_input, f"s3://{bucket}/pages")
    wh = f"s3://{bucket}/warehouse"
    before = executed(dask_cluster)
    proc = start_s3(prefect_server, s3_server, ["run", "--input", f"s3://{bucket}/pages", "--warehouse", wh,
                                                "--runner", "dask", "--dask-address", dask_cluster,
                                                "--batch-size", BATCH], tmp_path / "cache")
    out, err = finish(proc, timeout=600)
    assert proc.returncode == 0, err
    after = executed(dask_cluster)
    # no worker validates: none made a Great Expectations context (in this run or an earlier one of the module)
    assert not list(workers_elsewhere["TMPDIR"].glob("kcna-etl-gx-*"))
    # nothing of the flow machine's (its working copy under tmp_path/cache) was needed, nor a cache of theirs
    assert not workers_elsewhere["KCNA_ETL_CACHE"].exists()
    n = len(labelled_pages())
    assert f"pages seen {n}: new {n}, duplicates 0, already processed 0, rejected 0, quarantined 0" in out
    assert sum(after[w] - before.get(w, 0) for w in after) >= -(-n // int(BATCH))
    with aws(s3_server):
        remote = dict(s3_state(s3_server, wh),
                      entities=Warehouse(wh).table("entities").to_table().sort_by("entity_id"))
    here = dict(process_run)  # the same pages' local process-runner run
    # the manifest's modification times are where each copy of the pages lives (the bucket's upload, the folder's)
    for x in (remote, here):
        x["_manifest"] = x["_manifest"].drop(columns=["raw_mtime_ns"])
    assert_same_tables(remote, here)
