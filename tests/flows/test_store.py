"""The warehouse commit without Prefect: snapshots, sweeping, winners, listing (`flows/store.py`,
`flows/commit.py`, `flows/pages.py`)."""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.commit import commit, resolve
from flows.pages import list_pages
from flows.stages import STAGED_PAGES
from flows.store import Warehouse
from transforms.schema import REJECTS


def page(path, sha, outcome="article", article=None):
    return {"raw_path": path, "raw_sha256": sha, "outcome": outcome, "article_id": article}


def test_the_same_bytes_read_as_an_article_beat_a_reject_of_them():
    """`a.html` and `b.txt` hold the same bytes; only the text reading finds the article."""
    final = resolve([page("a.html", "s1", "rejected"), page("b.txt", "s1", "article", "A")], set())
    assert {p["raw_path"]: (p["outcome"], p["article_id"]) for p in final} == {
        "a.html": ("duplicate", "A"), "b.txt": ("article", "A")}


def test_winners_do_not_depend_on_input_order():
    pages = [page("c.txt", "s3", article="A"), page("a.txt", "s1", article="A"), page("b.txt", "s1", article="A"),
             page("d.txt", "s4", article="B")]
    one, two = resolve(pages, set()), resolve(list(reversed(pages)), {"B"})
    assert [p["outcome"] for p in one] == ["article", "duplicate", "duplicate", "article"]
    assert [p["outcome"] for p in two] == ["article", "duplicate", "duplicate", "duplicate"]


def stage(folder: Path, pages: list[dict], rejects: list[dict]) -> Path:
    for table in ("articles", "teasers", "mentions"):
        (folder / table).mkdir(parents=True, exist_ok=True)
    for name, rows, schema in (("_pages", pages, STAGED_PAGES), ("rejects", rejects, REJECTS)):
        (folder / name).mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / name / "b000000.parquet")
    return folder


def test_an_unreadable_file_is_rejected_once_not_on_every_run(tmp_path):
    store = Warehouse(tmp_path / "wh").open()
    gone = {"raw_path": "x.txt", "raw_sha256": None, "stage": "ingest", "reason": "cannot read file: denied",
            "pipeline_version": "1"}
    for run in ("r1", "r2"):
        out = commit(store, run, stage(tmp_path / run, [page("x.txt", None, "rejected")], [gone]))
    assert out.known_rejects == 1 and out.rejected == 0
    assert store.read("rejects").num_rows == 1


def publish_one(store: Warehouse, run: str) -> str:
    return store.publish(run, lambda folder: (folder / "articles").mkdir(exist_ok=True))


def test_a_snapshot_left_uncommitted_by_a_killed_run_is_swept_and_does_not_block(tmp_path):
    store = Warehouse(tmp_path / "wh").open()
    assert publish_one(store, "r1") == "00000001"
    # a run killed after renaming its snapshot into place, before replacing `current`
    (tmp_path / "wh" / ".snapshots" / "00000002" / "articles").mkdir(parents=True)
    (tmp_path / "wh" / ".snapshots" / "00000003.tmp").mkdir()
    store.sweep()
    assert sorted(p.name for p in (tmp_path / "wh" / ".snapshots").iterdir()) == ["00000001"]
    assert publish_one(store, "r2") == "00000002"
    assert store.snapshot_id() == "00000002"


def test_only_the_current_snapshot_and_its_predecessor_are_kept(tmp_path):
    store = Warehouse(tmp_path / "wh").open()
    for run in ("r1", "r2", "r3", "r4"):
        publish_one(store, run)
    store.sweep()
    assert sorted(p.name for p in (tmp_path / "wh" / ".snapshots").iterdir()) == ["00000003", "00000004"]


def test_a_folder_that_is_not_a_warehouse_is_refused(tmp_path):
    (tmp_path / "articles").mkdir()
    with pytest.raises(Exception, match="not a kcna-etl table link"):
        Warehouse(tmp_path).open()


def test_listing_refuses_links_out_of_the_folder_loops_dangling_links_and_fifos(tmp_path):
    root, outside = tmp_path / "in", tmp_path / "secret.txt"
    (root / "sub dir").mkdir(parents=True)
    outside.write_text("outside")
    (root / "a.txt").write_text("a")
    (root / "sub dir" / "ü page.html.gz").write_bytes(b"x")
    (root / "notes.md").write_text("not a page")
    os.symlink(outside, root / "out.txt")
    os.symlink(root / "a.txt", root / "inside-link.txt")
    os.symlink(root / "loop2.txt", root / "loop1.txt")
    os.symlink(root / "loop1.txt", root / "loop2.txt")
    os.symlink(root / "missing.txt", root / "dangling.txt")
    os.mkfifo(root / "fifo.txt")
    pages, refused = list_pages(root)
    assert pages == ["a.txt", "inside-link.txt", "sub dir/ü page.html.gz"]
    assert refused == ["dangling.txt", "fifo.txt", "loop1.txt", "loop2.txt", "out.txt"]
