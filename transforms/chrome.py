"""Site chrome: the header of a page and the boilerplate lines around the article.

Takes: the line stream of a page (`decode.text_lines` or `html.html_lines`).
Returns: `Cleaned`: the header read into fields (capture date, source badge,
title, the `Date: … | Source: …` metadata line) and the remaining non-blank
lines (article then sidebar) with chrome lines, the kcna.kp footer and the
closing `More Articles` removed. The footer's date is kept as a fallback
publication date. Text is never rewritten, only whole lines are dropped.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kcna_etl.transforms import dates
from kcna_etl.transforms.rules import Rules, shaped

HEADER_SPAN = 150  # the metadata line sits near the top, below at most some lines of site chrome
MAX_TITLE = 300
_SENTENCE_END = (".", ":", ";", '"', "\u201d", "'", "\u2019", ",")


@dataclass(frozen=True)
class Header:
    layout: str  # "header" (capture date / metadata line on top) or "plain"
    capture_date: dt.date | None = None
    badge: str | None = None
    title: str | None = None
    published_date: dt.date | None = None
    source: str | None = None


@dataclass(frozen=True)
class Cleaned:
    header: Header
    lines: list[str]
    footer_date: dt.date | None


def is_badge(line: str, source: str | None, rules: Rules) -> bool:
    """`KCNA KCNA.kp (En)`: the outlet's name, after at most two short words (its logo's text)."""
    names = (source,) if source else rules.outlets
    return any(n and (line == n or line.endswith(" " + n) and len(line[:-len(n)].split()) <= 2) for n in names)


def is_title(line: str, rules: Rules) -> bool:
    """A headline: short, no closing punctuation, not a dated lead or chrome."""
    return (
        0 < len(line) <= MAX_TITLE
        and not line.endswith(_SENTENCE_END)
        and " -- " not in line
        and not rules.sidebar_start.match(line)
        and not rules.teaser_date.match(line)
    )


def distinct(lines: list[str]) -> list[str]:
    """Consecutive repeats folded: the aggregator prints some header lines twice."""
    return [x for i, x in enumerate(lines) if i == 0 or x != lines[i - 1]]


def capture_of(line: str, rules: Rules) -> dt.date | None:
    m = rules.capture_date.match(line)
    return dates.shown_date(m.group("date"), rules.months, rules.juche_offset) if m else None


def header_shaped(pre: list[str], rules: Rules) -> bool:
    """Above a metadata line: a capture date (maybe below site chrome), or just a badge and a title.

    So a `Date: … | Source: …` line quoted inside an article is not taken for the header.
    """
    return len(pre) <= 3 or any(capture_of(x, rules) for x in pre)


def headed(pre: list[str], meta: re.Match, rules: Rules) -> Header:
    """The header of a page with a metadata line: [chrome,] capture date, badge, title above it."""
    source = (meta.group("source") or "").strip() or None
    published = dates.day_month_year(meta.group("day"), meta.group("month"), meta.group("year"))
    pre = [x for x in pre if not rules.drop_line.match(x)]
    captures = [i for i, x in enumerate(pre) if capture_of(x, rules)]
    capture = None
    if captures:  # the capture date opens the aggregator's header; above it is only site chrome
        capture = capture_of(pre[captures[-1]], rules)
        pre = pre[captures[-1] + 1:]
    pre = distinct(pre)
    # The headline sits right above the metadata line; the badge (outlet name) above the headline.
    title = pre[-1] if len(pre) >= 2 or pre and not is_badge(pre[-1], source, rules) else None
    above = pre[:-1] if title else pre
    return Header("header", capture, above[-1] if above else None, title, published, source)


def header(lines: list[str], rules: Rules) -> tuple[Header, int]:
    """Read the header (from `shaped` lines); return it and the index of the first line after it."""
    for k in range(min(len(lines), HEADER_SPAN)):
        if (meta := rules.metadata.match(lines[k])) and header_shaped(lines[:k], rules):
            return headed(lines[:k], meta, rules), k + 1
    capture = capture_of(lines[0], rules) if lines else None
    if capture is None:
        return Header("plain"), 0
    # A capture-date header without a metadata line: badge, then maybe a headline.
    i, badge, title = 1, None, None
    if i < len(lines) and is_badge(lines[i], None, rules):
        badge, i = lines[i], i + 1
    if i + 1 < len(lines) and is_title(lines[i], rules):
        title, i = lines[i], i + 1
    return Header("header", capture, badge, title), i


def clean(lines: list[str], rules: Rules) -> Cleaned:
    # blank means blank to the eye: a line of no-break spaces (`<p>&nbsp;</p>`) too
    keyed = [(line, key) for line in lines if (key := shaped(line))]
    head, start = header([key for _, key in keyed], rules)
    kept: list[str] = []
    footer = None
    for line, key in keyed[start:]:
        if rules.drop_line.match(key):
            continue
        if m := rules.footer.search(key):
            footer = footer or dates.footer_date(m.group("date"), rules.juche_offset)
            # a footer run onto the last paragraph's line: the paragraph is kept as written
            line = line[:line.index(key) + m.start()].rstrip()
            if not shaped(line):
                continue
        kept.append(line)
    while kept and rules.sidebar_end.match(shaped(kept[-1])):
        kept.pop()
    return Cleaned(head, kept, footer)


def body_paragraphs(lines: list[str], rules: Rules) -> list[str]:
    """Article lines to paragraphs: the end mark `-0-` removed, nothing else."""
    out = []
    for line in lines:
        end = line.rstrip()
        if end.endswith(rules.end_marks):
            # the longest mark that ends the line, as a pattern of alternatives found it, and the spaces before it
            mark = max((m for m in rules.end_marks if end.endswith(m)), key=len)
            line = end[:-len(mark)].rstrip()
        para = line.rstrip(" \t")
        if para:
            out.append(para)
    return out
