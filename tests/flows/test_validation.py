"""Every expectation of the suites in `expectations/` can fail, and what follows when one does.

Crafted rows (a real sample page's reading with one thing broken) go through
the functions the flow runs once its batches are staged: staging, the suites
(executed by quality/execute.py; three units, so their results add up and a
key's copies staged in two of them still meet), the
results stored in Great Expectations' format, quarantine and the snapshot
commit, then the quality report and the Data Docs (Great Expectations' renderer,
from the stored results). Some of these
rows cannot come from a page (the parser never produces them, e.g. offsets past
the body, or a duplicate id, which `resolve` turns into a duplicate page): the
suites are the net for a parser slip. tests/flows/test_quality_cli.py sends
crafted pages through the real CLI.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyarrow.parquet as pq
import pytest

from kcna_etl.quality import report as quality
from kcna_etl.storage.commit import ROW_TABLES, Plan, commit, quarantine_of
from kcna_etl.transforms.lexicon import lexicon, rules
from kcna_etl.storage.staging import write_staged, write_winners
from kcna_etl.storage.store import Warehouse
from kcna_etl.quality.suites import load_suites
from kcna_etl.quality.validation import store_results, validate_staged
from tests.conftest import SAMPLES, duck_table
from kcna_etl.transforms.article import Rows
from kcna_etl.transforms.page import Reject, read_page

RUN_ID = "20260630T000000Z-crafted0"
RUN_DATE = dt.date(2026, 6, 30)
BASE = SAMPLES / "003_0b576797fd08817e.txt"  # header, title, both dates, dateline, teasers and mentions


def read(path: Path) -> Rows:
    r, lex = rules(), lexicon()
    got = read_page(path.read_bytes(), path.name, r, lex)
    assert not isinstance(got, Reject), got
    return got


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def base(path: str) -> Rows:
    """The base page's reading under another path and article id (so that it is not a duplicate)."""
    got = copy.deepcopy(read(BASE))
    aid = sha(path)[:32]
    got.article.update(article_id=aid, raw_path=path, raw_sha256=sha(path))
    for row in got.teasers + got.mentions:
        row["article_id"] = aid
    return got


def article(**changes) -> Callable[[Rows], None]:
    def change(r: Rows) -> None:
        r.article.update(changes)
    return change


def new_body(text: str) -> Callable[[Rows], None]:
    """Another body: its mentions go, as their offsets would not fit it."""
    def change(r: Rows) -> None:
        r.article["body"] = text
        r.mentions = []
    return change


def add_to_body(text: str) -> Callable[[Rows], None]:
    def change(r: Rows) -> None:
        r.article["body"] += text
    return change


def teaser(i: int = 0, **changes) -> Callable[[Rows], None]:
    def change(r: Rows) -> None:
        r.teasers[i].update(changes)
    return change


def mention(**changes) -> Callable[[Rows], None]:
    def change(r: Rows) -> None:
        m = r.mentions[0]
        updates = {k: v(r.article["body"], m) if callable(v) else v for k, v in changes.items()}
        m.update(updates)
    return change


