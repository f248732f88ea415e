"""Outlet health: per outlet and publication day, the signals an analyst watches, as warnings.

Pure functions over Arrow tables (DuckDB in memory does the window arithmetic; no
Prefect, no file system): the caller reads the tables. The signals, their
thresholds in `expectations/health.json`:

- `volume_high` / `volume_low`: a day's articles against the outlet's recent norm
  (mean of its previous `window_days` days, days without articles counted as 0);
- `silence`: no article for longer than the outlet's usual gap (a multiple of its
  median gap between publication days), when it resumed or still ongoing;
- `date_drift`: articles captured long after their publication date, or dated after
  their capture; `teaser_order`: sidebars whose teaser dates rise down the list;
- `quarantine`: share of an outlet-day's articles held in quarantine; `rejects`:
  share of a run's pages rejected (per run: a rejected page has no outlet).

Health never fails a run: the report shows these beside the expectations' status.
"""
from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any, Iterable

import duckdb
import pyarrow as pa

SIGNALS = ("volume_high", "volume_low", "silence", "date_drift", "teaser_order", "quarantine", "rejects")


def thresholds() -> dict[str, Any]:
    """The thresholds shipped with the package (`expectations/health.json`)."""
    return json.loads(resources.files("kcna_etl.expectations").joinpath("health.json").read_text(encoding="utf-8"))


def _empty(schema: dict[str, pa.DataType]) -> pa.Table:
    return pa.table({k: pa.array([], type=v) for k, v in schema.items()})


ARTICLE_COLUMNS = {"source": pa.string(), "published_date": pa.date32(), "capture_date": pa.date32()}
TEASER_COLUMNS = {"article_id": pa.string(), "source": pa.string(), "position": pa.int32(), "teaser_date": pa.date32()}
QUARANTINE_COLUMNS = {"source": pa.string(), "published_date": pa.date32()}


def daily(articles: pa.Table, quarantined: pa.Table | None, teasers: pa.Table | None, t: dict) -> pa.Table:
    """One row per outlet and publication day that has an article, a quarantined article or a sidebar:
    `articles`, `norm` (mean of the previous days, null without a full window), `gap_days` (days since the
    outlet's previous article day), `usual_gap` (the outlet's median gap), `gaps`, `dated` and `drifted`
    articles, `quarantined`, `sidebars` and `sidebars_out_of_order`."""
    con = duckdb.connect()
    con.register("a", articles.select(list(ARTICLE_COLUMNS)))
    con.register("q", (quarantined if quarantined is not None else _empty(QUARANTINE_COLUMNS))
                 .select(list(QUARANTINE_COLUMNS)))
    con.register("t", (teasers if teasers is not None else _empty(TEASER_COLUMNS)).select(list(TEASER_COLUMNS)))
    return daily_in(con, t)


