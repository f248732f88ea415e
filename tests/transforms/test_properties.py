"""Properties of the transforms on arbitrary text and bytes (hypothesis).

On any input they either read a page or refuse it with `PageRejected`, never
raise anything else; a body that passes the articles suite's text checks
(`expectations/articles.json`: its regular expressions on `body`) never holds chrome;
every body paragraph comes from the input, modulo the documented
normalisation (edge spaces of a line, the end mark `-0-`, a footer run onto
the line, and for HTML what a browser does: whitespace runs folded to one
space, NUL shown as U+FFFD); mention
offsets always slice the body to the surface; partition values are safe.
"""
from __future__ import annotations

import datetime as dt
import gzip
import html
import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcna_etl.transforms.lexicon import lexicon, rules
from kcna_etl.transforms.article import rows
from kcna_etl.transforms.chrome import clean
from kcna_etl.quality.suites import load_suites, patterns_of, suite_parameters
from kcna_etl.transforms.decode import page_lines, text_lines
from kcna_etl.transforms.mentions import mentions
from kcna_etl.transforms.page import Reject, read_page
from kcna_etl.transforms.reject import PageRejected
from kcna_etl.transforms.schema import slug
from kcna_etl.transforms.sidebar import split

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
        assert refused(body)
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


TODAY = dt.date(2026, 11, 25)
# The articles suite's regular expressions on the body, as Great Expectations applies them (`re.search`)
BODY_CHECKS = [re.compile(p) for e in load_suites()["articles"]["expectations"] if e["kwargs"].get("column") == "body"
               for p in patterns_of(e, suite_parameters(RULES, TODAY))]


def refused(body: str) -> bool:
    return any(p.search(body) for p in BODY_CHECKS)


NAMES = st.sampled_from(["p.txt", "p.html", "p.htm", "p.txt.gz", "p.html.gz", "P.TXT", "page"])


def accepted(raw: bytes, name: str):
    """The page through every transform, as the flow runs them: its rows, or None when it is refused."""
    got = read_page(raw, name, RULES, LEX)
    if isinstance(got, Reject):  # refused for a reason, never a crash turned into a reject
        assert got.stage and got.reason and not got.reason.startswith("internal error"), got
        return None
    return None if refused(got.article["body"]) else got


def check_rows(got, sources: list[str] | None = None) -> None:
    """What holds of every accepted page: no chrome, paragraphs from the input lines, offsets that slice."""
    body = got.article["body"]
    assert not any(m in body for m in RULES.markers)
    for para in body.split("\n"):
        assert para and not para.endswith("-0-")
        assert sources is None or any(para in line for line in sources), para
    for m in got.mentions:
        assert body[m["start"]:m["end"]] == m["surface"]


@given(st.binary(max_size=3000), NAMES)
def test_any_bytes_are_read_or_refused_never_crash(raw, name):
    got = accepted(raw, name)
    if got is not None:
        check_rows(got)


@given(st.text(max_size=3000), NAMES)
def test_any_text_is_read_or_refused_never_crashes(text, name):
    got = accepted(text.encode("utf-8", "surrogatepass"), name)
    if got is not None:
        check_rows(got)


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "euc_kr"])


@given(st.lists(LINE, max_size=40), ENCODINGS, st.booleans(), st.booleans())
def test_pages_in_any_encoding_and_format_keep_only_input_text(lines, encoding, as_html, compressed):
    """Page-like lines saved as text or HTML, in any encoding, maybe gzipped: what is read comes from them."""
    if as_html:
        markup = "<html><body>" + "".join(f"<p>{html.escape(x)}</p>" for x in lines) + "</body></html>"
        # as a browser reads it: whitespace runs folded, NUL shown as U+FFFD
        sources = [re.sub(r"[ \t\n\r\f]+", " ", x).replace("\0", "\ufffd") for x in lines]
        text, name = markup, "p.html"
    else:
        text, name, sources = "\n".join(lines), "p.txt", lines
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        raw = text.encode("utf-8")
    if compressed:
        raw, name = gzip.compress(raw, mtime=0), name + ".gz"
    got = accepted(raw, name)
    if got is not None:
        check_rows(got, sources)


@given(st.text(max_size=300))
def test_a_partition_value_is_one_safe_path_segment_for_any_outlet(outlet):
    s = slug(outlet)
    assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?", s), s
