"""The pipeline's stages as Prefect tasks over a batch of pages.

Each stage maps a transform over the pages of a batch and turns a page's
`PageRejected` (or any error the transform raises on it) into a reject row,
so one bad page never stops the batch. Only `ingest` and `stage` touch the
file system, and only they retry (an I/O error that may pass, with back-off).
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.lexicon import lexicon, rules
from flows.pages import Unreadable, read_page, shown_path
from transforms import PIPELINE_VERSION
from transforms.article import Rows, rows
from transforms.chrome import Cleaned, clean
from transforms.contract import violations
from transforms.decode import page_lines
from transforms.reject import PageRejected
from transforms.schema import ARTICLES, MENTIONS, REJECTS, TEASERS, with_partitions
from transforms.sidebar import Split, split

stage_task = functools.partial(task, persist_result=False, cache_policy=NO_CACHE)


@dataclass
class Page:
    raw_path: str
    raw_sha256: str
    page_format: str
    lines: list[str]
    html_title: str | None = None
    cleaned: Cleaned | None = None
    split: Split | None = None
    rows: Rows | None = None


@dataclass
class Batch:
    """What moves between the stages of one batch: live pages and refused ones."""
    pages: list[Page]
    rejects: list[dict] = field(default_factory=list)
    already_processed: int = 0

    def reject(self, raw_path: str, raw_sha256: str | None, stage: str, reason: str) -> None:
        self.rejects.append({"raw_path": raw_path, "raw_sha256": raw_sha256, "stage": stage,
                             "reason": reason, "pipeline_version": PIPELINE_VERSION})

    def each(self, stage: str, step: Callable[[Page], None]) -> "Batch":
        kept = []
        for page in self.pages:
            try:
                step(page)
                kept.append(page)
            except PageRejected as e:
                self.reject(page.raw_path, page.raw_sha256, e.stage, e.reason)
            except Exception as e:  # a parser bug on one page must not sink the batch
                self.reject(page.raw_path, page.raw_sha256, stage, f"internal error: {type(e).__name__}: {e}")
        self.pages = kept
        return self


@functools.cache
def page_set(location: str | None) -> frozenset[str]:
    """SHA-256 of the pages listed in a snapshot's manifest or a backfill's selection.

    Both are immutable once written, so they are cached by path.
    """
    if not location or not Path(location).exists():
        return frozenset()
    table = ds.dataset(location, format="parquet").to_table(columns=["raw_sha256"])
    return frozenset(table.column("raw_sha256").to_pylist())


def transient(task, task_run, state) -> bool:
    """Retry I/O that may pass (a busy disk, a flaky mount), not a page that is simply bad."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


io_task = functools.partial(stage_task, retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=transient)


@io_task(name="ingest")
def ingest(input_root: str, paths: list[str], skip: str | None, max_page_bytes: int, only: str | None = None) -> Batch:
    """Read each page, identify it by SHA-256, decode text or HTML to lines.

    Pages listed in `skip` (the manifest), or missing from `only` (a backfill's
    selection) when it is given, are counted as already processed and go no further.
    """
    root, known = Path(input_root), page_set(skip)
    wanted = page_set(only) if only else None

    def done(sha256: str | None) -> bool:
        return sha256 in known or (wanted is not None and sha256 not in wanted)

    batch = Batch([])
    for rel in paths:
        shown = shown_path(rel)
        try:
            raw = read_page(root, rel, max_page_bytes)
        except Unreadable as e:
            if done(e.sha256):
                batch.already_processed += 1
            else:
                batch.reject(shown, e.sha256, "ingest", e.reason)
            continue
        if done(raw.sha256):
            batch.already_processed += 1
            continue
        try:
            read = page_lines(raw.data, rel, max_page_bytes)
            batch.pages.append(Page(shown, raw.sha256, read.page_format, read.lines, read.html_title))
        except PageRejected as e:
            batch.reject(shown, raw.sha256, e.stage, e.reason)
        except Exception as e:
            batch.reject(shown, raw.sha256, "ingest", f"internal error: {type(e).__name__}: {e}")
    return batch


@stage_task(name="clean-boilerplate")
def clean_boilerplate(batch: Batch) -> Batch:
    r = rules()

    def step(page: Page) -> None:
        page.cleaned = clean(page.lines, r)
        page.lines = []
    return batch.each("clean", step)


@stage_task(name="split-sidebars")
def split_sidebars(batch: Batch) -> Batch:
    r = rules()

    def step(page: Page) -> None:
        page.split = split(page.cleaned.lines, r)
    return batch.each("split", step)


@stage_task(name="enrich")
def enrich(batch: Batch) -> Batch:
    r, lex = rules(), lexicon()

    def step(page: Page) -> None:
        page.rows = rows(page.raw_path, page.raw_sha256, page.page_format, page.cleaned, page.split, r, lex)
    return batch.each("enrich", step)


@stage_task(name="validate")
def validate(batch: Batch, today: dt.date) -> Batch:
    markers = rules().markers

    def step(page: Page) -> None:
        problems = violations(page.rows, markers, today)
        if problems:
            raise PageRejected("validate", "; ".join(problems))
    return batch.each("validate", step)


STAGED_PAGES = pa.schema([
    ("raw_sha256", pa.string()), ("raw_path", pa.string()), ("outcome", pa.string()), ("article_id", pa.string()),
    ("published_date", pa.date32()),
])


def staged_schema(table: str) -> pa.Schema:
    base = {"articles": ARTICLES, "teasers": TEASERS, "mentions": MENTIONS}[table]
    schema = with_partitions(base)
    # teasers and mentions carry their page's path while staged, to drop a duplicate page's rows
    return schema if table == "articles" else schema.append(pa.field("raw_path", pa.string()))


@io_task(name="stage")
def stage(batch: Batch, staging: str, number: int) -> dict[str, Any]:
    """Write the batch's rows to the run's staging folder; return its counts."""
    folder = Path(staging)
    name = f"b{number:06d}.parquet"
    tables = {
        "articles": [p.rows.article for p in batch.pages],
        "teasers": [dict(t, raw_path=p.raw_path) for p in batch.pages for t in p.rows.teasers],
        "mentions": [dict(m, raw_path=p.raw_path) for p in batch.pages for m in p.rows.mentions],
    }
    for table, records in tables.items():
        (folder / table).mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(records, schema=staged_schema(table)), folder / table / name)
    (folder / "rejects").mkdir(exist_ok=True)
    pq.write_table(pa.Table.from_pylist(batch.rejects, schema=REJECTS), folder / "rejects" / name)
    pages = [{"raw_sha256": p.raw_sha256, "raw_path": p.raw_path, "outcome": "article",
              "article_id": p.rows.article["article_id"], "published_date": p.rows.article["published_date"]}
             for p in batch.pages]
    pages += [{"raw_sha256": r["raw_sha256"], "raw_path": r["raw_path"], "outcome": "rejected", "article_id": None}
              for r in batch.rejects]
    (folder / "_pages").mkdir(exist_ok=True)
    pq.write_table(pa.Table.from_pylist(pages, schema=STAGED_PAGES), folder / "_pages" / name)
    return {"articles": len(batch.pages), "rejected": len(batch.rejects), "already_processed": batch.already_processed}
