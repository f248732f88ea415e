"""`story_id` on real runs: every article gets one at its commit; republished forms of an item share it,
distinct items do not; pages split over two runs (in the same order of arrival) give the same story ids as
one run; a full backfill gives them again; the README's story query runs.

The installed CLI against a real Prefect server, tables read back with DuckDB. The pages carry real bodies
(tests/data/mentions/real/dev) and SYNTHETIC republished forms of them (tests/data/stories_synthetic).
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from kcna_etl.devtools import stories_eval
from kcna_etl.transforms.lexicon import stories

SYNTH = Path(__file__).resolve().parents[1] / "data" / "stories_synthetic"
OUTLETS = {  # the forms' outlets in the synthetic folder, as a page names them: badge, Source
    "KCNA": ("KCNA KCNA.kp (En)", "KCNA.kp (En)"),
    "Rodong Sinmun": ("Rodong Sinmun Rodong Sinmun (En)", "Rodong Sinmun (En)"),
    "The Pyongyang Times": ("Pyongyang Times The Pyongyang Times", "The Pyongyang Times"),
    "Voice of Korea": ("VOK Voice of Korea (En)", "Voice of Korea (En)"),
    "Uriminzokkiri": ("Uriminzokkiri Uriminzokkiri (En)", "Uriminzokkiri (En)"),
}
DATA = stories_eval.load(SYNTH)
KEYS = sorted(i for i in DATA.texts if "~" not in i and f"{i}~cut" in DATA.texts)[:6]  # six real items with forms
KINDS = ("retyped", "cut", "added", "lead")
HIVE = "hive_partitioning = true, hive_types = {'year': INTEGER, 'source_slug': VARCHAR}"


def page(text_id: str, data) -> tuple[dt.date, bytes]:
    meta = data.meta[text_id]
    day = dt.date.fromisoformat(meta["date"])
    badge, source = OUTLETS["KCNA" if "~" not in text_id else meta["outlet"]]
    raw = "\n".join([day.strftime("%B %d, %Y"), badge, "", f"Item {text_id}", "",
                     f"Date: {day:%d/%m/%Y} | Source: {source} | Read original version at source", "",
                     *[p for p in data.texts[text_id].split("\n")], ""])
    return day, raw.encode()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The six items and their four forms each, as pages; their files in order of arrival (date)."""
    data = DATA
    folder = tmp_path_factory.mktemp("story_pages")
    made = []
    for key in KEYS:
        for text_id in (key, *(f"{key}~{k}" for k in KINDS)):
            day, raw = page(text_id, data)
            name = re.sub(r"[^a-z0-9_]+", "_", text_id) + ".txt"
            (folder / name).write_bytes(raw)
            made.append((day, name))
    return folder, [name for _, name in sorted(made)]


def story_ids(wh: Path) -> dict[str, str]:
    """title -> story_id."""
    return dict(duckdb.sql(f"select title, story_id from read_parquet('{wh}/articles/**/*.parquet', {HIVE})").fetchall())


def test_stories_in_one_run_two_runs_and_a_backfill(pages, tmp_path, flow_cli):
    folder, in_order = pages
    one = tmp_path / "one"
    flow_cli("run", "--input", str(folder), "--warehouse", str(one), "--workers", "1")
    got = story_ids(one)
    assert len(got) == len(in_order) and None not in got.values()
    titles = {t: t.removeprefix("Item ") for t in got}
    for title, text_id in titles.items():
        key = text_id.split("~")[0]
        if "~" not in text_id:
            assert got[title] != got.get(f"Item {KEYS[(KEYS.index(key) + 1) % len(KEYS)]}")
        elif text_id.endswith(("~retyped", "~added")):  # kinds every measure joins: see tests/transforms/test_stories.py
            assert got[title] == got[f"Item {key}"], text_id
    assert len(set(got.values())) == len(KEYS) + sum(  # one story per item, plus the forms that started their own
        got[t] != got[f"Item {i.split('~')[0]}"] for t, i in titles.items() if "~" in i)
    rules = stories()
    assert duckdb.sql(f"select count(*) from read_parquet('{one}/story_bands/*.parquet')").fetchall()[0][0] == \
        len(in_order) * rules.bands

    # the same pages over two runs, the earlier half first
    two, first = tmp_path / "two", tmp_path / "first"
    first.mkdir()
    for name in in_order[:len(in_order) // 2]:
        shutil.copy(folder / name, first / name)
    flow_cli("run", "--input", str(first), "--warehouse", str(two), "--workers", "1")
    before = story_ids(two)
    flow_cli("run", "--input", str(folder), "--warehouse", str(two), "--workers", "1")
    assert story_ids(two) == got
    assert {t: s for t, s in story_ids(two).items() if t in before} == before  # stored rows not rewritten

    # a full backfill removes the story rows of its pages and assigns them again, in one run
    flow_cli("backfill", "--full", "--input", str(folder), "--warehouse", str(two), "--workers", "1")
    assert story_ids(two) == got
    assert duckdb.sql(f"select count(*) from read_parquet('{two}/story_bands/*.parquet')").fetchall()[0][0] == \
        len(in_order) * rules.bands

    # the README's query of stories carried by more than one outlet
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    query = next(q for q in re.findall(r"```sql\n(.*?)```", readme, re.S) if "story_id" in q and "lag" in q)
    rows = duckdb.connect().execute(query.replace("'warehouse/", f"'{one}/")).df()
    assert rows["story_id"].nunique() == len(KEYS)  # each item with at least its retyped form elsewhere
    for _, story in rows.groupby("story_id"):
        assert len(story) == story["outlets"].iloc[0] >= 2  # a row per outlet
        assert story["lag_days"].min() == 0 and (story["lag_days"] > 0).sum() == len(story) - 1  # forms came later

    # and its query of what each outlet left out: the cut form's dropped paragraph, nothing of the retyped or added
    query = next(q for q in re.findall(r"```sql\n(.*?)```", readme, re.S) if "left_out" in q)
    left = duckdb.connect().execute(query.replace("'warehouse/", f"'{one}/")).df()
    for key in KEYS:
        paragraphs = DATA.texts[key].split("\n")
        mine = left[left["story_id"] == got[f"Item {key}"]]
        by_outlet = {o: sorted(rows["paragraph"]) for o, rows in mine.groupby("outlet")}
        assert by_outlet.get("The Pyongyang Times") == [len(paragraphs) // 2 + 1]  # `cut` (1-based)
        assert "Rodong Sinmun" not in by_outlet and "Uriminzokkiri (En)" not in by_outlet  # `retyped`, `added`
