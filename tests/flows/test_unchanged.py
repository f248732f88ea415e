"""Incremental runs cost what is new: a file with the path, size and modification time of one an
earlier run read is counted as already processed without being read; a changed file is read again."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def last_summary(wh: Path) -> dict:
    return json.loads(max((wh / "_runs").glob("*.json"), key=lambda f: f.stat().st_mtime_ns).read_text())


@pytest.fixture(scope="module")
def first(flow_cli, tmp_path_factory):
    root = tmp_path_factory.mktemp("unchanged")
    pages, wh = root / "pages", root / "warehouse"
    flow_cli("synth", "--pages", "30", "--out", str(pages), "--seed", "unchanged")
    flow_cli("run", "--input", str(pages), "--warehouse", str(wh))
    return pages, wh, last_summary(wh)


def test_an_unchanged_folder_is_not_read_again(flow_cli, first):
    pages, wh, s1 = first
    flow_cli("run", "--input", str(pages), "--warehouse", str(wh))
    s2 = last_summary(wh)
    assert s2["pages_seen"] == 30 and s2["already_processed"] == 30 and s2["new_articles"] == 0
    assert "ingest" not in s2["stage_seconds"]  # no batch ran: nothing was read


def test_a_changed_file_is_read_again(flow_cli, first, tmp_path):
    pages, wh, _ = first
    files = sorted(p for p in pages.rglob("*.txt") if "_" in p.name and p.stat().st_size > 1000)
    touched, rewritten = files[0], files[1]
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))  # same bytes
    flow_cli("synth", "--pages", "1", "--start", "500", "--out", str(tmp_path), "--seed", "unchanged")
    new = next(p for p in tmp_path.rglob("*") if p.is_file() and not p.name.endswith(".json"))
    rewritten.write_bytes(new.read_bytes())  # other bytes under the same path
    flow_cli("run", "--input", str(pages), "--warehouse", str(wh))
    s = last_summary(wh)
    assert s["pages_seen"] == 30
    assert s["new_articles"] + s["rejected"] + s["duplicates"] == 1  # the rewritten page, read as a new page
    assert s["already_processed"] == 29  # the touched one was read, and known by its bytes
    assert s["stage_seconds"]["ingest"] > 0
