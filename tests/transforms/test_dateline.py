"""Datelines: `transforms/dateline.py`."""
from __future__ import annotations

import pytest

from kcna_etl.transforms.dateline import Dateline, dateline


@pytest.mark.parametrize("lead, want", [
    ("Pyongyang, March 23 (KCNA) -- Kim Jong Un sent", Dateline("Pyongyang", "KCNA", 3, 23)),
    ("Phnom Penh, July 2 (KCNA) -- Norodom", Dateline("Phnom Penh", "KCNA", 7, 2)),   # two-word place
    ("Tokyo, May 25 (KNS) -- The", Dateline("Tokyo", "KNS", 5, 25)),                   # another agency
    ("Pyongyang, Oct. 9 (KCNA) -- A", Dateline("Pyongyang", "KCNA", 10, 9)),           # abbreviated month
    ("Pyongyang, March 23 (KCNA)--Text", Dateline("Pyongyang", "KCNA", 3, 23)),        # no spaces round --
    ("Pyongyang March 23 (KCNA) -- Text", Dateline("Pyongyang", "KCNA", 3, 23)),       # no comma
    ("Pyongyang, March 23, 2020 (KCNA) -- Text", Dateline("Pyongyang", "KCNA", 3, 23)),  # with the year
    ("Pyongyang, March 23 (KCNA) - Text", Dateline("Pyongyang", "KCNA", 3, 23)),        # a single hyphen
    ("Pyongyang, July 13 (KCNA) \u2014 Text", Dateline("Pyongyang", "KCNA", 7, 13)),      # an em dash
    ("\u00a0\tPyongyang, July 13 (KCNA) -- Text", Dateline("Pyongyang", "KCNA", 7, 13)),   # padded paragraph
    ("The 16th Meeting of the Political Bureau took place", None),
    ("Pyongyang, Marching 23 (KCNA) -- x", None),                                     # not a month
    ("Pyongyang, March 41 (KCNA) -- x", None),                                        # not a day
    ("In Pyongyang, March 23 is remembered", None),                                   # no dash: not a dateline
])
def test_dateline(rules, lead, want):
    assert dateline(lead, rules.months) == want
