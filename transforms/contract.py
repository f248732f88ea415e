"""Row-level checks of the data contract, applied to a page's rows before they are written.

Takes: a page's `Rows`, the chrome markers and the run date. Returns: the
list of violations (empty when the rows hold). A page with a violation is not
written; it goes to `rejects` with these reasons (stage `validate`).
"""
from __future__ import annotations

import datetime as dt
import re

from transforms.article import Rows

EARLIEST = dt.date(1945, 8, 15)
_END_MARK = re.compile(r"-0-\s*$", re.M)


def violations(rows: Rows, markers: tuple[str, ...], today: dt.date) -> list[str]:
    a = rows.article
    body = a["body"]
    out = []
    if not a["article_id"]:
        out.append("article_id is empty")
    if not body.strip():
        out.append("body is empty")
    for marker in markers:
        if marker in body:
            out.append(f"body contains site chrome {marker.strip()!r}")
    if _END_MARK.search(body):
        out.append("a body paragraph ends with the end mark '-0-'")
    for name in ("published_date", "capture_date"):
        d = a[name]
        if d is not None and not EARLIEST <= d <= today:
            out.append(f"{name} {d} outside {EARLIEST}..{today}")
    if a["title"] is not None and not a["title"].strip():
        out.append("title is blank")
    for t in rows.teasers:
        if not EARLIEST <= t["teaser_date"] <= today:
            out.append(f"teaser {t['position']} date {t['teaser_date']} outside {EARLIEST}..{today}")
    for m in rows.mentions:
        if not (0 <= m["start"] < m["end"] <= len(body)) or body[m["start"]:m["end"]] != m["surface"]:
            out.append(f"mention {m['surface']!r} at {m['start']}:{m['end']} does not slice the body")
    return out
