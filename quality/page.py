"""One self-contained HTML quality page per run, for the person on duty, and the index of every run's
pages: both open offline (no script, no external file). The run's page: failures first, an error told
apart from a warning (by colour and in words), the expectation names, the full location of each failing
page, what to do next, the DuckDB query that lists the quarantined rows, and the outlet health warnings."""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

STYLE = ("body{font:14px/1.4 sans-serif;max-width:70em;margin:1em auto;padding:0 1em}"
         ".error{border-left:6px solid #c62828;padding-left:.6em}.warning{border-left:6px solid #ef8f00;"
         "padding-left:.6em}.passed{color:#2e7d32}.failed{color:#c62828}.warnings{color:#b36b00}code,pre{background:#f4f4f4}"
         "td,th{padding:2px 8px;text-align:left;vertical-align:top}")

NEXT = [
    "Read the failing expectations above, and open one failing page (its full path is in their tables).",
    "A parser slip (a new layout, new chrome, a date format): fix the transform or the lexicon, bump "
    "PIPELINE_VERSION, then <code>kcna-etl backfill --stale</code>.",
    "An expectation that is wrong: change its suite file in <code>expectations/</code>, then "
    "<code>kcna-etl backfill --quarantined</code>.",
    "Odd pages at the source (truncated, empty): they stay in quarantine; nothing else to do.",
    "The full steps: docs/quality.md, “When a run fails”.",
]
SEVERITY_WORDS = {"error": "ERROR (rows quarantined)", "warning": "WARNING (rows written)"}
INDEX = "runs.html"  # beside Great Expectations' index.html, which lists the runs by script from CDNs


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def full_path(input_root: str | None, raw_path: str) -> str:
    """Where the page is: the run's input (a folder or s3:// URI) joined with the page's relative path."""
    return "/".join([input_root.rstrip("/"), raw_path]) if input_root else raw_path


def quarantine_query(warehouse: str, run_id: str, input_root: str | None = None) -> str:
    where = f", {sql_text(input_root.rstrip('/') + '/')} || raw_path as page" if input_root else ""
    return (f"select raw_path, failed_expectations, run_id{where}\n"
            f"from read_parquet({sql_text(f'{warehouse}/quarantine/articles/**/*.parquet')},"
            f" hive_partitioning=true, union_by_name=true)\nwhere run_id = {sql_text(run_id)}\norder by raw_path;")


def health_section(h: dict | None) -> list[str]:
    """Outlet health (quality/health.py): warnings, never failures."""
    ws = (h or {}).get("warnings") or []
    out = [f"<h2>Outlet health: {len(ws)} warning(s), never failures</h2>"]
    if not ws:
        return out + ["<p>No outlet health warning.</p>"]
    out += [f"<div class=warning><p>WARNING (not a failure): latest publication day {esc(h['as_of'])}.</p>",
            "<table><tr><th>signal</th><th>outlet</th><th>day</th><th>what</th></tr>"]
    out += [f"<tr><td>{esc(w['signal'])}</td><td>{esc(w['source'] or 'all outlets')}</td><td>{esc(w['day'] or '')}"
            f"</td><td>{esc(w['message'])}</td></tr>" for w in ws]
    return out + ["</table></div>"]


def docs_section(s: dict[str, Any]) -> list[str]:
    """Links to the run's Great Expectations Data Docs when built (a run builds them when an expectation
    failed), else the command that builds them from the stored results."""
    docs = {t: p for t, p in (s.get("data_docs") or {}).items() if t != "index"}
    if docs:
        return ["<h2>Great Expectations Data Docs</h2><p>"] + [
            f"<a href=\"../{esc(relative(p, Path(s['page']).parent.parent))}\">{esc(t)}</a> " for t, p in docs.items()
        ] + ["</p>"]
    if not any((s.get("rows") or {}).values()):
        return []
    return ["<h2>Great Expectations Data Docs</h2>",
            "<p>Not built for this run (every expectation passed): "
            f"<code>kcna-etl report --run {esc(s['run_id'])} --data-docs</code> builds them from the run's stored "
            "results.</p>"]


