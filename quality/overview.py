"""The warehouse at a glance: the figures of `kcna-etl overview`, as small records.

Pure functions over one DuckDB connection holding the warehouse's tables as views named `articles`,
`teasers`, `mentions`, `entities`, `quarantined` and `manifest` (`connect` makes it for a warehouse, `views`
for any Arrow data): DuckDB scans them and does every group-by, so the cost follows the size of the
aggregates, not the number of rows kept in Python. `collect` is the one function that reads a warehouse;
`quality/overview_html.py` renders what it returns.

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
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from kcna_etl.quality import health

PERIODS = ("day", "week", "month", "year")
MAX_PERIODS = 120  # the finest period that keeps a chart at or under this many bars
ENTITY_TYPES = ("person", "organization")

# Each view: the warehouse table it shows and the columns the page reads of it (DuckDB reads no other column).
READS = {
    "articles": ("articles", ["article_id", "source", "outlet", "title", "published_date", "capture_date", "story_id"]),
    "teasers": ("teasers", ["article_id", "source", "position", "title", "teaser_date"]),
    "mentions": ("mentions", ["article_id", "entity_id"]),
    "entities": ("entities", ["entity_id", "entity_type", "entity", "mention_count", "article_count"]),
    "quarantined": ("quarantine/articles", ["source", "outlet", "published_date"]),
    "manifest": ("_manifest", ["run_id", "outcome"]),
}


def _con(**tables: Any) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, t in tables.items():
        con.register(name, t)
    return con


def views(con: duckdb.DuckDBPyConnection, **data: Any) -> duckdb.DuckDBPyConnection:
    """Make each of `data` (an Arrow table or dataset, a relation of `con`, or None: no such table yet) the view
    of its name in READS, with READS's columns; a column the data lacks (files written before it existed) is
    null. Returns `con`."""
    from kcna_etl.storage.store import schema_of

    for name, d in data.items():
        table, columns = READS[name]
        empty = schema_of(table).empty_table().select(columns)
        con.register(f"{name}_empty", empty)  # the columns' names and types
        (d if isinstance(d, duckdb.DuckDBPyRelation) else con.from_arrow(empty if d is None else d)
         ).create_view(f"{name}_data")
        con.sql(f"create or replace temp view {name} as select {', '.join(columns)} "
                f"from (from {name}_data union all by name from {name}_empty)")
    return con


def connect(store: Any, union_by_name: bool = False) -> duckdb.DuckDBPyConnection:
    """The current snapshot of the warehouse `store` (a storage.store.Warehouse) as the views of READS.

    DuckDB reads a local warehouse's Parquet files itself (only the columns asked for, cheaper per file than
    a `pyarrow.dataset`), a bucket's through their `pyarrow.dataset` (no DuckDB extension reaches S3 here).
    A table's files are read with the columns of its newest file (names sort by run), unless that file lacks
    one the page reads, or `union_by_name`: matching each file's columns by name costs about half as much
    again, and a file without a column of the first makes DuckDB fail, not guess (`collect` then reads again
    by name). `articles` and `teasers`, which several sections scan, are read once, into Arrow."""
    # one thread: a second one cost about 0.8 s more CPU on 100,000 pages here (docs/benchmarks.md)
    con = duckdb.connect(config={"threads": 1})
    data = {}
    for name, (table, columns) in READS.items():
        d = store.table(table)
        if d is not None and isinstance(d.filesystem, pafs.LocalFileSystem):
            files = sorted(d.files, reverse=True)  # without the placeholders of empty tables (`_empty.parquet`)
            by_name = union_by_name or (files and not set(columns) <= set(pq.read_schema(files[0]).names))
            d = con.read_parquet(files, hive_partitioning=False, union_by_name=by_name) if files else None
        data[name] = d
    views(con, **data)
    return views(con, **{name: con.sql(f"from {name}").to_arrow_table() for name in ("articles", "teasers")})


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


def _quoted(values: list[str]) -> str:
    """SQL string constants (a constant list lets DuckDB filter a table's rows as it scans them)."""
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values) or "null"


def span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date | None, dt.date | None, int, int]:
    """(first, last publication date, articles, undated articles)."""
    return con.sql("select min(published_date), max(published_date), count(*), "
                   "count(*) - count(published_date) from articles").fetchall()[0]


def volume(con: duckdb.DuckDBPyConnection, period: str) -> list[dict]:
    """Per outlet: articles, undated ones, first and last date, and {period start: articles}; largest first."""
    rows = con.sql(f"""
        select {OUTLET} as outlet, date_trunc('{period}', published_date)::date as period, count(*) as n,
               min(published_date) as first, max(published_date) as last
        from articles group by all""").fetchall()
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


