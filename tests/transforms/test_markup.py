"""The labelling markup: `transforms/markup.py`. The body is the text without markup; labels slice it."""
from __future__ import annotations

import pytest

from kcna_etl.transforms.markup import MarkupError, labelled

ARTICLE = (
    "source: KCNA.kp (En)\npublished: 2024-06-19\n\n"
    "Pyongyang, June 19 (KCNA) -- [[person:Kim Jong Un]]\u2019s talks with [[person:Putin|Vladimir Vladimirovich Putin]]"
    " in [[place:Pyongyang]].\n"
    "The [[organization:Workers\u2019 Party of Korea]] and [[place:DPRK|Democratic People's Republic of Korea]]-"
    "[[place:Russia|Russian Federation]] ties.\n"
)


def test_the_body_is_the_text_without_markup_and_labels_slice_it():
    a = labelled(ARTICLE)
    assert a.header == {"source": "KCNA.kp (En)", "published": "2024-06-19"}
    assert a.body == ("Pyongyang, June 19 (KCNA) -- Kim Jong Un\u2019s talks with Putin in Pyongyang.\n"
                      "The Workers\u2019 Party of Korea and DPRK-Russia ties.")
    assert [(x.type, x.surface, x.canonical) for x in a.labels] == [
        ("person", "Kim Jong Un", "Kim Jong Un"),
        ("person", "Putin", "Vladimir Vladimirovich Putin"),
        ("place", "Pyongyang", "Pyongyang"),
        ("organization", "Workers\u2019 Party of Korea", "Workers' Party of Korea"),  # canonical: straight apostrophe
        ("place", "DPRK", "Democratic People's Republic of Korea"),
        ("place", "Russia", "Russian Federation"),
    ]
    assert all(a.body[x.start:x.end] == x.surface for x in a.labels)


def test_an_empty_header_value_is_none_and_a_body_without_labels_is_kept():
    a = labelled("source: Rodong Sinmun\npublished:\n\nNo names here.\n")
    assert (a.header["published"], a.body, a.labels) == (None, "No names here.", ())


@pytest.mark.parametrize("text, where", [
    ("source: x\n\n[[person:Kim Jong Un]", "line 3, column 1"),              # not closed
    ("source: x\n\nA [[person:Kim [[place:Kosan County]]]]", "line 3, column 3"),  # nested
    ("source: x\n\nok\nthe [[persons:Kim Jong Un]]", "line 4, column 5"),    # unknown type
    ("source: x\n\n[[person: Kim Jong Un]]", "line 3, column 1"),           # outer space in the surface
    ("source: x\n\n[[place:DPRK|]]", "line 3, column 1"),                   # empty canonical
    ("source: x\nno header line\n\nbody", "line 2, column 1"),
    ("source: x\nbody without a blank line", "line 1, column 1"),
])
def test_malformed_markup_is_refused_with_its_place(text, where):
    with pytest.raises(MarkupError, match=where):
        labelled(text)
