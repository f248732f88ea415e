"""A warehouse on S3-compatible object storage: the local warehouse's guarantees without rename.

Layout under `s3://bucket/prefix/`:

    <table>/source_slug=…/year=…/part-<run_id>-….parquet   data objects: unique names, never overwritten
    _snapshots/<n>.json                                    snapshot n: every data object of every table
    _lock.json                                             the write lock: a lease (see `locked`)
    _staging/<run_id>/<table>/b<n>.parquet                 a run's batches, written by its workers
    _runs/<run_id>.json, _quality/…                        run summaries and quality reports

Commit. A run works in a local working copy of the warehouse (the layout of
`storage/store.py`, under `$KCNA_ETL_CACHE`, by default `~/.cache/kcna-etl`):
under the lock, the copy is brought to the bucket's current snapshot
(downloading only objects it lacks: they are immutable, a name is a content),
the run builds snapshot n+1 there as a local run does, then uploads the files
that are new (a file rewritten under an old name, e.g. by a backfill, gets a
new name carrying the run id), and commits by creating `_snapshots/<n+1>.json`
with `If-None-Match: *`. That one conditional PUT is the commit point: a
reader sees snapshot n or n+1 in full; a run killed before it leaves n; two
writers can never both commit n+1 (the second gets 412 and fails, committing
nothing), so history stays linear even if a lease expires under a stalled run.

Staging. A run's batches are written by its workers straight to
`_staging/<run_id>/` in the bucket (no worker needs the disk of the machine
running the flow); the commit reads them from there, and deletes them after;
those of a run that died are swept as orphans are.

Reading. The current snapshot is the highest-numbered `_snapshots/*.json`;
`Warehouse(location).dataset(table)` opens exactly its files (a
`pyarrow.dataset` on S3, for DuckDB, pandas or pyarrow). A plain glob over
`<prefix>/<table>/**/*.parquet` instead sees every data object present: the
current snapshot's, plus those of the previous snapshot that the current one
replaced (until the next run's sweep), plus those of runs killed or failed
before their commit (until they are `KCNA_ETL_ORPHAN_SECONDS` old and a run
sweeps): it may count rows twice or see half a run. Use the documented path.

Sweep (under the lock, before and after every run): snapshot objects older
than the last two are deleted, then data objects no kept snapshot names that
are older than the orphan age (default one day): a run whose lease expired
while it stalled may still be uploading; its objects are young, so they stay
until its commit succeeds or fails. A run refuses to commit once its first
upload is half the orphan age old.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

import pyarrow.dataset as ds
import pyarrow.fs as pafs

from kcna_etl.storage import location as loc
from kcna_etl.storage.store import KEEP_SNAPSHOTS, Warehouse, WarehouseError, WarehouseLocked, ensure_readable, schema_with
from kcna_etl.transforms.schema import PARTITIONED, PARTITIONING, TABLES

SNAPSHOTS = "_snapshots"
LOCK = "_lock.json"
NOT_DATA = frozenset({SNAPSHOTS, LOCK, "_runs", "_quality"})  # every other top-level name holds data objects
STAGING = "_staging"
CONFLICT = ("PreconditionFailed", "ConditionalRequestConflict")


def lease_seconds() -> float:
    """How long a lock holder may go silent before another run may take the lock (renewed every third of it)."""
    return float(os.environ.get("KCNA_ETL_LEASE_SECONDS") or 60)


def orphan_seconds() -> float:
    """How old an object no kept snapshot names must be before a sweep deletes it."""
    return float(os.environ.get("KCNA_ETL_ORPHAN_SECONDS") or 86400)


def cache_root() -> Path:
    return Path(os.environ.get("KCNA_ETL_CACHE") or Path.home() / ".cache" / "kcna-etl").expanduser().absolute()


def unique_name(rel: str, run_id: str) -> str:
    """A new object name for content written by `run_id` under `rel` (which may name an older object)."""
    folder, _, name = rel.rpartition("/")
    stem, dot, ext = name.partition(".")
    stem = re.sub(r"~.*$", "", stem)  # a file rewritten again: one run id suffix, the latest
    return f"{folder}/{stem}~{run_id}{dot}{ext}" if folder else f"{stem}~{run_id}{dot}{ext}"


class ObjectWarehouse(Warehouse):
    def __init__(self, location: str | os.PathLike):
        self.location = loc.normalize(location)
        self.bucket, self.prefix = loc.bucket_key(self.location)
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        host = urlsplit(endpoint).netloc.replace(":", "_") if endpoint else "aws"
        # the local working copy: a warehouse of the local layout, one per store, bucket and prefix
        self.root = cache_root() / "s3" / host / self.bucket / (self.prefix or "_")
        self._lost = threading.Event()

    def __getstate__(self) -> dict:  # crosses to task workers: the lease's event stays with its holder
        return {k: v for k, v in self.__dict__.items() if k != "_lost"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _lost=threading.Event())

    # -- object helpers -------------------------------------------------------
    @property
    def fs(self) -> pafs.FileSystem:
        return loc.s3_filesystem()

    def key(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def path(self, rel: str) -> str:
        return f"{self.bucket}/{self.key(rel)}"

    def _listing(self, rel: str) -> list[pafs.FileInfo]:
        try:
            return [f for f in self.fs.get_file_info(pafs.FileSelector(self.path(rel).rstrip("/"), recursive=True))
                    if f.type == pafs.FileType.File]
        except FileNotFoundError:
            return []

    def _rel(self, path: str) -> str:
        return path[len(self.path("")):]

    # -- layout ---------------------------------------------------------------
    def open(self) -> "ObjectWarehouse":
        if not loc.bucket_exists(self.location):
            raise WarehouseError(f"bucket {self.bucket} of warehouse {self.location} does not exist "
                                 f"(or is not reachable at {os.environ.get('AWS_ENDPOINT_URL') or 'AWS'}); create it")
        super().open()
        return self

    def snapshot_numbers(self) -> list[int]:
        return sorted(int(f.base_name[:-5]) for f in self._listing(SNAPSHOTS)
                      if f.base_name.endswith(".json") and f.base_name[:-5].isdigit())

    def snapshot(self, number: int | None = None) -> dict | None:
        """Snapshot `number` (default: the current one) as {"number", "run_id", "files": {path: size}}."""
        if number is None:
            numbers = self.snapshot_numbers()
            if not numbers:
                return None
            number = numbers[-1]
        with self.fs.open_input_stream(self.path(f"{SNAPSHOTS}/{number:08d}.json"), compression=None) as f:
            return json.loads(f.read())

    def snapshot_id(self) -> str | None:
        numbers = self.snapshot_numbers()
        return f"{numbers[-1]:08d}" if numbers else None

    # -- reading: the documented read path ------------------------------------
    def table(self, table: str) -> ds.Dataset | None:
        return self.dataset(table, partitions=True)

    def dataset(self, table: str, snapshot: dict | None = None, partitions: bool = False) -> ds.Dataset | None:
        """Table `table` of the current snapshot (or of `snapshot`), read from the bucket."""
        snap = snapshot or self.snapshot()
        if snap is None:
            return None
        files = sorted(self.path(rel) for rel in snap["files"] if rel.startswith(table + "/"))
        if not files:
            return None
        part = (ds.partitioning(PARTITIONING, flavor="hive") if table in PARTITIONED else None)
        return ds.dataset(files, filesystem=self.fs, format="parquet", partitioning=part,
                          partition_base_dir=self.path(table), schema=schema_with(table, partitions))

    # -- concurrency: a lease ---------------------------------------------------
    @contextlib.contextmanager
    def locked(self, owner: str, timeout: float, on_wait: Callable[[str], None] = lambda _: None) -> Iterator[None]:
        """Hold the warehouse's write lock: `_lock.json`, created with If-None-Match, renewed with If-Match.

        A holder renews its lease every third of `KCNA_ETL_LEASE_SECONDS`; a lock not renewed
        for that long (its holder died) is taken over by a conditional write on its ETag,
        which exactly one waiting run wins. Expiry is judged by the store's clock (the
        object's Last-Modified against the response's Date), not by the machines'.
        """
        from botocore.exceptions import ClientError

        client, key, lease = loc.s3_client(), self.key(LOCK), lease_seconds()
        deadline = time.monotonic() + timeout
        told = False

        def body() -> bytes:
            return json.dumps({"owner": owner, "lease_seconds": lease,
                               "renewed": dt.datetime.now(dt.timezone.utc).isoformat()}).encode()

        while True:
            try:
                etag = client.put_object(Bucket=self.bucket, Key=key, Body=body(), IfNoneMatch="*")["ETag"]
                break
            except ClientError as e:
                if e.response["Error"]["Code"] not in CONFLICT:
                    raise
            try:
                held = client.get_object(Bucket=self.bucket, Key=key)
            except client.exceptions.NoSuchKey:
                continue  # released meanwhile
            holder = json.loads(held["Body"].read()).get("owner", "another run")
            now = email.utils.parsedate_to_datetime(held["ResponseMetadata"]["HTTPHeaders"]["date"])
            if (now - held["LastModified"]).total_seconds() > lease:
                try:  # the holder stopped renewing: take the lock over; one taker wins
                    etag = client.put_object(Bucket=self.bucket, Key=key, Body=body(), IfMatch=held["ETag"])["ETag"]
                    break
                except ClientError as e:
                    if e.response["Error"]["Code"] not in CONFLICT:
                        raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(self.location, holder, timeout)
            if not told:
                on_wait(holder)
                told = True
            time.sleep(0.5)

        self._lost.clear()
        stop = threading.Event()
        tag = [etag]

        def renew() -> None:
            while not stop.wait(lease / 3):
                try:
                    tag[0] = client.put_object(Bucket=self.bucket, Key=key, Body=body(), IfMatch=tag[0])["ETag"]
                except Exception:
                    self._lost.set()  # taken over: this run must not commit
                    return

        renewer = threading.Thread(target=renew, name="kcna-etl-lease", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            with contextlib.suppress(ClientError):
                client.delete_object(Bucket=self.bucket, Key=key, IfMatch=tag[0])

    # -- the working copy -------------------------------------------------------
    def sync(self) -> dict | None:
        """Make the working copy's `current` the bucket's current snapshot (hold the lock)."""
        snap = self.snapshot()
        link = self.root / "current"
        snaps = self.root / ".snapshots"
        if snap is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(link)
            for p in snaps.iterdir():
                shutil.rmtree(p, ignore_errors=True)
            return None
        name = f"{snap['number']:08d}"
        have = self.current()
        if have is not None and have.name == name and self._files(have) == snap["files"]:
            return snap
        tmp = snaps / f"{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        for rel, size in sorted(snap["files"].items()):
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            old = have / rel if have is not None else None
            if old is not None and old.is_file() and old.stat().st_size == size:
                os.link(old, target)  # the same name is the same immutable object
            else:
                with self.fs.open_input_stream(self.path(rel), compression=None) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        shutil.rmtree(snaps / name, ignore_errors=True)
        os.rename(tmp, snaps / name)
        pointer = self.root / "current.tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(pointer)
        os.symlink(Path(".snapshots") / name, pointer)
        os.replace(pointer, link)
        return snap

    @staticmethod
    def _files(folder: Path) -> dict[str, int]:
        return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}

    # -- sweeping -------------------------------------------------------------
    def sweep(self) -> None:
        """Delete what no reader needs from the bucket, then bring the working copy up to date (hold the lock)."""
        numbers = self.snapshot_numbers()
        keep = numbers[-KEEP_SNAPSHOTS:]
        # snapshots first: no snapshot ever names a deleted object
        self._delete([self.key(f"{SNAPSHOTS}/{n:08d}.json") for n in numbers[:-KEEP_SNAPSHOTS]])
        named = set()
        for n in keep:
            named |= set(self.snapshot(n)["files"])
        cutoff = time.time() - orphan_seconds()
        # a dead run's `_staging/` objects too: as old as an orphan (a stalled run may still be staging)
        unnamed = [rel for f in self._listing("") if f.mtime.timestamp() <= cutoff
                   and (rel := self._rel(f.path)) not in named and rel.split("/")[0] not in NOT_DATA]
        self._delete([self.key(rel) for rel in unnamed])
        self.sync()
        super().sweep()

    def _delete(self, keys: list[str]) -> None:
        """Delete objects with boto3 (pyarrow would leave a marker object for each emptied "folder")."""
        client = loc.s3_client()
        for i in range(0, len(keys), 1000):
            client.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]],
                                                             "Quiet": True})

    # -- writing --------------------------------------------------------------
    def staging(self, run_id: str) -> str:
        """In the bucket: the workers write their batches there themselves, wherever they run."""
        return loc.join(self.location, STAGING, run_id)

    def manifest(self) -> tuple[str, ...] | None:
        """The current snapshot's manifest objects (the bucket's folder holds others: replaced, or uncommitted)."""
        snap = self.snapshot()
        files = sorted(loc.join(self.location, rel) for rel in (snap or {}).get("files", {})
                       if rel.startswith("_manifest/"))
        return tuple(files) or None

    def publish(self, run_id: str, build: Callable[[Path], None]) -> str:
        """Build the next snapshot in the working copy, upload its new files, commit it with one conditional PUT."""
        base = self.current()
        base_files = self._files(base) if base else {}

        def built(tmp: Path) -> None:
            build(tmp)
            for table in TABLES:
                ensure_readable(tmp / table, table)
            self._commit(tmp, base, base_files, run_id, int(tmp.name.split(".")[0]))

        return super().publish(run_id, built)

    def _commit(self, tmp: Path, base: Path | None, base_files: dict[str, int], run_id: str, number: int) -> None:
        from botocore.exceptions import ClientError

        files: dict[str, int] = {}
        started = time.monotonic()
        for path in sorted(p for p in tmp.rglob("*") if p.is_file()):
            rel = path.relative_to(tmp).as_posix()
            if rel in base_files and base is not None and os.path.samefile(path, base / rel):
                files[rel] = base_files[rel]  # unchanged: the object is there already
                continue
            if rel in base_files or run_id not in path.name:  # rewritten, or named without the run: rename
                rel = unique_name(rel, run_id)
                os.rename(path, tmp / rel)
                path = tmp / rel
            with open(path, "rb") as src, self.fs.open_output_stream(self.path(rel), compression=None) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            files[rel] = path.stat().st_size
        if self._lost.is_set():
            raise WarehouseError(f"run {run_id} lost the lock of {self.location} (its lease expired): not committed")
        if time.monotonic() - started > orphan_seconds() / 2:
            raise WarehouseError(f"run {run_id} took longer than half the orphan age to upload: not committed")
        snap = {"number": number, "run_id": run_id, "parent": number - 1 if base is not None else None,
                "committed": dt.datetime.now(dt.timezone.utc).isoformat(), "files": files}
        body = json.dumps(snap, indent=1, sort_keys=True).encode()
        local = self.root / ".staging" / f"{number:08d}.json"  # a copy for the record, swept with the staging
        local.parent.mkdir(exist_ok=True)
        local.write_bytes(body)
        try:
            loc.s3_client().put_object(Bucket=self.bucket, Key=self.key(f"{SNAPSHOTS}/{number:08d}.json"),
                                       Body=body, IfNoneMatch="*")  # the commit point
        except ClientError as e:
            if e.response["Error"]["Code"] in CONFLICT:
                raise WarehouseError(f"snapshot {number:08d} of {self.location} was committed by another run "
                                     f"meanwhile: run {run_id} committed nothing") from None
            raise

    def write_run_summary(self, run_id: str, summary: dict) -> Path:
        path = super().write_run_summary(run_id, summary)
        self.upload_tree("_runs")
        self.upload_tree("_quality")
        index = self.root / "_quality" / "runs.html"  # the index of every run's pages: rewritten by each run
        if index.is_file():
            with open(index, "rb") as src, self.fs.open_output_stream(self.path("_quality/runs.html"),
                                                                      compression=None) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        return path

    def local_copy(self, *folders: str) -> Path:
        """The working copy, with the bucket's files of `folders` that it lacks downloaded."""
        for rel in folders:
            for f in self._listing(rel):
                target = self.root / self._rel(f.path)
                if not target.exists() or target.stat().st_size != f.size:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with self.fs.open_input_stream(f.path, compression=None) as src, open(target, "wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
        return self.root

    def upload_tree(self, rel: str) -> None:
        """Copy the working copy's `rel` folder (run reports: not part of snapshots) to the bucket, new files only
        (the Data Docs are written to the bucket by the worker that builds them: a copy here may be stale)."""
        there = {self._rel(f.path) for f in self._listing(rel)}
        folder = self.root / rel
        if not folder.exists():
            return
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(self.root).as_posix()
            if name not in there:
                with open(path, "rb") as src, self.fs.open_output_stream(self.path(name), compression=None) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
