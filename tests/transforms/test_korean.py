"""Korean-language pages: language, Korean dateline, end mark, no mentions.

The Korean lines are real KCNA text (kcna.kp/kp, 2026, as archived in bicheondev/nkarchive,
data/news-details.json; the labelled pages tests/pages/150-154 cite each article).
"""
from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import labelled_pages
from kcna_etl.transforms.article import language
from kcna_etl.transforms.chrome import body_paragraphs
from kcna_etl.transforms.dateline import Dateline, dateline
from kcna_etl.transforms.mentions import mentions
from kcna_etl.transforms.page import Reject, read_page

LEAD = "(평양 8월 21일발 조선중앙통신)"
PARAS = [
    "시,군청년동맹위원장강습이 17일부터 20일까지 청년동맹회관에서 진행되였다.",
    # constructed (not from the archive): a Latin name the English mention rules would find
    "강습에는 Kim Jong Un 의 로작을 연구하는 US 학자도 참가하였다.",
    "강습기간 참가자들은 평양시안의 교양거점들에 대한 참관과 문답식학습경연 등을 진행하였다.(끝)",
]


@pytest.mark.parametrize("lead, want", [
    (LEAD, Dateline("평양", "조선중앙통신", 8, 21)),
    ("(평양 7월 27일발 조선중앙통신)", Dateline("평양", "조선중앙통신", 7, 27)),
    ("\u00a0(평양 12월 4일발 조선중앙통신) ", Dateline("평양", "조선중앙통신", 12, 4)),  # padded paragraph
    # run into the text, as the aggregator's teaser snippets show it
    ("(평양 8월 21일발 조선중앙통신) 미국의 국가채무가 40조US$를 넘어섰다고", Dateline("평양", "조선중앙통신", 8, 21)),
    ("(평양 13월 4일발 조선중앙통신)", None),   # no such month: no guess
    ("(평양 8월 41일발 조선중앙통신)", None),   # no such day
    ("(끝)", None),
    ("《로동신문》에 의하면 각 도들에서 대상건설이 벌어지고있다.", None),
    ("평양 8월 21일 조선중앙통신", None),        # not in brackets, no 발: not a dateline
])
def test_korean_dateline(rules, lead, want):
    assert dateline(lead, rules.months, rules.korean_dateline) == want


def test_english_datelines_read_the_same_with_the_korean_pattern(rules):
    lead = "Pyongyang, March 23 (KCNA) -- Kim Jong Un sent"
    assert dateline(lead, rules.months, rules.korean_dateline) == dateline(lead, rules.months) == \
        Dateline("Pyongyang", "KCNA", 3, 23)


@pytest.mark.parametrize("lines, want", [
    (PARAS, [*PARAS[:-1], PARAS[-1].removesuffix("(끝)")]),  # the Korean end mark closes the item
    (["본문이다. (끝) "], ["본문이다."]),
    (["그는 《(끝)》이라는 말을 썼다."], ["그는 《(끝)》이라는 말을 썼다."]),  # only a closing mark is chrome
])
def test_korean_end_mark_is_removed_from_paragraph_ends_only(rules, lines, want):
    assert body_paragraphs(lines, rules) == want


@pytest.mark.parametrize("body, want", [
    ("\n".join([LEAD, *PARAS]), "ko"),
    # a Korean article quoting English words (units, outlet names) is still Korean
    ("미국의 국가채무가 40조US$를 넘어섰다고 19일 미재무성이 밝혔다.\n수십kg이나 되는 타일지함", "ko"),
    ("Pyongyang, March 23 (KCNA) -- Kim Jong Un sent a verbal message to Xi Jinping.", "en"),
    # an English article quoting a Korean title stays English
    ("Rodong Sinmun ran an article titled \u201c전국이 다같이 공산주의에로 가야 한다\u201d (The whole country "
     "should advance to communism together) on its second page on Thursday.", "en"),
    ("2025 -- 12 -- 4", "en"),  # no letters at all
])
def test_language_is_the_share_of_hangul_letters(rules, body, want):
    assert language(body, rules) == want


