"""The `More From <outlet>` sidebar: where it starts, and its teasers.

Takes: the cleaned lines of a page. Returns: the article lines, the outlet the
sidebar names and its teasers in page order. A teaser is printed as an
optional title (twice), the snippet, the date, and the snippet again; the
repeat is matched, not assumed, so a page cut off mid-teaser or a teaser
printed once still reads right.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kcna_etl.transforms import dates
from kcna_etl.transforms.rules import Rules, shaped

@dataclass(frozen=True)
class Teaser:
    position: int
    title: str | None
    snippet: str
    date: dt.date


@dataclass(frozen=True)
class Split:
    article: list[str]
    outlet: str | None
    teasers: list[Teaser]
    incomplete: int  # teaser fragments without a date, e.g. a page cut off mid-teaser


def teaser_date(shown: str, rules: Rules) -> dt.date | None:
    m = rules.teaser_date.match(shown)
    return dates.shown_date(m.group("date"), rules.months, rules.juche_offset) if m else None


def opens_sidebar(ahead: list[str], rules: Rules) -> bool:
    """Do the lines after a `More From` line start a teaser list?

    A first teaser is [title, title,] snippet, date, snippet again; a page cut
    off just after the sidebar header has a few dateless lines and no more.
    """
    dates_at = [k for k, x in enumerate(ahead[:4]) if teaser_date(x, rules)]
    if not dates_at:
        return len(ahead) <= 3 and not any(rules.sidebar_start.match(x) for x in ahead)
    d = dates_at[0]
    region = ahead[:d]
    return len(region) in (1, 2) or (len(region) == 3 and region[0] == region[1])


def sidebar_start(shown: list[str], rules: Rules) -> tuple[int, str] | None:
    """Index and outlet of the first `More From` line that opens a real sidebar."""
    for i, line in enumerate(shown):
        m = rules.sidebar_start.match(line)
        if m and opens_sidebar(shown[i + 1:i + 5], rules):
            return i, m.group("outlet").strip()
    return None


def title_of(lines: list[str]) -> str | None:
    """The title lines of a teaser (printed twice); the last distinct one wins."""
    return lines[-1] if lines else None


def teasers(shown: list[str], rules: Rules) -> tuple[list[Teaser], int]:
    out: list[Teaser] = []
    start = 0
    for d, line in enumerate(shown):
        if d < start:
            continue
        date = teaser_date(line, rules)
        if date is None:
            continue
        region = shown[start:d]
        start = d + 1
        if not region:
            continue
        snippet = region[-1]
        if start < len(shown) and shown[start] == snippet:
            start += 1
        out.append(Teaser(len(out) + 1, title_of(region[:-1]), snippet, date))
    return out, int(start < len(shown))


def split(lines: list[str], rules: Rules) -> Split:
    # Every rule here reads a line as shown (`shaped`), and a teaser's fields are its lines as shown: shaped
    # once, here. The functions above take lines as shown.
    shown = [shaped(x) for x in lines]
    found = sidebar_start(shown, rules)
    if found is None:
        return Split(lines, None, [], 0)
    i, outlet = found
    sidebar = shown[i + 1:]
    # `More Articles` closes the sidebar (site footer follows), and so does another `More From` list
    end = next((k for k, x in enumerate(sidebar) if rules.sidebar_end.match(x) or rules.sidebar_start.match(x)),
               len(sidebar))
    items, incomplete = teasers(sidebar[:end], rules)
    return Split(lines[:i], outlet, items, incomplete)
