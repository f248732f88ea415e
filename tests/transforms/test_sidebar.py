"""The `More From` sidebar and its teasers: `transforms/sidebar.py`."""
from __future__ import annotations

import datetime as dt

from kcna_etl.transforms.sidebar import split

S1 = "Pyongyang, December 4 (KCNA) -- South Phyongan Province in the DPRK has newly built the Institute of"
S2 = "Pyongyang, December 3 (KCNA) -- Pak Thae Song, premier of the Cabinet, sent a message of greeting to"


def test_titled_teasers_take_the_repeated_title_and_snippet(rules):
    s = split(["Body.", "More From KCNA.kp (En)", "Title One", "Title One", S1, "December 04, 2025", S1,
               "Title Two", "Title Two", S2, "December 03, 2025", S2], rules)
    assert s.article == ["Body."] and s.outlet == "KCNA.kp (En)"
    assert [(t.position, t.title, t.snippet, t.date) for t in s.teasers] == [
        (1, "Title One", S1, dt.date(2025, 12, 4)), (2, "Title Two", S2, dt.date(2025, 12, 3))]


def test_untitled_and_repeated_items_keep_page_order(rules):
    s = split(["Body.", "More From Pyongyang Times", S1, "November 15, 2025", S1, S1, "November 15, 2025", S1,
               S2, "November 14, 2025", S2], rules)
    assert [(t.position, t.title, t.snippet) for t in s.teasers] == [(1, None, S1), (2, None, S1), (3, None, S2)]


def test_a_snippet_printed_once_does_not_swallow_the_next_item(rules):
    s = split(["Body.", "More From KCNA.kp (En)", S1, "December 04, 2025", "Title Two", "Title Two", S2,
               "December 03, 2025", S2], rules)
    assert [(t.title, t.snippet) for t in s.teasers] == [(None, S1), ("Title Two", S2)]


def test_a_page_cut_off_mid_teaser_keeps_the_complete_items(rules):
    s = split(["Body.", "More From KCNA.kp (En)", S1, "December 04, 2025", S1, "Title Two", S2], rules)
    assert [t.snippet for t in s.teasers] == [S1]
    assert s.incomplete == 1


def test_more_from_inside_the_article_is_not_a_sidebar(rules):
    s = split(["More From Our Readers", "Letters came from many countries.", "More From KCNA.kp (En)", S1,
               "December 04, 2025", S1], rules)
    assert s.article == ["More From Our Readers", "Letters came from many countries."]
    assert s.outlet == "KCNA.kp (En)"


def test_no_sidebar_leaves_the_article_whole(rules):
    s = split(["Body one.", "Body two."], rules)
    assert (s.article, s.outlet, s.teasers) == (["Body one.", "Body two."], None, [])


def test_a_page_cut_off_right_after_the_sidebar_header_still_ends_the_article(rules):
    s = split(["Body.", "More From KCNA.kp (En)", "Title One"], rules)
    assert (s.article, s.outlet, s.teasers, s.incomplete) == (["Body."], "KCNA.kp (En)", [], 1)


def test_site_footer_after_more_articles_is_not_a_teaser(rules):
    s = split(["Body.", "More From KCNA.kp (En)", S1, "December 04, 2025", S1, "More Articles", "About us",
               "Contact", "December 01, 2025", "Copyright"], rules)
    assert [(t.snippet, t.date) for t in s.teasers] == [(S1, dt.date(2025, 12, 4))]
    assert s.incomplete == 0


def test_a_second_more_from_list_ends_the_sidebar(rules):
    s = split(["Body.", "More From KCNA.kp (En)", S1, "December 04, 2025", S1, "More From NK News", "Promo", "Promo",
               S2, "December 03, 2025", S2], rules)
    assert [(t.title, t.snippet) for t in s.teasers] == [(None, S1)]