SHORT = "Pyongyang, June 1 (KCNA) -- A short item: " + "word " * 20
# One crafted change per expectation: it breaks that expectation, and only it.
CRAFTED: dict[str, Callable[[Rows], None]] = {
    "articles.article_id_not_null": article(article_id=None),
    "articles.article_id_unique": article(article_id="0" * 32),  # on two pages
    "articles.source_not_null": article(source=None),
    "articles.source_known_outlet": article(source="<b>Bogus</b> Outlet (En)", outlet=None),
    "articles.body_not_null": new_body(None),
    "articles.body_at_least_200_chars": new_body(SHORT),
    "articles.body_no_site_chrome": add_to_body("\nThe <script>alert(1)</script> <b>Bogus</b> NK News is hiring"),
    "articles.body_no_end_mark": add_to_body("\nIt closed the meeting. -0-"),
    "articles.published_date_in_range": article(published_date=dt.date(2090, 1, 1), capture_date=None),
    "articles.capture_date_in_range": article(capture_date=dt.date(2090, 1, 1)),
    "articles.captured_after_published": article(published_date=dt.date(2025, 12, 5),
                                                 capture_date=dt.date(2025, 10, 9)),
    "articles.title_not_blank": article(title="  "),
    "articles.title_not_first_paragraph": lambda r: r.article.update(title=r.article["body"].split("\n")[0]),
    "articles.word_count_positive": article(word_count=0),
    "articles.language_known": article(language="fr"),
    "articles.dateline_month_valid": article(dateline_month=13),
    "articles.dateline_day_valid": article(dateline_day=32),
    "teasers.article_id_not_null": teaser(article_id=None),
    "teasers.snippet_not_null": teaser(snippet=None),
    "teasers.snippet_not_blank": teaser(snippet=" "),
    "teasers.teaser_date_not_null": teaser(teaser_date=None),
    "teasers.teaser_date_in_range": teaser(teaser_date=dt.date(2090, 1, 1)),
    "teasers.position_at_least_1": teaser(position=0),
    "teasers.article_id_position_unique": teaser(1, position=1),
    "mentions.article_id_not_null": mention(article_id=None),
    "mentions.entity_type_known": mention(entity_type="weapon"),
    "mentions.entity_not_null": mention(entity=None),
    "mentions.start_not_negative": mention(start=-1),
    "mentions.start_before_end": mention(start=lambda body, m: m["end"]),
    "mentions.end_within_body": mention(start=lambda body, m: len(body) + 1, end=lambda body, m: len(body) + 9),
    "mentions.surface_is_body_slice": mention(surface="Nobody"),
}
TWICE = {"articles.article_id_unique"}  # crafted on two pages
FAILING_ROWS = {"articles.article_id_unique": 2, "teasers.article_id_position_unique": 2}


def crafted_paths(check: str) -> list[str]:
    return [f"crafted/{check}.{n}.txt" for n in ("a", "b")] if check in TWICE else [f"crafted/{check}.txt"]


@dataclass
class Run:
    warehouse: Path
    report: dict
    validation: quality.Validation
    pages: dict[str, Rows]

    def expectation(self, check: str) -> dict:
        return next(e for e in self.report["expectations"] if e["id"] == check)

    def table(self, name: str):
        return duck_table(self.warehouse, name) if "/" not in name else \
            pq.read_table(self.warehouse / name).to_pandas()


BATCHES = 3


def run_after_staging(root: Path, pages: dict[str, Rows], unit_pages: int) -> Run:
    """What the flow does once its batches are staged (every page a winner: no duplicate resolution), in
    three batches, validated in units of about `unit_pages` pages (1: a batch a unit)."""
    store = Warehouse(root / "wh").open()
    staging = store.staging(RUN_ID)
    listed = [(path, r.article["raw_sha256"], r) for path, r in pages.items()]
    for number in range(BATCHES):
        write_staged(staging, number, listed[number::BATCHES], [])
    plan = Plan([{"raw_sha256": s, "raw_path": p, "outcome": "article", "article_id": r.article["article_id"]}
                 for p, s, r in listed], [])
    write_winners(str(staging), plan.winners)
    validation = validate_staged(str(staging), RUN_DATE, unit_pages)
    store_results(str(quality.folder(store.root)), RUN_ID, RUN_DATE, validation)
    # as the flow does: Data Docs when an expectation failed, from the stored results (here in this process, not in
    # one of their own; Great Expectations imported only then, not in every test worker's collection)
    from kcna_etl.quality.docs import build
    docs = None if all(c.success for c in validation.checks) else build(quality.folder(store.root), RUN_ID)
    outcome = commit(store, RUN_ID, staging, plan, quarantine_of(validation.checks, staging))
    held = {"pages": outcome.quarantined, **{t: outcome.rows[f"quarantine/{t}"] for t in ROW_TABLES}}
    report = quality.report_run(store.root, RUN_ID, RUN_DATE, validation, docs, held, 1.0, ROW_TABLES)
    return Run(store.root, report, validation, pages)


