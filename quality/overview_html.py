"""The overview page: what `quality/overview.py` collects, as one self-contained HTML page.

Opens offline: inline SVG charts, one inline style, no script, no link, no image or font from elsewhere.
Every text from the warehouse (outlets, titles, names, snippets, messages) goes through `esc`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from kcna_etl.quality.page import esc

STYLE = ("body{font:14px/1.4 sans-serif;max-width:72em;margin:1em auto;padding:0 1em;color:#222}"
         "h2{border-bottom:1px solid #ccc;margin-top:1.6em}td,th{padding:2px 8px;text-align:left;vertical-align:middle}"
         "td.n,th.n{text-align:right}table{border-collapse:collapse}tr:nth-child(even){background:#f6f6f6}"
         ".note{color:#555;font-style:italic}.passed{color:#2e7d32}.warnings{color:#ef8f00}.failed{color:#c62828}"
         "svg{display:block}.d{white-space:nowrap}")
BAR = "#3b6ea5"
LINE = "#c0392b"
SECTIONS = (("outlets", "Articles per outlet over time"), ("entities", "Most-mentioned persons and organisations"),
            ("stories", "The largest stories across outlets"), ("health", "Outlet health"),
            ("quality", "Quality over the last runs"), ("frontier", "Crawl frontier"))


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def bars(values: list[int], width: int = 480, height: int = 36, label: str = "") -> str:
    """A bar chart of `values` (one bar per period, the common axis of the page)."""
    top = max(values, default=0) or 1
    w = width / max(len(values), 1)
    rects = "".join(f'<rect x="{_num(i * w)}" y="{_num(height - v / top * height)}" width="{_num(max(w - 1, 1))}" '
                    f'height="{_num(v / top * height)}"/>' for i, v in enumerate(values) if v)
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{esc(label)}"><rect width="{width}" height="{height}" fill="#f0f3f7"/>'
            f'<g fill="{BAR}">{rects}</g></svg>')


def sparkline(values: list[float], width: int = 160, height: int = 24, label: str = "") -> str:
    """A line through `values`, scaled to its own maximum; a dot on the last value."""
    top = max(values, default=0) or 1
    step = width / max(len(values) - 1, 1)
    pts = [(i * step, height - 2 - v / top * (height - 4)) for i, v in enumerate(values)]
    line = " ".join(f"{_num(x)},{_num(y)}" for x, y in pts)
    dot = f'<circle cx="{_num(pts[-1][0])}" cy="{_num(pts[-1][1])}" r="2" fill="{LINE}"/>' if pts else ""
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{esc(label)}"><polyline fill="none" stroke="{LINE}" stroke-width="1.5" points="{line}"/>'
            f'{dot}</svg>')


def _series(series: dict[dt.date, int], axis: list[dt.date]) -> list[int]:
    return [series.get(p, 0) for p in axis]


def _date(d: Any) -> str:
    """A date cell's content, kept on one line."""
    text = d.isoformat() if isinstance(d, dt.date) else esc(d if d is not None else "")
    return f"<span class=d>{text}</span>"


def _period_label(d: dt.date, period: str) -> str:
    return {"year": f"{d:%Y}", "month": f"{d:%Y-%m}"}.get(period, d.isoformat())


def outlets_section(o: dict) -> list[str]:
    axis, period = o["periods"], o["period"]
    out = [f"<p>{o['articles']:,} articles, {o['undated']:,} of them without a publication date (not charted), "
           f"by canonical outlet (<code>articles.outlet</code>; the outlet as shown when it is not in the list), "
           f"one bar per {period}"
           + (f" from {_period_label(axis[0], period)} to {_period_label(axis[-1], period)}" if axis else "")
           + ", each row scaled to its own busiest period.</p>",
           "<table><tr><th>outlet</th><th class=n>articles</th><th>first</th><th>last</th>"
           f"<th>articles per {esc(period)}</th></tr>"]
    for v in o["volume"]:
        out.append(f"<tr><td>{esc(v['outlet'])}</td><td class=n>{v['articles']:,}</td><td>{_date(v['first'])}</td>"
                   f"<td>{_date(v['last'])}</td><td>{bars(_series(v['series'], axis), label=v['outlet'])}</td></tr>")
    out.append("</table>")
    return out


