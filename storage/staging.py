"""A batch's pages read and staged: the work of one batch task, and the run's staging location.

`ingest` reads each page file and turns it into rows or a reject with the one page path
(`transforms/page.py`), so one bad page never stops the batch; `stage` writes the batch's rows
to the run's staging location, where validation and the commit read them; `batch` is both, what a batch
task hands to a worker process of the run (`flows/runners.py`) or runs in the flow's own.
An I/O error here fails the batch task, which retries (`flows/pipeline.py`'s `transient`). These are
plain functions, not tasks of their own: a Prefect task run costs tens of milliseconds of API calls,
and one per batch is enough to see, retry and time a batch (the run summary times each stage).
"""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from kcna_etl.storage import location
from kcna_etl.storage.memory import release_memory
from kcna_etl.transforms.lexicon import lexicon, protocol, rules, stories
from kcna_etl.storage.pages import Unreadable, shown_path
from kcna_etl.storage.pages import read_page as read_file
from kcna_etl.transforms import PIPELINE_VERSION
from kcna_etl.transforms.article import Rows
from kcna_etl.transforms.derived import body_slice, first_paragraph
from kcna_etl.transforms.page import Reject, read_page
from kcna_etl.transforms.protocol import ProtocolRules, appearance_rows
from kcna_etl.transforms.schema import APPEARANCES, ARTICLES, MENTIONS, REJECTS, TEASERS, with_partitions
from kcna_etl.transforms.stories import StoryRules, packed, signature



@dataclass
class Page:
    raw_path: str
    raw_sha256: str
    rows: Rows


@dataclass
class Batch:
    """A batch's pages read into rows, and the refused ones."""
    pages: list[Page]
    rejects: list[dict] = field(default_factory=list)
    already_processed: int = 0
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # raw_path -> (size, mtime_ns) as read

    def reject(self, raw_path: str, raw_sha256: str | None, stage: str, reason: str) -> None:
        self.rejects.append({"raw_path": raw_path, "raw_sha256": raw_sha256, "stage": stage,
                             "reason": reason, "pipeline_version": PIPELINE_VERSION})


Pages = str | tuple[str, ...] | None
"""Where a set of pages is listed: a folder's Parquet files, or the files named (a snapshot on S3 names its
manifest's objects: the bucket's folder holds others too); locations a worker reaches itself."""


@functools.cache
def page_set(source: Pages) -> frozenset[str]:
    """SHA-256 of the pages listed in a snapshot's manifest or a backfill's selection.

    Both are immutable once written, so they are cached by location.
    """
    if not source:
        return frozenset()
    if isinstance(source, str):
        fs, paths = location.files(source)
    else:
        fs, paths = location.resolve(source[0])[0], [location.resolve(s)[1] for s in source]
    if not paths:
        return frozenset()
    table = ds.dataset(paths, filesystem=fs, format="parquet").to_table(columns=["raw_sha256"])
    return frozenset(table.column("raw_sha256").to_pylist())


def ingest(input_root: str, paths: list[str], skip: Pages, max_page_bytes: int, only: Pages = None) -> Batch:
    """Read each page, identify it by SHA-256, and read it into rows (transforms/page.py).

    Pages listed in `skip` (the manifest), or missing from `only` (a backfill's
    selection) when it is given, are counted as already processed and go no further.
    """
    root, known = input_root, page_set(skip)  # a location: this process reads the pages itself
    wanted = page_set(only) if only else None

    def done(sha256: str | None) -> bool:
        return sha256 in known or (wanted is not None and sha256 not in wanted)

    r, lex = rules(), lexicon()
    batch = Batch([])
    for rel in paths:
        shown = shown_path(rel)
        try:
            raw = read_file(root, rel, max_page_bytes)
        except Unreadable as e:
            if done(e.sha256):
                batch.already_processed += 1
            else:
                batch.reject(shown, e.sha256, "ingest", e.reason)
            continue
        batch.stats[shown] = (raw.size, raw.mtime_ns)
        if done(raw.sha256):
            batch.already_processed += 1
            continue
        got = read_page(raw.data, rel, r, lex, shown, raw.sha256, max_page_bytes)
        if isinstance(got, Reject):
            batch.reject(shown, raw.sha256, got.stage, got.reason)
        else:
            batch.pages.append(Page(shown, raw.sha256, got))
    return batch


