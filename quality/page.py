"""One self-contained HTML quality page per run, for the person on duty: opens offline (no script, no
external file), failures first, an error told apart from a warning, the expectation names, the failing
pages, what to do next and the DuckDB query that lists the quarantined rows."""
from __future__ import annotations

import html
from typing import Any

STYLE = ("body{font:14px/1.4 sans-serif;max-width:70em;margin:1em auto;padding:0 1em}"
         ".error{border-left:6px solid #c62828;padding-left:.6em}.warning{border-left:6px solid #ef8f00;"
         "padding-left:.6em}.passed{color:#2e7d32}code,pre{background:#f4f4f4}td,th{padding:2px 8px;text-align:left}")

NEXT = [
    "Read the failing expectations below, and open one failing page (its path is under the input folder).",
    "A parser slip (a new layout, new chrome, a date format): fix the transform or the lexicon, bump "
    "PIPELINE_VERSION, then <code>kcna-etl backfill --stale</code>.",
    "An expectation that is wrong: change its suite file in <code>expectations/</code>, then "
    "<code>kcna-etl backfill --quarantined</code>.",
    "Odd pages at the source (truncated, empty): they stay in quarantine; nothing else to do.",
    "The full steps: docs/quality.md, “When a run fails”.",
]


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def quarantine_query(warehouse: str, run_id: str) -> str:
    return (f"select raw_path, failed_expectations, run_id\nfrom read_parquet('{warehouse}/quarantine/articles/**/*.parquet',"
            f" hive_partitioning=true, union_by_name=true)\nwhere run_id = '{run_id}'\norder by raw_path;")


def html_page(s: dict[str, Any], warehouse: str) -> str:
    from kcna_etl.quality.report import failures_first
    failed = [e for e in failures_first(s) if not e["success"]]
    passed = [e for e in s["expectations"] if e["success"]]
    out = [f"<!doctype html><meta charset=utf-8><title>kcna-etl quality {esc(s['run_id'])}</title>",
           f"<style>{STYLE}</style>",
           f"<h1>kcna-etl quality: {esc(s['status'].upper())}</h1>",
           f"<p>Run <code>{esc(s['run_id'])}</code>, run date {esc(s['run_date'])}: {esc(s['message'])}.</p>",
           f"<p>Quarantined: {s['quarantined'].get('pages', 0):,} page(s).</p>",
           f"<h2>Failed ({len(failed)})</h2>"]
    for e in failed:
        out.append(f"<div class={esc(e['severity'])}><h3>{esc(e['severity'].upper())}: <code>{esc(e['id'])}</code>"
                   f"</h3><p>{esc(e['description'])}: {e['unexpected_count']:,} of {e['rows']:,} rows "
                   f"({e['unexpected_percent']:.2f}%).</p><table><tr><th>page (under the input folder)</th>"
                   "<th>values</th></tr>")
        out += [f"<tr><td><code>{esc(x['raw_path'])}</code></td><td>"
                + esc(", ".join(f"{k}={v!r}" for k, v in x.items() if k != "raw_path")) + "</td></tr>"
                for x in e["examples"]]
        out.append("</table></div>")
    out += ["<h2>What to do next</h2><ol>", *(f"<li>{step}</li>" for step in NEXT), "</ol>",
            "<h2>The quarantined rows of this run (DuckDB)</h2>",
            f"<pre>{esc(quarantine_query(warehouse, s['run_id']))}</pre>",
            f"<h2 class=passed>Passed ({len(passed)})</h2><p>",
            ", ".join(f"<code>{esc(e['id'])}</code>" for e in passed), "</p>"]
    return "\n".join(out) + "\n"