def test_a_korean_page_reads_with_the_english_structure_and_no_mentions(rules, lex):
    page = "\n\n".join([
        "August 22, 2026", "Rodong Sinmun Rodong Sinmun", "시,군청년동맹위원장강습 진행",
        "Date: 21/08/2026 | Source: Rodong Sinmun | Read original version at source", "NK News is hiring",
        LEAD, *PARAS,
        "More From Rodong Sinmun", "미국의 막대한 국가채무", "(평양 8월 21일발 조선중앙통신) 미국의 국가채무가 40조US$를 넘어섰다고",
        "August 21, 2026", "(평양 8월 21일발 조선중앙통신) 미국의 국가채무가 40조US$를 넘어섰다고", "More Articles"])
    for raw, name in ((page.encode("utf-8"), "p.txt"), (page.encode("cp949"), "p.txt")):  # UTF-8 and EUC-KR
        got = read_page(raw, name, rules, lex)
        assert not isinstance(got, Reject), got
        a = got.article
        assert (a["source"], a["title"], a["published_date"], a["capture_date"], a["language"]) == (
            "Rodong Sinmun", "시,군청년동맹위원장강습 진행", dt.date(2026, 8, 21), dt.date(2026, 8, 22), "ko")
        assert a["body"].split("\n") == [LEAD, *PARAS[:-1], PARAS[-1].removesuffix("(끝)")]
        assert (a["dateline_place"], a["dateline_agency"], a["dateline_month"], a["dateline_day"]) == (
            "평양", "조선중앙통신", 8, 21)
        assert [(t["title"], t["teaser_date"]) for t in got.teasers] == [("미국의 막대한 국가채무", dt.date(2026, 8, 21))]
        # the English rules would find the Latin names in this body; on a Korean page they do not run
        assert {m.surface for m in mentions(a["body"], lex)} >= {"Kim Jong Un", "US"}
        assert got.mentions == []


def test_an_english_page_still_gets_its_mentions(rules, lex):
    page = "Pyongyang, March 23 (KCNA) -- Kim Jong Un sent a verbal message to Xi Jinping. -0-\nMore From KCNA.kp (En)\n"
    got = read_page(page.encode(), "p.txt", rules, lex)
    assert got.article["language"] == "en"
    assert {m["entity"] for m in got.mentions if m["entity_type"] == "person"} >= {"Kim Jong Un", "Xi Jinping"}


# --- dates written the Korean way ---

@pytest.mark.parametrize("text, want", [
    ("2025년 12월 4일", dt.date(2025, 12, 4)),
    ("주체114(2025)년 12월 4일", dt.date(2025, 12, 4)),
    ("주체114년 12월 4일", dt.date(2025, 12, 4)),
    ("주체 114 (2025)년 12월 4일 목요일", dt.date(2025, 12, 4)),
    ("주체86(1997)년 6월 5일", dt.date(1997, 6, 5)),
    ("주체114(2024)년 12월 4일", None),   # the two years disagree: no guess
    ("2025년 2월 30일", None),             # no such day
    ("2025년 12월", None),                  # no day
    ("2025년 12월 4일에 진행되였다", None),  # a sentence, not a date
])
def test_korean_date(rules, text, want):
    from kcna_etl.transforms.dates import korean_date
    assert korean_date(text, rules.juche_offset) == want


def test_a_kcna_footer_in_the_juche_calendar_written_in_korean(rules):
    from kcna_etl.transforms.dates import footer_date
    assert footer_date("주체114.12.4.", rules.juche_offset) == footer_date("Juche114.12.4.", rules.juche_offset) \
        == dt.date(2025, 12, 4)


def korean_forms(d: dt.date) -> list[str]:
    juche = d.year - 1911
    return [f"{d.year}년 {d.month}월 {d.day}일", f"주체{juche}({d.year})년 {d.month}월 {d.day}일", f"주체{juche}년 {d.month}월 {d.day}일"]


KOREAN_PAGES = [p for p, _ in labelled_pages() if "_ko" in p.name or "euckr" in p.name]


@pytest.mark.parametrize("form", [0, 1, 2], ids=["gregorian", "juche-and-gregorian", "juche"])
@pytest.mark.parametrize("path", KOREAN_PAGES, ids=[p.name for p in KOREAN_PAGES])
def test_a_korean_page_with_its_capture_and_teaser_dates_written_the_korean_way_reads_the_same(rules, path, form):
    """The aggregator's date lines (the capture date, each teaser's date) rewritten in a Korean form."""
    from kcna_etl.transforms.dates import month_day_year
    from kcna_etl.transforms.rules import shaped
    from tests.transforms.test_presentation import reading, shown_lines, text
    lines = shown_lines(path)
    rewritten, changed = [], 0
    for line in lines:
        m = rules.capture_date.match(shaped(line)) or rules.teaser_date.match(shaped(line))
        d = month_day_year(m["date"], rules.months) if m else None
        rewritten.append(korean_forms(d)[form] if d else line)
        changed += d is not None
    assert changed >= 2 and KOREAN_PAGES
    want = reading(*text(lines))
    assert reading(*text(rewritten)) == want
