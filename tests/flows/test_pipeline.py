"""The real flow end to end: the CLI, a real Prefect server, Parquet read back by DuckDB.

The runs go through the CLI's `main` in the test process (`flow_cli`); a missing input and a locked warehouse
(their exit statuses and lines) through the installed command.

Covers the labelled pages against their gold, idempotent and incremental
runs, duplicates, rejects with reasons, and the README's DuckDB queries.
"""
from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import SAMPLES, labelled_pages, duck_table
from tests.reading import name_key

TABLES = ("articles", "teasers", "mentions", "rejects")


def snapshot(warehouse: Path) -> dict[str, pd.DataFrame]:
    """Every table, rows in a canonical order, to compare whole warehouses."""
    out = {}
    for t in TABLES:
        df = duck_table(warehouse, t)
        out[t] = df.sort_values(list(df.columns)).reset_index(drop=True) if len(df) else df
    return out


def assert_same_tables(a: dict, b: dict) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(a[t], b[t], check_dtype=True, obj=t)


@pytest.fixture(scope="module")
def labelled_input(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("input")
    for path, _ in labelled_pages():
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def built(flow_cli, labelled_input, tmp_path_factory):
    wh = tmp_path_factory.mktemp("wh") / "warehouse"
    # small batches: the pages go through the pool of worker processes, as a large input does
    first = flow_cli("run", "--input", str(labelled_input), "--warehouse", str(wh), "--batch-size", "10")
    return wh, first


def test_run_summary_accounts_for_every_page(built):
    wh, p = built
    n = len(labelled_pages())
    assert f"pages seen {n}: new {n}, duplicates 0, already processed 0, rejected 0, quarantined 0" in p.stdout
    assert re.search(r"rows written: articles \d+, teasers \d+, mentions \d+, rejects 0", p.stdout)
    summary = json.loads(next((wh / "_runs").glob("*.json")).read_text())
    assert summary["pages_seen"] == summary["new_articles"] == n


def test_every_expectation_passes_on_the_labelled_pages(built):
    wh, p = built
    summary = json.loads((wh / "_runs" / f"{p.stdout.split()[2]}.json").read_text())
    assert summary["quality"]["status"] == "passed"
    report = json.loads(Path(summary["quality"]["path"]).read_text())
    assert len(report["expectations"]) >= 20 and all(e["success"] for e in report["expectations"])
    assert report["rows"]["articles"] == len(labelled_pages())
    assert summary["pages_seen"] == summary["new_articles"] + summary["duplicates"] + \
        summary["already_processed"] + summary["rejected"] + summary["quarantined"]


@pytest.mark.parametrize("path, gold", labelled_pages(), ids=[p.name for p, _ in labelled_pages()])
def test_tables_match_the_gold(built, path, gold):
    wh, _ = built
    arts, teas, ments = (duck_table(wh, t) for t in ("articles", "teasers", "mentions"))
    rows = arts[arts["raw_path"] == path.name]
    assert len(rows) == 1
    a = rows.iloc[0]
    assert a["source"] == gold["source"]
    assert (None if pd.isna(a["title"]) else a["title"]) == gold["title"]
    for col in ("published_date", "capture_date"):
        assert (None if pd.isna(a[col]) else str(a[col])[:10]) == gold[col]
    want = gold["dateline"]
    assert (None if pd.isna(a["dateline_place"]) else (a["dateline_place"], a["dateline_agency"])) == \
        (want and (want["place"], want["agency"]))
    assert a["body"].split("\n") == gold["body_paragraphs"]
    t = teas[teas["article_id"] == a["article_id"]].sort_values("position")
    assert [(None if pd.isna(x.title) else x.title, x.snippet, str(x.teaser_date)[:10]) for x in t.itertuples()] == \
        [(x["title"], x["snippet"], x["date"]) for x in gold["teasers"]]
    persons = {name_key(e) for e in ments[(ments["article_id"] == a["article_id"]) &
                                          (ments["entity_type"] == "person")]["entity"]}
    assert {name_key(p) for p in gold["persons"]} <= persons
    # partitions: the slug of the outlet and the publication year, or the Hive default when unknown
    assert a["year"] == (int(gold["published_date"][:4]) if gold["published_date"] else None) or \
        (pd.isna(a["year"]) and gold["published_date"] is None)


def test_partition_folders_are_safe_slugs(built):
    wh, _ = built
    for folder in (wh / "articles").iterdir():
        assert re.fullmatch(r"source_slug=[a-z0-9-]+", folder.name)
        for year in folder.iterdir():
            assert re.fullmatch(r"year=(\d{4}|__HIVE_DEFAULT_PARTITION__)", year.name)


def test_a_second_run_changes_nothing(built, flow_cli, labelled_input):
    wh, _ = built
    before = snapshot(wh)
    p = flow_cli("run", "--input", str(labelled_input), "--warehouse", str(wh))
    n = len(labelled_pages())
    assert f"new 0, duplicates 0, already processed {n}, rejected 0, quarantined 0" in p.stdout
    assert_same_tables(before, snapshot(wh))


def test_readme_queries_run_on_the_warehouse(built):
    wh, _ = built
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    queries = re.findall(r"```sql\n(.*?)```", readme, re.S)
    assert len(queries) >= 3
    con = duckdb.connect()
    results = [con.execute(q.replace("'warehouse/", f"'{wh}/")).df() for q in queries]
    def result(marker: str):  # the README's query holding `marker` (its sections grow; their order is not kept)
        return results[next(i for i, q in enumerate(queries) if marker in q)]

    per_source_year = result("count(*) as articles")
    assert per_source_year["articles"].sum() == len(labelled_pages())
    top_persons = result("max_by(entity")
    assert top_persons.iloc[0]["entity"] == "Kim Jong Un"
    missing = result("with teasers as")
    assert len(missing) > 0 and set(missing.columns) >= {"source", "title", "snippet", "teaser_date"}


def changed_copy(src: Path, dst: Path, marker: str) -> Path:
    """A new page: a sample with one body sentence changed (new bytes, new article)."""
    text = src.read_text(encoding="utf-8")
    text = text.replace("attended the meeting.", f"attended the meeting {marker}.", 1)
    text = text.replace("took place", f"took place {marker}", 1)
    dst.write_text(text, encoding="utf-8")
    return dst


def test_incremental_runs_add_exactly_the_new_page(flow_cli, tmp_path):
    inp, wh = tmp_path / "in", tmp_path / "wh"
    inp.mkdir()
    for p in sorted(SAMPLES.glob("*.txt"))[:3]:
        shutil.copy(p, inp / p.name)
    flow_cli("run", "--input", str(inp), "--warehouse", str(wh))
    before = snapshot(wh)
    (inp / "sub dir").mkdir()
    changed_copy(SAMPLES / "000_e310ae4d5a904c70.txt", inp / "sub dir" / "new page é.txt", "anew")
    p = flow_cli("run", "--input", str(inp), "--warehouse", str(wh))
    assert "pages seen 4: new 1, duplicates 0, already processed 3, rejected 0, quarantined 0" in p.stdout
    assert_added_exactly(before, snapshot(wh), "sub dir/new page é.txt")


def assert_added_exactly(before: dict, after: dict, raw_path: str) -> None:
    """`after` is `before` plus the rows of the one page `raw_path`, every earlier row unchanged."""
    added = after["articles"][~after["articles"]["article_id"].isin(before["articles"]["article_id"])]
    assert list(added["raw_path"]) == [raw_path]
    for t in ("articles", "teasers", "mentions"):
        old_rows = after[t][after[t]["article_id"].isin(before["articles"]["article_id"])]
        pd.testing.assert_frame_equal(old_rows.reset_index(drop=True), before[t], obj=t)
        assert (after[t]["article_id"] == added.iloc[0]["article_id"]).sum() > 0


def test_duplicates_and_bad_pages_are_accounted_for(flow_cli, tmp_path):
    inp, wh = tmp_path / "in", tmp_path / "wh"
    inp.mkdir()
    page = SAMPLES / "003_0b576797fd08817e.txt"
    shutil.copy(page, inp / "a.txt")
    shutil.copy(page, inp / "b copy.txt")                                  # same bytes, another name
    (inp / "c.txt.gz").write_bytes(gzip.compress(page.read_bytes(), mtime=0))  # same article, other bytes
    (inp / "empty.txt").write_bytes(b"")
    (inp / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (inp / "bad.txt.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 40)
    sidebar = page.read_text(encoding="utf-8")
    (inp / "only-sidebar.txt").write_text(sidebar[sidebar.index("More From"):], encoding="utf-8")
    (inp / "notes.md").write_text("not a page")
    p = flow_cli("run", "--input", str(inp), "--warehouse", str(wh))
    assert "pages seen 7: new 1, duplicates 2, already processed 0, rejected 4, quarantined 0" in p.stdout
    rejects = duck_table(wh, "rejects").set_index("raw_path")
    assert rejects.loc["empty.txt", "reason"] == "empty file"
    assert rejects.loc["binary.txt", "reason"].startswith("binary content")
    assert rejects.loc["bad.txt.gz", "reason"].startswith("corrupt gzip data")
    assert rejects.loc["only-sidebar.txt", "stage"] == "split"
    assert "only a sidebar" in rejects.loc["only-sidebar.txt", "reason"]
    arts = duck_table(wh, "articles")
    assert list(arts["raw_path"]) == ["a.txt"]
    manifest = duck_table(wh, "_manifest").set_index("raw_path")
    assert manifest.loc["b copy.txt", "outcome"] == manifest.loc["c.txt.gz", "outcome"] == "duplicate"
    # every page is in exactly one place, and the next run skips them all
    p = flow_cli("run", "--input", str(inp), "--warehouse", str(wh))
    assert "pages seen 7: new 0, duplicates 0, already processed 7, rejected 0, quarantined 0" in p.stdout
    assert len(duck_table(wh, "rejects")) == 4


def test_a_missing_input_folder_fails_with_a_clear_message(kcna_etl, tmp_path):
    p = kcna_etl("run", "--input", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "wh"), check=False)
    assert p.returncode != 0
    assert "does not exist" in p.stderr


def test_a_first_run_over_an_empty_folder_leaves_readable_empty_tables(flow_cli, tmp_path):
    (tmp_path / "in").mkdir()
    flow_cli("run", "--input", str(tmp_path / "in"), "--warehouse", str(tmp_path / "wh"), "--allow-empty")
    for t in TABLES:
        df = duck_table(tmp_path / "wh", t)
        assert len(df) == 0
    assert set(duck_table(tmp_path / "wh", "articles").columns) >= {"article_id", "body", "source_slug", "year"}


def test_the_page_size_limit_is_an_option(flow_cli, tmp_path):
    p = flow_cli("run", "--input", str(SAMPLES), "--warehouse", str(tmp_path / "wh"), "--max-page-bytes", "1000")
    assert "pages seen 5: new 0, duplicates 0, already processed 0, rejected 5" in p.stdout
    reasons = set(duck_table(tmp_path / "wh", "rejects")["reason"])
    assert all(re.fullmatch(r"file of [\d,]+ bytes is larger than the page limit of 1,000 bytes \(--max-page-bytes\)", r)
               for r in reasons), reasons
    p = flow_cli("run", "--input", str(SAMPLES), "--warehouse", str(tmp_path / "wh"), "--max-page-bytes", "0",
                 check=False)
    assert (p.returncode, p.stderr.strip()) == (2, "kcna-etl run: --max-page-bytes must be at least 1")


def test_a_run_that_finds_the_warehouse_locked_waits_or_skips_with_a_clear_line(kcna_etl, flow_cli, prefect_server,
                                                                                tmp_path):
    """While another run holds the warehouse: `--if-locked skip` exits at once (75) and its flow run ends
    Completed as `Skipped`; the default waits up to `--lock-timeout` and then fails (1). Nothing is written."""
    from kcna_etl.storage.store import Warehouse
    from tests.conftest import flow_run_named

    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(SAMPLES / "003_0b576797fd08817e.txt", inp / "a.txt")
    wh = tmp_path / "wh"
    args = ("run", "--input", str(inp), "--warehouse", str(wh), "--runner", "thread")
    with Warehouse(wh).open().locked("20990101T000000Z-holder", timeout=0):
        skipped = kcna_etl(*args, "--if-locked", "skip", check=False)
        waited = kcna_etl(*args, "--lock-timeout", "2", check=False)
    assert skipped.returncode == 75, skipped.stderr
    assert f"kcna-etl run: warehouse {wh} is locked by run 20990101T000000Z-holder; skipped (--if-locked skip)" \
        in skipped.stderr
    assert skipped.stdout == ""
    run, _ = flow_run_named(prefect_server, re.search(r"Flow run '([^']+)'", skipped.stderr).group(1))
    assert (run.state.type.value, run.state.name) == ("COMPLETED", "Skipped")
    assert waited.returncode == 1, waited.stderr
    assert "locked by run 20990101T000000Z-holder; waiting up to 2s" in waited.stderr
    assert "locked by run 20990101T000000Z-holder; gave up after 2s" in waited.stderr
    assert not (wh / "current").exists() and not list((wh / "_runs").glob("*.json"))
    # once it is free, the next run does the work
    assert "new 1," in flow_cli(*args, "--if-locked", "skip").stdout
