"""`kcna-etl compact`: many small incremental runs, then one file per partition, the same rows."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import duck_table
from kcna_etl.transforms.schema import TABLES

RUNS = 3


def parquet_files(warehouse: Path) -> dict[Path, list[str]]:
    """Data files of the current snapshot, by folder."""
    current = (warehouse / "current").resolve()
    out: dict[Path, list[str]] = {}
    for folder, _, names in os.walk(current):
        files = sorted(n for n in names if n.endswith(".parquet") and not n.startswith("_empty"))
        if files:
            out[Path(folder).relative_to(current)] = files
    return out


def tables(warehouse: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for t in TABLES:
        df = duck_table(warehouse, t)
        for c in df.columns:  # list columns (entities' aliases) as tuples, to sort and compare
            if len(df) and hasattr(df[c].iloc[0], "__len__") and not isinstance(df[c].iloc[0], str):
                df[c] = df[c].map(tuple)
        out[t] = df.sort_values(list(df.columns)).reset_index(drop=True)
    return out


@pytest.fixture(scope="module")
def grown(flow_cli, tmp_path_factory):
    """A warehouse after several incremental runs over a growing folder of generated pages."""
    root = tmp_path_factory.mktemp("compact")
    corpus, pages, wh = root / "all", root / "input", root / "warehouse"
    flow_cli("synth", "--pages", str(40 * RUNS), "--out", str(corpus), "--seed", "compact")
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.endswith(".json"))
    for run in range(RUNS):
        for f in files[run * 40:(run + 1) * 40]:
            target = pages / f.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, target)
        flow_cli("run", "--input", str(pages), "--warehouse", str(wh))
    return pages, wh


def test_compact_merges_small_files_and_keeps_every_row(flow_cli, grown):
    pages, wh = grown
    before_files = parquet_files(wh)
    before = tables(wh)
    assert any(len(f) > 1 for f in before_files.values()), "incremental runs should leave folders of several files"
    snapshot_before = (wh / "current").resolve()

    p = flow_cli("compact", "--warehouse", str(wh))
    assert "folders merged" in p.stdout

    after_files = parquet_files(wh)
    assert all(len(f) == 1 for f in after_files.values())
    assert set(after_files) == set(before_files)
    assert sum(map(len, after_files.values())) < sum(map(len, before_files.values()))
    after = tables(wh)
    for t in TABLES:
        pd.testing.assert_frame_equal(before[t], after[t], check_dtype=True, obj=t)
    # a new snapshot, published as a run's: the one before stays for readers still holding it
    assert (wh / "current").resolve() != snapshot_before and snapshot_before.exists()

    again = flow_cli("compact", "--warehouse", str(wh))
    assert "nothing to merge" in again.stdout

    # the next run over the same folder finds every page already processed
    flow_cli("run", "--input", str(pages), "--warehouse", str(wh))
    summary = max((wh / "_runs").glob("*.json"), key=lambda f: f.stat().st_mtime)
    s = json.loads(summary.read_text())
    assert s["new_articles"] == 0 and s["pages_seen"] == 40 * RUNS
    for t in TABLES:
        pd.testing.assert_frame_equal(before[t], tables(wh)[t], check_dtype=True, obj=t)


def test_compact_refuses_a_missing_warehouse(flow_cli, tmp_path):
    p = flow_cli("compact", "--warehouse", str(tmp_path / "nowhere"), check=False)
    assert p.returncode == 2 and "does not exist" in p.stderr
