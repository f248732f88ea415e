"""Dates as these pages print them, parsed without guessing.

Takes: one date string in a known form. Returns: `datetime.date`, or None when
the text is not a valid date in that form (never a made-up date).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Mapping

_MONTH_DAY_YEAR = re.compile(r"^([A-Z][a-z]+)\.? (\d{1,2}), (\d{4})$")
_FOOTER = re.compile(r"^(?:(Juche|주체)\s*)?(\d{1,4})\.(\d{1,2})\.(\d{1,2})\.?$")
# `2025년 12월 4일`, `주체114(2025)년 12월 4일` or `주체114년 12월 4일`, maybe with the weekday (`목요일`)
_KOREAN = re.compile(r"^(?:주체\s*(?P<juche>\d{1,3})\s*(?:\(\s*(?P<both>\d{4})\s*\))?|(?P<year>\d{4}))\s*년\s*"
                     r"(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일(?:\s*[월화수목금토일]요일)?$")


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def month_day_year(text: str, months: Mapping[str, int]) -> dt.date | None:
    """`March 18, 2026` or `Dec 05, 2025`."""
    m = _MONTH_DAY_YEAR.match(text.strip())
    if not m or m.group(1) not in months:
        return None
    return safe_date(int(m.group(3)), months[m.group(1)], int(m.group(2)))


def korean_date(text: str, juche_offset: int) -> dt.date | None:
    """A date written the Korean way; a Juche year with a Gregorian one beside it must agree with it."""
    m = _KOREAN.match(text.strip())
    if not m:
        return None
    if m["juche"] is None:
        year = int(m["year"])
    else:
        year = int(m["juche"]) + juche_offset
        if m["both"] is not None and int(m["both"]) != year:
            return None
    return safe_date(year, int(m["month"]), int(m["day"]))


def shown_date(text: str, months: Mapping[str, int], juche_offset: int) -> dt.date | None:
    """A date line as the aggregator shows it: `March 18, 2026`, or on a Korean page `2026년 3월 18일`."""
    return month_day_year(text, months) or korean_date(text, juche_offset)


def day_month_year(day: str, month: str, year: str) -> dt.date | None:
    """The metadata line's `DD/MM/YYYY`, day first."""
    return safe_date(int(year), int(month), int(day))


def footer_date(text: str, juche_offset: int) -> dt.date | None:
    """`2025.10.09.` or, in the Juche calendar, `Juche108.12.10.` (`주체108.12.10.` on a Korean page)."""
    m = _FOOTER.match(text.strip())
    if not m:
        return None
    year = int(m.group(2)) + (juche_offset if m.group(1) else 0)
    if year < 1000:
        return None
    return safe_date(year, int(m.group(3)), int(m.group(4)))
