"""`kcna-etl backfill` and the failure policy, through the CLI (its `main`, in the test process; the failing
run, under a file-size limit, through the installed command) and a real Prefect server.

Pages are made stale the way an older pipeline would have left them, through the warehouse's own
commit (`Warehouse.publish`): their manifest and reject rows carry an older pipeline version, their
articles the older version and another word count, and their mentions are missing. A backfill must
then give back exactly the tables of a fresh run for the pages it chose, and leave every other row,
and every file holding none of the chosen pages' rows, as it was.
"""
from __future__ import annotations

import gzip
import json
import os
import random
import re
import resource
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from kcna_etl.storage.store import Warehouse
from tests.conftest import ROOT, duck_table, flow_run_named, labelled_pages
from tests.flows.test_pipeline import TABLES, assert_same_tables, changed_copy, snapshot
from kcna_etl.transforms import PIPELINE_VERSION
from kcna_etl.transforms.schema import page_key

OLD = "0.9.0"
THREADS = ("--runner", "thread")  # the runner does not matter here; the process pool is tested elsewhere
# aged by their bytes: "zz same bytes.txt" (the bytes of 101) ages with 101
AGED = {"101_kcna_2019_header.txt", "empty.txt", "zz gzip copy.txt.gz"}
STALE = AGED | {"zz same bytes.txt"}


def make_input(folder: Path) -> Path:
    """The labelled pages, a copy with the same bytes, a gzip copy (same article, other bytes), a bad page."""
    folder.mkdir(parents=True)
    for path, _ in labelled_pages():
        shutil.copy(path, folder / path.name)
    shutil.copy(folder / "101_kcna_2019_header.txt", folder / "zz same bytes.txt")
    (folder / "zz gzip copy.txt.gz").write_bytes(gzip.compress((folder / "102_rodong_2016_header.txt").read_bytes(),
                                                              mtime=0))
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def reference(flow_cli, tmp_path_factory):
    """A warehouse built by one run over the input: what every backfill must give back."""
    base = tmp_path_factory.mktemp("backfill")
    inp, wh = make_input(base / "in"), base / "wh"
    flow_cli("run", "--input", str(inp), "--warehouse", str(wh), *THREADS)
    return inp, wh, snapshot(wh)


def manifest(wh: Path) -> pd.DataFrame:
    return duck_table(wh, "_manifest").set_index("raw_path").sort_index()


def copy_of(wh: Path, dst: Path) -> Path:
    shutil.copytree(wh, dst, symlinks=True)
    return dst


def age(wh: Path, raw_paths: set[str]) -> None:
    """Leave these pages' rows as an older pipeline version would have: publish that as the next snapshot."""
    store = Warehouse(wh)
    known = store.read("_manifest")
    pages = known.filter(pc.is_in(known["raw_path"], pa.array(sorted(raw_paths))))
    shas = pa.array(set(pages["raw_sha256"].to_pylist()))
    articles = pa.array(set(pages.filter(pc.equal(pages["outcome"], "article"))["article_id"].to_pylist()), pa.string())

    def build(snap: Path) -> None:
        for table, key, ids in (("_manifest", "raw_sha256", shas), ("rejects", "raw_sha256", shas),
                                ("articles", "raw_sha256", shas), ("mentions", "article_id", articles)):
            for f in (snap / table).rglob("*.parquet"):
                t = pq.ParquetFile(f).read()
                hit = pc.is_in(t[key], value_set=ids)
                if not pc.any(hit).as_py():
                    continue
                if table == "mentions":
                    t = t.filter(pc.invert(hit))
                else:
                    t = t.set_column(t.schema.get_field_index("pipeline_version"), "pipeline_version",
                                     pc.if_else(hit, OLD, t["pipeline_version"]))
                if table == "articles":
                    t = t.set_column(t.schema.get_field_index("word_count"), "word_count",
                                     pc.if_else(hit, pa.scalar(1, pa.int32()), t["word_count"]))
                os.unlink(f)  # a new file: the old one is shared with the published snapshot
                if t.num_rows:
                    pq.write_table(t, f)

        # an older version kept no name counts beside `entities`: the next commit rebuilds it in full
        shutil.rmtree(snap / "_entity_names", ignore_errors=True)

    store.publish("aged", build)


def parquet_files(wh: Path) -> dict[str, int]:
    """Every data file of the current snapshot, by path, with its inode (not the placeholders of empty tables,
    made anew in each snapshot)."""
    cur = Warehouse(wh).current()
    return {str(p.relative_to(cur)): p.stat().st_ino for p in cur.rglob("*.parquet") if not p.name.startswith("_empty")}


def holding(wh: Path, shas: set[str], articles: set[str]) -> set[str]:
    """Files of the current snapshot holding a row of these pages, and those of derived tables
    (tied to no page: `entities`, rebuilt by every commit)."""
    cur = Warehouse(wh).current()
    out = set()
    for p in cur.rglob("*.parquet"):
        key = page_key(pq.ParquetFile(p).schema_arrow)
        ids = shas if key == "raw_sha256" else articles
        if key is None or set(pq.ParquetFile(p).read(columns=[key]).column(key).to_pylist()) & ids:
            out.add(str(p.relative_to(cur)))
    return out


