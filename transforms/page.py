"""One page's bytes to its rows, or to why it was refused: the only way a page becomes rows.

Takes: the raw bytes of a page, its name (its suffix says gzip or HTML) and the path and SHA-256
stored with its rows. Returns: `Rows` (article, teasers, mentions; see article.py) or `Reject`
(stage, reason). The chain is decode → clean → split → rows, each step a module of its own; a
`PageRejected` from any step, or any other error one raises on this page (a parser bug must not
sink a batch), becomes the page's reject, named by the step it stopped at.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kcna_etl.transforms.article import Rows, rows
from kcna_etl.transforms.chrome import clean
from kcna_etl.transforms.decode import MAX_TEXT_BYTES, page_lines
from kcna_etl.transforms.mentions import Lexicon
from kcna_etl.transforms.reject import PageRejected
from kcna_etl.transforms.rules import Rules
from kcna_etl.transforms.sidebar import split


@dataclass(frozen=True)
class Reject:
    stage: str
    reason: str


def read_page(raw: bytes, name: str, rules: Rules, lexicon: Lexicon, path: str | None = None,
              sha256: str | None = None, max_bytes: int = MAX_TEXT_BYTES) -> Rows | Reject:
    """`path` (default `name`) and `sha256` (default: of `raw`) are what the rows record."""
    path = name if path is None else path
    sha256 = hashlib.sha256(raw).hexdigest() if sha256 is None else sha256
    stage = "ingest"
    try:
        read = page_lines(raw, name, max_bytes)
        stage = "clean"
        cleaned = clean(read.lines, rules)
        stage = "split"
        parts = split(cleaned.lines, rules)
        stage = "enrich"
        return rows(path, sha256, read.page_format, cleaned, parts, rules, lexicon)
    except PageRejected as e:
        return Reject(e.stage, e.reason)
    except Exception as e:  # noqa: BLE001 - one bad page is a reject, not a failed batch
        return Reject(stage, f"internal error: {type(e).__name__}: {e}")
