"""The scenario the fault tests break: a warehouse holding a first run (`before`), and a second run
over a larger input (new pages, duplicates, bad pages) whose complete, uninterrupted result is `after`.
The reference second run is traced: the file-system events of its commit, numbered, are the kill points."""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tests.faults.common import copy_warehouse, good_page, last_summary, state

FIRST_PAGES = 12
SECOND_PAGES = 40
BATCH = "10"
ONE_BATCH = "1000"  # more than either input's pages: the run parses and validates in the CLI's own process


@dataclass(frozen=True)
class Scenario:
    first_input: Path
    second_input: Path
    before_wh: Path             # the warehouse after the first run: copy it, never change it
    before: dict[str, pd.DataFrame]
    after: dict[str, pd.DataFrame]
    events: list[dict]          # the traced events of the reference second run, numbered from 1
    summary: dict               # the reference second run's summary

    def second_run(self, wh: Path) -> list[str]:
        return ["run", "--input", str(self.second_input), "--warehouse", str(wh), "--batch-size", BATCH]

    def rerun(self, wh: Path) -> list[str]:
        """The second run again, to complete a broken one: in one batch, parsed and validated in the CLI's own
        process (no worker process to start), which must give the rows of the batched reference run. The tests
        run it in their own process (`flow_cli`): what they test is the state it leaves, not the process."""
        return ["run", "--input", str(self.second_input), "--warehouse", str(wh), "--batch-size", ONE_BATCH]


def write_inputs(first: Path, second: Path) -> None:
    for folder in (first, second):
        folder.mkdir()
    for n in range(FIRST_PAGES):
        text = good_page(n)
        (first / f"p{n:03d}.txt").write_text(text, encoding="utf-8")
        (second / f"p{n:03d}.txt").write_text(text, encoding="utf-8")  # already processed in the second run
    (first / "empty.txt").write_bytes(b"")
    for n in range(FIRST_PAGES, FIRST_PAGES + SECOND_PAGES):
        (second / f"p{n:03d}.txt").write_text(good_page(n), encoding="utf-8")
    (second / "p000 copy.txt.gz").write_bytes(gzip.compress(good_page(0).encode(), mtime=0))  # known article
    (second / "p012 again.txt").write_text(good_page(FIRST_PAGES), encoding="utf-8")         # same bytes as p012
    (second / "binary.txt").write_bytes(b"\x00\x01\x02" * 10)
    (second / "only-sidebar.txt").write_text(good_page(999)[good_page(999).index("More From"):], encoding="utf-8")


@pytest.fixture(scope="session")
def scenario(kcna_etl, flow_cli, tmp_path_factory) -> Scenario:
    base = tmp_path_factory.mktemp("scenario")
    first, second, before_wh = base / "first", base / "second", base / "before"
    write_inputs(first, second)
    flow_cli("run", "--input", str(first), "--warehouse", str(before_wh), "--batch-size", ONE_BATCH)
    ref = copy_warehouse(before_wh, base / "reference")
    trace = base / "trace.jsonl"
    p = kcna_etl("run", "--input", str(second), "--warehouse", str(ref), "--batch-size", BATCH,
                 inject=["--root", str(ref), "--trace", str(trace)])
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    return Scenario(first, second, before_wh, state(before_wh), state(ref), events, last_summary(ref, p.stdout))
