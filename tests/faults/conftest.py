"""The scenario the fault tests break: a warehouse holding a first run (`before`), and a second run
over a larger input (new pages, duplicates, bad pages) whose complete, uninterrupted result is `after`.
The reference second run is traced: the file-system events of its commit, numbered, are the kill points."""
from __future__ import annotations

import fcntl
import gzip
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tests.faults.common import copy_warehouse, good_page, last_summary, state

FIRST_PAGES = 12
SECOND_PAGES = 40
BATCH = "10"
ONE_BATCH = "1000"  # more than either input's pages: the run parses and validates in the CLI's own process
# The broken runs parse their batches in one worker process, not one per core: what they break is the flow's
# process (its commit) or the staging, which one worker does as two would, and each spawned worker costs ~3 s of
# CPU (starting Python, importing Prefect) on a machine the suite keeps busy. The tests of staging by parallel
# workers (test_kill's staged batches) keep the default pool.
WORKERS = "1"


@dataclass(frozen=True)
class Scenario:
    first_input: Path
    second_input: Path
    before_wh: Path             # the warehouse after the first run: copy it, never change it
    before: dict[str, pd.DataFrame]
    after: dict[str, pd.DataFrame]
    events: list[dict]          # the traced events of the reference second run, numbered from 1
    summary: dict               # the reference second run's summary

    def second_run(self, wh: Path, workers: str | None = WORKERS) -> list[str]:
        """The second run in batches, on `workers` batch workers (None: the default, one per core)."""
        pool = ["--workers", workers] if workers else []
        return ["run", "--input", str(self.second_input), "--warehouse", str(wh), "--batch-size", BATCH, *pool]

    def rerun(self, wh: Path) -> list[str]:
        """The second run again, to complete a broken one: in one batch, parsed and validated in the CLI's own
        process (no worker process to start), which must give the rows of the batched reference run. The tests
        run it in their own process (`flow_cli`): what they test is the state it leaves, not the process."""
        return ["run", "--input", str(self.second_input), "--warehouse", str(wh), "--batch-size", ONE_BATCH]


def write_inputs(first: Path, second: Path) -> None:
    for folder in (first, second):
        folder.mkdir()
    for n in range(FIRST_PAGES):
        text = good_page(n)
        (first / f"p{n:03d}.txt").write_text(text, encoding="utf-8")
        (second / f"p{n:03d}.txt").write_text(text, encoding="utf-8")  # already processed in the second run
    (first / "empty.txt").write_bytes(b"")
    for n in range(FIRST_PAGES, FIRST_PAGES + SECOND_PAGES):
        (second / f"p{n:03d}.txt").write_text(good_page(n), encoding="utf-8")
    (second / "p000 copy.txt.gz").write_bytes(gzip.compress(good_page(0).encode(), mtime=0))  # known article
    (second / "p012 again.txt").write_text(good_page(FIRST_PAGES), encoding="utf-8")         # same bytes as p012
    (second / "binary.txt").write_bytes(b"\x00\x01\x02" * 10)
    (second / "only-sidebar.txt").write_text(good_page(999)[good_page(999).index("More From"):], encoding="utf-8")


def build(base: Path, kcna_etl, flow_cli) -> None:
    """The inputs, the first run's warehouse, and the traced reference second run, in `base`; `summary.json` last."""
    shutil.rmtree(base, ignore_errors=True)  # what a build that failed half-way left
    base.mkdir()
    first, second, before_wh = base / "first", base / "second", base / "before"
    write_inputs(first, second)
    flow_cli("run", "--input", str(first), "--warehouse", str(before_wh), "--batch-size", ONE_BATCH)
    ref = copy_warehouse(before_wh, base / "reference")
    p = kcna_etl("run", "--input", str(second), "--warehouse", str(ref), "--batch-size", BATCH, "--workers", WORKERS,
                 inject=["--root", str(ref), "--trace", str(base / "trace.jsonl")])
    (base / "summary.json").write_text(json.dumps(last_summary(ref, p.stdout)))


@pytest.fixture(scope="session")
def scenario(request, tmp_path_factory) -> Scenario:
    """Built once for the session, by the first xdist worker that needs it (under a file lock in the base temp
    folder the workers share); the others wait for it and read it: two CLI runs fewer for each of them.
    Read-only for every test (they copy its warehouses)."""
    own = tmp_path_factory.getbasetemp()
    shared = own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own
    base = shared / "fault-scenario"
    with open(shared / "fault-scenario.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (base / "summary.json").exists():
            build(base, request.getfixturevalue("kcna_etl"), request.getfixturevalue("flow_cli"))
    ref = base / "reference"
    events = [json.loads(line) for line in (base / "trace.jsonl").read_text().splitlines()]
    return Scenario(base / "first", base / "second", base / "before", state(base / "before"), state(ref), events,
                    json.loads((base / "summary.json").read_text()))