STAGED_PAGES = pa.schema([
    ("raw_sha256", pa.string()), ("raw_path", pa.string()), ("outcome", pa.string()), ("article_id", pa.string()),
    ("published_date", pa.date32()),
    ("raw_size", pa.int64()), ("raw_mtime_ns", pa.int64()),
])
STAGED_ROW = pa.field("staged_row", pa.int64())
"""A row's id within the run (batch number << 32 | row in the batch's file): what validation names to quarantine."""
CHECK_COLUMNS = {
    "articles": [pa.field("first_paragraph", pa.string())],
    "teasers": [],
    "mentions": [pa.field("body_length", pa.int32()), pa.field("body_slice", pa.string())],
}


def batch_file(number: int) -> str:
    """The name of batch `number`'s file in each staged table's folder; `staged_row >> 32` gives it back."""
    return f"b{number:06d}.parquet"


def staged_schema(table: str) -> pa.Schema:
    """Nullable throughout: a null where the table allows none is for validation to catch, not the writer."""
    base = {"articles": ARTICLES, "teasers": TEASERS, "mentions": MENTIONS}[table]
    # teasers and mentions carry their page's path while staged, to drop a duplicate page's rows
    path = [] if table == "articles" else [pa.field("raw_path", pa.string())]
    fields = list(with_partitions(base)) + path + CHECK_COLUMNS[table] + [STAGED_ROW]
    return pa.schema([f.with_nullable(True) for f in fields])


def staged_tables(pages: list[tuple[str, Rows]], number: int) -> dict[str, pa.Table]:
    """A batch's rows (page path, rows) as the staged tables: table columns, columns computed for validation
    and row id, in page order.

    The rows' own columns in one `from_pylist` of the rows as they are (no dict per row copied), and only the
    page's path and the validation columns made here, a list a column."""
    rows_of: dict[str, list[dict]] = {"articles": [], "teasers": [], "mentions": []}
    made: dict[str, dict[str, list]] = {"articles": {}, "teasers": {"raw_path": []},
                                        "mentions": {"raw_path": [], "body_length": [], "body_slice": []}}
    bodies = []
    for path, rows in pages:
        body = rows.article["body"]
        rows_of["articles"].append(rows.article)
        bodies.append(body)
        for table, found in (("teasers", rows.teasers), ("mentions", rows.mentions)):
            rows_of[table] += found
            made[table]["raw_path"] += [path] * len(found)
        m = made["mentions"]
        m["body_length"] += [None if body is None else len(body)] * len(rows.mentions)
        m["body_slice"] += [None if body is None else body_slice(body, x["start"], x["end"]) for x in rows.mentions]
    made["articles"]["first_paragraph"] = [first_paragraph(b) for b in bodies]
    out = {}
    for table, recs in rows_of.items():
        schema, given = staged_schema(table), made[table]
        first = number << 32
        # what the rows hold in one conversion (a missing key reads as null), ~30 % less CPU than a list a column
        held = pa.Table.from_pylist(recs, schema=pa.schema([f for f in schema if f.name not in given
                                                             and f.name != STAGED_ROW.name]))
        columns = [pa.array(given[f.name], f.type) if f.name in given else held.column(f.name)
                   for f in schema if f.name != STAGED_ROW.name]
        out[table] = pa.Table.from_arrays(columns + [pa.array(range(first, first + len(recs)), pa.int64())],
                                          schema=schema)
    return out


FILTERED = ("source_slug", "year", "staged_row", "raw_path")