def top_entities(con: duckdb.DuckDBPyConnection, period: str, n: int = 10) -> dict[str, list[dict]]:
    """Per entity type: the `n` entities with the most mentions (`entities` keeps the counts), each with its
    mentions per period of the publication date of their articles ({period start: mentions})."""
    top = con.sql(f"""
        select entity_type, entity_id, entity, mention_count, article_count from entities
        where entity_type in ({_quoted(list(ENTITY_TYPES))})
        qualify row_number() over (partition by entity_type order by mention_count desc, entity_id) <= {int(n)}
        order by entity_type, mention_count desc, entity_id""").fetchall()
    # the top's mentions only, counted per article before they meet the articles
    trend = con.sql(f"""
        select m.entity_id, date_trunc('{period}', a.published_date)::date as period, sum(m.n)::bigint
        from (select entity_id, article_id, count(*) as n from mentions
              where entity_id in ({_quoted([r[1] for r in top])}) group by all) m
        join articles a using (article_id)
        where a.published_date is not null group by all""").fetchall()
    series: dict[str, dict] = {}
    for entity_id, period_start, k in trend:
        series.setdefault(entity_id, {})[period_start] = k
    out: dict[str, list[dict]] = {t: [] for t in ENTITY_TYPES}
    for entity_type, entity_id, entity, mention_count, article_count in top:
        out[entity_type].append({"entity_id": entity_id, "entity": entity, "mentions": mention_count,
                                 "articles": article_count, "series": series.get(entity_id, {})})
    return out


def _names(outlet_of: dict[str, str]) -> pa.Table:
    """The outlet list as a table: each spelling (`shown`) and its canonical `outlet`."""
    return pa.table({"shown": list(outlet_of), "outlet": list(outlet_of.values())},
                    schema=pa.schema([("shown", pa.string()), ("outlet", pa.string())]))


def outlet_sources(con: duckdb.DuckDBPyConnection, outlet_of: dict[str, str]) -> duckdb.DuckDBPyConnection:
    """The views `a`, `t` and `q` of `con`: the columns `quality/health.py` reads of the views `articles`,
    `teasers` and `quarantined`, with `source` made the canonical outlet (so that one outlet's spellings are
    judged together): articles and quarantine by their `outlet`, teasers through `outlet_of`. Returns `con`."""
    con.register("names", _names(outlet_of))
    con.sql(f"create or replace temp view a as select {OUTLET} as source, published_date, capture_date from articles")
    con.sql("""create or replace temp view t as
               select article_id, coalesce(names.outlet, x.source) as source, position, teaser_date
               from teasers x left join names on x.source = names.shown""")
    con.sql(f"create or replace temp view q as select {OUTLET} as source, published_date from quarantined")
    return con


def canonical_sources(articles: Any, teasers: Any, quarantined: Any, outlet_of: dict[str, str]) -> dict[str, pa.Table]:
    """`outlet_sources` of Arrow data (any of the columns of READS; None: no quarantine), as Arrow tables."""
    con = outlet_sources(views(duckdb.connect(), articles=articles, teasers=teasers, quarantined=quarantined),
                         outlet_of)
    return {name: con.sql(f"from {view}").to_arrow_table()
            for name, view in (("articles", "a"), ("teasers", "t"), ("quarantined", "q"))}


def outlet_health(con: duckdb.DuckDBPyConnection, outlet_of: dict[str, str],
                  thresholds: dict | None = None) -> dict[str, Any]:
    """`quality/health.py`'s assessment of the whole warehouse, by canonical outlet, grouped in `con` itself."""
    t = thresholds or health.thresholds()
    return health.judged(health.daily_in(outlet_sources(con, outlet_of), t).to_pylist(), t)


# A title folded for matching: case, curly single quotes and runs of white space (RE2's `\s`: tab, line feed,
# form feed, carriage return, space). The regular expression is most of the cost, so it runs only on the
# titles that hold a run to fold (two spaces, or one of the other four); on the rest it would change nothing.
_QUOTES = "replace(replace(trim({0}), '’', ''''), '‘', '''')"
_RUN = " or ".join(["contains({0}, '  ')", *(f"contains({{0}}, chr({c}))" for c in (9, 10, 12, 13))])
TITLE_KEY = f"lower(case when {_RUN} then regexp_replace({_QUOTES}, '\\s+', ' ', 'g') else {_QUOTES} end)"


