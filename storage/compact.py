"""`kcna-etl compact`: merge each partition's small files into one, as the warehouse's next snapshot.

Every run adds one file per partition it touches (and one manifest file), so
many small incremental runs leave partitions of many tiny files, which every
reader then opens. Compaction rewrites the files of a partition that are
smaller than `TARGET_BYTES` as one file (rows in the order of the files' names,
so the same warehouse compacts the same way), leaves larger files alone, and
publishes the result like a run does: under the warehouse lock, as a new
snapshot made current in one rename. Readers see the tables before or after,
never a mix; the rows are the same.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kcna_etl.storage import location
from kcna_etl.storage.store import Warehouse
from kcna_etl.transforms.schema import TABLES

TARGET_BYTES = 128 * 2**20  # files at least this large are left as they are


@dataclass
class Compacted:
    snapshot: str | None
    files_before: int
    files_after: int
    folders: int  # folders whose files were merged
    seconds: float


def data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".parquet" and not p.name.startswith("_empty"))


def folders_of(snapshot: Path) -> Iterator[tuple[str, Path]]:
    """Every folder holding a table's files: each partition, or the table's own folder."""
    for table in TABLES:
        root = snapshot / table
        if not root.exists():
            continue
        for folder, _, names in os.walk(root):
            if any(n.endswith(".parquet") for n in names):
                yield table, Path(folder)


def count_files(snapshot: Path) -> int:
    return sum(len(data_files(f)) for _, f in folders_of(snapshot))


def mergeable(folder: Path) -> list[Path]:
    small = [p for p in data_files(folder) if p.stat().st_size < TARGET_BYTES]
    return small if len(small) >= 2 else []


def merge(table: str, folder: Path, run_id: str) -> bool:
    """Replace the small files of `folder` by files of up to about `TARGET_BYTES`; False when nothing to merge."""
    small = mergeable(folder)
    if not small:
        return False
    # The files hold the table's own columns; the partition keys are in the folder names.
    schema = TABLES[table]
    groups, size = [[]], 0
    for p in small:
        if groups[-1] and size + p.stat().st_size > TARGET_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(p)
        size += p.stat().st_size
    for k, group in enumerate(groups):
        rows = pa.concat_tables([pq.read_table(p, schema=schema, partitioning=None) for p in group])
        pq.write_table(rows, folder / f"part-{run_id}-{k}.parquet")
    for p in small:
        p.unlink()
    return True


def compact(warehouse: str | os.PathLike, lock_timeout: float = 3600.0,
            on_wait=lambda owner: None) -> Compacted:
    started = time.monotonic()
    store = Warehouse(warehouse)
    if store.snapshot_id() is None:
        return Compacted(None, 0, 0, 0, 0.0)
    store.open()  # on S3: the working copy the compaction is built in
    run_id = f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}-compact-{uuid.uuid4().hex[:8]}"
    with store.locked(run_id, lock_timeout, on_wait):
        store.sweep()
        before = count_files(store.current())
        merged = 0

        def build(snapshot: Path) -> None:
            nonlocal merged
            for table, folder in list(folders_of(snapshot)):
                merged += merge(table, folder, run_id)

        # Nothing to merge: no new snapshot (readers and the snapshot count stay as they are).
        if not any(mergeable(f) for _, f in folders_of(store.current())):
            return Compacted(store.snapshot_id(), before, before, 0, time.monotonic() - started)
        snapshot = store.publish(run_id, build)
        after = count_files(store.current())
        store.sweep()
    return Compacted(snapshot, before, after, merged, time.monotonic() - started)


def compact_command(warehouse: str, lock_timeout: float) -> int:
    if not location.is_dir(warehouse):
        print(f"kcna-etl compact: warehouse {warehouse} does not exist", file=sys.stderr)
        return 2
    c = compact(warehouse, lock_timeout, on_wait=lambda owner: print(
        f"kcna-etl compact: warehouse locked by run {owner}; waiting up to {lock_timeout:.0f}s", file=sys.stderr))
    if c.snapshot is None:
        print(f"kcna-etl compact: {warehouse} has no snapshot yet; nothing to compact")
    elif c.folders == 0:
        print(f"kcna-etl compact: nothing to merge ({c.files_before:,} files); snapshot {c.snapshot} stays current")
    else:
        print(f"kcna-etl compact: {c.files_before:,} files -> {c.files_after:,} "
              f"({c.folders:,} folders merged) in {c.seconds:.1f}s; snapshot {c.snapshot}")
    return 0
