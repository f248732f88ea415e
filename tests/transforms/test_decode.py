"""Bytes to lines: `transforms/decode.py`. Bad bytes are refused with a reason, never a crash."""
from __future__ import annotations

import gzip

import pytest

from transforms.decode import page_lines
from transforms.reject import PageRejected


def test_gzip_crlf_bom_and_edge_spaces():
    raw = gzip.compress("\ufeffLine one  \r\n\r\n  Line two\r\n".encode("utf-8"), mtime=0)
    page = page_lines(raw, "a.txt.gz")
    assert (page.page_format, page.lines) == ("text", ["Line one", "", "Line two", ""])


def test_windows_1252_text_is_decoded():
    assert page_lines("Kim Jong Un\u2019s visit".encode("cp1252"), "a.txt").lines == ["Kim Jong Un\u2019s visit"]


def test_no_break_spaces_are_kept():
    assert page_lines("state\u00a0and army\u00a0 \n".encode(), "a.txt").lines[0] == "state\u00a0and army\u00a0"


@pytest.mark.parametrize("raw, name, reason", [
    (b"", "a.txt", "empty file"),
    (b"  \n\n ", "a.txt", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a.txt", "binary content (NUL bytes)"),
    (gzip.compress(b"Some text", mtime=0)[:10] + b"\xff" * 40, "a.txt.gz", "corrupt gzip data"),
    (gzip.compress(b"Some text " * 100)[:-20], "a.txt.gz", "truncated gzip data"),
    (bytes(range(1, 32)) * 50, "a.txt", "binary content"),
])
def test_bad_bytes_are_rejected_with_a_reason(raw, name, reason):
    with pytest.raises(PageRejected) as e:
        page_lines(raw, name)
    assert e.value.stage == "ingest" and e.value.reason.startswith(reason)


def test_content_decides_when_the_name_misleads():
    html = b"<!DOCTYPE html><html><body><p>First.</p><p>Second.</p></body></html>"
    assert page_lines(html, "page.txt").lines == ["First.", "Second."]          # HTML saved as .txt
    text = b"First paragraph.\nSecond paragraph.\n"
    assert page_lines(text, "page.html").lines == ["First paragraph.", "Second paragraph.", ""]  # text saved as .html
