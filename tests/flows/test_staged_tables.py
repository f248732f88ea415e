"""A batch's staged tables hold its pages' rows as read, column for column (storage/staging.py `staged_tables`).

The tables are built a column at a time from the pages' rows; here each staged row is compared with the row
the page path made, plus what staging adds: the page's path, its validation unit, the validation columns
(first paragraph; a mention's body length and slice) and a row id that counts up within the batch.
"""
from __future__ import annotations

import pytest

from kcna_etl.storage.pages import list_pages
from kcna_etl.storage.staging import ingest, staged_schema, staged_tables
from kcna_etl.transforms.article import Rows
from kcna_etl.transforms.decode import MAX_TEXT_BYTES
from tests.conftest import SAMPLES, TEST_PAGES

NUMBER = 7


@pytest.fixture(scope="module")
def pages():
    out = []
    for root in (SAMPLES, TEST_PAGES):
        batch = ingest(str(root), list_pages(root), None, MAX_TEXT_BYTES)
        out += [(p.raw_path, p.rows) for p in batch.pages]
    assert any(r.teasers for _, r in out) and any(r.mentions for _, r in out)
    return out


def expected(pages) -> dict[str, list[dict]]:
    want = {"articles": [], "teasers": [], "mentions": []}
    for path, rows in pages:
        body = rows.article["body"]
        want["articles"].append({**rows.article, "first_paragraph": body.split("\n")[0]})
        want["teasers"] += [{**t, "raw_path": path} for t in rows.teasers]
        want["mentions"] += [{**m, "raw_path": path, "body_length": len(body),
                              "body_slice": body[m["start"]:m["end"]]} for m in rows.mentions]
    return want


def test_staged_rows_are_the_pages_rows_with_what_staging_adds(pages):
    tables = staged_tables(pages, NUMBER)
    for table, want in expected(pages).items():
        got = tables[table]
        assert got.schema.equals(staged_schema(table), check_metadata=True), table
        rows = got.to_pylist()
        assert [r.pop("staged_row") for r in rows] == list(range(NUMBER << 32, (NUMBER << 32) + len(want)))
        assert len(rows) == len(want), table
        for g, w in zip(rows, want):
            assert g == {c: w.get(c) for c in g}, f"{table}: {w.get('raw_path')}"


def test_a_mention_whose_offsets_leave_the_body_has_no_slice(pages):
    path, found = next((p, r) for p, r in pages if r.mentions)
    body = found.article["body"]
    rows = Rows(found.article, found.teasers, [dict(found.mentions[0], start=len(body), end=len(body) + 3),
                                               *found.mentions[1:]])
    got = staged_tables([(path, rows)], 0)["mentions"].to_pylist()
    assert got[0]["body_slice"] is None and got[0]["body_length"] == len(body)
    assert all(g["body_slice"] == body[g["start"]:g["end"]] == g["surface"] for g in got[1:])
