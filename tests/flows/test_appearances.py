"""The `appearances` table on real runs: written by the commit for the new articles, equal to
`transforms/protocol.py` over the stored bodies and mentions, read back by DuckDB, and replaced (not doubled)
when a backfill processes the pages again."""
from __future__ import annotations

import datetime as dt
import shutil

import duckdb

from tests.conftest import SAMPLES

from kcna_etl.storage.store import Warehouse
from kcna_etl.transforms.lexicon import protocol
from kcna_etl.transforms.protocol import APPEARANCE_MENTIONS, appearance_rows


def page(title: str, published: dt.date, body: str) -> bytes:
    return "\n".join([published.strftime("%B %d, %Y"), "KCNA KCNA.kp (En)", "", title, "",
                      f"Date: {published:%d/%m/%Y} | Source: KCNA.kp (En) | Read original version at source", "",
                      body, ""]).encode()


LISTS = {
    "meeting.txt": page("Meeting Held", dt.date(2024, 3, 1),
                        "Pyongyang, March 1 (KCNA) -- A meeting was held in Pyongyang on Friday.\nPresent there were "
                        "Choe Ryong Hae, member of the Presidium of the Political Bureau, Jo Yong Won and Ri Il Hwan, "
                        "secretary of the Party Central Committee, and officials concerned.\nThe meeting discussed "
                        "measures for the spring sowing and adopted a relevant decision on the matter."),
    "ceremony.txt": page("Ceremony Held", dt.date(2025, 3, 1),
                         "Pyongyang, March 1 (KCNA) -- A ceremony took place in Pyongyang on Saturday.\nPresent there "
                         "were Jo Yong Won, Choe Ryong Hae and Ri Il Hwan.\nSpeeches were made at the ceremony by "
                         "officials and working people who pledged to carry out the tasks of the year."),
}


def position_over_time(wh, entity_id: str) -> list[tuple]:
    read = "read_parquet('{}/{}/**/*.parquet', hive_partitioning = true, hive_types = {{'year': INTEGER, 'source_slug': VARCHAR}})"
    return duckdb.sql(f"""select a.published_date, p.position, p.cue
                          from {read.format(wh, 'appearances')} p join {read.format(wh, 'articles')} a using (article_id)
                          where p.entity_id = '{entity_id}' order by a.published_date, p.list_number""").fetchall()


def test_appearances_are_written_read_back_and_replaced_by_a_backfill(tmp_path, flow_cli):
    pages, wh = tmp_path / "pages", tmp_path / "warehouse"
    shutil.copytree(SAMPLES, pages / "samples")
    for name, raw in LISTS.items():
        (pages / name).write_bytes(raw)
    flow_cli("run", "--input", str(pages), "--warehouse", str(wh), "--workers", "1", check=False)

    store = Warehouse(wh)
    stored = store.table("appearances").to_table().to_pylist()
    expected = appearance_rows(store.table("articles").to_table(columns=["article_id", "body", "source_slug", "year"])
                               .to_pylist(),
                               store.table("mentions").to_table(columns=APPEARANCE_MENTIONS).to_pylist(), protocol())
    key = lambda r: (r["article_id"], r["list_number"], r["position"])  # noqa: E731
    assert sorted(stored, key=key) == sorted(expected, key=key)
    assert len(stored) >= 6 and {r["article_id"] for r in stored} > set()
    # a person's place over time, with the query of the README
    assert position_over_time(wh, "person:jo-yong-won") == [
        (dt.date(2024, 3, 1), 2, "Present there were"), (dt.date(2025, 3, 1), 1, "Present there were")]
    [meeting] = duckdb.sql(f"select article_id from read_parquet('{wh}/articles/**/*.parquet') "
                           "where title = 'Meeting Held'").fetchall()[0]
    assert [(r["entity_id"], r["role"]) for r in sorted(stored, key=key) if r["article_id"] == meeting] == [
        ("person:choe-ryong-hae", "member of the Presidium of the Political Bureau"), ("person:jo-yong-won", None),
        ("person:ri-il-hwan", "secretary of the Party Central Committee")]

    flow_cli("backfill", "--full", "--input", str(pages), "--warehouse", str(wh), "--workers", "1", check=False)
    again = Warehouse(wh).table("appearances").to_table().to_pylist()
    assert sorted(again, key=key) == sorted(stored, key=key)  # replaced with their articles, not doubled


def test_a_held_name_leaves_its_list_and_the_names_after_it_move_up(tmp_path):
    """A listed person's mention failing an `error` expectation goes to quarantine: the commit reads that page's
    lists again without it (its batch staged them with it), and the names after it move one place up."""
    from kcna_etl.transforms.lexicon import lexicon, rules
    from kcna_etl.transforms.page import read_page
    from tests.flows.test_validation import run_after_staging

    rows = read_page(LISTS["meeting.txt"], "meeting.txt", rules(), lexicon())
    [jo] = [m for m in rows.mentions if m["entity_id"] == "person:jo-yong-won"]
    jo["entity"] = None  # mentions.entity_not_null, an `error` expectation
    run = run_after_staging(tmp_path, {"meeting.txt": rows}, unit_pages=10**6)

    store = Warehouse(run.warehouse)
    stored = store.table("appearances").to_table().to_pylist()
    assert [(r["position"], r["entity_id"]) for r in sorted(stored, key=lambda r: r["position"])] == [
        (1, "person:choe-ryong-hae"), (2, "person:ri-il-hwan")]
    assert [m["entity_id"] for m in store.table("quarantine/mentions").to_table().to_pylist()] == ["person:jo-yong-won"]
    written = store.table("mentions").to_table(columns=APPEARANCE_MENTIONS).to_pylist()
    expected = appearance_rows(store.table("articles").to_table(columns=["article_id", "body", "source_slug", "year"])
                               .to_pylist(), written, protocol())
    assert sorted(stored, key=lambda r: r["position"]) == sorted(expected, key=lambda r: r["position"])
