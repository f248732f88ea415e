"""A run killed with SIGKILL in the middle of writing leaves the tables as they were; the next run
completes the work, and the tables then equal those of a run that was never interrupted."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES, labelled_pages
from tests.flows.test_pipeline import assert_same_tables, snapshot

VARIANTS = 400


def many_pages(folder: Path, n: int) -> Path:
    """n distinct text pages: the labelled text pages with one body word changed each time."""
    texts = [p.read_text(encoding="utf-8") for p, _ in labelled_pages() if p.suffix == ".txt"]
    folder.mkdir(parents=True)
    for i in range(n):
        text = texts[i % len(texts)]
        (folder / f"v{i:04d}.txt").write_text(text.replace(" the ", f" the{i} ", 1), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    base = tmp_path_factory.mktemp("kill")
    return SAMPLES, many_pages(base / "many", VARIANTS)


@pytest.fixture(scope="module")
def uninterrupted(kcna_etl, inputs, tmp_path_factory):
    first, second = inputs
    wh = tmp_path_factory.mktemp("reference") / "wh"
    kcna_etl("run", "--input", str(first), "--warehouse", str(wh))
    kcna_etl("run", "--input", str(second), "--warehouse", str(wh), "--batch-size", "100")
    return snapshot(wh)


def staging_has_a_batch(wh: Path) -> bool:
    return any((wh / ".staging").glob("*/articles/*.parquet"))


def snapshot_being_built(wh: Path) -> bool:
    return any((wh / ".snapshots").glob("*.tmp"))


@pytest.mark.parametrize("kill_when", [staging_has_a_batch, snapshot_being_built])
def test_sigkill_mid_write_then_rerun(kcna_etl, prefect_server, inputs, uninterrupted, tmp_path, kill_when):
    first, second = inputs
    wh = tmp_path / "wh"
    kcna_etl("run", "--input", str(first), "--warehouse", str(wh))
    before = snapshot(wh)

    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", **prefect_server)
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--input", str(second), "--warehouse", str(wh),
                             "--batch-size", "100"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    try:
        while not kill_when(wh):
            assert proc.poll() is None, "the run ended before the kill point: make the input larger"
            assert time.monotonic() < deadline
            time.sleep(0.001)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    # a reader now sees exactly the warehouse before the killed run
    assert_same_tables(before, snapshot(wh))
    # the next run sweeps the leftovers and completes the work
    kcna_etl("run", "--input", str(second), "--warehouse", str(wh), "--batch-size", "100")
    assert_same_tables(uninterrupted, snapshot(wh))
    assert not (wh / ".staging").exists() or not any((wh / ".staging").iterdir())
    assert not list((wh / ".snapshots").glob("*.tmp"))