def write_grouped(table: pa.Table, path: str, fs: pafs.FileSystem) -> None:
    """Rows ordered by partition; one row group per outlet.

    Validation reads whole batch files (a unit is a run of them), and the commit's passes, a few outlets
    each, pick their row groups by their statistics (`source_slug`). A file's row groups are at most the
    outlets (not outlets × anything that grows with the run): each reader holds every footer it opened,
    so their size is what the run's memory grows by.
    """
    table = table.sort_by([("source_slug", "ascending"), ("year", "ascending")])
    keys = table.column("source_slug").to_pylist()
    cuts = [0, *(i for i in range(1, len(keys)) if keys[i] != keys[i - 1]), len(keys)]
    # Statistics only where a reader filters: a text column's min and max (kilobytes each, in every row group)
    # would grow the footers for no reader.
    with pq.ParquetWriter(path, table.schema, write_statistics=[c for c in FILTERED if c in table.column_names],
                          filesystem=fs) as w:
        for a, b in zip(cuts, cuts[1:]):
            w.write_table(table.slice(a, b - a))
        if table.num_rows == 0:
            w.write_table(table)


STAGED_SIGNATURES = pa.schema([
    ("article_id", pa.string()), ("raw_path", pa.string()),
    ("published_date", pa.date32()), ("capture_date", pa.date32()),  # the order of arrival (stories.arrival_key)
    ("shingles", pa.int32()), ("signature", pa.binary()), ("bands", pa.list_(pa.int64())),
])
"""Each staged article's story signature (`transforms/stories.py`): computed in the batch, where the body
already is, so that the commit only looks them up (`storage/stories.py`)."""


def signature_rows(pages: list[tuple[str, Rows]], rules: StoryRules) -> pa.Table:
    """The signatures of a batch's articles (page path, rows), as `STAGED_SIGNATURES`."""
    # a page without a body (validation quarantines it) has the signature of no words
    found = [signature(rows.article["body"] or "", rules) for _, rows in pages]
    return pa.table({
        "article_id": [rows.article["article_id"] for _, rows in pages], "raw_path": [path for path, _ in pages],
        "published_date": [rows.article["published_date"] for _, rows in pages],
        "capture_date": [rows.article["capture_date"] for _, rows in pages],
        "shingles": [s.size for s in found],
        "signature": [packed(s.values) for s in found],
        "bands": [s.bands for s in found],
    }, schema=STAGED_SIGNATURES)


STAGED_APPEARANCES = pa.schema([f.with_nullable(True) for f in with_partitions(APPEARANCES)]
                               + [pa.field("raw_path", pa.string())])
"""Each staged page's `appearances` rows, with its path (`transforms/protocol.py`)."""


def appearance_table(pages: list[tuple[str, Rows]], rules: ProtocolRules) -> pa.Table:
    """The `appearances` rows of a batch's pages (page path, rows), as `STAGED_APPEARANCES`: computed in the batch,
    where the bodies and mentions already are, a page at a time (two copies of an article in one batch are two
    pages). The commit drops those of the pages it does not write, and computes again those of a page whose
    mentions it quarantines in part (`storage/commit.py`)."""
    found = []
    for path, rows in pages:
        if rows.article["body"] is None:  # validation quarantines the page
            continue
        for r in appearance_rows([rows.article], rows.mentions, rules):
            r["raw_path"] = path
            found.append(r)
    return pa.Table.from_pylist(found, schema=STAGED_APPEARANCES)


