"""Labelled articles: the inline markup of `tests/data/mentions/GUIDELINES.md` read into body and offsets.

Takes: the text of one labelled article file (a `key: value` header, a blank
line, then the body with mentions marked `[[type:surface]]` or
`[[type:surface|canonical]]`). Returns: a `Labelled` article whose `body` is
the text with the markup removed and whose `labels` slice it
(`body[start:end] == surface`; canonical names with typography folded).
Malformed markup raises `MarkupError` naming
the line and column.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

TYPES = ("person", "organization", "place")
_MARK = re.compile(r"\[\[(?P<type>[^:\[\]|]*):(?P<surface>[^\[\]|]*)(?:\|(?P<canonical>[^\[\]|]*))?\]\]")
_HEADER = re.compile(r"(?P<key>[a-z_]+):[ \t]*(?P<value>.*)")


class MarkupError(ValueError):
    def __init__(self, text: str, pos: int, problem: str):
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        super().__init__(f"line {line}, column {column}: {problem}")


@dataclass(frozen=True)
class Label:
    type: str
    start: int
    end: int
    surface: str
    canonical: str


@dataclass(frozen=True)
class Labelled:
    header: dict[str, str | None]
    body: str
    labels: tuple[Label, ...]

    def as_record(self) -> dict:
        return {**self.header, "body": self.body, "mentions": [asdict(x) for x in self.labels]}


def folded(name: str) -> str:
    """A canonical name as the guidelines write it: straight apostrophes, single plain spaces."""
    return re.sub(r"\s+", " ", name.replace("\u2019", "'")).strip()


def header_of(text: str) -> tuple[dict[str, str | None], int]:
    """The `key: value` lines up to the first blank line, and where the body starts."""
    end = text.find("\n\n")
    if end < 0:
        raise MarkupError(text, 0, "no blank line between the header and the body")
    header: dict[str, str | None] = {}
    pos = 0
    for line in text[:end].split("\n"):
        m = _HEADER.fullmatch(line)
        if not m:
            raise MarkupError(text, pos, f"header line is not `key: value`: {line!r}")
        header[m["key"]] = m["value"].strip() or None
        pos += len(line) + 1
    return header, end + 2


def labelled(text: str) -> Labelled:
    header, pos = header_of(text)
    body: list[str] = []
    labels: list[Label] = []
    length = 0
    for m in _MARK.finditer(text, pos):
        plain = text[pos:m.start()]
        if "[[" in plain or "]]" in plain:
            bad = pos + max(plain.find("[["), plain.find("]]"))
            raise MarkupError(text, bad, "unbalanced or nested `[[ ]]`")
        type_, surface, canonical = m["type"], m["surface"], m["canonical"]
        if type_ not in TYPES:
            raise MarkupError(text, m.start(), f"type {type_!r} is not one of {', '.join(TYPES)}")
        if not surface.strip() or surface != surface.strip() or "\n" in surface:
            raise MarkupError(text, m.start(), f"surface {surface!r} is empty, spans lines or has outer spaces")
        if canonical is not None and (not canonical.strip() or canonical != canonical.strip()):
            raise MarkupError(text, m.start(), f"canonical name {canonical!r} is empty or has outer spaces")
        body.append(plain)
        length += len(plain)
        labels.append(Label(type_, length, length + len(surface), surface, folded(canonical or surface)))
        body.append(surface)
        length += len(surface)
        pos = m.end()
    rest = text[pos:]
    if "[[" in rest or "]]" in rest:
        raise MarkupError(text, pos + max(rest.find("[["), rest.find("]]")), "unbalanced or nested `[[ ]]`")
    body.append(rest.rstrip("\n"))
    return Labelled(header, "".join(body), tuple(labels))