def html_page(s: dict[str, Any], warehouse: str) -> str:
    from kcna_etl.quality.report import failures_first
    failed = [e for e in failures_first(s) if not e["success"]]
    passed = [e for e in s["expectations"] if e["success"]]
    root = s.get("input")
    out = [f"<!doctype html><meta charset=utf-8><title>kcna-etl quality {esc(s['run_id'])}</title>",
           f"<style>{STYLE}</style>",
           f"<h1>kcna-etl quality: {esc(s['status'].upper())}</h1>",
           f"<p>Run <code>{esc(s['run_id'])}</code>, run date {esc(s['run_date'])}: {esc(s['message'])}.</p>",
           f"<p>Input: <code>{esc(root or 'unknown')}</code>. "
           f"Quarantined: {s['quarantined'].get('pages', 0):,} page(s).</p>",
           f"<h2>Failed ({len(failed)})</h2>"]
    for e in failed:
        out.append(f"<div class={esc(e['severity'])}><h3>{esc(SEVERITY_WORDS.get(e['severity'], e['severity']))}: "
                   f"<code>{esc(e['id'])}</code></h3><p>{esc(e['description'])}: {e['unexpected_count']:,} of "
                   f"{e['rows']:,} rows ({e['unexpected_percent']:.2f}%).</p><table><tr><th>page</th>"
                   "<th>values</th></tr>")
        out += [f"<tr><td><code>{esc(full_path(root, x['raw_path']))}</code></td><td>"
                + esc(", ".join(f"{k}={v!r}" for k, v in x.items() if k != "raw_path")) + "</td></tr>"
                for x in e["examples"]]
        out.append("</table></div>")
    out += docs_section(s)
    out += health_section(s.get("health"))
    out += ["<h2>What to do next</h2><ol>", *(f"<li>{step}</li>" for step in NEXT), "</ol>",
            "<h2>The quarantined rows of this run (DuckDB)</h2>",
            f"<pre>{esc(quarantine_query(warehouse, s['run_id'], root))}</pre>",
            f"<h2 class=passed>Passed ({len(passed)})</h2><p>",
            ", ".join(f"<code>{esc(e['id'])}</code>" for e in passed), "</p>"]
    return "\n".join(out) + "\n"


def relative(target: str, quality: Path) -> str:
    """A link from the `quality` folder to one of its files, given as a local path or an s3:// URI (or a path
    of the warehouse before it was moved: the folder is always `_quality`)."""
    if target.startswith(f"{quality}/"):
        return target[len(f"{quality}/"):]
    _, sep, tail = target.rpartition("/_quality/")
    return tail if sep else target


def index_page(quality: Path) -> str:
    """Every run's quality page and Data Docs pages, newest first, linked relatively (the folder can be
    copied, or synced from a bucket)."""
    rows = []
    for path in sorted((quality / "runs").glob("*.json"), reverse=True):  # run ids begin with their UTC start
        try:
            s = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a report being written
        docs = {t: p for t, p in (s.get("data_docs") or {}).items() if t != "index"}
        links = " ".join(f"<a href=\"{esc(relative(p, quality))}\">{esc(t)}</a>" for t, p in docs.items())
        absent = "not built (kcna-etl report --data-docs)" if any((s.get("rows") or {}).values()) else "no new rows"
        rows.append(f"<tr><td><code>{esc(s['run_id'])}</code></td><td class={esc(s['status'])}>"
                    f"{esc(s['status'])}</td><td><a href=\"runs/{esc(s['run_id'])}.html\">quality page</a></td>"
                    f"<td>{links or absent}</td><td>{esc(s['message'])}</td></tr>")
    return "\n".join([
        "<!doctype html><meta charset=utf-8><title>kcna-etl quality: every run</title>", f"<style>{STYLE}</style>",
        f"<h1>kcna-etl quality: every run ({len(rows)}), newest first</h1>",
        "<p>Opens offline. Great Expectations' own index (<a href=\"index.html\">index.html</a>) lists the same "
        "validation pages with scripts from CDNs.</p>",
        "<table><tr><th>run</th><th>status</th><th>quality page</th><th>Data Docs by table</th><th>message</th></tr>",
        *rows, "</table>"]) + "\n"
