"""Outlet health on crafted tables: each signal fires on the day made to trip it, and not on a day just inside
its threshold (thresholds from the shipped expectations/health.json)."""
from __future__ import annotations

import copy
import datetime as dt

import pyarrow as pa
import pytest

from kcna_etl.quality import health

T = health.thresholds()
D0 = dt.date(2025, 1, 1)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def articles(*runs: tuple[str, list[int], int]) -> pa.Table:
    """(outlet, articles per day from D0 on, capture lag in days) -> articles rows."""
    rows = [(src, day(i), day(i + lag)) for src, per_day, lag in runs for i, n in enumerate(per_day) for _ in range(n)]
    return pa.table({"source": [r[0] for r in rows], "published_date": pa.array([r[1] for r in rows], pa.date32()),
                     "capture_date": pa.array([r[2] for r in rows], pa.date32())})


def signals(result: dict, signal: str) -> list[tuple[str | None, str | None]]:
    return [(w["source"], w["day"]) for w in result["warnings"] if w["signal"] == signal]


def assess(a: pa.Table, q: pa.Table | None = None, teasers: pa.Table | None = None, t: dict = T, **kw) -> dict:
    return health.assess(a, q, teasers, t, **kw)


@pytest.mark.parametrize("last, fires", [(9, True), (5, False)])
def test_volume_high_against_the_recent_norm(last, fires):
    result = assess(articles(("KCNA", [3] * 28 + [last], 0)))
    assert signals(result, "volume_high") == ([("KCNA", day(28).isoformat())] if fires else [])
    assert signals(result, "volume_low") == []


@pytest.mark.parametrize("last, fires", [(1, True), (2, False)])
def test_volume_low_against_the_recent_norm(last, fires):
    result = assess(articles(("KCNA", [3] * 28 + [last], 0)))
    assert signals(result, "volume_low") == ([("KCNA", day(28).isoformat())] if fires else [])


def test_volume_is_not_judged_on_a_thin_norm_or_a_short_history():
    thin = assess(articles(("VOK", [1] * 28 + [6], 0)))   # norm 1 a day: below min_norm
    short = assess(articles(("VOK", [3] * 10 + [12], 0)))  # 10 days of history: no full window
    assert signals(thin, "volume_high") == signals(short, "volume_high") == []


@pytest.mark.parametrize("gap, fires", [(5, True), (3, False)])
def test_silence_when_the_outlet_resumes(gap, fires):
    per_day = [1] * 20 + [0] * (gap - 1) + [1] * 3
    result = assess(articles(("Rodong Sinmun", per_day, 0)))
    assert signals(result, "silence") == ([("Rodong Sinmun", day(19 + gap).isoformat())] if fires else [])
    if fires:
        [w] = [w for w in result["warnings"] if w["signal"] == "silence"]
        assert (w["value"], w["limit"]) == (gap, 3.0)


def test_silence_follows_the_outlets_own_usual_gap():
    weekly = [1 if i % 7 == 0 else 0 for i in range(7 * 15)]
    weekly[7 * 15 - 1] = 1  # 6 days after the previous one: inside 3 x 7
    assert signals(assess(articles(("Pyongyang Times", weekly, 0))), "silence") == []
    gap = [1 if i % 7 == 0 else 0 for i in range(7 * 12)] + [0] * 20 + [1]  # 26 days: over 21
    assert signals(assess(articles(("Pyongyang Times", gap, 0))), "silence") == [
        ("Pyongyang Times", day(7 * 12 + 20).isoformat())]


@pytest.mark.parametrize("stops_at, fires", [(20, True), (28, False)])
def test_an_ongoing_silence_counts_to_the_latest_day_in_the_warehouse(stops_at, fires):
    result = assess(articles(("Uriminzokkiri", [1] * stops_at, 0), ("KCNA", [1] * 30, 0)))
    assert result["as_of"] == day(29).isoformat()
    assert signals(result, "silence") == ([("Uriminzokkiri", day(29).isoformat())] if fires else [])


@pytest.mark.parametrize("lag, fires", [(40, True), (10, False), (-2, True), (-1, False)])
def test_date_drift_between_publication_and_capture(lag, fires):
    result = assess(articles(("KCNA", [2], lag)))
    assert signals(result, "date_drift") == ([("KCNA", day(0).isoformat())] if fires else [])


