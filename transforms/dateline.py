"""The dateline that opens a news item: `Pyongyang, March 23 (KCNA) --`.

Takes: the first paragraph of a body. Returns: `Dateline` (place, agency,
month, day; the year is not printed there) or None.
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


def dateline(lead: str, months: Mapping[str, int]) -> Dateline | None:
    m = _DATELINE.match(shaped(lead))
    if not m or m.group("month") not in months:
        return None
    day = int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    agency = (m.group("agency") or "").strip() or None
    return Dateline(m.group("place").strip(), agency, months[m.group("month")], day)
