"""`kcna-etl backfill`: process pages again and replace the rows they made, in one snapshot.

The pages come from the warehouse's manifest: those processed by an older
pipeline version (`stale`), those whose article was published in a date range
(`since`/`until`), or all of them (`full`, which also takes the input's new
pages, as a run would). A chosen page brings the pages of the same article
along (its duplicates, or the page it duplicates), so that which page wins is
decided again among them. The pipeline then reads only the chosen pages from
the raw files, and the commit replaces their rows (`storage/commit.py`). A chosen
page whose raw file is no longer in the input keeps its rows; the run summary
lists it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from prefect import flow
from prefect.states import State

from kcna_etl.storage import location
from kcna_etl.storage.commit import Outcome
from kcna_etl.flows.pipeline import IfLocked, pipeline
from kcna_etl.quality.report import MAX_ERROR_SHARE
from kcna_etl.flows.runners import default_task_runner
from kcna_etl.storage.selection import Selection, chosen
from kcna_etl.storage.staging import Pages
from kcna_etl.storage.store import Warehouse
from kcna_etl.transforms import PIPELINE_VERSION
from kcna_etl.transforms.decode import MAX_TEXT_BYTES


@flow(name="kcna-etl-backfill", log_prints=False, task_runner=default_task_runner())
def kcna_etl_backfill(input: str, warehouse: str = "warehouse", stale: bool = False, since: dt.date | None = None,
                      until: dt.date | None = None, full: bool = False, batch_size: int = 1000,
                      lock_timeout: float = 3600.0, if_locked: IfLocked = "wait",
                      show_progress: bool = True, max_page_bytes: int = MAX_TEXT_BYTES,
                      max_error_share: float = MAX_ERROR_SHARE,
                      quarantined: bool = False) -> dict[str, Any] | State:
    """Process the chosen pages again from the raw files and replace their rows."""
    selection = Selection(stale, since, until, full, quarantined)
    if problem := selection.problem():
        raise ValueError(problem)
    pages: list[pa.Table] = []

    def select(store: Warehouse, staging: str) -> tuple[Pages, Pages]:
        """Under the lock: choose from the current snapshot; ingest keeps only those pages (the choice is
        staged: the workers read it where they read the batches' staging)."""
        pages.append(chosen(store.read("_manifest"), selection, PIPELINE_VERSION))
        if selection.full:
            return None, None
        chosen_at = location.join(staging, "_select")
        fs, folder = location.folder(chosen_at)
        pq.write_table(pages[0].select(["raw_sha256"]), f"{folder}/part.parquet", filesystem=fs)
        return None, chosen_at

    def report(outcome: Outcome) -> dict[str, Any]:
        found = pc.is_in(pages[0]["raw_sha256"], pa.array(sorted(outcome.replaced), pa.string()))
        missing = sorted(pages[0]["raw_path"].filter(pc.invert(found)).to_pylist())
        return {"backfill": {"selection": selection.describe(), "selected": pages[0].num_rows,
                             "reprocessed": pages[0].num_rows - len(missing), "missing": missing}}

    return pipeline(input, warehouse, batch_size, lock_timeout, if_locked, show_progress, max_page_bytes,
                    max_error_share, select, report)