def entities(wh: Path) -> pd.DataFrame:
    df = duck_table(wh, "entities").sort_values("entity_id").reset_index(drop=True)
    df["aliases"] = df["aliases"].map(list)
    return df


def rows_of(tables: dict[str, pd.DataFrame], articles: set[str], paths: set[str], keep: bool) -> dict:
    """The rows that belong (keep=True) or do not belong (keep=False) to these articles or reject paths."""
    out = {}
    for t, df in tables.items():
        mine = df["raw_path"].isin(paths) if t == "rejects" else df["article_id"].isin(articles)
        out[t] = df[mine if keep else ~mine].reset_index(drop=True)
    return out


def backfill_run_id(stdout: str) -> str:
    return re.search(r"kcna-etl backfill (\S+) done", stdout).group(1)


def test_backfill_stale_rewrites_exactly_the_stale_pages(flow_cli, reference, tmp_path):
    inp, ref_wh, ref = reference
    wh = copy_of(ref_wh, tmp_path / "wh")
    age(wh, AGED)
    before_manifest = manifest(wh)
    assert set(before_manifest[before_manifest["pipeline_version"] == OLD].index) == STALE
    assert not snapshot(wh)["mentions"]["article_id"].isin(
        [before_manifest.loc["101_kcna_2019_header.txt", "article_id"]]).any()
    # the gzip copy brings the page whose article it duplicates along
    again = STALE | {"102_rodong_2016_header.txt"}
    chosen = before_manifest.loc[sorted(again)]
    touched = holding(wh, set(chosen["raw_sha256"]), set(chosen["article_id"].dropna()))
    files = parquet_files(wh)

    p = flow_cli("backfill", "--stale", "--input", str(inp), "--warehouse", str(wh), *THREADS)
    n = len(before_manifest)
    assert f"pages seen {n}: new 2, duplicates 2, already processed {n - 5}, rejected 1" in p.stdout
    assert "backfill --stale: 5 page(s) chosen, 5 processed again" in p.stdout
    assert_same_tables(ref, snapshot(wh))
    pd.testing.assert_frame_equal(entities(wh), entities(ref_wh))  # rebuilt from the replaced mentions
    after = manifest(wh)
    assert set(after.index) == set(before_manifest.index)
    assert set(after[after["run_id"] == backfill_run_id(p.stdout)].index) == again
    pd.testing.assert_frame_equal(after.drop(index=list(again)), before_manifest.drop(index=list(again)))
    assert (after["pipeline_version"] == PIPELINE_VERSION).all()
    # files holding none of those pages' rows are the very same files (hard links, not rewritten)
    now = parquet_files(wh)
    assert touched and len(touched) < len(files)
    assert {f: i for f, i in files.items() if f not in touched}.items() <= now.items()
    # and a second backfill finds nothing stale
    p = flow_cli("backfill", "--stale", "--input", str(inp), "--warehouse", str(wh), *THREADS)
    assert "backfill --stale: 0 page(s) chosen, 0 processed again" in p.stdout
    assert_same_tables(ref, snapshot(wh))


def test_backfill_since_until_reprocesses_the_pages_published_in_the_range(flow_cli, reference, tmp_path):
    inp, ref_wh, ref = reference
    wh = copy_of(ref_wh, tmp_path / "wh")
    every = set(manifest(wh).index)
    age(wh, every)
    aged = snapshot(wh)
    arts = ref["articles"]
    dates = pd.to_datetime(arts["published_date"])
    in_range = set(arts[(dates >= "2017-01-01") & (dates <= "2020-12-31")]["article_id"])
    assert 5 <= len(in_range) < len(arts)

    p = flow_cli("backfill", "--since", "2017-01-01", "--until", "2020-12-31", "--input", str(inp),
                 "--warehouse", str(wh), *THREADS)
    pages = manifest(ref_wh)["article_id"].isin(in_range).sum()  # 101 and its copy with the same bytes are one
    assert pages == len(in_range) + 1
    assert f"backfill --since 2017-01-01 --until 2020-12-31: {pages} page(s) chosen, {pages} processed again" in p.stdout
    after = snapshot(wh)
    # the range is rewritten as a fresh run writes it; everything else (undated pages, rejects) stays aged
    for t in TABLES:
        pd.testing.assert_frame_equal(rows_of(after, in_range, set(), True)[t],
                                      rows_of(ref, in_range, set(), True)[t], check_dtype=False, obj=t)
        pd.testing.assert_frame_equal(rows_of(after, in_range, set(), False)[t],
                                      rows_of(aged, in_range, set(), False)[t], check_dtype=False, obj=t)
    versions = manifest(wh).groupby("pipeline_version").size().to_dict()
    assert versions == {PIPELINE_VERSION: pages, OLD: len(every) - pages}


