"""Variants real captures come in (issue 17, point 2), each a kind of line, not one page.

The labelled pages 140-149 in `tests/pages` carry them on real KCNA text; these
tests pin each kind on its own lines.
"""
from __future__ import annotations

import datetime as dt

import pytest

from kcna_etl.transforms.chrome import clean
from kcna_etl.transforms.html import html_lines
from kcna_etl.transforms.mentions import mentions
from kcna_etl.transforms.sidebar import split

URL = "http://www.kcna.kp/en/article/q/7f7ecaf7174ecaf1e8c145bcb264ac04a3a3c2609ad021ce48ad67b846c6b7b2.kcmsf"


@pytest.mark.parametrize("tail", [
    "Read original version at source",
    URL,
    URL.replace("http://", "https://"),
    # a readable-text (markdown) capture keeps the link as `[text](url)`
    f"[Read original version at source]({URL})",
])
def test_every_form_of_the_metadata_line_is_the_header(rules, tail):
    line = f"Date: 31/10/2024 | Source: KCNA.kp (En) | {tail}"
    c = clean(["November 01, 2024", "KCNA KCNA.kp (En)", "A Title", line, "Body text."], rules)
    assert (c.header.source, c.header.published_date) == ("KCNA.kp (En)", dt.date(2024, 10, 31))
    assert c.lines == ["Body text."]


@pytest.mark.parametrize("tail", [
    f"[Read the original]({URL})",            # another link text: not the aggregator's
    f"[Read original version at source]({URL}) and more",
])
def test_a_line_that_only_looks_like_the_metadata_line_stays_text(rules, tail):
    line = f"Date: 31/10/2024 | Source: KCNA.kp (En) | {tail}"
    c = clean(["Body text.", line, "More text."], rules)
    assert c.header.layout == "plain" and line in c.lines


BRANDED = """<!DOCTYPE html><html><head><title>A Title | KCNA Watch</title></head><body>
<div class="site-header"><a class="navbar-brand" href="/"><img src="/logo.svg" alt="">KCNA Watch</a>
<nav><a href="/o/1">KCNA.kp (En)</a></nav></div>
<main>{header}<p>Pyongyang, October 15 (KCNA) -- A delegation arrived.</p><p>It toured the city. -0-</p>
<aside><h3>More From KCNA.kp (En)</h3><p>Pyongyang, October 14 (KCNA) -- Another item begins here</p>
<div><time>October 14, 2024</time></div><p>Pyongyang, October 14 (KCNA) -- Another item begins here</p></aside>
<p>More Articles</p></main></body></html>"""

HEADER = ('<header><p><time>October 16, 2024</time></p><div>KCNA.kp (En)</div><h1>A Title</h1>'
          '<div>Date: 15/10/2024 | Source: KCNA.kp (En) | Read original version at source</div></header>')


@pytest.mark.parametrize("header", ["", HEADER], ids=["headerless", "headed"])
def test_the_aggregators_brand_link_outside_nav_is_not_body(rules, header):
    lines, _ = html_lines(BRANDED.format(header=header))
    assert "KCNA Watch" in lines  # shown by a browser: it is outside <nav>
    parts = split(clean(lines, rules).lines, rules)
    assert parts.article == ["Pyongyang, October 15 (KCNA) -- A delegation arrived.", "It toured the city. -0-"]
    assert parts.outlet == "KCNA.kp (En)" and len(parts.teasers) == 1


def test_a_sentence_naming_the_aggregator_stays_in_the_body(rules):
    lines = ["KCNA Watch reported the statement.", "More From KCNA.kp (En)"]
    assert clean(lines, rules).lines == lines


@pytest.mark.parametrize("role", ["vice-chairperson", "chairperson", "vice-chairman"])
def test_a_foreign_name_before_a_chair_role_is_a_person(lex, role):
    body = (f"A delegation headed by Yoko Hayashi, {role} of the Shizuoka Society for the Study of the Juche Idea, "
            "visited the museum.")
    assert {m.entity for m in mentions(body, lex) if m.type == "person"} == {"Yoko Hayashi"}


WAYBACK = """<html><head><title>A Title | KCNA Watch</title></head><body>
<!-- BEGIN WAYBACK TOOLBAR INSERT -->
<script type="text/javascript">var __wm = {};</script>
<div id="wm-ipp" lang="en" style="display:none;"><div style="position:fixed;left:0;top:0"><table><tr>
<td><a href="/web/" title="Wayback Machine home page">Wayback Machine</a></td>
<td><form action="/web/form-submit.jsp"><input type="text" name="url" value="https://kcnawatch.org/newstream/1-2/"></form></td>
<td id="displayMonthEl">OCT</td><td id="displayDayEl">21</td><td id="displayYearEl">2024</td>
<td><a class="t" href="/web/20241021093512*/https://kcnawatch.org/newstream/1-2/">2 captures</a></td>
<td><a href="#close">Close</a><a href="http://faq.web.archive.org/">Help</a></td></tr></table></div></div>
<!-- END WAYBACK TOOLBAR INSERT -->
<p><a href="/web/20241021093512/https://kcnawatch.org/">KCNA Watch</a></p>
<p>Pyongyang, October 20 (KCNA) -- Text of the item. -0-</p>
</body></html>
<!--
     FILE ARCHIVED ON 09:35:12 Oct 21, 2024 AND RETRIEVED FROM THE
     INTERNET ARCHIVE ON 10:02:44 Nov 12, 2024.
-->
"""


def test_a_wayback_capture_reads_as_the_page_it_archives(rules):
    lines, title = html_lines(WAYBACK)
    # the toolbar is a display:none element and the archive's notes are comments: neither is shown
    assert lines == ["KCNA Watch", "Pyongyang, October 20 (KCNA) -- Text of the item. -0-"]
    assert title == "A Title | KCNA Watch"
    assert clean(lines, rules).lines == ["Pyongyang, October 20 (KCNA) -- Text of the item. -0-"]
