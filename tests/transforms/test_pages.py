"""Every labelled page, read by the transforms alone, against its exact expected reading.

The labels are the five real sample pages (`samples/gold/seed_pages.json`)
and our own varied pages (`tests/pages/expected.json`: other outlets and
years, both layouts, HTML, gzip, CRLF, BOM), written by hand from the page
text, not by the parser.
"""
from __future__ import annotations

import pytest

from tests.conftest import labelled_pages
from tests.reading import name_key, norm
from kcna_etl.transforms.decode import page_lines
from kcna_etl.transforms.mentions import RULES
from kcna_etl.transforms.page import Reject, read_page

PAGES = labelled_pages()


def read(path, rules, lex):
    got = read_page(path.read_bytes(), path.name, rules, lex)
    assert not isinstance(got, Reject), got
    return page_lines(path.read_bytes(), path.name), got  # the decoded page too: its HTML title is checked


@pytest.fixture(params=PAGES, ids=[p.name for p, _ in PAGES])
def reading(request, rules, lex):
    path, gold = request.param
    page, got = read(path, rules, lex)
    return page, got, gold


def test_body_paragraphs(reading):
    _, got, gold = reading
    # exact: the body keeps the page's text (curly quotes, `Kim Jong Un 's`, no-break spaces)
    assert got.article["body"].split("\n") == gold["body_paragraphs"]
    assert got.article["paragraph_count"] == len(gold["body_paragraphs"])


def test_source_title_and_dates(reading):
    page, got, gold = reading
    a = got.article
    assert a["source"] == gold["source"]
    assert a["title"] == gold["title"]
    assert (a["published_date"] and a["published_date"].isoformat()) == gold["published_date"]
    assert (a["capture_date"] and a["capture_date"].isoformat()) == gold["capture_date"]
    if page.page_format == "html" and gold.get("title_html"):
        assert norm(page.html_title) == norm(gold["title_html"])


def test_dateline(reading):
    _, got, gold = reading
    a, want = got.article, gold["dateline"]
    if want is None:
        assert a["dateline_place"] is None and a["dateline_agency"] is None
    else:
        assert (a["dateline_place"], a["dateline_agency"], a["dateline_month"], a["dateline_day"]) == \
            (want["place"], want["agency"], want["month"], want["day"])


def test_teasers(reading):
    _, got, gold = reading
    have = [(t["position"], t["title"], t["snippet"], t["teaser_date"].isoformat()) for t in got.teasers]
    want = [(t["position"], t["title"], t["snippet"], t["date"]) for t in gold["teasers"]]
    assert have == want
    assert all(t["source"] == (gold["teasers"] and got.article["sidebar_source"]) for t in got.teasers)


def test_every_labelled_person_is_found(reading):
    _, got, gold = reading
    found = {name_key(m["entity"]) for m in got.mentions if m["entity_type"] == "person"}
    assert [p for p in gold["persons"] if name_key(p) not in found] == []


def test_mentions_slice_the_stored_body(reading):
    _, got, _ = reading
    body = got.article["body"]
    # every labelled English page names someone or something; a Korean body is not read for mentions
    assert bool(got.mentions) == (got.article["language"] == "en")
    for m in got.mentions:
        assert body[m["start"]:m["end"]] == m["surface"]


def test_body_is_free_of_chrome(reading, rules):
    _, got, _ = reading
    body = got.article["body"]
    assert not [m for m in rules.markers if m in body]
    assert not any(p.rstrip().endswith("-0-") for p in body.split("\n"))


def test_outlet_is_known_and_one_per_outlet_whatever_the_spelling(reading, rules):
    _, got, gold = reading
    assert got.article["outlet"] is not None
    assert got.article["outlet"] == rules.outlet_of[gold["source"]]
    # spellings of one outlet group together
    assert rules.outlet_of["Voice of Korea"] == rules.outlet_of["Voice of Korea (En)"]
    assert rules.outlet_of["Pyongyang Times"] == rules.outlet_of["The Pyongyang Times"]
    assert rules.outlet_of["KCNA.kp (En)"] != rules.outlet_of["Voice of Korea"]


def test_every_mention_row_names_the_rule_that_found_it(reading):
    _, got, _ = reading
    assert {m["rule"] for m in got.mentions} <= set(RULES) and all(m["rule"] for m in got.mentions)

