"""The warehouse at a glance: the figures of `kcna-etl overview`, as small records.

Pure functions over Arrow data (a `pyarrow.Table` or the `pyarrow.dataset` of the documented read path,
`Warehouse(loc).table(t)`): DuckDB scans them and does every group-by, so the cost follows the size of
the aggregates, not the number of rows kept in Python. `collect` is the one function that reads a
warehouse; `quality/overview_html.py` renders what it returns.

- `volume`: articles per canonical outlet (`articles.outlet`, else `source`) and period;
- `top_entities`: the most-mentioned persons and organisations (from `entities`) with their mentions
  per period (mentions joined to their article's publication date);
- outlet health: `quality/health.py` on the outlet-canonical columns;
- `runs`: the quality trend of the last runs (`_quality/runs/*.json` and the manifest's outcomes);
- `frontier`: teasers whose article is not in the warehouse yet, matched on outlet + title + date;
- `largest_stories`: the stories (`articles.story_id`) carried by the most outlets.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from kcna_etl.quality import health

PERIODS = ("day", "week", "month", "year")
MAX_PERIODS = 120  # the finest period that keeps a chart at or under this many bars
ENTITY_TYPES = ("person", "organization")


def _con(**tables: Any) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, t in tables.items():
        con.register(name, t)
    return con


def period_of(first: dt.date | None, last: dt.date | None) -> str:
    """The finest of day, week, month, year that splits first..last into at most MAX_PERIODS periods."""
    if first is None or last is None:
        return "month"
    days = (last - first).days + 1
    for period, length in zip(PERIODS, (1, 7, 30.44, 365.25)):
        if days / length <= MAX_PERIODS:
            return period
    return "year"


def periods(first: dt.date, last: dt.date, period: str) -> list[dt.date]:
    """Every period start from the one holding `first` to the one holding `last` (DuckDB's date_trunc)."""
    return [r[0] for r in duckdb.sql(
        f"select unnest(generate_series(date_trunc('{period}', date '{first}')::timestamp, "
        f"date_trunc('{period}', date '{last}')::timestamp, interval 1 {period}))::date").fetchall()]


OUTLET = "coalesce(outlet, source, '(no outlet)')"  # canonical outlet; shown as on the page when not in the list


def span(articles: Any) -> tuple[dt.date | None, dt.date | None, int, int]:
    """(first, last publication date, articles, undated articles)."""
    return _con(a=articles).sql(
        "select min(published_date), max(published_date), count(*), count(*) - count(published_date) from a").fetchall()[0]


def volume(articles: Any, period: str) -> list[dict]:
    """Per outlet: articles, undated ones, first and last date, and {period start: articles}; largest first."""
    rows = _con(a=articles).sql(f"""
        select {OUTLET} as outlet, date_trunc('{period}', published_date)::date as period, count(*) as n,
               min(published_date) as first, max(published_date) as last
        from a group by all""").fetchall()
    by: dict[str, dict] = {}
    for outlet, period_start, n, first, last in rows:
        o = by.setdefault(outlet, {"outlet": outlet, "articles": 0, "undated": 0, "first": None, "last": None,
                                   "series": {}})
        o["articles"] += n
        if period_start is None:
            o["undated"] += n
        else:
            o["series"][period_start] = n
            o["first"], o["last"] = min(o["first"] or first, first), max(o["last"] or last, last)
    return sorted(by.values(), key=lambda o: (-o["articles"], o["outlet"]))


def top_entities(entities: Any, mentions: Any, articles: Any, period: str, n: int = 10) -> dict[str, list[dict]]:
    """Per entity type: the `n` entities with the most mentions (`entities` keeps the counts), each with its
    mentions per period of the publication date of their articles ({period start: mentions})."""
    con = _con(e=entities, m=mentions, a=articles)
    types = ", ".join(f"'{t}'" for t in ENTITY_TYPES)
    top = con.sql(f"""
        select entity_type, entity_id, entity, mention_count, article_count from e
        where entity_type in ({types})
        qualify row_number() over (partition by entity_type order by mention_count desc, entity_id) <= {int(n)}
        order by entity_type, mention_count desc, entity_id""").fetchall()
    con.register("top", pa.table({"entity_id": [r[1] for r in top]}, schema=pa.schema([("entity_id", pa.string())])))
    trend = con.sql(f"""
        select m.entity_id, date_trunc('{period}', a.published_date)::date as period, count(*) as n
        from m join top using (entity_id) join a using (article_id)
        where a.published_date is not null group by all""").fetchall()
    series: dict[str, dict] = {}
    for entity_id, period_start, k in trend:
        series.setdefault(entity_id, {})[period_start] = k
    out: dict[str, list[dict]] = {t: [] for t in ENTITY_TYPES}
    for entity_type, entity_id, entity, mention_count, article_count in top:
        out[entity_type].append({"entity_id": entity_id, "entity": entity, "mentions": mention_count,
                                 "articles": article_count, "series": series.get(entity_id, {})})
    return out


def canonical_sources(articles: Any, teasers: Any, quarantined: Any, outlet_of: dict[str, str]) -> dict[str, pa.Table]:
    """The columns `quality/health.py` reads, with `source` made the canonical outlet (so that one outlet's
    spellings are judged together): articles and quarantine by their `outlet`, teasers through `outlet_of`."""
    names = pa.table({"shown": list(outlet_of), "outlet": list(outlet_of.values())},
                     schema=pa.schema([("shown", pa.string()), ("outlet", pa.string())]))
    con = _con(a=articles, t=teasers, names=names)
    out = {
        "articles": con.sql(f"select {OUTLET} as source, published_date, capture_date from a").to_arrow_table(),
        "teasers": con.sql("""select article_id, coalesce(names.outlet, t.source) as source, position, teaser_date
                              from t left join names on t.source = names.shown""").to_arrow_table(),
        "quarantined": None,
    }
    if quarantined is not None:
        con.register("q", quarantined)
        has_outlet = "outlet" in quarantined.schema.names  # quarantines written before `outlet` existed lack it
        outlet = OUTLET if has_outlet else "coalesce(source, '(no outlet)')"
        out["quarantined"] = con.sql(f"select {outlet} as source, published_date from q").to_arrow_table()
    return out


def outlet_health(articles: Any, teasers: Any, quarantined: Any, outlet_of: dict[str, str],
                  thresholds: dict | None = None) -> dict[str, Any]:
    """`quality/health.py`'s assessment of the whole warehouse, by canonical outlet."""
    c = canonical_sources(articles, teasers, quarantined, outlet_of)
    return health.assess(c["articles"], c["quarantined"], c["teasers"], thresholds or health.thresholds())


TITLE_KEY = "lower(regexp_replace(replace(replace(trim({0}), '’', ''''), '‘', ''''), '\\s+', ' ', 'g'))"


def frontier(teasers: Any, articles: Any, outlet_of: dict[str, str], shown: int = 25) -> dict[str, Any]:
    """Teasers whose article is not in the warehouse yet. A teaser is the item (canonical outlet, title, date);
    it is in the warehouse when an article has the same outlet, the same title (case, spacing and curly
    quotes folded) and a publication date equal to the teaser's date. Teasers without a title cannot be
    matched: their sidebar rows are counted apart. Returns the counts, the missing items per outlet and the latest `shown`."""
    names = pa.table({"shown": list(outlet_of), "outlet": list(outlet_of.values())},
                     schema=pa.schema([("shown", pa.string()), ("outlet", pa.string())]))
    con = _con(t=teasers, a=articles, names=names)
    con.sql(f"""
        create temp table items as
        select coalesce(names.outlet, t.source, '(no outlet)') as outlet, {TITLE_KEY.format('t.title')} as k,
               t.teaser_date as day, any_value(t.title) as title, count(*) as sidebars
        from t left join names on t.source = names.shown
        where t.title is not null and trim(t.title) <> '' group by all""")
    con.sql(f"""
        create temp table missing as
        select i.* from items i
        where not exists (select 1 from a where {OUTLET} = i.outlet and a.published_date = i.day
                          and {TITLE_KEY.format('a.title')} = i.k)""")
    items, untitled = con.sql(
        "select (select count(*) from items), "
        "(select count(*) from t where title is null or trim(title) = '')").fetchall()[0]
    per_outlet = [{"outlet": o, "missing": n, "latest": d} for o, n, d in con.sql(
        "select outlet, count(*), max(day) from missing group by outlet order by count(*) desc, outlet").fetchall()]
    latest = [dict(zip(("outlet", "day", "title", "sidebars"), r)) for r in con.sql(
        f"select outlet, day, title, sidebars from missing order by day desc, outlet, k limit {int(shown)}"
    ).fetchall()]
    missing = sum(o["missing"] for o in per_outlet)
    return {"teasers": items, "in_warehouse": items - missing, "missing": missing, "untitled": untitled,
            "per_outlet": per_outlet, "latest": latest}


def largest_stories(articles: Any, shown: int = 10) -> dict[str, Any]:
    """The stories carried by more than one canonical outlet, the most outlets first (then the most articles,
    the latest): each with its title (of its earliest article), first and last date, and per outlet its
    first date. Also how many articles have a story and how many stories span outlets."""
    con = _con(a=articles)
    con.sql(f"""
        create temp table s as
        select story_id, count(distinct {OUTLET}) as outlets, count(*) as articles,
               min(published_date) as first, max(published_date) as last,
               arg_min(title, coalesce(published_date, date '9999-12-31')) as title
        from a where story_id is not null group by story_id""")
    with_story, across = con.sql(
        "select (select count(*) from a where story_id is not null), (select count(*) from s where outlets > 1)"
    ).fetchall()[0]
    top = con.sql(f"select story_id, outlets, articles, first, last, title from s where outlets > 1 "
                  f"order by outlets desc, articles desc, last desc nulls last, story_id limit {int(shown)}").fetchall()
    per_outlet: dict[str, list[dict]] = {}
    if top:
        con.register("top", pa.table({"story_id": [r[0] for r in top]}, schema=pa.schema([("story_id", pa.string())])))
        for story, outlet, first in con.sql(f"""
                select story_id, {OUTLET} as outlet, min(published_date) as first from a join top using (story_id)
                group by all order by story_id, first nulls last, outlet""").fetchall():
            per_outlet.setdefault(story, []).append({"outlet": outlet, "first": first})
    largest = [{"story_id": sid, "outlets": per_outlet.get(sid, []), "articles": n, "first": first, "last": last,
                "title": title} for sid, _, n, first, last, title in top]
    return {"articles_with_story": with_story, "across_outlets": across, "largest": largest}


def runs(reports: list[dict], manifest: Any, last: int = 20) -> list[dict]:
    """The quality trend, oldest first: per run of the `last` quality reports, its status, rows validated,
    quarantined pages, failed expectations, health warnings, and its pages by outcome in the manifest
    (pages processed again later count under the later run)."""
    outcomes: dict[str, dict[str, int]] = {}
    if manifest is not None:
        for run_id, outcome, n in _con(m=manifest).sql(
                "select run_id, outcome, count(*) from m group by all").fetchall():
            outcomes.setdefault(run_id, {})[outcome] = n
    out = []
    for s in sorted(reports, key=lambda s: s["run_id"])[-last:]:
        failed = [e for e in s.get("expectations", []) if not e["success"]]
        out.append({"run_id": s["run_id"], "run_date": s.get("run_date"), "status": s.get("status"),
                    "rows": s.get("rows", {}), "quarantined_pages": (s.get("quarantined") or {}).get("pages", 0),
                    "failed_errors": sum(e["severity"] == "error" for e in failed),
                    "failed_warnings": sum(e["severity"] != "error" for e in failed),
                    "health_warnings": len((s.get("health") or {}).get("warnings", [])),
                    "pages": outcomes.get(s["run_id"], {})})
    return out


def read_reports(folder: Path) -> list[dict]:
    """Every run's quality report under `<warehouse>/_quality/runs/` (quality/report.py writes them)."""
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):  # a report being written or cut short: the others still show
            continue
    return out