def daily_in(con: duckdb.DuckDBPyConnection, t: dict) -> pa.Table:
    """`daily` of the relations `a`, `q` and `t` of `con` (the columns of ARTICLE_COLUMNS, QUARANTINE_COLUMNS
    and TEASER_COLUMNS): a caller whose connection already holds the rows (the overview's) groups them where
    they are, without copying them into a new connection."""
    v, d = t["volume"], t["date_drift"]
    window = int(v["window_days"])
    return con.sql(f"""
        with counts as (
            select source, published_date as day, count(*) as n, count(capture_date) as dated,
                   count(*) filter (where date_diff('day', published_date, capture_date) > {int(d['max_lag_days'])}
                                       or date_diff('day', capture_date, published_date) > {int(d['max_lead_days'])})
                       as drifted
            from a where source is not null and published_date is not null group by all),
        span as (select source, min(day) as lo, max(day) as hi from counts group by source),
        grid as (select source, unnest(generate_series(lo::timestamp, hi::timestamp, interval 1 day))::date as day
                 from span),
        dense as (
            select g.source, g.day, coalesce(c.n, 0) as n,
                   avg(coalesce(c.n, 0)) over w as norm, count(*) over w as history
            from grid g left join counts c using (source, day)
            window w as (partition by g.source order by g.day rows between {window} preceding and 1 preceding)),
        gaps as (
            select source, day, date_diff('day', lag(day) over (partition by source order by day), day) as gap_days
            from counts),
        usual as (select source, median(gap_days) as usual_gap, count(gap_days) as gaps from gaps group by source),
        held as (select source, published_date as day, count(*) as quarantined from q
                 where source is not null and published_date is not null group by all),
        pages as (
            -- out of order: a teaser dated after the one above it (pairs of neighbours in the page's list;
            -- a list per page costs about half a window partitioned by page)
            select article_id, source, day,
                   list_bool_or(list_transform(list_zip(dates[:-2], dates[2:]), lambda p: p[2] > p[1]))
                       as out_of_order
            from (select article_id, any_value(source) as source, max(teaser_date) as day,
                         list(teaser_date order by position) as dates
                  from t group by article_id)),
        sidebars as (select source, day, count(*) as sidebars, count(*) filter (where out_of_order) as disordered
                     from pages where source is not null and day is not null group by all),
        keys as (select source, day from counts union select source, day from held
                 union select source, day from sidebars)
        select k.source, k.day, coalesce(c.n, 0)::bigint as articles,
               case when dense.history = {window} then dense.norm end as norm,
               gaps.gap_days, usual.usual_gap, coalesce(usual.gaps, 0)::bigint as gaps,
               coalesce(c.dated, 0)::bigint as dated, coalesce(c.drifted, 0)::bigint as drifted,
               coalesce(held.quarantined, 0)::bigint as quarantined,
               coalesce(sidebars.sidebars, 0)::bigint as sidebars,
               coalesce(sidebars.disordered, 0)::bigint as sidebars_out_of_order
        from keys k
        left join counts c using (source, day) left join dense using (source, day)
        left join gaps using (source, day) left join usual using (source)
        left join held using (source, day) left join sidebars using (source, day)
        order by k.source, k.day""").to_arrow_table()


def silence_limit(usual_gap: float | None, gaps: int, t: dict) -> float | None:
    """Days without an article beyond which an outlet is silent; None while its history is too short."""
    s = t["silence"]
    if usual_gap is None or gaps < s["min_gaps"]:
        return None
    return max(float(s["min_days"]), s["factor"] * usual_gap)


def _warning(signal: str, source: str | None, day: dt.date | None, value: float, limit: float, message: str) -> dict:
    return {"signal": signal, "source": source, "day": day.isoformat() if day else None,
            "value": round(float(value), 4), "limit": round(float(limit), 4), "message": message}


def day_warnings(rows: Iterable[dict], t: dict) -> list[dict]:
    """The warnings of `daily` rows."""
    v, d, o, q = t["volume"], t["date_drift"], t["teaser_order"], t["quarantine"]
    out = []
    for r in rows:
        src, day, n, norm = r["source"], r["day"], r["articles"], r["norm"]
        if n and norm is not None and norm >= v["min_norm"]:
            if n >= v["high_ratio"] * norm:
                out.append(_warning("volume_high", src, day, n / norm, v["high_ratio"],
                                    f"{n} articles, {n / norm:.1f}x its norm of {norm:.1f} a day"))
            elif n <= v["low_ratio"] * norm:
                out.append(_warning("volume_low", src, day, n / norm, v["low_ratio"],
                                    f"{n} articles, {n / norm:.1f}x its norm of {norm:.1f} a day"))
        limit = silence_limit(r["usual_gap"], r["gaps"], t)
        if n and limit is not None and r["gap_days"] is not None and r["gap_days"] > limit:
            out.append(_warning("silence", src, day, r["gap_days"], limit,
                                f"resumed after {r['gap_days']} days without an article "
                                f"(usually {r['usual_gap']:g} between articles)"))
        if r["dated"] and r["drifted"] / r["dated"] >= d["max_share"]:
            out.append(_warning("date_drift", src, day, r["drifted"] / r["dated"], d["max_share"],
                                f"{r['drifted']} of {r['dated']} articles dated far from their capture "
                                f"(over {d['max_lag_days']} days before it or {d['max_lead_days']} after)"))
        if r["sidebars"] and r["sidebars_out_of_order"] / r["sidebars"] >= o["max_share"]:
            out.append(_warning("teaser_order", src, day, r["sidebars_out_of_order"] / r["sidebars"], o["max_share"],
                                f"{r['sidebars_out_of_order']} of {r['sidebars']} sidebars list a later teaser "
                                f"date below an earlier one"))
        total = n + r["quarantined"]
        if r["quarantined"] and r["quarantined"] / total >= q["max_share"]:
            out.append(_warning("quarantine", src, day, r["quarantined"] / total, q["max_share"],
                                f"{r['quarantined']} of {total} articles held in quarantine"))
    return out