def entities_section(o: dict) -> list[str]:
    out = [f"<p>By mentions (table <code>entities</code>); the line is their mentions per {esc(o['period'])} of "
           "their articles' publication dates, on the page's common axis.</p>"]
    for entity_type, title in (("person", "Persons"), ("organization", "Organisations")):
        rows = o["entities"].get(entity_type, [])
        out += [f"<h3>{title}</h3>", "<table><tr><th>#</th><th>name</th><th class=n>mentions</th>"
                "<th class=n>articles</th><th>trend</th></tr>"]
        out += [f"<tr><td>{i}</td><td title=\"{esc(e['entity_id'])}\">{esc(e['entity'])}</td>"
                f"<td class=n>{e['mentions']:,}</td><td class=n>{e['articles']:,}</td>"
                f"<td>{sparkline(_series(e['series'], o['periods']), label=e['entity'])}</td></tr>"
                for i, e in enumerate(rows, 1)]
        out.append("</table>" if rows else "</table><p class=note>None yet.</p>")
    return out


def health_section(o: dict, shown: int = 15) -> list[str]:
    h = o["health"]
    counts = ", ".join(f"{k} {n}" for k, n in h["counts"].items() if n) or "none"
    out = [f"<p>Warnings, never failures (<code>quality/health.py</code>, thresholds in "
           f"<code>expectations/health.json</code>), over the whole warehouse by canonical outlet; latest "
           f"publication day {esc(h['as_of'])}. Warnings by signal: {esc(counts)}.</p>",
           "<table><tr><th>outlet</th><th class=n>articles</th><th class=n>quarantined</th><th>first</th>"
           "<th>last</th><th class=n>usual gap (days)</th><th class=n>quiet (days)</th><th>warnings</th></tr>"]
    for r in h["outlets"]:
        warned = ", ".join(f"{k} {n}" for k, n in r["warnings"].items() if n)
        gap = "" if r["usual_gap"] is None else f"{r['usual_gap']:g}"
        quiet = "" if r["quiet_days"] is None else r["quiet_days"]
        out.append(f"<tr><td>{esc(r['source'])}</td><td class=n>{r['articles']:,}</td>"
                   f"<td class=n>{r['quarantined']:,}</td><td>{_date(r['first'])}</td>"
                   f"<td>{_date(r['last'])}</td><td class=n>{gap}</td><td class=n>{quiet}</td>"
                   f"<td>{esc(warned)}</td></tr>")
    out.append("</table>")
    ws = h["warnings"]
    if ws:
        out += [f"<h3>Latest warnings ({min(shown, len(ws))} of {len(ws)})</h3><table>"
                "<tr><th>day</th><th>signal</th><th>outlet</th><th>what</th></tr>"]
        out += [f"<tr><td>{_date(w['day'])}</td><td>{esc(w['signal'])}</td><td>{esc(w['source'] or '')}</td>"
                f"<td>{esc(w['message'])}</td></tr>" for w in ws[:shown]]
        out.append("</table>")
    return out


def quality_section(o: dict) -> list[str]:
    rs = o["runs"]
    if not rs:
        return ["<p class=note>No quality report yet (<code>_quality/runs/</code> is empty).</p>"]
    articles = [r["rows"].get("articles", 0) for r in rs]
    held = [r["quarantined_pages"] for r in rs]
    out = [f"<p>The last {len(rs)} runs' quality reports (<code>_quality/runs/*.json</code>), oldest first; pages "
           "by outcome from <code>_manifest</code> (a page processed again counts under its latest run).</p>",
           "<table><tr><td>articles validated per run</td><td>" + bars(articles, 320, 28, "articles per run")
           + "</td></tr><tr><td>quarantined pages per run</td><td>" + bars(held, 320, 28, "quarantined per run")
           + "</td></tr></table>",
           "<table><tr><th>run</th><th>date</th><th>status</th><th class=n>pages</th><th class=n>articles</th>"
           "<th class=n>rejected</th><th class=n>quarantined</th><th class=n>failed (error / warning)</th>"
           "<th class=n>health warnings</th></tr>"]
    for r in reversed(rs):
        pages = sum(r["pages"].values())
        out.append(f"<tr><td><code>{esc(r['run_id'])}</code></td><td>{_date(r['run_date'])}</td>"
                   f"<td class={esc(r['status'])}>{esc(r['status'])}</td><td class=n>{pages:,}</td>"
                   f"<td class=n>{r['rows'].get('articles', 0):,}</td>"
                   f"<td class=n>{r['pages'].get('rejected', 0):,}</td><td class=n>{r['quarantined_pages']:,}</td>"
                   f"<td class=n>{r['failed_errors']} / {r['failed_warnings']}</td>"
                   f"<td class=n>{r['health_warnings']}</td></tr>")
    out.append("</table>")
    return out


