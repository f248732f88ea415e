"""Schemas, partition slugs and the generated table reference: `transforms/schema.py`."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kcna_etl.transforms.schema import ARTICLES, MENTIONS, REJECTS, TEASERS, schema_markdown, slug

CONTRACT = {
    "articles": {"article_id": "string", "source": "string", "title": "string", "published_date": "date32[day]",
                 "capture_date": "date32[day]", "dateline_place": "string", "dateline_agency": "string",
                 "body": "string", "paragraph_count": "int32", "word_count": "int32", "raw_path": "string",
                 "raw_sha256": "string"},
    "teasers": {"article_id": "string", "position": "int32", "source": "string", "title": "string",
                "snippet": "string", "teaser_date": "date32[day]"},
    "mentions": {"article_id": "string", "entity_type": "string", "entity": "string", "surface": "string",
                 "start": "int32", "end": "int32"},
    "rejects": {"raw_path": "string", "raw_sha256": "string", "stage": "string", "reason": "string"},
}


@pytest.mark.parametrize("name, schema", [("articles", ARTICLES), ("teasers", TEASERS), ("mentions", MENTIONS),
                                          ("rejects", REJECTS)])
def test_the_data_contract_columns_keep_their_names_and_types(name, schema):
    assert {c: str(schema.field(c).type) for c in CONTRACT[name]} == CONTRACT[name]


@pytest.mark.parametrize("outlet, want", [
    ("KCNA.kp (En)", "kcna-kp-en"),
    ("Chongnyon Chonwi (EN)", "chongnyon-chonwi-en"),
    ("Pyongyang Times", "pyongyang-times"),
])
def test_slug(outlet, want):
    assert slug(outlet) == want


@pytest.mark.parametrize("hostile", ["../../etc", "a/b=c%d", "x\x00y", "..", "=", "%2e%2e", "\u0000", "A" * 1000,
                                     "\u041f\u0440\u0430\u0432\u0434\u0430", "__HIVE_DEFAULT_PARTITION__"])
def test_slug_is_always_a_safe_hive_value(hostile):
    s = slug(hostile)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", s), s


def test_distinct_outlets_that_lose_their_letters_stay_apart():
    assert slug("\u041f\u0440\u0430\u0432\u0434\u0430") != slug("\u0418\u0437\u0432\u0435\u0441\u0442\u0438\u044f")


def test_docs_tables_md_is_generated_from_the_schemas():
    doc = Path(__file__).resolve().parents[2] / "docs" / "tables.md"
    assert doc.read_text() == schema_markdown() + "\n", "regenerate with: kcna-etl schema-doc > docs/tables.md"
