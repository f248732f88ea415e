#!/usr/bin/env python3
"""`bench/tile_warehouse.py SRC DST K`: a warehouse K times the size of SRC's, for measuring readers at scale
(docs/benchmarks.md, the overview on 100,000 pages) without K times the run.

Every table of SRC's current snapshot is written K times into one new snapshot of DST, published through the
store's own commit (`Warehouse.publish`: hard-linked, synced, one rename), one file per partition as one run
writes it. Copy k > 0 is made distinct: its article, page, path and story ids get a `~k` suffix, and its article,
quarantined and teaser titles a ` (k)` one (so the crawl frontier sees K times the items, matched within their
copy as in SRC). Dates, outlets, bodies and entity ids are kept: the same persons are mentioned K times as often.
`entities` and `roles` are rebuilt from the tiled mentions by the commit's own `write_entities`; the quality
reports under `_quality/runs/` are copied. A dev tool: DST must not exist yet.
"""
import shutil
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from kcna_etl.storage.commit import GROUP_ROWS, write_entities
from kcna_etl.storage.store import Warehouse
from kcna_etl.transforms.schema import PARTITIONED, PARTITIONING, TABLES

IDS = ("article_id", "raw_sha256", "raw_path", "story_id")
TITLED = ("articles", "teasers", "quarantine/articles", "quarantine/teasers")
DERIVED = ("entities", "roles")  # rebuilt from the tiled mentions


def copy_of(t: pa.Table, k: int, titled: bool) -> pa.Table:
    """Copy k of a table: ids (and titles) suffixed, so that no row of copy k collides with another copy's."""
    if k == 0:
        return t
    for name, suffix in [(c, f"~{k}") for c in IDS] + ([("title", f" ({k})")] if titled else []):
        if name in t.schema.names:
            i = t.schema.get_field_index(name)
            t = t.set_column(i, t.field(i), pc.binary_join_element_wise(t[name], pa.scalar(suffix), ""))
    return t


def tile(src: Warehouse, snapshot: Path, k_times: int, run_id: str) -> None:
    for table in TABLES:
        if table in DERIVED:
            continue
        d = src.table(table)
        if d is None:
            continue
        rows = d.to_table()
        tiled = pa.concat_tables([copy_of(rows, k, table in TITLED) for k in range(k_times)])
        if table in PARTITIONED:
            ds.write_dataset(tiled, snapshot / table, format="parquet",
                             partitioning=ds.partitioning(PARTITIONING, flavor="hive"),
                             basename_template=f"part-{run_id}-{{i}}.parquet",
                             min_rows_per_group=GROUP_ROWS, max_rows_per_group=GROUP_ROWS,
                             existing_data_behavior="overwrite_or_ignore")
        else:
            (snapshot / table).mkdir(parents=True, exist_ok=True)
            ds.write_dataset(tiled, snapshot / table, format="parquet",
                             basename_template=f"part-{run_id}-{{i}}.parquet",
                             existing_data_behavior="overwrite_or_ignore")
        print(f"  {table}: {rows.num_rows:,} -> {tiled.num_rows:,} rows", flush=True)
    n = write_entities(snapshot, run_id, [], set())
    print(f"  entities: {n:,} rebuilt from the tiled mentions", flush=True)


def main(src_root: str, dst_root: str, k_times: int) -> None:
    src, dst = Warehouse(src_root), Warehouse(dst_root)
    if src.snapshot_id() is None:
        sys.exit(f"no warehouse at {src_root}")
    if Path(dst_root).exists():
        sys.exit(f"{dst_root} exists: give a new folder")
    started = time.monotonic()
    run_id = f"tile-x{k_times}"
    with dst.open().locked(run_id, 0):
        snapshot = dst.publish(run_id, lambda s: tile(src, s, k_times, run_id))
    shutil.copytree(src.root / "_quality" / "runs", dst.root / "_quality" / "runs")
    print(f"{dst_root}: snapshot {snapshot}, {k_times} copies of {src_root} in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
