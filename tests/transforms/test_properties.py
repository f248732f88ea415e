"""Properties of the transforms on arbitrary text (hypothesis).

On any input they either read a page or refuse it with `PageRejected`; a
body never holds chrome; every body paragraph comes from the input; mention
offsets always slice the body to the surface.
"""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.article import rows
from transforms.chrome import clean
from transforms.contract import violations
from transforms.decode import text_lines
from transforms.mentions import mentions
from transforms.reject import PageRejected
from transforms.sidebar import split

# Page-like lines: chrome, dates, names and free text, in any order.
LINE = st.one_of(
    st.sampled_from([
        "", "December 05, 2025Dec 05, 2025", "KCNA KCNA.kp (En)", "NK News is hiring",
        "Date: 09/10/2025 | Source: KCNA.kp (En) | Read original version at source", "More From KCNA.kp (En)",
        "More Articles", "October 10, 2025", "www.kcna.kp (2025.10.09.)", "-0-", "Kim Jong Un's visit. -0-",
        "Pyongyang, March 23 (KCNA) -- Kim Jong Un , general secretary of the WPK, spoke.",
        "Choe Son Hui, foreign minister of the DPRK, met Sergei Lavrov.", "Title Of A Teaser",
    ]),
    st.text(max_size=120),
)
settings.register_profile("kcna", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("kcna")


@given(st.lists(LINE, max_size=40))
def test_a_page_is_read_or_refused_never_crashes(rules, lex, lines):
    cleaned = clean(lines, rules)
    parts = split(cleaned.lines, rules)
    try:
        got = rows("p.txt", "0" * 64, "text", cleaned, parts, rules, lex)
    except PageRejected as e:
        assert e.stage and e.reason
        return
    body = got.article["body"]
    # chrome left in a body (a `More From` line that opens no sidebar) never lands: validation refuses it
    if any(m in body for m in rules.markers):
        assert violations(got, rules.markers, dt.date.today())
    source_lines = [x.strip(" \t") for x in lines]
    for para in body.split("\n"):
        assert para and any(para in line for line in source_lines)
        assert not para.endswith("-0-")
    for m in got.mentions:
        assert body[m["start"]:m["end"]] == m["surface"]


@given(st.text(max_size=2000))
def test_mention_offsets_slice_any_text(lex, text):
    for m in mentions(text, lex):
        assert text[m.start:m.end] == m.surface and m.start < m.end


@given(st.text(max_size=500))
def test_text_lines_never_raise_and_never_hold_line_breaks(text):
    assert all("\n" not in x and "\r" not in x for x in text_lines(text))
