"""A run's summary as a few readable lines: on the terminal after a run, and in the flow run's log."""
from __future__ import annotations

from typing import Any


def summary_lines(s: dict[str, Any]) -> list[str]:
    rows = s.get("rows") or {}
    out = [f"kcna-etl {'backfill' if 'backfill' in s else 'run'} {s['run_id']} done in {s['seconds']:.1f}s",
           f"  pages seen {s['pages_seen']:,}: new {s['new_articles']:,}, duplicates {s['duplicates']:,}, "
           f"already processed {s['already_processed']:,}, rejected {s['rejected']:,}, "
           f"quarantined {s['quarantined']:,}",
           "  rows written: " + ", ".join(f"{t} {n:,}" for t, n in rows.items() if not t.startswith("quarantine/"))]
    if held := {t: n for t, n in rows.items() if t.startswith("quarantine/") and n}:
        out.append("  rows quarantined: " + ", ".join(f"{t.split('/')[1]} {n:,}" for t, n in held.items()))
    if s["rejected"]:
        out.append(f"  rejected pages are listed with their reasons in {s['warehouse']}/rejects/")
    if b := s.get("backfill"):
        out.append(f"  backfill {b['selection']}: {b['selected']:,} page(s) chosen, {b['reprocessed']:,} processed again")
        if b["missing"]:
            shown = ", ".join(b["missing"][:5]) + (", …" if len(b["missing"]) > 5 else "")
            out.append(f"  {len(b['missing']):,} chosen page(s) no longer in the input kept their rows: {shown}")
    q = s["quality"]
    out.append(f"  quality: {q['status']}: {q['message']}")
    if q["status"] != "passed":
        out.append(f"  see: kcna-etl report --warehouse {s['warehouse']} --run {s['run_id']}")
        if q.get("page"):
            out.append(f"  quality page: {q['page']}")
    out.append(f"  warehouse {s['warehouse']} (snapshot {s['snapshot']})")
    return out
