"""Which pages a backfill chooses from the manifest (`storage/selection.py`), without Prefect."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from kcna_etl.storage.selection import Selection, chosen, older
from kcna_etl.transforms.schema import MANIFEST


def manifest(*rows: tuple) -> pa.Table:
    """Rows of (raw_path, outcome, article_id, published_date, pipeline_version); the path is also the hash."""
    return pa.Table.from_pylist([
        {"raw_sha256": path, "raw_path": path, "outcome": outcome, "article_id": article,
         "published_date": date and dt.date.fromisoformat(date), "pipeline_version": version, "run_id": "r"}
        for path, outcome, article, date, version in rows], schema=MANIFEST)


PAGES = manifest(
    ("a.txt", "article", "A", "2019-05-01", "1.9.0"),
    ("a copy.txt.gz", "duplicate", "A", "2019-05-01", "1.10.0"),
    ("b.txt", "article", "B", "2021-01-01", "1.10.0"),
    ("c.txt", "article", "C", None, "1.10.0"),
    ("bad.txt", "rejected", None, None, "1.2.0"),
    ("d.txt", "article", "D", "2020-12-31", "1.10.0"),
)


def paths(table: pa.Table) -> list[str]:
    return sorted(table["raw_path"].to_pylist())


def test_stale_pages_bring_the_other_pages_of_their_article():
    assert paths(chosen(PAGES, Selection(stale=True), "1.10.0")) == ["a copy.txt.gz", "a.txt", "bad.txt"]


def test_versions_compare_as_numbers():
    assert older("1.9.0", "1.10.0") and not older("1.10.0", "1.9.0") and not older("1.10.0", "1.10.0")
    assert older("dev", "1.10.0") and not older("dev", "dev")
    # a warehouse written by a newer pipeline is not stale for an older one
    assert paths(chosen(PAGES, Selection(stale=True), "1.2.0")) == []


@pytest.mark.parametrize("since, until, want", [
    ("2019-01-01", "2020-12-31", ["a copy.txt.gz", "a.txt", "d.txt"]),   # both ends included
    ("2021-01-01", None, ["b.txt"]),
    (None, "2019-05-01", ["a copy.txt.gz", "a.txt"]),
    ("2022-01-01", None, []),                                             # undated pages and rejects: never
])
def test_date_ranges_choose_by_publication_date(since, until, want):
    s = Selection(since=since and dt.date.fromisoformat(since), until=until and dt.date.fromisoformat(until))
    assert paths(chosen(PAGES, s, "1.10.0")) == want


def test_full_chooses_every_page():
    assert paths(chosen(PAGES, Selection(full=True), "1.10.0")) == paths(PAGES)


@pytest.mark.parametrize("selection", [Selection(), Selection(stale=True, full=True),
                                       Selection(stale=True, since=dt.date(2020, 1, 1)),
                                       Selection(since=dt.date(2021, 1, 1), until=dt.date(2020, 1, 1))])
def test_one_choice_at_a_time(selection):
    assert selection.problem()
