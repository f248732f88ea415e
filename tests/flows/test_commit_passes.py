"""The commit writes a run's rows a few outlets at a time (bounded memory): the tables do not depend on
how many passes it takes, every row is written once, in large row groups, and a duplicate page's rows
are left out. The staged files serve the validation units (whole files) and the commit's passes (an outlet's row
groups) alike."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from kcna_etl.storage.commit import outlet_sizes, passes, table_rows, write_partitioned
from kcna_etl.storage.pages import list_pages
from kcna_etl.storage.staging import ingest, stage
from kcna_etl.devtools.synth import write_corpus
from kcna_etl.transforms.decode import MAX_TEXT_BYTES
from kcna_etl.transforms.schema import PARTITIONING, TABLES

PARTITIONED = ("articles", "teasers", "mentions")


@pytest.fixture(scope="module")
def staging(tmp_path_factory) -> Path:
    """Three batches of generated pages through the stages, staged as a run stages them."""
    root = tmp_path_factory.mktemp("passes")
    write_corpus(root / "pages", 150, "passes", workers=1)
    paths = list_pages(root / "pages")
    for n in range(3):
        batch = ingest(str(root / "pages"), paths[n * 50:(n + 1) * 50], None, MAX_TEXT_BYTES)
        stage(batch, str(root / "staging"), n)
    return root / "staging"


def written(folder: Path, table: str) -> pa.Table:
    part = ds.partitioning(PARTITIONING, flavor="hive")
    rows = ds.dataset(folder / table, format="parquet", partitioning=part, schema=pa.schema(
        list(TABLES[table]) + list(PARTITIONING))).to_table()
    return rows.sort_by([(c, "ascending") for c in rows.column_names if c not in ("body",)])


def test_passes_cover_the_outlets_in_order_within_the_limit():
    sizes = {"b": 10, "a": 30, "c": 50, "d": 5, None: 1}
    assert passes(sizes, 40) == [["a", "b"], ["c"], ["d"]]
    assert passes(sizes, 20) == [["a"], ["b"], ["c"], ["d"]]
    assert passes(sizes, 60) == [["a", "b"], ["c", "d"]]
    assert passes(sizes, 10**9) == [["a", "b", "c", "d"]]


@pytest.mark.parametrize("table", PARTITIONED)
def test_the_tables_do_not_depend_on_the_number_of_passes(staging, tmp_path, table):
    source = table_rows(staging, table)
    assert len(outlet_sizes(source)) > 5  # the generated pages name many outlets
    one = write_partitioned(source, None, tmp_path / "one", table, "r1", pass_bytes=10**12)
    many = write_partitioned(source, None, tmp_path / "many", table, "r2", pass_bytes=1)
    assert one == many == source.count_rows() > 0
    assert written(tmp_path / "one", table).equals(written(tmp_path / "many", table))
    files = list((tmp_path / "many" / table).rglob("*.parquet"))
    assert len(files) == len({f.parent for f in files})  # one file per partition
    # the staged row groups are small (an outlet of a batch); the partitions' are not
    assert all(pq.ParquetFile(f).num_row_groups == 1 for f in files)


def test_staged_row_groups_hold_one_outlet_each_and_no_more_than_the_outlets(staging):
    """A batch file's row groups are its outlets, not more: every reader of the staged files holds their
    footers, which grew with the square of the run when a file held a group per validation unit too."""
    for table in PARTITIONED:
        for f in sorted((staging / table).glob("*.parquet")):
            meta = pq.ParquetFile(f).metadata
            column = meta.schema.names.index("source_slug")
            slugs = []
            for g in range(meta.num_row_groups):
                stats = meta.row_group(g).column(column).statistics
                assert stats.min == stats.max
                slugs.append(stats.min)
            assert slugs == sorted(slugs) and len(set(slugs)) == len(slugs)
            assert set(slugs) == set(pq.read_table(f, columns=["source_slug"]).column(0).to_pylist())


def test_a_losing_page_leaves_no_rows(staging, tmp_path):
    source = table_rows(staging, "mentions")
    paths = sorted(set(source.to_table(columns=["raw_path"]).column("raw_path").to_pylist()))
    losers = pa.array(paths[::3], pa.string())
    n = write_partitioned(source, ~pc.field("raw_path").isin(losers), tmp_path / "w", "mentions", "r", pass_bytes=1)
    kept = source.to_table(columns=["raw_path"]).column("raw_path").to_pylist()
    assert n == sum(p not in set(losers.to_pylist()) for p in kept)
