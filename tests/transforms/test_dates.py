"""Date forms: `transforms/dates.py`. A date that does not exist is None, never a guess."""
from __future__ import annotations

import datetime as dt

import pytest

from kcna_etl.transforms import dates


@pytest.mark.parametrize("text, want", [
    ("March 18, 2026", dt.date(2026, 3, 18)),
    ("Dec 05, 2025", dt.date(2025, 12, 5)),
    ("Sept 1, 1999", dt.date(1999, 9, 1)),
    ("February 30, 2024", None),
    ("Smarch 1, 2024", None),
    ("March 18 2026", None),
])
def test_month_day_year(rules, text, want):
    assert dates.month_day_year(text, rules.months) == want


@pytest.mark.parametrize("text, want", [
    ("2025.10.09.", dt.date(2025, 10, 9)),
    ("Juche108.12.10.", dt.date(2019, 12, 10)),
    ("Juche 87.06.12.", dt.date(1998, 6, 12)),
    ("2025.13.09.", None),
    ("yesterday", None),
])
def test_footer_date(rules, text, want):
    assert dates.footer_date(text, rules.juche_offset) == want
