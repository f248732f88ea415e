"""Page text in a Markdown report (`transforms/escape.py`): always shown as written, never read as markup."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from kcna_etl.transforms.escape import markdown_text

RENDER = MarkdownIt("commonmark").enable("table")
TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td"}


def shown(text: str) -> str:
    """What a reader should see: the text, tabs and line breaks as spaces, control characters as `\\xNN`."""
    text = re.sub(r"[\t\r\n]", " ", text)
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", text)


def cell(text: str) -> BeautifulSoup:
    return BeautifulSoup(RENDER.render(f"| page |\n|---|\n| {markdown_text(text)} |\n"), "html.parser")


HOSTILE = [
    "<script>alert(1)</script>.txt", "<img src=x onerror=alert(1)>", "a | b", "*bold* _em_ `code`",
    "[link](javascript:alert(1))", "<http://evil.example>", "&lt;script&gt;", "# heading", "1. list", "- item",
    "line\nbreak | # x", "back\\slash\\|", "nul\x00 and bell\x07", "<!-- comment", "![img](x.png)", "~~strike~~",
]


def check(text: str) -> None:
    html = cell(text)
    assert {t.name for t in html.find_all(True)} == TABLE_TAGS  # no element but the table's own
    td = html.find_all("td")
    assert len(td) == 1  # one cell: no `|` opened another
    assert " ".join(td[0].get_text().split()) == " ".join(shown(text).split())


def test_hostile_names_render_as_plain_text():
    for text in HOSTILE:
        check(text)


@given(st.text(max_size=200))
def test_any_text_renders_as_itself_in_one_table_cell(text):
    check(text)