def write_staged(staging: str | Path, number: int, pages: list[tuple[str, str, Rows]], rejects: list[dict],
                 stats: dict[str, tuple[int, int]] | None = None) -> None:
    """A batch's rows, appearances, story signatures, rejects and page list in the run's staging location (a folder, or a
    prefix on S3 that this worker writes to itself), as file `b<number>.parquet` of each; `stats` has the size and mtime each
    page's file had when read (what lets a later run skip it unread)."""
    name = batch_file(number)

    def into(table: str) -> tuple[pafs.FileSystem, str]:
        fs, path = location.folder(location.join(str(staging), table))
        return fs, f"{path}/{name}"

    for table, t in staged_tables([(path, rows) for path, _, rows in pages], number).items():
        fs, path = into(table)
        write_grouped(t, path, fs)
    fs, path = into("appearances")
    write_grouped(appearance_table([(path, rows) for path, _, rows in pages], protocol()), path, fs)
    fs, path = into("signatures")
    pq.write_table(signature_rows([(path, rows) for path, _, rows in pages], stories()), path, filesystem=fs)
    fs, path = into("rejects")
    pq.write_table(pa.Table.from_pylist(rejects, schema=REJECTS), path, filesystem=fs)

    def stat(path: str) -> dict[str, int | None]:
        size, mtime = (stats or {}).get(path, (None, None))
        return {"raw_size": size, "raw_mtime_ns": mtime}
    listed = [{"raw_sha256": sha, "raw_path": path, "outcome": "article", "article_id": rows.article["article_id"],
               "published_date": rows.article["published_date"], **stat(path)} for path, sha, rows in pages]
    listed += [{"raw_sha256": r["raw_sha256"], "raw_path": r["raw_path"], "outcome": "rejected", "article_id": None,
                **stat(r["raw_path"])} for r in rejects]
    fs, path = into("_pages")
    pq.write_table(pa.Table.from_pylist(listed, schema=STAGED_PAGES), path, filesystem=fs)


def staged(staging: str | Path, table: str, schema: pa.Schema, names: Iterable[str] | None = None) -> ds.Dataset:
    """A table's staged batch files (those `names`d, or all), read where they are (a worker's local disk is
    never assumed)."""
    fs, paths = location.files(location.join(str(staging), table))
    if names is not None:
        wanted = set(names)
        paths = [p for p in paths if p.rpartition("/")[2] in wanted]
    return ds.dataset(paths, filesystem=fs, format="parquet", schema=schema)


WINNERS = "_winners.parquet"
"""The staged pages whose rows would land (duplicates resolved): what validation reads."""


def write_winners(staging: str, winners: list[str]) -> None:
    fs, folder = location.folder(staging)
    pq.write_table(pa.table({"raw_path": pa.array(winners, pa.string())}), f"{folder}/{WINNERS}", filesystem=fs)


def read_winners(staging: str) -> pa.Array:
    fs, path = location.resolve(location.join(staging, WINNERS))
    return pq.read_table(path, filesystem=fs).column("raw_path").combine_chunks()


def stage(batch: Batch, staging: str, number: int) -> dict[str, Any]:
    """Write the batch's rows to the run's staging location; return its counts."""
    write_staged(staging, number, [(p.raw_path, p.raw_sha256, p.rows) for p in batch.pages], batch.rejects,
                 batch.stats)
    return {"articles": len(batch.pages), "rejected": len(batch.rejects), "already_processed": batch.already_processed}


def timed(seconds: dict[str, float], name: str, fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)`, its wall-clock time kept in `seconds[name]` (a stage's share in the run summary: a batch's
    here, the run's in `flows/pipeline.py`)."""
    t = time.perf_counter()
    out = fn(*args)
    seconds[name] = time.perf_counter() - t
    return out


def batch(input_root: str, paths: list[str], skip: Pages, only: Pages, staging: str, number: int,
          max_page_bytes: int) -> dict[str, Any]:
    """The work of one batch task, where it runs (a worker process of the run, or the flow's own): its pages
    read and parsed (`ingest`), then staged (`stage`). Returns its counts, pages and the seconds of each stage."""
    seconds: dict[str, float] = {}
    read = timed(seconds, "ingest", ingest, input_root, paths, skip, max_page_bytes, only)
    counts = timed(seconds, "stage", stage, read, staging, number)
    del read
    release_memory()  # a worker's footprint between batches stays that of one batch
    return dict(counts, pages=len(paths), seconds=seconds)
