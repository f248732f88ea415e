"""Enrich a split page into the rows of the articles, teasers and mentions tables.

Takes: the raw identity of a page (path, sha256), its `Cleaned` header and its
`Split`. Returns: `Rows` (one article row, its teaser rows and mention rows)
as plain dicts keyed by the column names of `kcna_etl.transforms.schema`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from kcna_etl.transforms import PIPELINE_VERSION
from kcna_etl.transforms.chrome import Cleaned, body_paragraphs
from kcna_etl.transforms.dateline import dateline
from kcna_etl.transforms.mentions import Lexicon, mentions
from kcna_etl.transforms.reject import PageRejected
from kcna_etl.transforms.rules import Rules
from kcna_etl.transforms.schema import partition_of
from kcna_etl.transforms.sidebar import Split

_WORD = re.compile(r"\w+(?:['\u2019.\-]\w+)*")
_PUNCT = ",.;:!?'"  # no space before these in the canonical text (a curly apostrophe is folded to ' first)


@dataclass
class Rows:
    article: dict
    teasers: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)


def canonical_text(text: str) -> str:
    """The text with typography folded, so an HTML and a text copy of one article agree: curly quotes made
    straight, every run of spaces (any Unicode space, line breaks too) one space, none before punctuation
    or at the ends."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    # str.split() cuts at what the regular expressions' \s matches (str.isspace), in C and without a
    # pattern tried at every position: a tenth of the cost of the two substitutions it replaced
    text = " ".join(text.split())
    for p in _PUNCT:
        text = text.replace(" " + p, p)
    return text


def article_id(source: str | None, body: str) -> str:
    """Deterministic id from the outlet and the body text (not from the file)."""
    key = f"kcna-etl/article\n{canonical_text(source or '')}\n{canonical_text(body)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def word_count(body: str) -> int:
    return len(_WORD.findall(body))


def language(body: str, rules: Rules) -> str:
    """`ko` when Hangul makes up at least the lexicon's share of the body's letters, else `en`."""
    if rules.hangul is None or rules.hangul_share > 0 and not rules.hangul.search(body):
        return "en"  # no Hangul at all: counting the letters (a third of the page path's cost) decides nothing
    letters = sum(ch.isalpha() for ch in body)
    return "ko" if letters and len(rules.hangul.findall(body)) >= rules.hangul_share * letters else "en"


def rows(raw_path: str, raw_sha256: str, page_format: str, cleaned: Cleaned, split: Split,
         rules: Rules, lexicon: Lexicon) -> Rows:
    head = cleaned.header
    paragraphs = body_paragraphs(split.article, rules)
    if not paragraphs:
        reason = "page is only a sidebar: no article text before 'More From'" if split.outlet else "no article text"
        raise PageRejected("split", reason)
    source = head.source or split.outlet or None
    if source is None:
        raise PageRejected("split", "no outlet: neither a 'Date: … | Source:' line nor a 'More From' sidebar names one")
    body = "\n".join(paragraphs)
    aid = article_id(source, body)
    published, origin = (head.published_date, "metadata") if head.published_date else (
        (cleaned.footer_date, "footer") if cleaned.footer_date else (None, None))
    lead = dateline(paragraphs[0], rules.months, rules.korean_dateline)
    lang = language(body, rules)
    slug, year = partition_of(source, published)
    article = {
        "article_id": aid, "source": source, "outlet": (rules.outlet_of or {}).get(source), "title": head.title,
        "published_date": published, "published_date_origin": origin,
        "capture_date": head.capture_date,
        "dateline_place": lead.place if lead else None,
        "dateline_agency": lead.agency if lead else None,
        "dateline_month": lead.month if lead else None,
        "dateline_day": lead.day if lead else None,
        "body": body, "language": lang, "paragraph_count": len(paragraphs), "word_count": word_count(body),
        "layout": head.layout, "page_format": page_format,
        "sidebar_source": split.outlet, "teaser_count": len(split.teasers),
        "raw_path": raw_path, "raw_sha256": raw_sha256, "pipeline_version": PIPELINE_VERSION,
        "source_slug": slug, "year": year,
    }
    part = {"source_slug": slug, "year": year}
    teaser_rows = [
        {"article_id": aid, "position": t.position, "source": split.outlet, "title": t.title,
         "snippet": t.snippet, "teaser_date": t.date, **part}
        for t in split.teasers
    ]
    # the mention rules read English (KCNA's romanised names, English titles and heads): a Korean body has none
    found = mentions(body, lexicon) if lang == "en" else []
    mention_rows = [
        {"article_id": aid, "entity_type": m.type, "entity": m.entity, "entity_id": m.entity_id,
         "surface": m.surface, "start": m.start, "end": m.end, "role": m.role,
         "rule": m.rule, **part}
        for m in found
    ]
    return Rows(article, teaser_rows, mention_rows)
