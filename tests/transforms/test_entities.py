"""The entities and roles tables derived from mentions: `transforms/entities.py`."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from kcna_etl.transforms.entities import entities, fold, part, role_history, roles_of
from kcna_etl.transforms.schema import ENTITIES, ROLES


def mentions_table(rows):
    cols = ("entity_id", "entity_type", "entity", "surface", "article_id", "role")
    return pa.table({c: pa.array([(r + (None,))[i] for r in rows], pa.string()) for i, c in enumerate(cols)})


ARTICLES = pa.table({"article_id": ["a1", "a2", "a3", "a4"],
                     "published_date": pa.array([dt.date(2019, 4, 12), None, dt.date(2024, 6, 19), None], pa.date32()),
                     "capture_date": pa.array([dt.date(2019, 4, 13), dt.date(2021, 1, 2), None, None], pa.date32())})


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


CHOE = ("person:choe", "person", "Choe Ryong Hae", "Choe Ryong Hae")
ROLE_MENTIONS = mentions_table([
    CHOE + ("a1", "premier of the Cabinet"),
    CHOE + ("a1", "premier of the Cabinet."),                # the sentence's full stop is not part of the role
    CHOE + ("a2", "chairman of the Standing Committee of the Supreme People\u2019s Assembly"),
    CHOE + ("a3", "chairman of the Standing Committee of the Supreme People's  Assembly"),
    CHOE + ("a4", "premier of the Cabinet"),                  # an article with no date at all
    CHOE + ("a3", None),                                      # no role: not in the history
    ("org:wpk", "organization", "Workers' Party of Korea", "WPK", "a1", None),
])


def test_the_role_history_has_a_row_per_person_and_role_with_its_first_and_last_dates():
    got = role_history(ROLE_MENTIONS, ARTICLES)
    assert got.schema == ROLES
    assert got.to_pylist() == [
        # a2 has no published_date: its capture_date dates it; the apostrophes and spaces fold into one role
        {"entity_id": "person:choe", "role": "chairman of the Standing Committee of the Supreme People's Assembly",
         "first_seen": dt.date(2021, 1, 2), "last_seen": dt.date(2024, 6, 19), "mention_count": 2, "article_count": 2},
        {"entity_id": "person:choe", "role": "premier of the Cabinet",
         "first_seen": dt.date(2019, 4, 12), "last_seen": dt.date(2019, 4, 12), "mention_count": 3, "article_count": 2},
    ]


def test_the_role_history_of_parts_added_up_equals_the_whole():
    by_article = [ROLE_MENTIONS.filter(pc.equal(ROLE_MENTIONS["article_id"], a)) for a in ("a3", "a1", "a4", "a2")]
    assert roles_of(fold(part(m, ARTICLES) for m in by_article)) == role_history(ROLE_MENTIONS, ARTICLES)


def test_no_roles_no_history():
    assert role_history(mentions_table([("org:wpk", "organization", "WPK", "WPK", "a1")]), ARTICLES).num_rows == 0