def crafted_pages() -> dict[str, Rows]:
    pages = {f"good/{p.name}": read(p) for p in sorted(SAMPLES.glob("*.txt"))}
    for r in pages.values():
        r.article["raw_path"] = f"good/{r.article['raw_path']}"
    for check, change in CRAFTED.items():
        for path in crafted_paths(check):
            r = base(path)
            change(r)
            pages[path] = r
    return pages


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return run_after_staging(tmp_path_factory.mktemp("crafted"), crafted_pages(), unit_pages=1)


def test_every_expectation_of_the_suites_has_a_crafted_row():
    ids = {f"{table}.{e['meta']['name']}" for table, doc in load_suites().items() for e in doc["expectations"]}
    assert ids == set(CRAFTED)


@pytest.mark.parametrize("check", sorted(CRAFTED))
def test_a_crafted_row_fails_exactly_its_expectation(run, check):
    e = run.expectation(check)
    assert not e["success"] and e["unexpected_count"] == FAILING_ROWS.get(check, 1)
    for path in crafted_paths(check):
        named_by = {x["id"] for x in run.report["expectations"] if any(ex["raw_path"] == path for ex in x["examples"])}
        assert named_by == {check}


@pytest.mark.parametrize("check", sorted(CRAFTED))
def test_a_failing_row_lands_in_quarantine_or_is_written_and_reported(run, check):
    table, _ = check.split(".")
    severity = run.expectation(check)["severity"]
    for path in crafted_paths(check):
        held = {t: run.table(f"quarantine/{t}") for t in ROW_TABLES}
        held = {t: df[df["raw_path"] == path] for t, df in held.items()}
        page_id = sha(path)[:32]  # the id its teasers and mentions carry (see `base`)
        written = {t: duck_table(run.warehouse, t) for t in ROW_TABLES}
        if severity == "warning":
            assert all(len(df) == 0 for df in held.values())
            assert (written["articles"]["raw_path"] == path).sum() == 1
        elif table == "articles":
            # the whole page goes: its article, teasers and mentions, none left behind in the main tables
            assert [list(x) for x in held["articles"]["failed_expectations"]] == [[check]]
            assert len(held["teasers"]) == len(run.pages[path].teasers)
            assert len(held["mentions"]) == len(run.pages[path].mentions)
            assert all(list(x) == [check] for t in ("teasers", "mentions") for x in held[t]["failed_expectations"])
            assert (written["articles"]["raw_path"] == path).sum() == 0
            assert all((written[t]["article_id"] == page_id).sum() == 0 for t in ROW_TABLES)
        else:
            # a teaser or mention failing alone is held alone; its page is written
            bad = held[table]
            assert len(bad) == FAILING_ROWS.get(check, 1)
            assert all(list(x) == [check] for x in bad["failed_expectations"])
            assert all(len(held[t]) == 0 for t in ROW_TABLES if t != table)
            assert (written["articles"]["raw_path"] == path).sum() == 1
            kept = written[table][written[table]["article_id"] == page_id]
            assert len(kept) == len(getattr(run.pages[path], table)) - len(bad)
        assert all((df["run_id"] == RUN_ID).all() for df in held.values())


@pytest.mark.parametrize("check", sorted(CRAFTED))
def test_the_data_docs_page_of_the_table_names_the_failing_raw_path(run, check):
    table, _ = check.split(".")
    page = Path(run.report["data_docs"][table]).read_text(encoding="utf-8")
    for path in crafted_paths(check):
        assert html.escape(path) in page
    assert run.expectation(check)["description"] in page


