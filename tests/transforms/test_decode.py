"""Bytes to lines: `transforms/decode.py`. Bad bytes are refused with a reason, never a crash."""
from __future__ import annotations

import gzip

import pytest

from kcna_etl.transforms.decode import page_lines
from kcna_etl.transforms.reject import PageRejected


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
    (gzip.compress(b"Some text " * 100, mtime=0)[:-20], "a.txt.gz", "truncated gzip data"),
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


def test_utf8_with_a_stray_byte_stays_utf8():
    raw = "Xi Jinping\u2019s visit and Kim Jong Un\u2019s speech".encode() + b" \x92 end"
    assert page_lines(raw, "a.txt").lines[0].startswith("Xi Jinping\u2019s visit")


def test_every_member_of_a_multi_member_gzip_is_read():
    raw = gzip.compress(b"First part.\n", mtime=0) + gzip.compress(b"Second part.\n", mtime=0)
    assert page_lines(raw, "a.txt.gz").lines == ["First part.", "Second part.", ""]


def test_a_saved_page_comment_before_the_html_still_reads_as_html():
    raw = b"<!-- saved from url=(0042)https://example.org/ -->\n<html><body><p>Text.</p></body></html>"
    assert page_lines(raw, "a.txt").lines == ["Text."]
