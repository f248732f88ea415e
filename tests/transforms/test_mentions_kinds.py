"""Mentions: kinds of error seen on unlabelled text, each checked on sentences written here for it (never copied
from an article), with what must not be found beside what must. Issue 15 point 4."""
from __future__ import annotations

import pytest

from kcna_etl.transforms.mentions import mentions


def spans(body, lex, type_=None):
    out = mentions(body, lex)
    for m in out:
        assert body[m.start:m.end] == m.surface
    return [(m.type, m.surface) for m in out if type_ in (None, m.type)]


def named(body, lex, type_):
    return [(m.surface, m.entity) for m in mentions(body, lex) if m.type == type_]


# An organ of an abbreviated organ (`… of the C.C., the X`) is one organisation down to X: the words before
# `C.C.` are no organisation cut there, and X is not read alone.
@pytest.mark.parametrize("body, surface, entity", [
    ("Nguyen Van An, member of the Political Bureau of the C.C., the Communist Party of Vietnam, spoke.",
     "Political Bureau of the C.C., the Communist Party of Vietnam",
     "Political Bureau of the Central Committee of the Communist Party of Viet Nam"),
    ("A message went to Bounnhang, member of the Presidium of the Political Bureau of the C.C., the Lao People's "
     "Revolutionary Party, on Monday.",
     "Presidium of the Political Bureau of the C.C., the Lao People's Revolutionary Party",
     "Presidium of the Political Bureau of the Central Committee of the Lao People's Revolutionary Party"),
    ("Wang Hu, member of the Standing Committee of the Political Bureau of the C.C., the Communist Party of China "
     "and premier, arrived.",
     "Standing Committee of the Political Bureau of the C.C., the Communist Party of China",
     "Standing Committee of the Political Bureau of the Central Committee of the Communist Party of China"),
])
def test_an_organ_of_an_abbreviated_organ_is_one_organisation(lex, body, surface, entity):
    orgs = named(body, lex, "organization")
    assert orgs == [(surface, entity)]


def test_an_abbreviated_organ_alone_is_still_its_own_organisation(lex):
    # negative: nothing before `C.C.` to join, and an organ before `of the` that is no organ of the committee
    body = "Greetings went to the C.C., the Communist Party of Vietnam and to the delegation of the C.C., the CPC."
    assert [s for _, s in spans(body, lex, "organization")] == [
        "C.C., the Communist Party of Vietnam", "C.C., the CPC"]
