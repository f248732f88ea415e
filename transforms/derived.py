"""Columns computed for validation only, never written to the tables.

Takes: an article's body (and a mention's offsets). Returns: the article's `first_paragraph`, and
a mention's `body_slice` (the body cut at the mention's offsets, or None when the offsets do not
fall inside the body), so that the expectation suites compare columns row by row without a join.
`storage/staging.py` adds them (with `body_length`) to the staged tables.
"""
from __future__ import annotations


def first_paragraph(body: str | None) -> str | None:
    return body.split("\n", 1)[0] if body is not None else None


def body_slice(body: str, start: int, end: int) -> str | None:
    """`body[start:end]` when the offsets fall inside the body, else None: a slice is
    only compared with the surface when the offsets themselves are sound."""
    return body[start:end] if 0 <= start < end <= len(body) else None
