"""CPU of new pages into a stored warehouse against the same pages into an empty one (issue 14's target:
1,000 new pages on a 20,000-page warehouse at most 1.5x the CPU of the same pages into an empty one).

    python bench/commit_growth.py <new pages> <warehouse> [rounds]
    # e.g. kcna-etl synth --pages 20000 --seed 2026 --out W20 (then a run into <warehouse>),
    #      kcna-etl synth --pages 1000 --start 20000 --seed 2026 --out NEW

One process, no Prefect, no validation (both cost the same whatever the warehouse holds), as a run does
them: 1,000-page batches read (`ingest`, the manifest's pages skipped) and staged (`stage`), then `plan`
and `commit`. Each round copies the warehouse, so every round commits onto the same state; the rounds
alternate empty and stored. Prints CPU ms per page (`process_time`) of each part, and the load average.
Recorded in docs/benchmarks.md; not a test.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from kcna_etl.storage import commit as committing
from kcna_etl.storage.pages import list_pages
from kcna_etl.storage.staging import ingest, stage
from kcna_etl.storage.store import Warehouse
from kcna_etl.transforms.decode import MAX_TEXT_BYTES


def one_run(corpus: Path, root: Path, batch: int = 1000) -> dict[str, float]:
    """CPU seconds of each part of a run of every page of `corpus` into the warehouse at `root`."""
    store = Warehouse(root).open()
    paths = list_pages(corpus)
    staging = store.staging("growth")
    cost = dict.fromkeys(("ingest", "stage", "commit"), 0.0)
    for n, i in enumerate(range(0, len(paths), batch)):
        t0 = time.process_time()
        b = ingest(str(corpus), paths[i:i + batch], store.manifest(), MAX_TEXT_BYTES)
        t1 = time.process_time()
        stage(b, staging, n)
        t2 = time.process_time()
        cost["ingest"] += t1 - t0
        cost["stage"] += t2 - t1
    t0 = time.process_time()
    with store.locked("growth", 0):
        committing.commit(store, "growth", staging, committing.plan(store, staging), committing.Quarantine())
    cost["commit"] = time.process_time() - t0
    return cost


def main(corpus: Path, warehouse: Path, rounds: int) -> None:
    pages = len(list_pages(corpus))
    for r in range(rounds):
        for kind in ("empty", "stored"):
            work = Path(tempfile.mkdtemp(prefix="growth-"))
            try:
                if kind == "stored":
                    shutil.copytree(warehouse, work / "wh", symlinks=True)
                cost = one_run(corpus, work / "wh")
            finally:
                shutil.rmtree(work, ignore_errors=True)
            ms = {k: round(1000 * v / pages, 3) for k, v in cost.items()}
            ms["total"] = round(sum(ms.values()), 3)
            print(json.dumps({"round": r, "warehouse": kind, "pages": pages, "cpu_ms_per_page": ms,
                              "load": [round(x, 2) for x in os.getloadavg()]}), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 2)