def test_date_drift_is_a_share_of_the_days_dated_articles():
    drifted, fine = articles(("KCNA", [1], 40)), articles(("KCNA", [3], 0))
    assert signals(assess(pa.concat_tables([drifted, fine])), "date_drift") == []  # 1 of 4 < 0.5
    assert signals(assess(pa.concat_tables([drifted, drifted, drifted, fine])), "date_drift") == [("KCNA", day(0).isoformat())]


def sidebar(article_id: str, dates: list[int]) -> list[dict]:
    return [{"article_id": article_id, "source": "KCNA", "position": i + 1, "teaser_date": day(d)}
            for i, d in enumerate(dates)]


@pytest.mark.parametrize("dates, fires", [([5, 4, 6, 3], True), ([6, 6, 5, 3], False)])
def test_teaser_dates_out_of_order(dates, fires):
    teasers = pa.Table.from_pylist(sidebar("a1", dates), schema=pa.schema(health.TEASER_COLUMNS))
    result = assess(articles(("KCNA", [1], 0)), teasers=teasers)
    assert signals(result, "teaser_order") == ([("KCNA", day(6).isoformat())] if fires else [])


@pytest.mark.parametrize("written, fires", [(4, True), (19, False)])
def test_share_of_an_outlet_days_articles_in_quarantine(written, fires):
    held = pa.table({"source": ["KCNA"], "published_date": pa.array([day(0)], pa.date32())})
    result = assess(articles(("KCNA", [written], 0)), held)
    assert signals(result, "quarantine") == ([("KCNA", day(0).isoformat())] if fires else [])


@pytest.mark.parametrize("rejected, fires", [(6, True), (4, False)])
def test_share_of_a_runs_pages_rejected(rejected, fires):
    result = assess(articles(("KCNA", [1], 0)), run_pages=(100, rejected))
    assert signals(result, "rejects") == ([(None, None)] if fires else [])


def test_a_runs_report_keeps_the_days_it_brought_and_the_silences_going_on():
    a = articles(("KCNA", [3] * 28 + [9] + [3] * 28 + [9], 0), ("VOK", [1] * 20, 0))
    every = assess(a)
    assert signals(every, "volume_high") == [("KCNA", day(57).isoformat()), ("KCNA", day(28).isoformat())]
    run = assess(a, days={("KCNA", day(57))})
    assert signals(run, "volume_high") == [("KCNA", day(57).isoformat())]
    assert signals(run, "silence") == [("VOK", day(57).isoformat())]
    assert run["counts"]["volume_high"] == 1 and run["counts"]["silence"] == 1
    kcna = next(o for o in run["outlets"] if o["source"] == "KCNA")
    assert (kcna["articles"], kcna["warnings"]["volume_high"], kcna["quiet_days"]) == (3 * 56 + 18, 2, 0)


def test_thresholds_are_the_data_file():
    a = articles(("KCNA", [3] * 28 + [9], 0))
    looser = copy.deepcopy(T)
    looser["volume"]["high_ratio"] = 4.0
    assert signals(assess(a), "volume_high") and not signals(assess(a, t=looser), "volume_high")


def test_an_empty_warehouse_has_no_warnings():
    result = assess(articles())
    assert result == {"as_of": None, "warnings": [], "counts": {s: 0 for s in health.SIGNALS}, "outlets": []}


def test_the_terminal_report_lists_health_warnings_apart_from_the_status():
    from kcna_etl.quality import report
    h = assess(articles(("KCNA", [3] * 28 + [9], 0), ("VOK", [1] * 10, 0)), run_pages=(100, 6))
    s = report.summary("r1", "2025-02-01", [], {"articles": 0}, {}, 0.05, None)
    s["health"] = h
    out = report.text(s)
    assert s["status"] == "passed" and "PASSED" in out
    assert "outlet health (warnings, not failures" in out
    assert "volume_high  KCNA 2025-01-29: 9 articles, 3.0x its norm of 3.0 a day" in out
    assert "rejects      all outlets : 6 of 100 pages rejected" in out