def test_the_data_docs_escape_page_text(run):
    pages = "".join(Path(run.report["data_docs"][t]).read_text(encoding="utf-8") for t in ROW_TABLES)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages and "<script>alert(1)" not in pages
    assert "&lt;b&gt;Bogus&lt;/b&gt;" in pages and "<b>Bogus" not in pages
    assert "<script>" not in quality.markdown(run.report) and "<b>" not in quality.markdown(run.report)


def test_the_json_summary_is_written_per_run(run):
    saved = json.loads((run.warehouse / "_quality" / "runs" / f"{RUN_ID}.json").read_text())
    assert saved["run_id"] == RUN_ID and saved["status"] == "warnings"
    e = next(x for x in saved["expectations"] if x["id"] == "articles.body_no_site_chrome")
    assert e["severity"] == "error" and e["unexpected_count"] == 1 and e["examples"][0]["raw_path"] == \
        "crafted/articles.body_no_site_chrome.txt"
    assert "NK News is hiring" in e["examples"][0]["body"]  # the excerpt shows where the chrome is
    assert 0 < e["unexpected_percent"] < 100 and e["rows"] == len(run.pages)


def test_quarantined_pages_are_recorded_as_processed(run):
    manifest = duck_table(run.warehouse, "_manifest").set_index("raw_path")["outcome"]
    for check in CRAFTED:
        outcome = "quarantined" if check.startswith("articles.") and run.expectation(check)["severity"] == "error" \
            else "article"
        assert {manifest[p] for p in crafted_paths(check)} == {outcome}
    assert run.report["quarantined"]["pages"] == sum(
        len(crafted_paths(c)) for c in CRAFTED if c.startswith("articles.") and run.expectation(c)["severity"] == "error")


def test_units_add_up_to_the_same_result_as_one_unit(run, tmp_path):
    whole = run_after_staging(tmp_path, crafted_pages(), unit_pages=10**6)
    assert run.validation.rows == whole.validation.rows
    for a, b in zip(run.validation.checks, whole.validation.checks, strict=True):
        assert (a.id, a.element_count, a.missing_count, a.unexpected_count, len(a.rows)) == \
            (b.id, b.element_count, b.missing_count, b.unexpected_count, len(b.rows))
        assert sorted(map(str, a.examples)) == sorted(map(str, b.examples))


def test_the_sample_pages_pass_every_expectation(tmp_path):
    pages = {p.name: read(p) for p in sorted(SAMPLES.glob("*.txt"))}
    got = run_after_staging(tmp_path, pages, unit_pages=10**6)
    assert got.report["status"] == "passed"
    assert all(e["success"] for e in got.report["expectations"]) and len(got.report["expectations"]) == len(CRAFTED)


def test_units_are_runs_of_whole_batch_files(tmp_path):
    """A unit reads whole batch files, about `unit_pages` pages of them (no file split across units, no file
    read by two), and a run validated a file a unit passes as the sample pages do."""
    from kcna_etl.quality.validation import units_of, validate_run

    store = Warehouse(tmp_path / "wh").open()
    staging = store.staging(RUN_ID)
    pages = {path: r for path, r in crafted_pages().items() if path.startswith("good/")}  # no Data Docs to build
    listed = [(path, r.article["raw_sha256"], r) for path, r in pages.items()]
    assert len(listed) == 5
    for number, (a, b) in enumerate([(0, 2), (2, 4), (4, 5)]):
        write_staged(staging, number, listed[a:b], [])
    files = ["b000000.parquet", "b000001.parquet", "b000002.parquet"]
    assert units_of(str(staging), 1) == [[f] for f in files]
    assert units_of(str(staging), 3) == [files[:2], files[2:]]
    assert units_of(str(staging), 10) == [files]
    validation, docs = validate_run(str(staging), sorted(pages), RUN_DATE, str(quality.folder(store.root)), RUN_ID,
                                    unit_pages=1)
    assert validation.rows["articles"] == 5
    assert sum(c.element_count for c in validation.checks if c.id == "articles.article_id_unique") == 5
    assert docs is None and all(c.success for c in validation.checks)
