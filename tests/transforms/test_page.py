"""The page path reads the committed corpus exactly as the code it replaced did (tests/data/reading/).

Row for row, on the columns the committed reading has (a column added since flows through unchecked
here; its own tests check it). The mentions are compared apart: their module changes on purpose more
often than the rest, and then the reading is regenerated (see tests/data/reading/make.py).
"""
from __future__ import annotations

import pytest

from tests.data.reading import make


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return make.reading(make.synth_folder(tmp_path_factory.mktemp("synth")))


@pytest.fixture(scope="module")
def committed():
    return make.load()


def same_rows(got: list[dict], want: list[dict], table: str) -> None:
    columns = sorted(want[0]) if want else []
    got = [{c: r.get(c) for c in columns} for r in got]
    assert len(got) == len(want), f"{table}: {len(got)} rows, committed reading has {len(want)}"
    for g, w in zip(got, want):
        assert g == w, f"{table}: {w.get('raw_path')}: " + ", ".join(
            f"{c}: {g[c]!r} != {w[c]!r}" for c in columns if g[c] != w[c])


@pytest.mark.parametrize("table", ["articles", "teasers", "rejects"])
def test_the_page_path_gives_the_committed_reading(tables, committed, table):
    assert committed[table], table
    same_rows(tables[table], committed[table], table)


def test_the_page_path_gives_the_committed_mentions(tables, committed):
    same_rows(tables["mentions"], committed["mentions"], "mentions")


def test_the_reading_has_every_kind_of_reject(committed):
    stages = {r["stage"] for r in committed["rejects"]}
    assert {"ingest", "split"} <= stages
    assert any("future" in r["raw_path"] for r in committed["articles"])  # read; validation quarantines it
