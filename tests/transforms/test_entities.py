"""The entities table derived from mentions: `transforms/entities.py`."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa

from kcna_etl.transforms.entities import entities
from kcna_etl.transforms.schema import ENTITIES


def mentions_table(rows):
    cols = ("entity_id", "entity_type", "entity", "surface", "article_id")
    return pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)})


ARTICLES = pa.table({"article_id": ["a1", "a2", "a3"],
                     "published_date": pa.array([dt.date(2019, 4, 12), None, dt.date(2024, 6, 19)], pa.date32())})


def test_one_row_per_entity_with_its_names_dates_and_counts():
    got = entities(mentions_table([
        ("person:putin", "person", "Vladimir Putin", "Vladimir Putin", "a1"),
        ("person:putin", "person", "Vladimir Putin", "Putin", "a1"),
        ("person:putin", "person", "Vladimir Vladimirovich Putin", "Vladimir Vladimirovich\u00a0 Putin", "a3"),
        ("org:wpk", "organization", "Workers' Party of Korea", "Workers\u2019 Party of Korea", "a2"),
        ("org:wpk", "organization", "Workers' Party of Korea", "WPK", "a2"),
        ("org:wpk", "organization", "Workers' Party of Korea", "Workers' Party of Korea", "a2"),
    ]), ARTICLES)
    assert got.schema == ENTITIES
    assert got.to_pylist() == [
        {"entity_id": "org:wpk", "entity_type": "organization", "entity": "Workers' Party of Korea",
         "aliases": ["WPK", "Workers' Party of Korea"],  # curly and straight apostrophes fold into one alias
         "first_seen": None, "last_seen": None,          # its only article has no date
         "mention_count": 3, "article_count": 1},
        {"entity_id": "person:putin", "entity_type": "person", "entity": "Vladimir Vladimirovich Putin",
         "aliases": ["Putin", "Vladimir Putin", "Vladimir Vladimirovich Putin"],
         "first_seen": dt.date(2019, 4, 12), "last_seen": dt.date(2024, 6, 19),
         "mention_count": 3, "article_count": 2},
    ]


def test_the_name_of_equally_long_forms_is_the_most_frequent_then_the_first():
    got = entities(mentions_table([
        ("place:x", "place", "Bbbb", "Bbbb", "a1"),
        ("place:x", "place", "Aaaa", "Aaaa", "a1"),
        ("place:x", "place", "Bbbb", "Bbbb", "a2"),
        ("place:y", "place", "Dddd", "Dddd", "a1"),
        ("place:y", "place", "Cccc", "Cccc", "a2"),
    ]), ARTICLES)
    assert got.column("entity").to_pylist() == ["Bbbb", "Cccc"]


def test_no_mentions_no_entities():
    empty = mentions_table([])
    assert entities(empty.cast(pa.schema([(n, pa.string()) for n in empty.column_names])), ARTICLES).num_rows == 0
