"""Raw page bytes to the line stream every later stage reads.

Takes: the bytes of a page file and its name. Returns: `PageLines` (format,
lines, HTML title): gunzipped when the name ends in `.gz` (or the bytes start
with the gzip magic), decoded as UTF-8, else Korean (EUC-KR/CP949), else
Windows-1252, and, for `.html` and `.htm` with markup (or any page that opens
as an HTML document), read as a browser shows it. Raises `PageRejected` with
the reason when the bytes are no page (empty, binary, larger than `max_bytes`).
"""
from __future__ import annotations

import codecs
import re
import zlib

from dataclasses import dataclass

from kcna_etl.transforms.html import html_lines
from kcna_etl.transforms.reject import PageRejected

GZIP_MAGIC = b"\x1f\x8b"
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HANGUL = re.compile("[\uac00-\ud7a3]")
_HANGUL_WORD = re.compile("[\uac00-\ud7a3]{2,}")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # below space, but not \t \n \r \f
# Default size limit of a page, as stored and after decompression: larger is no article page
# (and a decompression bomb must not exhaust memory).
MAX_TEXT_BYTES = 20 * 1024 * 1024


def decompress(raw: bytes, name: str, max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    if not (name.lower().endswith(".gz") or raw[:2] == GZIP_MAGIC):
        return raw
    out, rest = b"", raw
    try:
        while rest:  # a .gz file may hold several members, one after another
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += d.decompress(rest, max_bytes + 1 - len(out))
            if len(out) > max_bytes:
                raise PageRejected("ingest", f"decompressed page larger than the page limit of {max_bytes:,} bytes")
            if not d.eof:
                raise PageRejected("ingest", "truncated gzip data (stream ends early)")
            rest = d.unused_data.lstrip(b"\x00")  # padding between members
    except zlib.error as e:
        raise PageRejected("ingest", f"corrupt gzip data: {e}") from None
    return out


def stray_bytes_utf8(raw: bytes) -> str | None:
    """UTF-8 with a few stray bytes (more good multi-byte sequences than bad bytes), else None."""
    replaced = raw.decode("utf-8-sig", errors="replace")
    return replaced if len(_UTF8_MULTIBYTE.findall(raw)) > replaced.count("\ufffd") else None


def korean(raw: bytes) -> str | None:
    """The text when the bytes are Korean in EUC-KR (or its superset CP949), else None.

    Windows-1252 bytes sometimes decode as CP949 too (`’s` -> one syllable), but
    only into syllables standing alone between Latin letters; Korean text is
    words of two syllables or more.
    """
    try:
        text = raw.decode("cp949")
    except UnicodeDecodeError:
        return None
    syllables = len(_HANGUL.findall(text))
    in_words = sum(len(w) for w in _HANGUL_WORD.findall(text))
    return text if in_words >= 2 and 2 * in_words >= syllables else None


def windows_1252(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise PageRejected("ingest", "not text: neither UTF-8, EUC-KR nor Windows-1252") from None


def decoded(raw: bytes, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Text of the page: UTF-8 (BOM allowed), UTF-16 with a BOM, Korean EUC-KR/CP949, else Windows-1252."""
    if not raw.strip():
        raise PageRejected("ingest", "empty file")
    if len(raw) > max_bytes:
        raise PageRejected("ingest", f"page larger than the page limit of {max_bytes:,} bytes")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise PageRejected("ingest", "invalid UTF-16 text") from None
    elif b"\x00" in raw:
        raise PageRejected("ingest", "binary content (NUL bytes)")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = stray_bytes_utf8(raw) or korean(raw) or windows_1252(raw)
    controls = len(_CONTROLS.findall(text))
    if controls > max(8, len(text) // 1000):
        raise PageRejected("ingest", f"binary content ({controls} control characters)")
    return text


def text_lines(text: str) -> list[str]:
    """Lines of a text page with line-end and edge spaces removed (blank lines kept)."""
    return [line.strip(" \t\f\v") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


@dataclass(frozen=True)
class PageLines:
    page_format: str  # "text" or "html"
    lines: list[str]
    html_title: str | None = None


_LEADING_COMMENTS = re.compile(r"^\s*(?:<!--.*?-->\s*)*", re.S)
_MARKUP = re.compile(r"<(?:!doctype\s+html|html|head|body|p|div|br)\b", re.I)


def is_html(name: str, text: str) -> bool:
    """HTML by its name, unless it holds no markup; text by its name, unless it opens as HTML."""
    named = name.lower().removesuffix(".gz").endswith((".html", ".htm"))
    head = _LEADING_COMMENTS.sub("", text[:4096]).lower()
    if not named:
        return head.startswith(("<!doctype html", "<html"))
    return bool(_MARKUP.search(text))


def page_lines(raw: bytes, name: str, max_bytes: int = MAX_TEXT_BYTES) -> PageLines:
    text = decoded(decompress(raw, name, max_bytes), max_bytes)
    if is_html(name, text):
        lines, title = html_lines(text)
        return PageLines("html", lines, title)
    return PageLines("text", text_lines(text))
