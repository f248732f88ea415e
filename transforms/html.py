"""An HTML page to the same line stream as a text page, with beautifulsoup4.

Takes: the page markup. Returns: `(lines, title)`: the visible text, one line
per block element (inline elements joined, whitespace folded as a browser
does, non-breaking spaces kept), and the `<title>` text or None. Script,
style, navigation, forms and elements hidden by an inline style are dropped.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import Declaration, Doctype, ProcessingInstruction

DROPPED = frozenset({
    "script", "style", "noscript", "template", "nav", "head", "iframe", "svg",
    "canvas", "form", "button", "select", "textarea", "input", "object", "embed",
    "audio", "video", "map", "dialog", "menu",
})
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
    "details", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li",
    "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
})
_FOLD = re.compile(r"[ \t\n\r\f]+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def hidden(tag: Tag) -> bool:
    return tag.has_attr("hidden") or bool(_HIDDEN.search(tag.get("style") or ""))


def html_lines(markup: str) -> tuple[list[str], str | None]:
    soup = BeautifulSoup(markup, "lxml")
    title_tag = soup.find("title")
    title = _FOLD.sub(" ", title_tag.get_text()).strip(" ") if title_tag else None
    lines: list[str] = []
    parts: list[str] = []

    def flush() -> None:
        line = _FOLD.sub(" ", "".join(parts)).strip(" ")
        if line.strip():  # a block of only no-break spaces shows nothing
            lines.append(line)
        parts.clear()

    # An explicit stack instead of recursion: scraped pages can nest deeply.
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
        if name in DROPPED or hidden(node):
            continue
        if name == "br":
            flush()
            continue
        if name == "pre":  # preformatted text keeps its line breaks
            flush()
            lines.extend(x.strip(" \t") for x in node.get_text().splitlines() if x.strip())
            continue
        block = name in BLOCKS
        if block:
            flush()
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    flush()
    return lines, title or None
