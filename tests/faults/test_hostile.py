"""Hostile page content: the outlet a page names decides a partition folder, and file names reach the
run's report. Neither may write outside the warehouse, break a Hive path, or inject markup."""
from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from tests.conftest import duck_table
from tests.faults.common import last_summary, page
from kcna_etl.transforms.schema import PARTITIONED


def hostile_outlets(escape_to: Path) -> list[str]:
    return [
        "../../etc", "/", "=", "%", "..", ".", "a/b=c%2F..%00", "source_slug=x", "year=1999",
        "__HIVE_DEFAULT_PARTITION__", "KCNA.kp (En)/../../..", "Outlet <script>alert(1)</script>",
        "../" * 12 + str(escape_to).lstrip("/"),  # a path that would land in `escape_to`, if ever followed
        "X" * 1000,
        "KC\x00NA",  # a NUL: only a UTF-16 page can carry one (other text with NUL bytes is binary)
    ]


def body(n: int) -> list[str]:
    return [f"Pyongyang, October 9 (KCNA) -- Hostile outlet page {n} was written to test partition paths.",
            f"Paragraph two of hostile page {n}."]


REPORT_NAMES = ["<img src=x onerror=alert(1)>.txt", "evil | *bold* [link](javascript:alert(1))\n# heading.txt"]


@pytest.fixture(scope="module")
def run(flow_cli, tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    inp, wh, escape_to = base / "in", base / "wh", base / "escaped"
    inp.mkdir()
    outlets = hostile_outlets(escape_to)
    for n, outlet in enumerate(outlets):
        # the outlet on the metadata line and in the sidebar (a `More From` line is at most 120 characters)
        text = page(f"Hostile Outlet Page {n}", body(n), source=outlet, sidebar="same" if len(outlet) <= 120 else None)
        (inp / f"meta-{n:02d}.txt").write_bytes(text.encode("utf-16" if "\x00" in outlet else "utf-8"))
    # a page naming its outlet only in the sidebar, with no header
    for n, outlet in enumerate(["../../etc", "%2e%2e/=x", "X" * 1000], start=len(outlets)):
        (inp / f"sidebar-{n:02d}.txt").write_text(page(f"Sidebar Page {n}", body(n), source=outlet, header=False),
                                                  encoding="utf-8")
    (inp / "nul-utf8.txt").write_bytes(page("Nul Page", body(99), source="KC\x00NA").encode("utf-8"))
    for k, name in enumerate(REPORT_NAMES, start=1):
        (inp / name).write_bytes(b"\n" * k)  # rejected (empty; distinct bytes): its name goes into the run's report
    p = flow_cli("run", "--input", str(inp), "--warehouse", str(wh), check=False)
    assert p.returncode == 3, p.stdout + p.stderr  # completed, with a warning: these outlets are not known ones
    return base, inp, wh, outlets, p


def test_partition_folders_are_safe_slugs_and_nothing_is_written_outside_the_warehouse(run):
    base, inp, wh, _, _ = run
    assert sorted(p.name for p in base.iterdir()) == ["in", "wh"]  # `escaped` was never made
    for folder, dirs, files in os.walk(wh):  # every path under the warehouse stays in it
        for name in dirs + files:
            assert Path(folder, name).resolve().is_relative_to(wh.resolve()), Path(folder, name)
    snapshot = (wh / "current").resolve()
    for table in PARTITIONED:
        for part in (snapshot / table).iterdir():
            # a slug, or the null partition (where an empty table keeps its placeholder file)
            assert re.fullmatch(r"source_slug=([a-z0-9-]{1,60}|__HIVE_DEFAULT_PARTITION__)", part.name), part.name
            for year in part.iterdir():
                assert re.fullmatch(r"year=(\d{4}|__HIVE_DEFAULT_PARTITION__)", year.name)
                assert all(f.is_file() and f.suffix == ".parquet" for f in year.iterdir())


def test_each_outlet_is_kept_as_shown_in_its_own_partition(run):
    _, _, wh, outlets, _ = run
    arts = duck_table(wh, "articles").set_index("raw_path")
    for n, outlet in enumerate(outlets):
        a = arts.loc[f"meta-{n:02d}.txt"]
        assert (a["source"], a["body"].split("\n"), a["year"]) == (outlet, body(n), 2025), n
    sources = arts.groupby("source_slug")["source"].nunique()
    assert (sources == 1).all()  # distinct outlets never share a partition
    teasers = duck_table(wh, "teasers")
    short = [o for o in outlets if len(o) <= 120]
    assert set(teasers["source"]) == set(short) | {"../../etc", "%2e%2e/=x"}
    assert (teasers.merge(arts[["article_id", "source_slug"]], on="article_id", suffixes=("", "_a"))
            .eval("source_slug == source_slug_a").all())
    n = len(outlets)
    assert arts.loc[f"sidebar-{n:02d}.txt", "source"] == "../../etc"
    assert arts.loc[f"sidebar-{n + 1:02d}.txt", "source"] == "%2e%2e/=x"


def test_what_cannot_be_an_article_is_rejected_with_its_reason(run):
    _, _, wh, outlets, _ = run
    rejects = duck_table(wh, "rejects").set_index("raw_path")
    # a `More From` line of 1,000 characters opens no sidebar (at most 120): with no header, no outlet is named
    long_sidebar = f"sidebar-{len(outlets) + 2:02d}.txt"
    assert (rejects.loc[long_sidebar, "stage"], rejects.loc[long_sidebar, "reason"]) == \
        ("split", "no outlet: neither a 'Date: … | Source:' line nor a 'More From' sidebar names one")
    assert (rejects.loc["nul-utf8.txt", "stage"], rejects.loc["nul-utf8.txt", "reason"]) == \
        ("ingest", "binary content (NUL bytes)")
    assert set(rejects.index) == {long_sidebar, "nul-utf8.txt", *REPORT_NAMES}


def test_page_text_in_the_run_report_is_escaped(run, prefect_server):
    _, _, wh, _, p = run
    summary = last_summary(wh, p.stdout)
    request = urllib.request.Request(
        prefect_server["PREFECT_API_URL"] + "/artifacts/filter", method="POST",
        headers={"Content-Type": "application/json"},
        data=json.dumps({"artifacts": {"flow_run_id": {"any_": [summary["flow_run_id"]]}}}).encode())
    with urllib.request.urlopen(request, timeout=30) as r:
        artifacts = json.load(r)
    [report] = [a["data"] for a in artifacts if a["key"] == "kcna-etl-run-summary"]
    assert "<img" not in report and "<script" not in report
    html = BeautifulSoup(MarkdownIt("commonmark").enable("table").render(report), "html.parser")
    assert {t.name for t in html.find_all(True)} <= {"h1", "h2", "p", "strong", "code", "table", "thead", "tbody",
                                                     "tr", "th", "td"}
    rejected = html.find_all("table")[-1]
    pages = [row.find("td").get_text() for row in rejected.find_all("tr")[1:]]
    shown = {name.replace("\n", " ") for name in REPORT_NAMES}
    assert shown <= set(pages)