def silent_now(rows: list[dict], as_of: dt.date | None, t: dict) -> list[dict]:
    """Outlets whose last article is further from `as_of` than their usual gap allows (silence still going on)."""
    last: dict[str, dict] = {}
    for r in rows:
        if r["articles"] and (r["source"] not in last or r["day"] > last[r["source"]]["day"]):
            last[r["source"]] = r
    out = []
    for src, r in sorted(last.items()):
        limit = silence_limit(r["usual_gap"], r["gaps"], t)
        quiet = (as_of - r["day"]).days if as_of else 0
        if limit is not None and quiet > limit:
            out.append(_warning("silence", src, as_of, quiet, limit,
                                f"no article for {quiet} days since {r['day'].isoformat()} "
                                f"(usually {r['usual_gap']:g} between articles)"))
    return out


def rejects_warning(pages: int, rejected: int, t: dict) -> list[dict]:
    """The run's share of rejected pages, when at or over its threshold."""
    share, limit = (rejected / pages if pages else 0.0), t["rejects"]["max_share"]
    return [_warning("rejects", None, None, share, limit, f"{rejected} of {pages} pages rejected")] \
        if rejected and share >= limit else []


def outlets(rows: list[dict], as_of: dt.date | None, t: dict, warned: list[dict]) -> list[dict]:
    """Per outlet: articles, first and last day, usual gap, days quiet at `as_of`, and its warnings by signal."""
    by: dict[str, dict] = {}
    for r in rows:
        o = by.setdefault(r["source"], {"source": r["source"], "articles": 0, "quarantined": 0, "first": None,
                                        "last": None, "usual_gap": r["usual_gap"],
                                        "warnings": {s: 0 for s in SIGNALS}})
        o["articles"] += r["articles"]
        o["quarantined"] += r["quarantined"]
        if r["articles"]:
            o["first"] = min(o["first"] or r["day"], r["day"])
            o["last"] = max(o["last"] or r["day"], r["day"])
    for w in warned:
        if w["source"] in by:
            by[w["source"]]["warnings"][w["signal"]] += 1
    for o in by.values():
        o["quiet_days"] = (as_of - o["last"]).days if as_of and o["last"] else None
        o["first"], o["last"] = (d.isoformat() if d else None for d in (o["first"], o["last"]))
    return sorted(by.values(), key=lambda o: (-o["articles"], o["source"]))


def assess(articles: pa.Table, quarantined: pa.Table | None, teasers: pa.Table | None, t: dict,
           days: set[tuple[str, dt.date]] | None = None, run_pages: tuple[int, int] | None = None) -> dict[str, Any]:
    """Outlet health of a warehouse: the warnings (of the outlet-days in `days` when given, e.g. those a run
    brought, plus silences still going on and the run's reject share from `run_pages` = (pages, rejected)),
    their counts by signal, the latest publication day (`as_of`) and a summary per outlet."""
    return judged(daily(articles, quarantined, teasers, t).to_pylist(), t, days, run_pages)


def judged(rows: list[dict], t: dict, days: set[tuple[str, dt.date]] | None = None,
           run_pages: tuple[int, int] | None = None) -> dict[str, Any]:
    """`assess` of `daily` rows."""
    as_of = max((r["day"] for r in rows if r["articles"]), default=None)
    every, ongoing = day_warnings(rows, t), silent_now(rows, as_of, t)
    picked = [w for w in every if days is None or (w["source"], dt.date.fromisoformat(w["day"])) in days]
    warned = ongoing + picked + (rejects_warning(*run_pages, t) if run_pages else [])
    warned.sort(key=lambda w: (w["day"] or "9999", w["source"] or "", w["signal"]), reverse=True)
    return {"as_of": as_of.isoformat() if as_of else None, "warnings": warned,
            "counts": {s: sum(w["signal"] == s for w in warned) for s in SIGNALS},
            "outlets": outlets(rows, as_of, t, every + ongoing)}
