"""The reading of a page does not depend on its presentation (metamorphic tests).

Every labelled page (the samples and `tests/pages`) is taken as the lines a
reader sees, then written again in another presentation: CRLF, a BOM, no-break
spaces and tabs before or after lines, extra blank lines, trailing spaces,
Windows-1252 bytes (EUC-KR for a Korean page, its legacy encoding), gzip, HTML with `<br>`-separated lines, HTML with one
`<div>` or `<p>` per line, HTML with the aggregator's navigation around it.
The reading (source, title, dates, dateline, body, teasers,
persons) must equal the page's own. In process, through the pure transforms.
"""
from __future__ import annotations

import gzip
import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import labelled_pages
from tests.reading import norm
from kcna_etl.transforms.decode import page_lines
from kcna_etl.transforms.lexicon import lexicon, rules
from kcna_etl.transforms.page import Reject, read_page

PAGES = labelled_pages()
RULES, LEX = rules(), lexicon()
PADS = ["", "\u00a0", "\t", "\u00a0\u00a0", " \t\u00a0", "\u00a0 "]


def reading(raw: bytes, name: str) -> dict:
    got = read_page(raw, name, RULES, LEX)
    assert not isinstance(got, Reject), got
    a = got.article
    return {
        "source": a["source"],
        "title": norm(a["title"]), "published_date": a["published_date"],
        "capture_date": a["capture_date"],
        "dateline": (a["dateline_place"], a["dateline_agency"], a["dateline_month"], a["dateline_day"]),
        # whitespace at a line's edges and inside it is presentation: compared folded, like the gold scorer
        "body": [norm(p) for p in a["body"].split("\n")],
        "teasers": [(norm(t["title"]), norm(t["snippet"]), t["teaser_date"]) for t in got.teasers],
        "persons": sorted({m["entity"] for m in got.mentions if m["entity_type"] == "person"}),
    }


def shown_lines(path) -> list[str]:
    """The page as a reader sees it: its lines (an HTML page's visible lines), blank lines kept for text."""
    return page_lines(path.read_bytes(), path.name).lines


# --- presentations: lines -> (bytes, file name) ---

def text(lines, newline="\n", pad=("", ""), blank_every=0, trailing="", bom=False, encoding="utf-8"):
    out = []
    for i, line in enumerate(lines):
        out.append(f"{pad[0]}{line}{pad[1]}{trailing}" if line else line)
        if blank_every and i % blank_every == 0:
            out.extend(["", trailing])
    data = newline.join(out).encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data, "page.txt"


def html_page(body: str, nav: bool = False) -> tuple[bytes, str]:
    outlets = "".join(f'<li><a href="/o/{i}">{html.escape(o)}</a></li>' for i, o in enumerate(RULES.outlets))
    top = (f'<header class="site"><nav><a href="/">KCNA Watch</a><ul>{outlets}</ul></nav>'
           '<form><input name="q"><button>Search</button></form></header>') if nav else ""
    bottom = f'<footer><nav><a href="/about">About</a> <a href="/terms">Terms</a></nav></footer>' if nav else ""
    doc = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>KCNA Watch</title>'
           f'<script>var s = "More From KCNA.kp (En)";</script></head>'
           f'<body>{top}<main><article>{body}</article></main>{bottom}</body></html>')
    return doc.encode("utf-8"), "page.html"


def html_br(lines):
    return html_page("<div>" + "<br>\n".join(html.escape(x) for x in lines if x.strip()) + "</div>")


def html_blocks(lines, tag):
    return html_page("\n".join(f"<{tag}>{html.escape(x)}</{tag}>" for x in lines if x.strip()))


def html_nav(lines):
    return html_page("\n".join(f"<p>{html.escape(x)}</p>" for x in lines if x.strip()), nav=True)


VARIANTS = {
    "crlf": lambda ls: text(ls, newline="\r\n"),
    "bom": lambda ls: text(ls, bom=True),
    "nbsp_before": lambda ls: text(ls, pad=("\u00a0", "")),
    "nbsp_after": lambda ls: text(ls, pad=("", "\u00a0")),
    "tab_before": lambda ls: text(ls, pad=("\t", "")),
    "tab_after": lambda ls: text(ls, pad=("", "\t")),
    "nbsp_tab_around": lambda ls: text(ls, pad=("\u00a0\t", "\t\u00a0")),
    "blank_lines": lambda ls: text(ls, blank_every=1),
    "trailing_spaces": lambda ls: text(ls, trailing="   "),
    "legacy_encoding": lambda ls: text(ls, encoding="cp1252" if encodable(ls, "cp1252") else "cp949"),
    "gzip": lambda ls: (gzip.compress(text(ls)[0], mtime=0), "page.txt.gz"),
    "html_br": html_br,
    "html_div": lambda ls: html_blocks(ls, "div"),
    "html_p": lambda ls: html_blocks(ls, "p"),
    "html_nav": html_nav,
}


def encodable(lines, encoding) -> bool:
    try:
        "\n".join(lines).encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


@pytest.fixture(scope="module")
def originals():
    return {path.name: (shown_lines(path), reading(path.read_bytes(), path.name)) for path, _ in PAGES}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("path", [p for p, _ in PAGES], ids=[p.name for p, _ in PAGES])
def test_reading_is_the_same_in_every_presentation(originals, path, variant):
    lines, want = originals[path.name]
    raw, name = VARIANTS[variant](lines)
    assert reading(raw, name) == want


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.data())
def test_any_combination_of_presentations_reads_the_same(originals, data):
    """Hypothesis draws a page and, per line, its padding, then a line ending, BOM, blank lines and gzip."""
    path, _ = data.draw(st.sampled_from(PAGES))
    lines, want = originals[path.name]
    pads = data.draw(st.lists(st.tuples(st.sampled_from(PADS), st.sampled_from(PADS)),
                              min_size=len(lines), max_size=len(lines)))
    blank = data.draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    out = []
    for line, (before, after), extra in zip(lines, pads, blank):
        out.append(f"{before}{line}{after}" if line else line)
        if extra:
            out.append("")
    newline = data.draw(st.sampled_from(["\n", "\r\n"]))
    raw = ("\ufeff" if data.draw(st.booleans()) else "").encode() + newline.join(out).encode("utf-8")
    name = "page.txt"
    if data.draw(st.booleans()):
        raw, name = gzip.compress(raw, mtime=0), "page.txt.gz"
    assert reading(raw, name) == want
