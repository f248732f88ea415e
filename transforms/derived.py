"""Columns computed for validation only, never written to the tables.

Takes: a page's `Rows`. Returns: the article row with `first_paragraph`, and
the mention rows with `body_length` and `body_slice` (the body cut at the
mention's offsets, or None when the offsets do not fall inside the body), so
that the expectation suites compare columns row by row without a join.
"""
from __future__ import annotations

from kcna_etl.transforms.article import Rows

ARTICLE_COLUMNS = ("first_paragraph",)
MENTION_COLUMNS = ("body_length", "body_slice")


def first_paragraph(body: str | None) -> str | None:
    return body.split("\n", 1)[0] if body is not None else None


def body_slice(body: str, start: int, end: int) -> str | None:
    """`body[start:end]` when the offsets fall inside the body, else None: a slice is
    only compared with the surface when the offsets themselves are sound."""
    return body[start:end] if 0 <= start < end <= len(body) else None


def with_check_columns(rows: Rows) -> Rows:
    body = rows.article["body"]
    article = dict(rows.article, first_paragraph=first_paragraph(body))
    length = len(body) if body is not None else None
    mentions = [dict(m, body_length=length,
                     body_slice=body_slice(body, m["start"], m["end"]) if body is not None else None)
                for m in rows.mentions]
    return Rows(article, list(rows.teasers), mentions)