def frontier(con: duckdb.DuckDBPyConnection, outlet_of: dict[str, str], shown: int = 25) -> dict[str, Any]:
    """Teasers whose article is not in the warehouse yet. A teaser is the item (canonical outlet, title, date);
    it is in the warehouse when an article has the same outlet, the same title (case, spacing and curly
    quotes folded) and a publication date equal to the teaser's date. Teasers without a title cannot be
    matched: their sidebar rows are counted apart. Returns the counts, the missing items per outlet and the latest `shown`."""
    con.register("names", _names(outlet_of))
    # The same teaser stands in the sidebars of many pages, and a title in many teasers: rows are made one
    # before titles are folded (the costly part), each distinct title once, and each folded title numbered
    # in its order (`kid`), so that items are grouped and matched on numbers.
    con.sql("""
        create or replace temp table sidebars as
        select source, title, teaser_date as day, count(*) as sidebars,
               title is null or trim(title) = '' as untitled
        from teasers group by all""")
    con.sql(f"""
        create or replace temp table titles as
        with t as (select title, {TITLE_KEY.format('title')} as k
                   from (select distinct title from sidebars where not untitled))
        select title, k, dense_rank() over (order by k) as kid from t""")
    con.sql("""
        create or replace temp table items as
        select coalesce(names.outlet, s.source, '(no outlet)') as outlet, t.kid, s.day,
               min(s.title) as title, sum(s.sidebars)::bigint as sidebars
        from sidebars s join titles t using (title) left join names on s.source = names.shown group by all""")
    con.sql(f"""
        create or replace temp table missing as
        from items anti join (
            select distinct {OUTLET} as outlet, t.kid, published_date as day
            from articles a join (select distinct k, kid from titles) t on {TITLE_KEY.format('a.title')} = t.k)
        using (outlet, kid, day)""")
    items, untitled = con.sql(
        "select (select count(*) from items), "
        "(select coalesce(sum(sidebars), 0)::bigint from sidebars where untitled)").fetchall()[0]
    per_outlet = [{"outlet": o, "missing": n, "latest": d} for o, n, d in con.sql(
        "select outlet, count(*), max(day) from missing group by outlet order by count(*) desc, outlet").fetchall()]
    latest = [dict(zip(("outlet", "day", "title", "sidebars"), r)) for r in con.sql(
        f"select outlet, day, title, sidebars from missing order by day desc, outlet, kid limit {int(shown)}"
    ).fetchall()]
    missing = sum(o["missing"] for o in per_outlet)
    return {"teasers": items, "in_warehouse": items - missing, "missing": missing, "untitled": untitled,
            "per_outlet": per_outlet, "latest": latest}


def largest_stories(con: duckdb.DuckDBPyConnection, shown: int = 10) -> dict[str, Any]:
    """The stories carried by more than one canonical outlet, the most outlets first (then the most articles,
    the latest): each with its title (of its earliest article), first and last date, and per outlet its
    first date. Also how many articles have a story and how many stories span outlets."""
    con.sql(f"""
        create or replace temp table stories as
        select story_id, count(distinct {OUTLET}) as outlets, count(*) as articles,
               min(published_date) as first, max(published_date) as last,
               arg_min(title, coalesce(published_date, date '9999-12-31')) as title
        from articles where story_id is not null group by story_id""")
    with_story, across = con.sql(
        "select (select coalesce(sum(articles), 0)::bigint from stories), "
        "(select count(*) from stories where outlets > 1)").fetchall()[0]
    top = con.sql(f"select story_id, outlets, articles, first, last, title from stories where outlets > 1 "
                  f"order by outlets desc, articles desc, last desc nulls last, story_id limit {int(shown)}").fetchall()
    per_outlet: dict[str, list[dict]] = {}
    for story, outlet, first in con.sql(f"""
            select story_id, {OUTLET} as outlet, min(published_date) as first from articles
            where story_id in ({_quoted([r[0] for r in top])})
            group by all order by story_id, first nulls last, outlet""").fetchall():
        per_outlet.setdefault(story, []).append({"outlet": outlet, "first": first})
    largest = [{"story_id": sid, "outlets": per_outlet.get(sid, []), "articles": n, "first": first, "last": last,
                "title": title} for sid, _, n, first, last, title in top]
    return {"articles_with_story": with_story, "across_outlets": across, "largest": largest}


def runs(reports: list[dict], con: duckdb.DuckDBPyConnection, last: int = 20) -> list[dict]:
    """The quality trend, oldest first: per run of the `last` quality reports, its status, rows validated,
    quarantined pages, failed expectations, health warnings, and its pages by outcome in the manifest
    (pages processed again later count under the later run)."""
    outcomes: dict[str, dict[str, int]] = {}
    for run_id, outcome, n in con.sql("select run_id, outcome, count(*) from manifest group by all").fetchall():
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


def figures(con: duckdb.DuckDBPyConnection, reports: list[dict], top: int = 10, last_runs: int = 20) -> dict[str, Any]:
    """Every figure of the page, from the views of `con` and the runs' quality `reports`."""
    from kcna_etl.transforms.lexicon import rules

    outlet_of = rules().outlet_of
    first, last, count, undated = span(con)
    period = period_of(first, last)
    return {
        "articles": count, "undated": undated, "first": first, "last": last, "period": period,
        "periods": periods(first, last, period) if first else [],
        "volume": volume(con, period),
        "entities": top_entities(con, period, top),
        "health": outlet_health(con, outlet_of),
        "runs": runs(reports, con, last_runs),
        "frontier": frontier(con, outlet_of),
        "stories": largest_stories(con),
    }


def collect(store: Any, top: int = 10, last_runs: int = 20, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the overview page shows, for the warehouse `store` (a storage.store.Warehouse)."""
    reports = read_reports(store.local_copy("_quality/runs") / "_quality" / "runs")
    try:
        shown = figures(connect(store), reports, top, last_runs)
    except duckdb.InvalidInputException:  # a file lacks a column of the newest (written before it existed)
        shown = figures(connect(store, union_by_name=True), reports, top, last_runs)
    return {
        "warehouse": store.location, "snapshot": store.snapshot_id(),
        "built": (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
        **shown,
    }
