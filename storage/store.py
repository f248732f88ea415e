"""The warehouse: where the tables live, and how a run's rows become visible at once.

Layout under the root (a local folder):

    articles/ teasers/ mentions/ rejects/ _manifest/   links to current/<table>
    quarantine/                                         link to current/quarantine (articles/ teasers/ mentions/)
    current -> .snapshots/<n>                           the one pointer, replaced atomically
    .snapshots/<n>/<table>/source_slug=…/year=…/*.parquet   immutable once published
    .staging/<run_id>/                                  batch files of a run in progress
    _runs/<run_id>.json                                 run summaries
    _quality/                                           Data Docs and per-run quality summaries
    .lock                                               held by the run that writes

A run builds snapshot n+1 beside n (hard links to n's files plus its own new
files) and publishes it by replacing the `current` link in one rename: a
reader sees n or n+1 in full, never a mix, and a run killed at any point
leaves n untouched; the next run sweeps what it left. This module (with
`storage/location.py`) is the one seam that knows where data lives: a warehouse at
`s3://bucket/prefix` is an `ObjectWarehouse` (`storage/objectstore.py`), which keeps
this layout in a local working copy and commits to the bucket with conditional writes.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from kcna_etl.storage.location import is_remote
from kcna_etl.transforms.schema import PARTITIONED, PARTITIONING, TABLES, with_partitions

KEEP_SNAPSHOTS = 2  # the current one and its predecessor, for readers mid-query
TABLE_LINKS = tuple(sorted({table.split("/")[0] for table in TABLES}))  # quarantine/<table> under one link


class WarehouseError(Exception):
    pass


class WarehouseLocked(WarehouseError):
    """Another run holds the warehouse's write lock."""

    def __init__(self, root: Path, owner: str, waited: float):
        self.owner = owner
        gave_up = f"; gave up after {waited:.0f}s" if waited else ""
        super().__init__(f"warehouse {root} is locked by run {owner}{gave_up}")


class Warehouse:
    """A local warehouse; `Warehouse("s3://bucket/prefix")` gives the object-store one (`storage/objectstore.py`)."""

    def __new__(cls, location: str | os.PathLike | None = None):
        if cls is Warehouse and location is not None and is_remote(location):
            from kcna_etl.storage.objectstore import ObjectWarehouse
            cls = ObjectWarehouse
        return super().__new__(cls)

    def __init__(self, location: str | os.PathLike):
        self.root = Path(location).expanduser().absolute()
        self.location = str(self.root)  # as shown to users and in run summaries

    # -- layout ---------------------------------------------------------------
    def open(self) -> "Warehouse":
        """Create the root on first use (its table links come with its first snapshot); refuse a folder
        that is not ours."""
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / ".snapshots").mkdir(exist_ok=True)
        for top in TABLE_LINKS:
            link = self.root / top
            if os.path.lexists(link) and not link.is_symlink():
                raise WarehouseError(f"{link} exists and is not a kcna-etl table link; choose another warehouse folder")
        self.link_tables()
        return self

    def link_tables(self) -> None:
        """The table links to `current/<table>`, once there is a `current`: a run stopped before its first
        commit leaves no link pointing nowhere."""
        if not (self.root / "current").is_symlink():
            return
        for top in TABLE_LINKS:
            if not os.path.lexists(link := self.root / top):
                with contextlib.suppress(FileExistsError):  # made by another run starting at the same time
                    os.symlink(Path("current") / top, link)

    def current(self) -> Path | None:
        link = self.root / "current"
        return (self.root / os.readlink(link)) if link.is_symlink() else None

    def snapshot_id(self) -> str | None:
        cur = self.current()
        return cur.name if cur else None

    # -- concurrency ----------------------------------------------------------
    @contextlib.contextmanager
    def locked(self, owner: str, timeout: float, on_wait: Callable[[str], None] = lambda _: None) -> Iterator[None]:
        """Hold the warehouse's write lock (released by the OS if the process dies)."""
        path = self.root / ".lock"
        with open(path, "a+") as f:
            deadline = time.monotonic() + timeout
            told = False
            while True:
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    f.seek(0)
                    holder = f.read().strip() or "another run"
                    if time.monotonic() >= deadline:
                        raise WarehouseLocked(self.root, holder, timeout) from None
                    if not told:
                        on_wait(holder)
                        told = True
                    time.sleep(0.5)
            f.seek(0)
            f.truncate()
            f.write(owner)
            f.flush()
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def swept(self) -> Iterator[None]:
        """Sweep before the work and after it, also when it fails (a full disk): a failed run leaves nothing."""
        self.sweep()
        try:
            yield
        finally:
            self.sweep()

    def sweep(self) -> None:
        """Remove what killed runs left and snapshots no reader needs (hold the lock).

        Kept: the current snapshot and the one before it. Removed: staging folders,
        half-built snapshots (`*.tmp`), and complete snapshots newer than `current`,
        which a run killed between building and publishing them left uncommitted.
        """
        shutil.rmtree(self.root / ".staging", ignore_errors=True)
        cur = self.current()
        number = int(cur.name) if cur else 0
        done = sorted(p.name for p in (self.root / ".snapshots").iterdir()
                      if p.name.isdigit() and int(p.name) <= number)
        keep = set(done[-KEEP_SNAPSHOTS:])
        for p in (self.root / ".snapshots").iterdir():
            if p.name not in keep:
                shutil.rmtree(p, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.root / "current.tmp")

    # -- reading --------------------------------------------------------------
    def dataset(self, table: str) -> ds.Dataset | None:
        cur = self.current()
        return snapshot_dataset(cur, table) if cur else None

    def table(self, table: str) -> ds.Dataset | None:
        """The documented read path: `table` of the current snapshot, partition keys as columns
        (a `pyarrow.dataset` for DuckDB, pandas or pyarrow); None before the first run."""
        cur = self.current()
        return snapshot_dataset(cur, table, partitions=True) if cur else None

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        d = self.dataset(table)
        return d.to_table(columns=columns) if d else schema_of(table).empty_table().select(columns or schema_of(table).names)

    # -- writing --------------------------------------------------------------
    def staging(self, run_id: str) -> str:
        """The run's staging location, where its workers write their batches: a folder beside the snapshots."""
        path = self.root / ".staging" / run_id
        path.mkdir(parents=True, exist_ok=True)
        return str(path)

    def manifest(self) -> str | tuple[str, ...] | None:
        """Where the current snapshot lists its pages, as a location a worker reads itself (`stages.page_set`)."""
        cur = self.current()
        return str(cur / "_manifest") if cur else None

    def publish(self, run_id: str, build: Callable[[Path], None]) -> str:
        """Build the next snapshot with `build(folder)` and make it current in one rename."""
        snaps = self.root / ".snapshots"
        cur = self.current()
        number = int(cur.name) + 1 if cur else 1
        tmp = snaps / f"{number:08d}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        if cur:
            link_tree(cur, tmp)
        else:
            tmp.mkdir()
        build(tmp)
        for table in TABLES:
            ensure_readable(tmp / table, table)
        sync_tree(tmp)
        final = snaps / f"{number:08d}"
        shutil.rmtree(final, ignore_errors=True)  # an uncommitted leftover of a killed run
        os.rename(tmp, final)
        pointer = self.root / "current.tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(pointer)
        os.symlink(Path(".snapshots") / final.name, pointer)
        os.replace(pointer, self.root / "current")  # the commit point
        self.link_tables()
        fsync_path(self.root)
        return final.name

    def local_copy(self, *folders: str) -> Path:
        """A local folder holding the warehouse's `folders` (reports, run summaries): the root itself here."""
        return self.root

    def write_run_summary(self, run_id: str, summary: dict) -> Path:
        folder = self.root / "_runs"
        folder.mkdir(exist_ok=True)
        path = folder / f"{run_id}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(summary, indent=2, default=str))
        os.replace(tmp, path)
        return path


