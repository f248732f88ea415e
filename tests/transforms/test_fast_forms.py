"""The page path's cheap forms read exactly as the regular expressions they replaced (issue 14, round 2).

Each reference below is the pattern the code used before, kept here as the definition the faster code
must agree with: on every Unicode space (and the zero-width marks), on text made of spaces and
punctuation (hypothesis), and on the lines where the end mark and the footer sit.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcna_etl.transforms.article import canonical_text
from kcna_etl.transforms.chrome import body_paragraphs, clean
from kcna_etl.transforms.dates import footer_date
from kcna_etl.transforms.lexicon import rules
from kcna_etl.transforms.rules import INVISIBLE, shaped

RULES = rules()
EDGES = re.compile(r"^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$")
SPACE, SPACE_BEFORE_PUNCT = re.compile(r"\s+"), re.compile(r"\s+([,.;:!?'\u2019])")
END_MARK = re.compile(r"\s*(?:-0-|\(끝\))\s*$")
FOOTER = re.compile(r"(?:^|\s)www\.kcna\.kp\s*\((?P<date>[^()]*)\)\.?$")
SPACES = re.findall(r"\s", "".join(map(chr, range(0x110000))))  # every character `\s` matches, in one scan


def reference_canonical(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return SPACE.sub(" ", SPACE_BEFORE_PUNCT.sub(r"\1", text)).strip()


def reference_paragraphs(lines: list[str]) -> list[str]:
    return [p for line in lines if (p := END_MARK.sub("", line).rstrip(" \t"))]


# text where the folds matter: every kind of space, the punctuation, quotes, marks and footers, a few letters
PIECES = SPACES + list("\u200b\ufeff,.;:!?'\"\u2018\u2019\u201c\u201d()-0ab") + ["-0-", "(끝)", "끝", "www.kcna.kp",
                                                                             "www.kcna.kp (2021.03.23.)"]
TRICKY = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)


def test_the_invisible_characters_are_the_patterns_spaces_and_zero_width_marks():
    assert set(INVISIBLE) == set(SPACES) | set("\u200b\u200c\u200d\u2060\ufeff")
    for c in range(0x110000):
        for text in (f"{chr(c)}a{chr(c)}b{chr(c)}", f"a{chr(c)}", chr(c)):
            assert shaped(text) == EDGES.sub("", text), hex(c)


@given(TRICKY)
def test_shaped_is_the_edge_pattern(text):
    assert shaped(text) == EDGES.sub("", text)


@given(TRICKY)
def test_canonical_text_is_the_two_substitutions(text):
    assert canonical_text(text) == reference_canonical(text)


@given(st.lists(TRICKY, max_size=6))
def test_end_marks_are_removed_as_the_pattern_removed_them(lines):
    assert body_paragraphs(lines, RULES) == reference_paragraphs(lines)


@pytest.mark.parametrize("line", ["It closed. -0-", "It closed.\u00a0-0-\u00a0 ", "-0-", "2-0-1 -0-0-", "a -0- -0-",
                                  "끝났다. (끝)", "score 2-0-1", "closed.\u00a0 "])
def test_end_marks_on_lines_seen_on_pages(line):
    assert body_paragraphs([line], RULES) == reference_paragraphs([line])


@given(TRICKY)
def test_the_footer_is_found_where_the_pattern_found_it(text):
    old, new = FOOTER.search(text), RULES.footer.search(text)
    assert (old is None) == (new is None)
    if old:
        assert old.group("date") == new.group("date")
        # the pattern's match began at the space before `www`: the line kept is the same once its end is trimmed
        assert text[:old.start()].rstrip() == text[:new.start()].rstrip()


@pytest.mark.parametrize("line", ["Text. www.kcna.kp (2021.03.23.)", "awww.kcna.kp (2021.03.23.)",
                                  "Text.\u00a0www.kcna.kp(Juche108.12.10.).", "www.kcna.kp (x) www.kcna.kp (y)"])
def test_footers_on_lines_seen_on_pages(line):
    got = clean(["Body.", line], RULES)
    old = FOOTER.search(line)
    kept = line[:old.start()].rstrip() if old else line
    assert got.lines == ["Body."] + ([kept] if shaped(kept) else [])
    assert got.footer_date == (footer_date(old.group("date"), RULES.juche_offset) if old else None)