ARTICLE_COLUMNS = ["article_id", "source", "outlet", "title", "published_date", "capture_date", "story_id"]
TEASER_COLUMNS = ["article_id", "source", "position", "title", "teaser_date"]


def collect(store: Any, top: int = 10, last_runs: int = 20, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the overview page shows, for the warehouse `store` (a storage.store.Warehouse)."""
    from kcna_etl.storage.store import schema_of
    from kcna_etl.transforms.lexicon import rules

    def table(name: str, columns: list[str] | None = None) -> Any:
        """The dataset of `name`, or its columns read once into memory when several sections scan them
        (a scan of the dataset costs its many small files every time)."""
        d = store.table(name)
        if d is None:
            return schema_of(name).empty_table().select(columns or schema_of(name).names)
        return d.to_table(columns=columns) if columns else d

    articles, teasers = table("articles", ARTICLE_COLUMNS), table("teasers", TEASER_COLUMNS)
    mentions, entities = table("mentions"), table("entities")
    quarantined = store.table("quarantine/articles")
    outlet_of = rules().outlet_of
    first, last, count, undated = span(articles)
    period = period_of(first, last)
    reports = read_reports(store.local_copy("_quality/runs") / "_quality" / "runs")
    return {
        "warehouse": store.location, "snapshot": store.snapshot_id(),
        "built": (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
        "articles": count, "undated": undated, "first": first, "last": last, "period": period,
        "periods": periods(first, last, period) if first else [],
        "volume": volume(articles, period),
        "entities": top_entities(entities, mentions, articles, period, top),
        "health": outlet_health(articles, teasers, quarantined, outlet_of),
        "runs": runs(reports, store.table("_manifest"), last_runs),
        "frontier": frontier(teasers, articles, outlet_of),
        "stories": largest_stories(articles),
    }
