"""The entities and roles tables stay group-bys of the mentions, whatever the sequence of runs.

A run updates the tables from its own mentions' aggregates (and recounts the entities whose mentions
a backfill removed); after every kind of run they equal a full rebuild.

The CLI (its `main`, in the test process) against a real Prefect server; the warehouse read back with DuckDB, the expected
table computed by an independent DuckDB query over the mentions and articles of the same snapshot.
"""
from __future__ import annotations

import shutil

import duckdb

from kcna_etl.storage.commit import entity_parts, write_entities
from kcna_etl.storage.store import Warehouse
from tests.conftest import SAMPLES, labelled_pages
from tests.flows.test_pipeline import changed_copy
from kcna_etl.transforms.entities import fold, from_parts, roles_of

HIVE = "hive_partitioning = true, hive_types = {'year': INTEGER, 'source_slug': VARCHAR}"


def rebuilt(wh) -> list[tuple]:
    return duckdb.connect().execute(f"""
        with m as (select * from read_parquet('{wh}/mentions/**/*.parquet', {HIVE})),
             a as (select article_id, published_date from read_parquet('{wh}/articles/**/*.parquet', {HIVE})),
             names as (select entity_id, entity, count(*) as n from m group by entity_id, entity),
             canonical as (select entity_id, first(entity order by length(entity) desc, n desc, entity) as entity
                           from names group by entity_id)
        select m.entity_id, any_value(m.entity_type), any_value(c.entity),
               list_sort(list(distinct regexp_replace(replace(m.surface, chr(8217), ''''), '[ ' || chr(160) || ']+',
                                                      ' ', 'g'))),
               min(a.published_date), max(a.published_date), count(*), count(distinct m.article_id)
        from m left join a using (article_id) join canonical c using (entity_id)
        group by m.entity_id order by m.entity_id""").fetchall()


def rebuilt_roles(wh) -> list[tuple]:
    return duckdb.connect().execute(f"""
        with m as (select * from read_parquet('{wh}/mentions/**/*.parquet', {HIVE}) where role is not null),
             a as (select article_id, coalesce(published_date, capture_date) as day
                   from read_parquet('{wh}/articles/**/*.parquet', {HIVE})),
             r as (select entity_id, article_id, rtrim(regexp_replace(replace(role, chr(8217), ''''),
                                                                      '[ ' || chr(160) || ']+', ' ', 'g'), ' .,;:') as role
                   from m)
        select r.entity_id, r.role, min(a.day), max(a.day), count(*), count(distinct r.article_id)
        from r left join a using (article_id) where r.role <> ''
        group by r.entity_id, r.role order by r.entity_id, r.role""").fetchall()


def stored(wh, table="entities") -> list[tuple]:
    order = "entity_id, role" if table == "roles" else "entity_id"
    return duckdb.connect().execute(
        f"select * from read_parquet('{wh}/{table}/*.parquet') order by {order}").fetchall()


def full_rebuild(wh) -> tuple[list[tuple], list[tuple]]:
    """The tables rebuilt from the whole snapshot (what the commit does without stored aggregates)."""
    whole = fold(entity_parts(Warehouse(wh).current()))
    return ([tuple(r.values()) for r in from_parts([whole]).to_pylist()],
            [tuple(r.values()) for r in roles_of(whole).to_pylist()])


def assert_current(wh) -> list[tuple]:
    got, roles = stored(wh), stored(wh, "roles")
    assert got == rebuilt(wh)
    assert roles == rebuilt_roles(wh)
    assert ([tuple(r) for r in got], [tuple(r) for r in roles]) == full_rebuild(wh)
    assert len(roles) > 10
    return got


def test_a_snapshot_without_stored_aggregates_is_rebuilt_in_full(tmp_path):
    from kcna_etl.storage.commit import read_state
    from kcna_etl.transforms.schema import ENTITY_NAMES
    snap = tmp_path / "snap"
    assert write_entities(snap, "r", iter(()), set()) == 0  # no mentions, no state: an empty table and state
    assert read_state(snap, "_entity_names", ENTITY_NAMES).num_rows == 0


def test_entities_equal_a_rebuild_from_the_mentions_after_every_incremental_run(flow_cli, tmp_path):
    inp, wh = tmp_path / "in", tmp_path / "wh"
    inp.mkdir()
    pages = [p for p, _ in labelled_pages()]
    steps = [pages[:15], pages[15:30], pages[30:]]
    for i, step in enumerate(steps):
        for p in step:
            shutil.copy(p, inp / p.name)
        if i == 1:  # the same bytes again, and an article that differs by one sentence
            shutil.copy(pages[0], inp / "again.txt")
            changed_copy(SAMPLES / "000_e310ae4d5a904c70.txt", inp / "changed.txt", "anew")
        flow_cli("run", "--input", str(inp), "--warehouse", str(wh))
        got = assert_current(wh)
        assert len(got) > 20 * (i + 1)
        assert (Warehouse(wh).current() / "_entity_names").is_dir()  # kept for the next run
    flow_cli("run", "--input", str(inp), "--warehouse", str(wh))  # nothing new: the table stays
    assert stored(wh) == got
    # a changed page: the same file name, other bytes (one sentence more)
    changed_copy(SAMPLES / "000_e310ae4d5a904c70.txt", inp / "changed.txt", "again")
    flow_cli("run", "--input", str(inp), "--warehouse", str(wh))
    assert_current(wh)
    # backfills remove pages' mentions and write them again: the entities that lost mentions are recounted
    dates = sorted(d for d in duckdb.connect().execute(
        f"select published_date from read_parquet('{wh}/articles/**/*.parquet', {HIVE})").fetchall() if d[0])
    since, until = dates[len(dates) // 4][0], dates[len(dates) // 2][0]
    p = flow_cli("backfill", "--since", str(since), "--until", str(until), "--input", str(inp), "--warehouse", str(wh))
    assert " 0 page(s) chosen" not in p.stdout
    before = assert_current(wh)
    flow_cli("backfill", "--full", "--input", str(inp), "--warehouse", str(wh))
    assert assert_current(wh) == before  # every mention removed and written again: the same table
    # a warehouse written before roles were kept: the next run rebuilds both tables in full
    shutil.rmtree(Warehouse(wh).current() / "roles")
    changed_copy(SAMPLES / "000_e310ae4d5a904c70.txt", inp / "changed.txt", "once more")
    flow_cli("run", "--input", str(inp), "--warehouse", str(wh))
    assert_current(wh)
    putin = next(r for r in got if r[0] == "person:vladimir-vladimirovich-putin")
    assert putin[2] == "Vladimir Vladimirovich Putin" and {"Putin", "Vladimir Vladimirovich Putin"} <= set(putin[3])