def frontier_section(o: dict) -> list[str]:
    f = o["frontier"]
    out = [f"<p>{f['teasers']:,} distinct titled teasers in the sidebars; {f['in_warehouse']:,} have their article "
           f"in the warehouse, <b>{f['missing']:,} do not</b> (a teaser is matched to an article of the same "
           f"canonical outlet with the same title, case, spacing and curly quotes folded, published on the teaser's "
           f"date). {f['untitled']:,} sidebar rows of untitled teasers cannot be matched and are not counted.</p>"]
    if f["per_outlet"]:
        out += ["<table><tr><th>outlet</th><th class=n>missing</th><th>latest</th></tr>"]
        out += [f"<tr><td>{esc(r['outlet'])}</td><td class=n>{r['missing']:,}</td><td>{_date(r['latest'])}</td></tr>"
                for r in f["per_outlet"]]
        out += ["</table>", f"<h3>Latest missing ({len(f['latest'])})</h3>",
                "<table><tr><th>date</th><th>outlet</th><th>title</th><th class=n>sidebars</th></tr>"]
        out += [f"<tr><td>{_date(r['day'])}</td><td>{esc(r['outlet'])}</td><td>{esc(r['title'])}</td><td class=n>{r['sidebars']:,}</td></tr>" for r in f["latest"]]
        out.append("</table>")
    return out


def stories_section(o: dict) -> list[str]:
    s = o["stories"]
    if not s["articles_with_story"]:
        return ["<p class=note>No article has a story_id yet: the warehouse was written before stories were kept "
                "(<code>kcna-etl backfill --full</code> assigns them).</p>"]
    out = [f"<p>{s['articles_with_story']:,} of {o['articles']:,} articles have a story; <b>{s['across_outlets']:,} "
           f"stories are carried by more than one outlet</b> (the same item republished: docs/stories.md). "
           f"The largest, by the number of outlets:</p>"]
    if s["largest"]:
        out += ["<table><tr><th>title</th><th class=n>outlets</th><th class=n>articles</th><th>first</th>"
                "<th>last</th><th>outlets, each with its first date</th></tr>"]
        out += [f"<tr><td>{esc(r['title'] or '(untitled)')}</td><td class=n>{len(r['outlets'])}</td>"
                f"<td class=n>{r['articles']:,}</td><td>{_date(r['first'])}</td><td>{_date(r['last'])}</td><td>"
                + "; ".join(f"{esc(x['outlet'])} {_date(x['first'])}" for x in r["outlets"]) + "</td></tr>"
                for r in s["largest"]]
        out.append("</table>")
    return out


def html_page(o: dict[str, Any]) -> str:
    """The page for `overview.collect`'s result."""
    body = {"outlets": outlets_section(o), "entities": entities_section(o),
            "stories": stories_section(o), "health": health_section(o),
            "quality": quality_section(o), "frontier": frontier_section(o)}
    out = ["<!doctype html><html lang=en><meta charset=utf-8>",
           f"<title>kcna-etl overview: {esc(o['warehouse'])}</title>", f"<style>{STYLE}</style>",
           "<h1>kcna-etl: the warehouse at a glance</h1>",
           f"<p>Warehouse <code>{esc(o['warehouse'])}</code>, snapshot {esc(o['snapshot'])}, built {esc(o['built'])}: "
           f"{o['articles']:,} articles published {_date(o['first'])} to {_date(o['last'])}.</p>",
           "<p>" + " · ".join(f'<a href="#{k}">{t}</a>' for k, t in SECTIONS) + "</p>"]
    for key, title in SECTIONS:
        out += [f'<section id="{key}"><h2>{title}</h2>', *body[key], "</section>"]
    return "\n".join(out) + "\n"
