"""The warehouse commit without Prefect: snapshots, sweeping, winners, listing (`storage/store.py`,
`storage/commit.py`, `storage/pages.py`)."""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kcna_etl.storage.commit import Quarantine, commit, plan, resolve
from kcna_etl.storage.pages import Unreadable, list_pages, read_page, shown_path
from kcna_etl.storage.staging import STAGED_PAGES
from kcna_etl.storage.store import Warehouse
from kcna_etl.transforms.schema import REJECTS


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
        staging = stage(tmp_path / run, [page("x.txt", None, "rejected")], [gone])
        out = commit(store, run, staging, plan(store, staging), Quarantine())
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


def test_listing_names_every_page_like_entry_and_reading_refuses_what_is_no_page_file(tmp_path):
    root, outside = tmp_path / "in", tmp_path / "secret.txt"
    (root / "sub dir").mkdir(parents=True)
    outside.write_text("outside")
    (root / "a.txt").write_text("a")
    (root / "sub dir" / "ü page.html.gz").write_bytes(b"x")
    (root / "notes.md").write_text("not a page")
    os.symlink(outside, root / "out.txt")
    os.symlink(tmp_path, root / "out-folder.txt")  # a link to a folder is never walked
    os.symlink(root / "a.txt", root / "inside-link.txt")
    os.symlink(root / "loop2.txt", root / "loop1.txt")
    os.symlink(root / "loop1.txt", root / "loop2.txt")
    os.symlink(root / "missing.txt", root / "dangling.txt")
    os.mkfifo(root / "fifo.txt")
    pages = list_pages(root)
    assert pages == ["a.txt", "dangling.txt", "fifo.txt", "inside-link.txt", "loop1.txt", "loop2.txt", "out.txt",
                     "sub dir/ü page.html.gz"]
    reasons = {}
    for rel in pages:
        try:
            reasons[rel] = read_page(root, rel, 1000).data
        except Unreadable as e:
            reasons[rel] = e.reason
    assert reasons == {
        "a.txt": b"a", "inside-link.txt": b"a", "sub dir/ü page.html.gz": b"x",
        "dangling.txt": f"dangling symbolic link (to {root / 'missing.txt'})",
        "fifo.txt": "not a regular file (a FIFO)",
        "loop1.txt": f"symbolic link loop (to {root / 'loop2.txt'})",
        "loop2.txt": f"symbolic link loop (to {root / 'loop1.txt'})",
        "out.txt": f"symbolic link leading outside the input folder (to {outside}): not followed",
    }
    (root / "a.txt").unlink()
    with pytest.raises(Unreadable, match="^file vanished between listing and reading$"):
        read_page(root, "a.txt", 1000)


def test_a_file_over_the_limit_is_hashed_in_bounded_memory_and_refused(tmp_path):
    import hashlib
    import tracemalloc

    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        for i in range(30):
            f.write(bytes([65 + i % 26]) * (1 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(Unreadable) as e:
            read_page(tmp_path, "big.txt", 2 << 20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert e.value.reason == \
        "file of 31,457,280 bytes is larger than the page limit of 2,097,152 bytes (--max-page-bytes)"
    assert e.value.sha256 == hashlib.sha256(big.read_bytes()).hexdigest()  # remembered: not read again next run
    assert peak < 8 << 20  # the 2 MiB kept plus a chunk, never the 30 MiB file


def test_a_file_name_that_is_not_utf8_is_shown_with_escapes():
    assert shown_path(os.fsdecode(b"caf\xe9 \xff.txt")) == "caf\\xe9 \\xff.txt"
    assert shown_path("사진 é.txt") == "사진 é.txt"


def test_removing_rows_from_a_snapshot_being_built_leaves_the_published_one_as_it_was(tmp_path):
    """The new snapshot's files are hard links to the current one's: rows are removed into new files."""
    from kcna_etl.storage.store import remove_rows

    store = Warehouse(tmp_path / "wh").open()
    rows = [{"raw_path": f"{i}.txt", "raw_sha256": f"s{i}", "stage": "ingest", "reason": "empty file",
             "pipeline_version": "1"} for i in range(3)]

    def first(folder: Path) -> None:
        (folder / "rejects").mkdir()
        pq.write_table(pa.Table.from_pylist(rows, schema=REJECTS), folder / "rejects" / "part-r1.parquet")
    store.publish("r1", first)
    published = store.current()
    removed = []
    store.publish("r2", lambda folder: removed.append(remove_rows(folder, "rejects", "raw_sha256", {"s1", "s9"})))
    assert removed == [1]
    assert store.read("rejects")["raw_path"].to_pylist() == ["0.txt", "2.txt"]
    assert pq.read_table(published / "rejects" / "part-r1.parquet")["raw_path"].to_pylist() == ["0.txt", "1.txt", "2.txt"]
