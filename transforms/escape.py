"""Text from a page made safe for a report: shown as written, never read as markup.

Takes: any text (a file name, a reject reason, an outlet). Returns: Markdown
that renders as exactly that text on one line, also inside a table cell: HTML
special characters as entities (no tag, comment or autolink can open), every
ASCII punctuation mark backslash-escaped (no emphasis, link, code or cell
break), tabs and line breaks as spaces, other control characters shown as `\\xNN`.
For HTML reports, `html.escape` of the standard library does the same job.
"""
from __future__ import annotations

import string

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_PUNCTUATION = frozenset(string.punctuation) - set(_ENTITIES)


def markdown_char(ch: str) -> str:
    if ch in _ENTITIES:
        return _ENTITIES[ch]
    if ch in _PUNCTUATION:
        return "\\" + ch
    if ch in "\t\n\r":
        return " "
    if ch < " " or ch == "\x7f":
        return f"\\\\x{ord(ch):02x}"
    return ch


def markdown_text(text: str) -> str:
    return "".join(markdown_char(ch) for ch in text)
