"""Properties of the transforms on arbitrary text (hypothesis).

On any input they either read a page or refuse it with `PageRejected`; a
body never holds chrome; every body paragraph comes from the input; mention
offsets always slice the body to the surface.
"""
from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.lexicon import lexicon, rules
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
    # a line never holds a line break (text_lines and html_lines split on them)
    # and no lone surrogate: decoding bytes never yields one
    st.text(st.characters(blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", blacklist_categories=("Cs",)),
            max_size=120),
)
settings.register_profile("kcna", max_examples=300, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", max_examples=20000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kcna"))


# Loaded here, not as fixtures: hypothesis prints a failing example's arguments.
RULES, LEX = rules(), lexicon()


@given(st.lists(LINE, max_size=40))
def test_a_page_is_read_or_refused_never_crashes(lines):
    cleaned = clean(lines, RULES)
    parts = split(cleaned.lines, RULES)
    try:
        got = rows("p.txt", "0" * 64, "text", cleaned, parts, RULES, LEX)
    except PageRejected as e:
        assert e.stage and e.reason
        return
    body = got.article["body"]
    # chrome left in a body (a `More From` line that opens no sidebar) never lands: validation refuses it
    if any(m in body for m in RULES.markers):
        assert violations(got, RULES.markers, dt.date.today())
    for para in body.split("\n"):
        assert para and any(para in line for line in lines)
        assert not para.endswith("-0-")
    for m in got.mentions:
        assert body[m["start"]:m["end"]] == m["surface"]


@given(st.text(max_size=2000))
def test_mention_offsets_slice_any_text(text):
    for m in mentions(text, LEX):
        assert text[m.start:m.end] == m.surface and m.start < m.end


@given(st.text(max_size=500))
def test_text_lines_never_raise_and_never_hold_line_breaks(text):
    assert all("\n" not in x and "\r" not in x for x in text_lines(text))
