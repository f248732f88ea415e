"""CPU seconds of the run's own stages after the batches (the flow process's serial work), in one process.

    python bench/run_parts.py <corpus folder> [--keep-staged DIR | --staged DIR]

Stages the corpus as the batches would (`ingest` + `stage`, 1,000 pages a batch; not timed: bench/parts.py
times that), then times what the flow does once every batch is done: the plan (duplicates resolved),
validation by units, storing the results, building the Data Docs in a process of their own (only
when an expectation failed, as a run does), the commit (with its parts: stories, appearances, partitioned
writes, entities, the fsync of the snapshot) and the quality report. Runs against whichever `kcna_etl` the
interpreter imports (a main checkout's, to compare). Recorded in docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from kcna_etl.quality import report as quality
from kcna_etl.quality import validation
from kcna_etl.storage import commit as committing
from kcna_etl.storage import store as storing
from kcna_etl.storage.pages import list_pages
from kcna_etl.storage.staging import ingest, stage
from kcna_etl.storage.store import Warehouse
from kcna_etl.transforms.decode import MAX_TEXT_BYTES

clock = time.process_time


def children() -> float:
    """CPU of the child processes waited for (the Data Docs' process)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime

COMMIT_PARTS = {"stories": (committing, "assign_stories"), "appearances": (committing.Derived, "appearances"),
                "partition writes (appearances' included)": (committing, "write_pass"),
                "entities": (committing, "write_entities"), "entity aggregates": (committing, "part"),
                "fsync": (storing, "sync_tree")}


def timing(owner, name: str, label: str, cost: dict[str, float]) -> None:
    fn = getattr(owner, name)

    @functools.wraps(fn)
    def timed(*args, **kwargs):
        t = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            cost[label] = cost.get(label, 0.0) + clock() - t
    setattr(owner, name, timed)


def stage_all(corpus: str, into: Path) -> int:
    paths = list_pages(corpus)
    into.mkdir(parents=True)
    for n, i in enumerate(range(0, len(paths), 1000)):
        stage(ingest(corpus, paths[i:i + 1000], None, MAX_TEXT_BYTES), str(into), n)
    return len(paths)


def main(corpus: str, staged: Path | None, keep: Path | None) -> dict:
    work = Path(tempfile.mkdtemp())
    try:
        if staged is None:
            staged = keep or work / "staged"
            pages = stage_all(corpus, staged)
        else:
            pages = len(list_pages(corpus))
        store = Warehouse(str(work / "wh")).open()
        run_id = "20261207T000000Z-bench"
        staging = store.staging(run_id)
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(staged, staging)
        quality_root = str(work / "wh" / "_quality")
        today = dt.date(2026, 12, 8)
        commit_parts: dict[str, float] = {}
        for label, (owner, name) in COMMIT_PARTS.items():
            timing(owner, name, label, commit_parts)
        parts: dict[str, float] = {}
        t = clock()
        plan = committing.plan(store, staging)
        parts["plan"] = clock() - t
        t = clock()
        validation.write_winners(staging, plan.winners)
        checked = validation.validate_staged(staging, today)
        parts["validation (units)"] = clock() - t
        t = clock()
        validation.store_results(quality_root, run_id, today, checked)
        parts["results stored"] = clock() - t
        docs = None
        if not all(c.success for c in checked.checks):  # as a run does: in a process of its own
            t = clock() + children()
            docs = validation.docs_apart(quality_root, run_id)
            parts["Data Docs (their process: Great Expectations imported, the site built)"] = clock() + children() - t
        t = clock()
        outcome = committing.commit(store, run_id, staging, plan, committing.quarantine_of(checked.checks, staging))
        parts["commit"] = clock() - t
        t = clock()
        quality.report_run(store.root, run_id, today, checked, docs, {"pages": outcome.quarantined}, 0.05,
                           committing.ROW_TABLES, health=quality.run_health(store, run_id))
        parts["quality report"] = clock() - t
        return {"pages": pages, "load": os.getloadavg(), "cpu_seconds": {k: round(v, 3) for k, v in parts.items()},
                "commit_cpu_seconds": {k: round(v, 3) for k, v in commit_parts.items()}, "rows": outcome.rows}
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--staged", type=Path, help="a folder staged before (--keep-staged): not staged again")
    ap.add_argument("--keep-staged", type=Path, help="stage into this folder and keep it")
    a = ap.parse_args()
    print(json.dumps(main(a.corpus, a.staged, a.keep_staged), indent=1))
