"""`transforms/html.py` reads lxml's parser events as they come; it must read exactly as walking
beautifulsoup4's tree did (the reading every labelled HTML page was checked against).

The reference below is that former implementation, kept here verbatim. Compared on every
labelled HTML page, on generated pages and on random tag soup (dropped, hidden, `<pre>`,
`<br>`, `<title>`, ruby and script strings, comments, entities, unclosed tags).
"""
from __future__ import annotations

import random
import re

import pytest
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import Declaration, Doctype, ProcessingInstruction

from tests.conftest import labelled_pages
from kcna_etl.transforms.decode import decoded, decompress
from kcna_etl.transforms.html import BLOCKS, DROPPED, html_lines

_FOLD = re.compile(r"[ \t\n\r\f]+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def reference(markup: str) -> tuple[list[str], str | None]:
    soup = BeautifulSoup(markup, "lxml")
    title_tag = soup.find("title")
    title = _FOLD.sub(" ", title_tag.get_text()).strip(" ") if title_tag else None
    lines: list[str] = []
    parts: list[str] = []

    def flush() -> None:
        line = _FOLD.sub(" ", "".join(parts)).strip(" ")
        if line.strip():
            lines.append(line)
        parts.clear()

    stack: list[tuple[object, bool]] = [(soup, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            flush()
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, _SKIPPED_STRINGS):
                parts.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name in DROPPED or node.has_attr("hidden") or _HIDDEN.search(node.get("style") or ""):
            continue
        if name == "br":
            flush()
            continue
        if name == "pre":
            flush()
            lines.extend(x.strip(" \t") for x in node.get_text().splitlines() if x.strip())
            continue
        if name in BLOCKS:
            flush()
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    flush()
    return lines, title or None


TAGS = ["p", "div", "span", "a", "b", "br", "pre", "title", "script", "style", "template", "rt", "rp", "ruby",
        "nav", "head", "body", "html", "li", "ul", "table", "td", "tr", "h1", "em", "textarea", "noscript",
        "iframe", "svg", "form", "section", "aside", "time", "img", "hr", "font", "button", "select", "option"]
TEXTS = ["Kim Jong Un", " ", "\n", "&nbsp;", "&amp;", "&#8217;", "\t", "  x  ", "More From KCNA", "\u00a0",
         "line\nbreak", "<", ">", "&", "\r\n", "\u00e9", "\ufeff", "<!-- note -->", "<?pi x?>", "<!DOCTYPE html>"]
ATTRS = ["", " hidden", ' style="display:none"', ' style="visibility : hidden"', ' class="x"',
         ' style="color:red"', ' STYLE="DISPLAY:NONE"']


def tag_soup(rng: random.Random, depth: int = 0) -> str:
    out = []
    for _ in range(rng.randrange(6)):
        if rng.random() < 0.4 or depth > 6:
            out.append(rng.choice(TEXTS))
            continue
        t = rng.choice(TAGS)
        closed = rng.random() < 0.85
        out.append(f"<{t}{rng.choice(ATTRS)}>{tag_soup(rng, depth + 1)}{f'</{t}>' if closed else ''}")
        if rng.random() < 0.05:
            out.append(f"</{rng.choice(TAGS)}>")
    return "".join(out)


def labelled_html() -> list:
    return [p for p, _ in labelled_pages() if ".htm" in p.name]


@pytest.mark.parametrize("path", labelled_html(), ids=lambda p: p.name)
def test_labelled_pages_read_as_with_beautifulsoup(path):
    markup = decoded(decompress(path.read_bytes(), path.name))
    assert html_lines(markup) == reference(markup)


def test_generated_pages_read_as_with_beautifulsoup():
    from kcna_etl.devtools.synth import vocabulary
    from kcna_etl.transforms.synth import corpus
    pages = [p for p in corpus(vocabulary(), "html-reference", 400) if p.kind == "html"]
    assert len(pages) > 40
    for p in pages:
        markup = decoded(decompress(p.data, p.name))
        assert html_lines(markup) == reference(markup), p.name


def test_tag_soup_reads_as_with_beautifulsoup():
    rng = random.Random(20261125)
    for _ in range(3000):
        markup = tag_soup(rng)
        assert html_lines(markup) == reference(markup), markup
