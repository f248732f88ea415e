"""The quality report without Great Expectations (`quality/report.py`): status, adding units up, escaping."""
from __future__ import annotations

import numpy as np

from kcna_etl.quality.report import Check, Unit, markdown, md, merge, plain, status_of, summary, text


def check(name: str, severity: str = "error", rows: int = 100, failing: int = 0, unit: int = 0) -> Check:
    c = Check("articles", name, severity, "expect_x", f"{name} holds", ["body"])
    c.element_count, c.unexpected_count = rows, failing
    if failing:
        c.unit_rows = [np.arange(failing, dtype=np.int64) + unit * 1000]
        c.examples = [{"raw_path": f"u{unit}/p{i}.txt", "body": "x"} for i in range(failing)]
    return c


def test_the_status_says_how_bad_the_run_is():
    assert status_of([check("a"), check("b", "warning")], 0.05)[0] == "passed"
    assert status_of([check("a"), check("b", "warning", failing=90)], 0.05)[0] == "warnings"
    assert status_of([check("a", failing=5), check("b")], 0.05)[0] == "warnings"   # 5% is allowed
    status, message = status_of([check("a", failing=6), check("b")], 0.05)
    assert status == "failed" and "articles.a" in message
    assert status_of([], 0.05) == ("passed", "no new rows to validate")


def test_units_add_up_and_keep_ten_examples_in_unit_order():
    units = [Unit(n, {"articles": 100}, [check("a", failing=7, unit=n)]) for n in (2, 0, 1)]
    got = merge(units)
    a = got.checks[0]
    assert got.rows == {"articles": 300} and (a.element_count, a.unexpected_count, len(a.rows)) == (300, 21, 21)
    assert [e["raw_path"] for e in a.examples] == [f"u0/p{i}.txt" for i in range(7)] + ["u1/p0.txt", "u1/p1.txt",
                                                                                         "u1/p2.txt"]


def test_page_text_is_escaped_for_markdown_and_stripped_of_control_characters_for_the_terminal():
    hostile = "<img src=x onerror=alert(1)> **bold** [link](http://x) | pipe\n\x1b[31mred\u202eevil"
    c = check("a", failing=1)
    c.examples = [{"raw_path": "a<b>.txt", "body": hostile}]
    s = summary("r1", "2026-01-01", [c], {"articles": 100}, {"pages": 1}, 0.05, None)
    m = markdown(s)
    assert "<img" not in m and "<b>" not in m and "**bold**" not in m and "](http" not in m
    assert "&lt;img" in m and "\\*\\*bold\\*\\*" in m
    t = text(s)
    assert "\x1b" not in t and "\u202e" not in t and "a<b>.txt" in t
    assert md("a|b") == "a\\|b" and plain("a\tb\x07") == "a b "
