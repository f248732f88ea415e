"""The dateline that opens a news item: `Pyongyang, March 23 (KCNA) --`, or in Korean `(평양 8월 21일발 조선중앙통신)`.

Takes: the first paragraph of a body (and the Korean dateline pattern of the lexicon, `korean.json`).
Returns: `Dateline` (place, agency, month, day; the year is not printed there) or None.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from kcna_etl.transforms.rules import shaped

_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Za-z.'\u2019 -]{0,40}?),?\s+(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*\d{4})?\s*(?:\((?P<agency>[^()]{1,40})\)\s*(?:--|-|\u2014|\u2013)|(?:--|\u2014|\u2013))"
)


@dataclass(frozen=True)
class Dateline:
    place: str
    agency: str | None
    month: int
    day: int


def dateline(lead: str, months: Mapping[str, int], korean: re.Pattern | None = None) -> Dateline | None:
    lead = shaped(lead)
    if korean is not None and (k := korean.match(lead)):
        month, day = int(k.group("month")), int(k.group("day"))
        return Dateline(k.group("place"), k.group("agency").strip(), month, day) if valid(month, day) else None
    m = _DATELINE.match(lead)
    if not m or m.group("month") not in months:
        return None
    day = int(m.group("day"))
    if not valid(months[m.group("month")], day):
        return None
    agency = (m.group("agency") or "").strip() or None
    return Dateline(m.group("place").strip(), agency, months[m.group("month")], day)


def without_dateline(lead: str, months: Mapping[str, int], korean: re.Pattern | None = None) -> str:
    """The lead without the dateline opening it (the lead itself when it opens with none)."""
    shaped_lead = shaped(lead)
    if dateline(shaped_lead, months, korean) is None:
        return lead
    m = (korean.match(shaped_lead) if korean is not None else None) or _DATELINE.match(shaped_lead)
    return shaped_lead[m.end():]


def valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31
