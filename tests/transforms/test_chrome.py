"""Header, chrome lines and footer: `transforms/chrome.py`."""
from __future__ import annotations

import datetime as dt

import pytest

from kcna_etl.transforms.chrome import body_paragraphs, clean

HEADED = """December 05, 2025Dec 05, 2025
KCNA KCNA.kp (En)

Joint Statement Adopted

Date: 09/10/2025 | Source: KCNA.kp (En) | Read original version at source

NK News is hiring

Pyongyang, October 9 (KCNA) -- A statement was adopted. -0-

www.kcna.kp (2025.10.09.)

More From KCNA.kp (En)
More Articles"""


def test_headed_page_reads_every_header_field(rules):
    c = clean(HEADED.split("\n"), rules)
    h = c.header
    assert (h.layout, h.capture_date, h.badge, h.title, h.published_date, h.source) == (
        "header", dt.date(2025, 12, 5), "KCNA KCNA.kp (En)", "Joint Statement Adopted", dt.date(2025, 10, 9), "KCNA.kp (En)")
    assert c.footer_date == dt.date(2025, 10, 9)
    # chrome, footer and the closing `More Articles` are gone; the sidebar header stays for the splitter
    assert c.lines == ["Pyongyang, October 9 (KCNA) -- A statement was adopted. -0-", "More From KCNA.kp (En)"]


@pytest.mark.parametrize("line, day", [
    ("Date: 16/11/2020 | Source: KCNA.kp (En) | Read original version at source", dt.date(2020, 11, 16)),  # day first
    ("Date: 1/2/2003 | Source: Rodong Sinmun (En) | Read original version at source", dt.date(2003, 2, 1)),
    ("Date: 31/02/2020 | Source: KCNA.kp (En) | Read original version at source", None),  # no such day: no guess
    # the original's URL as the last field instead of the link text
    ("Date: 16/02/2022 | Source: KCNA.kp (En) | http://www.kcna.kp/en/article/q/1.kcmsf", dt.date(2022, 2, 16)),
])
def test_metadata_date_is_day_first_and_never_guessed(rules, line, day):
    c = clean(["January 31, 2025", "KCNA KCNA.kp (En)", "A Title", line, "Body text."], rules)
    assert c.header.published_date == day
    assert c.lines == ["Body text."]


def test_plain_page_has_no_header(rules):
    lines = ["Kim Jong Un inspected a farm.", "He praised the farmers.", "More From Pyongyang Times"]
    c = clean(lines, rules)
    assert c.header.layout == "plain" and c.header.title is None and c.header.capture_date is None
    assert c.lines == lines


def test_a_body_line_shaped_like_a_date_is_not_a_capture_header_unless_first(rules):
    lines = ["The letter reads:", "October 10, 2025", "Dear comrades."]
    assert clean(lines, rules).lines == lines


def test_header_without_metadata_line_keeps_badge_and_headline_apart(rules):
    c = clean(["January 31, 2025", "KCNA KCNA.kp (En)", "Factory Built", "The factory was built.", "More From KCNA.kp (En)"], rules)
    assert (c.header.badge, c.header.title) == ("KCNA KCNA.kp (En)", "Factory Built")
    assert c.lines == ["The factory was built.", "More From KCNA.kp (En)"]


def test_juche_footer_gives_the_gregorian_year(rules):
    assert clean(["Text.", "www.kcna.kp (Juche108.12.10.)"], rules).footer_date == dt.date(2019, 12, 10)


@pytest.mark.parametrize("lines, want", [
    (["It wished him success. -0-"], ["It wished him success."]),
    (["Text.", "-0-"], ["Text."]),                  # the mark on a line of its own
    (["A score of 2-0-1 stays."], ["A score of 2-0-1 stays."]),  # only a closing mark is chrome
])
def test_end_mark_is_removed_from_paragraph_ends_only(rules, lines, want):
    assert body_paragraphs(lines, rules) == want


def test_site_chrome_above_the_capture_date_is_not_the_header(rules):
    """An HTML page shows the site's own header (logo, menu text) above the aggregator's header."""
    lines = ["KCNA Watch", "Log in", "December 05, 2025", "KCNA", "KCNA.kp (En)", "Joint Statement Adopted",
             "Date: 09/10/2025 | Source: KCNA.kp (En) | Read original version at source", "Body."]
    h = clean(lines, rules).header
    assert (h.capture_date, h.badge, h.title) == (dt.date(2025, 12, 5), "KCNA.kp (En)", "Joint Statement Adopted")


def test_a_header_without_a_title(rules):
    lines = ["December 05, 2025", "KCNA KCNA.kp (En)",
             "Date: 09/10/2025 | Source: KCNA.kp (En) | Read original version at source", "Body."]
    c = clean(lines, rules)
    assert (c.header.badge, c.header.title, c.lines) == ("KCNA KCNA.kp (En)", None, ["Body."])


def test_lines_of_no_break_spaces_are_blank(rules):
    lines = ["December 05, 2025", "KCNA KCNA.kp (En)", "A Title", "\u00a0",
             "Date: 09/10/2025 | Source: KCNA.kp (En) | Read original version at source", "\u00a0 ", "Body."]
    c = clean(lines, rules)
    assert (c.header.title, c.lines) == ("A Title", ["Body."])


def test_a_date_line_quoted_in_an_article_is_not_the_header(rules):
    lines = ["The letter was sent to the embassy.", "It reads:", "To whom it may concern,", "The memo follows.",
             "Date: 01/05/2024 | Source: Embassy Office", "We protest.", "More From KCNA.kp (En)"]
    c = clean(lines, rules)
    assert c.header.layout == "plain" and c.lines == lines


def test_a_headline_may_end_with_a_question_mark(rules):
    c = clean(["January 31, 2025", "KCNA KCNA.kp (En)", "Who Is to Blame?", "The answer is clear."], rules)
    assert (c.header.title, c.lines) == ("Who Is to Blame?", ["The answer is clear."])


def test_a_doubled_capture_date_with_a_space_between(rules):
    """HTML shows the long and short forms as two inline elements: a space may sit between them."""
    assert clean(["December 05, 2025 Dec 05, 2025", "Body."], rules).header.capture_date == dt.date(2025, 12, 5)


def test_end_mark_before_a_no_break_space_and_a_footer_on_the_same_line(rules):
    c = clean(["It wished him success. -0- www.kcna.kp (2021.03.23.)"], rules)
    assert c.footer_date == dt.date(2021, 3, 23)
    assert body_paragraphs(c.lines, rules) == ["It wished him success."]
    assert body_paragraphs(["It wished him success. -0-\u00a0"], rules) == ["It wished him success."]


def test_a_title_that_ends_with_the_outlet_name_is_still_the_title(rules):
    lines = ["May 01, 2020", "Rodong Sinmun Rodong Sinmun", "Editorial of Rodong Sinmun",
             "Date: 01/05/2020 | Source: Rodong Sinmun | Read original version at source", "Body."]
    assert clean(lines, rules).header.title == "Editorial of Rodong Sinmun"