def test_backfill_full_rebuilds_from_the_raw_pages_and_keeps_the_rows_of_pages_gone(flow_cli, reference, tmp_path):
    inp, ref_wh, ref = reference
    wh = copy_of(ref_wh, tmp_path / "wh")
    inp = shutil.copytree(inp, tmp_path / "in")
    age(wh, set(manifest(wh).index))
    aged = snapshot(wh)
    gone = "103_kcna_1997_header.txt"
    gone_article = manifest(wh).loc[gone, "article_id"]
    (inp / gone).unlink()
    changed_copy(ROOT / "samples" / "pages" / "000_e310ae4d5a904c70.txt", inp / "new page.txt", "anew")

    p = flow_cli("backfill", "--full", "--input", str(inp), "--warehouse", str(wh), *THREADS)
    n = len(manifest(ref_wh))
    assert f"backfill --full: {n} page(s) chosen, {n - 1} processed again" in p.stdout
    assert f"1 chosen page(s) no longer in the input kept their rows: {gone}" in p.stdout
    summary = json.loads((wh / "_runs" / f"{backfill_run_id(p.stdout)}.json").read_text())
    assert summary["backfill"]["missing"] == [gone]
    after = snapshot(wh)
    new_article = set(after["articles"][after["articles"]["raw_path"] == "new page.txt"]["article_id"])
    assert len(new_article) == 1
    for t in TABLES:
        pd.testing.assert_frame_equal(rows_of(after, {gone_article} | new_article, set(), False)[t],
                                      rows_of(ref, {gone_article}, set(), False)[t], check_dtype=False, obj=t)
        pd.testing.assert_frame_equal(rows_of(after, {gone_article}, set(), True)[t],
                                      rows_of(aged, {gone_article}, set(), True)[t], check_dtype=False, obj=t)
    assert manifest(wh).loc[gone, "pipeline_version"] == OLD


def big_page(path: Path) -> Path:
    """A real page with a 2 MB paragraph of letters that do not compress: its staged batch file is ~2 MB."""
    text = (ROOT / "samples" / "pages" / "003_0b576797fd08817e.txt").read_text(encoding="utf-8")
    letters = bytes(97 + b % 26 for b in random.Random(4).randbytes(2_080_000)).decode()
    filler = " ".join(letters[i:i + 8] for i in range(0, len(letters), 8))
    head, sep, tail = text.partition("The joint statement said as follows:")
    assert sep
    path.write_text(head + sep + "\n\n" + filler + "." + tail, encoding="utf-8")
    return path


def files_of_at_most(limit: int):
    """The process and its children can write no file larger than `limit` bytes (EFBIG, like a full disk)."""
    def preexec():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


# the run's batches in worker processes (which inherit the limit), the backfill's in threads
@pytest.mark.parametrize("command", [["run"], ["backfill", "--full", *THREADS]], ids=["run", "backfill"])
def test_a_run_that_fails_part_way_leaves_the_warehouse_as_it_was(kcna_etl, flow_cli, prefect_server, reference,
                                                                  tmp_path, command):
    """The file system refuses a batch's staged file (too large, as on a full disk): the batch task is retried
    with back-off, the run fails, and readers see the warehouse as before; the next run does the work."""
    inp, ref_wh, ref = reference
    wh = copy_of(ref_wh, tmp_path / "wh")
    inp = shutil.copytree(inp, tmp_path / "in")
    big_page(inp / "zzz big.txt")
    if command[0] == "backfill":
        age(wh, set(manifest(wh).index))
    before, current = snapshot(wh), os.readlink(wh / "current")

    args = [*command, "--input", str(inp), "--warehouse", str(wh), "--batch-size", "8"]
    p = kcna_etl(*args, check=False, preexec_fn=files_of_at_most(1_000_000))
    assert p.returncode == 1, p.stdout + p.stderr
    assert re.search(rf"kcna-etl {command[0]} failed: OSError: \[Errno 27\].*File too large", p.stderr)
    assert os.readlink(wh / "current") == current
    assert_same_tables(before, snapshot(wh))
    # the batch whose stage wrote the file was tried three times (retries=2)
    run, task_runs = flow_run_named(prefect_server, re.search(r"Flow run '([^']+)'", p.stderr).group(1))
    assert run.state.is_failed()
    stages = [t for t in task_runs if t.task_key.startswith("process_batch")]
    assert sorted(t.run_count for t in stages if t.state.is_failed()) == [3]
    # a run reads only the new page (the others are unchanged since the run that processed them: not read
    # again); a backfill reads them all again, in other batches, which complete
    assert any(t.state.is_completed() for t in stages) == (command[0] == "backfill")

    flow_cli(*args)  # the next run, in the test process: what is tested is the state it leaves
    after = snapshot(wh)
    big = after["articles"][after["articles"]["raw_path"] == "zzz big.txt"]
    assert len(big) == 1 and len(big.iloc[0]["body"]) > 2_000_000
    assert_same_tables(ref, rows_of(after, set(big["article_id"]), set(), False))