def schema_of(table: str) -> pa.Schema:
    return TABLES[table]


def snapshot_dataset(snapshot: Path, table: str, partitions: bool = False) -> ds.Dataset | None:
    """A table of one snapshot folder (published, or being built by `publish`); with `partitions`,
    the partition keys as columns too."""
    if not (snapshot / table).exists():
        return None
    part = ds.partitioning(PARTITIONING, flavor="hive") if table in PARTITIONED else None
    return ds.dataset(snapshot / table, format="parquet", partitioning=part, schema=schema_with(table, partitions))


def schema_with(table: str, partitions: bool) -> pa.Schema:
    return with_partitions(schema_of(table)) if partitions and table in PARTITIONED else schema_of(table)


def remove_rows(snapshot: Path, table: str, column: str, values: set[str],
                dropped_rows: list[pa.Table] | None = None) -> int:
    """Drop the rows of `table` whose `column` is in `values` from a snapshot being built
    (appended to `dropped_rows` when given).

    A file holding such rows is rewritten without them under a new inode: the file it
    replaces is a hard link shared with the published snapshots, which must not change.
    """
    if not values or not (snapshot / table).exists():
        return 0
    wanted = pa.array(sorted(values), pa.string())
    removed = 0
    for path in sorted((snapshot / table).rglob("*.parquet")):
        file = pq.ParquetFile(path)  # the file alone: its folder's partition values are not columns of it
        hit = pc.is_in(file.read(columns=[column]).column(column), value_set=wanted)
        dropped = pc.sum(hit).as_py() or 0
        if not dropped:
            continue
        rows = file.read()
        kept = rows.filter(pc.invert(hit))
        if dropped_rows is not None:
            dropped_rows.append(rows.filter(hit))
        os.unlink(path)
        if kept.num_rows:
            pq.write_table(kept, path)
        removed += dropped
    return removed


def link_tree(src: Path, dst: Path) -> None:
    """Copy a snapshot's folder tree with hard links: no data is copied."""
    for folder, _, files in os.walk(src):
        target = dst / Path(folder).relative_to(src)
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            if name.startswith("_empty"):
                continue  # placeholders are re-made where a table is still empty
            try:
                os.link(Path(folder) / name, target / name)
            except OSError:
                shutil.copy2(Path(folder) / name, target / name)


def ensure_readable(folder: Path, table: str) -> None:
    """A table with no rows still gets one empty file, so that globs and readers find it."""
    if folder.exists() and any(p.suffix == ".parquet" for p in folder.rglob("*.parquet")):
        return
    if table in PARTITIONED:
        folder = folder / "source_slug=__HIVE_DEFAULT_PARTITION__" / "year=__HIVE_DEFAULT_PARTITION__"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(schema_of(table).empty_table(), folder / "_empty.parquet")


def fsync_path(path: Path) -> None:
    """fsync a file or a folder (a read-only descriptor is enough for both)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


SYNC_THREADS = 16


def sync_tree(root: Path) -> None:
    """Flush new files and folders to disk before the pointer names them.

    Hard links to the previous snapshot's files (link count > 1) are on disk already.
    The fsyncs run in threads (they release the GIL): the disk serves them together,
    where one after another a run with thousands of partition files waited seconds.
    """
    files, folders = [], []
    for folder, _, names in os.walk(root):
        folders.append(Path(folder))
        files += [Path(folder) / n for n in names if os.stat(Path(folder) / n).st_nlink == 1]
    with ThreadPoolExecutor(SYNC_THREADS) as pool:
        list(pool.map(fsync_path, files))
        list(pool.map(fsync_path, folders))
