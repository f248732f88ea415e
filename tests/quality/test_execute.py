"""The executor (`quality/execute.py`) gives what Great Expectations gives, expectation by expectation.

The reference is a real Great Expectations run (its pandas engine, the suites
loaded whole, as the validate stage ran them before the executor): for every
expectation of the suites, on the staged rows of real pages (tests/pages, the
samples), the readable bad pages of tests/faults, the crafted rows of
tests/flows/test_validation.py (one failing row per expectation) and rows
built at the edges where engines differ (Unicode spaces, `$` before a final
newline, bounds of ranges, nulls in pairs and compound keys, lengths counted
in characters), both give the same success, counts, failing rows (hence
examples) and severity.
"""
from __future__ import annotations

import copy
import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from kcna_etl.quality import execute
from kcna_etl.quality.suites import TABLES, columns_of, load_suites, suite_parameters
from kcna_etl.quality.validation import Validator
from kcna_etl.storage.staging import staged_tables
from kcna_etl.transforms.lexicon import lexicon, rules
from kcna_etl.transforms.page import Reject, read_page
from tests.conftest import TEST_PAGES
from tests.faults.common import good_page, page
from tests.flows.test_validation import CRAFTED, RUN_DATE, base, crafted_pages

gx = pytest.importorskip("great_expectations")  # a test dependency: the reference

INDEX = "row"
NS_DATES = (dt.date(1678, 1, 1), dt.date(2261, 12, 31))  # datetime64[ns] spans 1677-2262
SEVERITY = {"critical": "error", "warning": "warning"}


def frame_of(table: str, unit: pa.Table, columns: list[str], paired: set[str]) -> pd.DataFrame:
    """The columns typed as the validate stage gave them to Great Expectations before the executor: dates
    as datetime64[ns] (clamped), integers int64, the articles' text as objects, repeated short texts as
    categories except where compared with another column."""
    out = {}
    for name in columns:
        col = unit.column(name)
        if pa.types.is_date(col.type):
            lo, hi = (pa.scalar(d, col.type) for d in NS_DATES)
            col = pc.max_element_wise(pc.min_element_wise(col, hi, skip_nulls=False), lo, skip_nulls=False)
            out[name] = col.cast(pa.timestamp("ns")).to_pandas()
        elif pa.types.is_integer(col.type):
            out[name] = col.cast(pa.int64()).to_pandas()
        elif pa.types.is_string(col.type) and table == "articles":
            out[name] = pd.Series(col.to_numpy(zero_copy_only=False), dtype=object)
        elif pa.types.is_string(col.type) and name not in paired and pc.count_distinct(col).as_py() * 2 < len(col):
            out[name] = col.dictionary_encode().to_pandas()
        else:
            out[name] = col.to_pandas()
    frame = pd.DataFrame(out)
    frame.index = pd.RangeIndex(len(frame), name=INDEX)
    return frame


def positions(result: dict) -> list[int]:
    found: list[int] = []
    for entry in result.get("unexpected_index_list") or []:
        value = entry[INDEX] if isinstance(entry, dict) else entry
        found.extend(value if isinstance(value, list) else [value])
    return sorted(found)


class Reference:
    """Great Expectations itself: the suites in a file context, a pandas data source, COMPLETE results."""

    def __init__(self, folder: Path, parameters: dict):
        from kcna_etl.quality.docs import context  # registers expect_column_pair_values_to_differ
        self.docs, self.parameters = load_suites(), parameters
        self.context = context(folder, self.docs)
        source = self.context.data_sources.add_pandas("staged")
        self.runs = {}
        for table in TABLES:
            batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("unit")
            self.runs[table] = self.context.validation_definitions.add(gx.ValidationDefinition(
                name=table, data=batch, suite=self.context.suites.get(table)))

    def validate(self, table: str, unit: pa.Table) -> dict[str, dict]:
        doc = self.docs[table]
        columns = list(dict.fromkeys(c for e in doc["expectations"] for c in columns_of(e)))
        paired = {e["kwargs"][k] for e in doc["expectations"] for k in ("column_A", "column_B") if k in e["kwargs"]}
        result = self.runs[table].run(batch_parameters={"dataframe": frame_of(table, unit, columns, paired)},
                                      expectation_parameters=self.parameters,
                                      result_format={"result_format": "COMPLETE", "exclude_unexpected_values": True})
        out = {}
        for r in result.results:
            assert not (r.exception_info or {}).get("raised_exception"), r.exception_info
            res = r.result or {}
            out[r.expectation_config.meta["name"]] = {
                "success": r.success, "element_count": res.get("element_count") or 0,
                "missing_count": res.get("missing_count") or 0, "unexpected_count": res.get("unexpected_count") or 0,
                "positions": positions(res), "severity": SEVERITY[r.expectation_config.severity]}
        return out


