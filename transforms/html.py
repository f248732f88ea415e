"""An HTML page to the same line stream as a text page, with lxml's HTML parser.

Takes: the page markup. Returns: `(lines, title)`: the visible text, one line
per block element (inline elements joined, whitespace folded as a browser
does, non-breaking spaces kept), and the `<title>` text or None. Script,
style, navigation, forms and elements hidden by an inline style are dropped.

The parser's events (libxml2, as beautifulsoup4's `lxml` builder receives
them) are read as they come, with no tree built: the same reading as walking
beautifulsoup4's tree, at a fraction of the cost. `<pre>` and `<title>` read
like beautifulsoup4's `get_text()`: every string inside them, but not those in
`script`, `style`, `template`, `rt` or `rp`.
"""
from __future__ import annotations

import re

from lxml import etree

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
# Strings inside these are not text of the element around them (beautifulsoup4's string containers).
CONTAINERS = frozenset({"rt", "rp", "style", "script", "template"})
_FOLD = re.compile(r"[ \t\n\r\f]+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def hidden(attrs) -> bool:
    return "hidden" in attrs or bool(_HIDDEN.search(attrs.get("style") or ""))


class Reader:
    """Target of lxml's parser: turns start/end/data events into lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.blocks: list[bool] = []  # per open element the walker is inside: does it end a line?
        self.skipped = 0  # depth inside a dropped or hidden element (or a <br>)
        self.pre = 0  # depth inside a <pre>, read whole at its end
        self.pre_text: list[str] = []
        self.containers: list[str] = []  # open string containers (script, style, template, rt, rp)
        self.title: list[str] | None = None  # text of the first <title>, once it has started
        self.title_depth = 0  # > 0 while inside it

    def flush(self) -> None:
        if not self.parts:  # most flushes (a block's start and end with nothing read between) have no text
            return
        line = _FOLD.sub(" ", "".join(self.parts)).strip(" ")
        if line.strip():  # a block of only no-break spaces shows nothing
            self.lines.append(line)
        self.parts.clear()

    def start(self, name: str, attrs, nsmap=None) -> None:
        if name in CONTAINERS:
            self.containers.append(name)
        if self.title_depth:
            self.title_depth += 1
        elif self.title is None and name == "title":
            self.title, self.title_depth = [], 1
        if self.skipped:
            self.skipped += 1
        elif self.pre:
            self.pre += 1
        elif name in DROPPED or hidden(attrs):
            self.skipped = 1
        elif name == "br":
            self.flush()
            self.skipped = 1  # nothing inside a <br> is read
        elif name == "pre":  # preformatted text keeps its line breaks
            self.flush()
            self.pre, self.pre_text = 1, []
        else:
            block = name in BLOCKS
            if block:
                self.flush()
            self.blocks.append(block)

    def end(self, name: str) -> None:
        if self.containers and self.containers[-1] == name:
            self.containers.pop()
        if self.title_depth:
            self.title_depth -= 1
        if self.skipped:
            self.skipped -= 1
        elif self.pre:
            self.pre -= 1
            if not self.pre:
                self.lines.extend(x.strip(" \t") for x in "".join(self.pre_text).splitlines() if x.strip())
        elif self.blocks.pop():
            self.flush()

    def data(self, text: str) -> None:
        if self.title_depth and not self.containers:
            self.title.append(text)
        if self.skipped:
            return
        if self.pre:
            if not self.containers:
                self.pre_text.append(text)
        else:
            self.parts.append(text)

    def close(self) -> tuple[list[str], str | None]:
        self.flush()
        title = _FOLD.sub(" ", "".join(self.title)).strip(" ") if self.title is not None else None
        return self.lines, title or None


def html_lines(markup: str) -> tuple[list[str], str | None]:
    # As beautifulsoup4 feeds lxml: the text without a leading BOM, else (if lxml refuses it) its UTF-8 bytes.
    text = markup[1:] if markup[:1] == "\ufeff" else markup
    try:
        return parsed(text, None)
    except (UnicodeDecodeError, LookupError, etree.ParserError):
        return parsed(markup.encode("utf8"), "utf8")


def parsed(markup: str | bytes, encoding: str | None) -> tuple[list[str], str | None]:
    parser = etree.HTMLParser(target=Reader(), recover=True, encoding=encoding)
    parser.feed(markup)
    return parser.close()