def readings(paths: list[Path]) -> dict[str, object]:
    r, lex = rules(), lexicon()
    out = {}
    for p in paths:
        got = read_page(p.read_bytes(), p.name, r, lex)
        if not isinstance(got, Reject):
            out[f"{p.parent.name}/{p.name}"] = got
    return out


def fault_pages(folder: Path) -> list[Path]:
    """The readable bad pages of tests/faults/test_bad_pages.py, written as that test writes them."""
    korean = ["평양 10월 9일발 조선중앙통신 -- 조선로동당 창건 80돐 경축 행사가 성대히 진행되였다.",
              "행사에는 각계층 근로자들이 참가하였다."]
    full = good_page(4)
    pages = {
        "cp1252.txt": good_page(6).replace("nothing of it", "nothing of it\u2019s text").encode("cp1252"),
        "euc-kr.txt": page("Korean Page In EUC-KR", korean, source="KCNA.kp (Ko)").encode("euc_kr"),
        "utf-16.txt": good_page(7).encode("utf-16"),
        "no-sidebar.txt": good_page(9, sidebar=None).encode(),
        "cut-mid-teaser.txt": full[:full.index("Teaser 2 of") + len("Teaser 2 of Good Page Number 4 Reported\n"
                                                                     "Teaser 2")].encode(),
        "dup-a.txt": good_page(11).encode(),
        "future.txt": good_page(12, date=dt.date(2090, 1, 1)).encode(),
        "old.txt": good_page(13, date=dt.date(1995, 12, 31)).encode(),
    }
    for name, data in pages.items():
        (folder / name).write_bytes(data)
    return [folder / n for n in pages]


def edges() -> dict[str, object]:
    """Rows at the edges where a regex engine, a date comparison or a null rule could differ from pandas."""
    nbsp, out = "\u00a0", {}

    def variant(name: str, change) -> None:
        r = base(f"edge/{name}.txt")
        change(r)
        out[f"edge/{name}.txt"] = r

    variant("title-nbsp", lambda r: r.article.update(title=nbsp + "\u2003"))              # blank in Python's \S
    variant("title-empty", lambda r: r.article.update(title=""))
    variant("title-none", lambda r: r.article.update(title=None, first_paragraph=None))
    variant("end-mark-nbsp", lambda r: r.article.update(body=r.article["body"] + "\nclosed. -0-" + nbsp + "\nmore"))
    variant("end-mark-final-newline", lambda r: r.article.update(body=r.article["body"] + "\nclosed. -0-\n"))
    variant("end-mark-inside", lambda r: r.article.update(body=r.article["body"] + "\nthe -0- mark mid-line"))
    variant("chrome-case", lambda r: r.article.update(body=r.article["body"] + "\nnk news IS HIRING"))
    variant("chrome-escaped", lambda r: r.article.update(body=r.article["body"] + "\nsee www.kcna.kp (2025.01.01.)"))
    variant("body-199-wide", lambda r: (r.article.update(body="조" * 199), setattr(r, "mentions", [])))
    variant("body-200-wide", lambda r: (r.article.update(body="조" * 200), setattr(r, "mentions", [])))
    variant("date-lower-bound", lambda r: r.article.update(published_date=dt.date(1996, 1, 1),
                                                           capture_date=RUN_DATE))
    variant("date-after-run", lambda r: r.article.update(capture_date=RUN_DATE + dt.timedelta(days=1)))
    variant("date-far", lambda r: r.article.update(published_date=dt.date(2500, 1, 1), capture_date=dt.date(1, 1, 1)))
    variant("pair-one-null", lambda r: r.article.update(capture_date=None, published_date=dt.date(2020, 1, 1)))
    variant("word-count-null", lambda r: r.article.update(word_count=None, dateline_month=0, dateline_day=None))
    variant("language-null", lambda r: r.article.update(language=None, outlet=None, source=None))
    variant("teaser-null-key", lambda r: [t.update(article_id=None, position=1) for t in r.teasers[:2]])
    variant("teaser-snippet-ws", lambda r: r.teasers[0].update(snippet="\t\u3000\n", teaser_date=dt.date(1996, 1, 1)))
    variant("mention-nulls", lambda r: r.mentions[0].update(surface=None, entity_type=None))
    variant("mention-end-equal", lambda r: r.mentions[0].update(start=len(r.article["body"]) - 1,
                                                                end=len(r.article["body"])))
    return out


@pytest.fixture(scope="module")
def units(tmp_path_factory) -> dict[str, pa.Table]:
    folder = tmp_path_factory.mktemp("faults")
    pages = {**readings(sorted(TEST_PAGES.glob("*.*"))),  # the samples come with crafted_pages()
             **readings(fault_pages(folder)), **crafted_pages(), **edges()}
    pages = {path: copy.deepcopy(r) for path, r in pages.items()}
    for path, r in pages.items():
        r.article["raw_path"] = path
    return staged_tables(list(pages.items()), 0)


@pytest.fixture(scope="module")
def both(units):
    parameters = suite_parameters(rules(), RUN_DATE)
    with tempfile.TemporaryDirectory() as tmp:
        reference = Reference(Path(tmp), parameters)
        want = {t: reference.validate(t, units[t]) for t in TABLES}
    mine = Validator(parameters)
    got = {t: {c.name: c for c in mine.validate(t, units[t])} for t in TABLES}
    return want, got


EXPECTATIONS = [(t, e["meta"]["name"], e["type"]) for t, doc in load_suites().items() for e in doc["expectations"]]


@pytest.mark.parametrize("table,name,kind", EXPECTATIONS, ids=[f"{t}.{n}" for t, n, _ in EXPECTATIONS])
def test_each_expectation_gives_great_expectations_result(both, units, table, name, kind):
    want, got = both
    w, c = want[table][name], got[table][name]
    assert (c.success, c.element_count, c.missing_count, c.unexpected_count, c.severity) == \
        (w["success"], w["element_count"], w["missing_count"], w["unexpected_count"], w["severity"])
    staged = units[table].column("staged_row").to_numpy()
    assert sorted(c.rows.tolist()) == sorted(staged[w["positions"]].tolist())  # the same rows fail
    paths = units[table].column("raw_path").to_pylist()
    assert [x["raw_path"] for x in c.examples] == [paths[p] for p in w["positions"][:len(c.examples)]]


def test_the_rows_make_every_expectation_fail_somewhere_and_pass_elsewhere(both):
    """The comparison means something: each expectation has failing and passing rows here."""
    want, _ = both
    for table, results in want.items():
        for name, w in results.items():
            assert 0 < w["unexpected_count"] < w["element_count"] - w["missing_count"], f"{table}.{name}"


def test_every_expectation_type_of_the_suites_is_compared():
    used = Counter(kind for _, _, kind in EXPECTATIONS)
    assert set(used) <= set(execute.CONDITIONS)
    assert {f"{t}.{n}" for t, n, _ in EXPECTATIONS} == set(CRAFTED)


def test_an_expectation_type_the_executor_does_not_run_is_refused_before_the_run():
    docs = copy.deepcopy(load_suites())
    docs["articles"]["expectations"].append({"type": "expect_column_values_to_be_increasing",
                                             "kwargs": {"column": "word_count"},
                                             "meta": {"name": "x", "severity": "error"}})
    with pytest.raises(Exception, match="expect_column_values_to_be_increasing"):
        Validator(suite_parameters(rules(), RUN_DATE), docs)


def test_a_literal_pattern_and_its_regex_agree_on_unicode_text():
    col = pa.chunked_array([["a More From b", "More\u00a0From x", "more from", "", "前 More From "]])
    assert np.array_equal(execute.searched(col, r"More\ From\ "),
                          [bool(__import__("re").search(r"More\ From\ ", v)) for v in col.to_pylist()])
