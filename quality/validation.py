"""Validate a run's rows with the Great Expectations suites kept in `expectations/`.

One suite per table (articles, teasers, mentions), loaded from its JSON file
into a Great Expectations context built once per run and process, in a folder
of its own; each expectation says its severity (`error` or `warning`) and its
short name in its `meta`. The run date, the known outlets and the chrome
markers reach the suites as suite parameters, from the lexicon files.

Rows are validated once the run's duplicates are resolved (the tables' keys
are checked on the rows that would land) and by units of about `UNIT_PAGES`
pages, in the worker processes (`validate_unit`, a task each), so that memory
stays flat however large the run while every expectation runs vectorised over
a unit's whole columns. A page's unit comes from its article id
(`kcna_etl.storage.staging.unit_of`), so that every copy of an id meets in one unit and
uniqueness holds across the run; each staged batch file keeps a row group per
unit, which a unit's reader picks out by its statistics. Every expectation is
a map expectation, so Great Expectations names each failing row; the units'
`Check`s add up (`kcna_etl.quality.report.merge`) to one per expectation, shown in the
run's Data Docs (`write_docs`) with example values escaped: page text never
reaches the HTML as markup. Only this module imports Great Expectations.

A worker reads the staged rows where the batches wrote them (a folder, or the
warehouse's bucket) and keeps its Great Expectations context in a temporary
folder of its own (a cache, not data); the Data Docs are built from the
warehouse's stored results and written back to the warehouse's location.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import html
import re
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import great_expectations as gx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs
from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnPairMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    column_pair_condition_partial,
)

from kcna_etl.storage import location
from kcna_etl.transforms.lexicon import rules
from kcna_etl.quality.report import EXAMPLES, Check, Unit, Validation
from kcna_etl.flows.runners import release_memory
from kcna_etl.storage.staging import read_winners, staged, staged_schema
from kcna_etl.quality.suites import SUITES, TABLES, SuiteError, columns_of, load_suites, patterns_of, suite_parameters

SHOWN_CHARS = 160
# Every failing row by its position in the unit, without the values (a failing body is kilobytes).
RESULT_FORMAT = {"result_format": "COMPLETE", "exclude_unexpected_values": True}
INDEX = "row"
# datetime64[ns] spans 1677-2262; a date beyond is outside any range the suites allow either way.
NS_DATES = (dt.date(1678, 1, 1), dt.date(2261, 12, 31))
LOCK = threading.RLock()


class ValidationError(Exception):
    """An expectation that could not be evaluated (not a row that failed it)."""


class ColumnPairValuesDiffer(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.differ"
    condition_domain_keys = ("batch_id", "table", "column_A", "column_B", "row_condition", "condition_parser",
                             "ignore_row_if")
    condition_value_keys = ()

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A, column_B, **kwargs):  # noqa: N803 (Great Expectations' argument names)
        return column_A != column_B


class ExpectColumnPairValuesToDiffer(ColumnPairMapExpectation):
    """Expect column A to differ from column B in every row: `expect_column_pair_values_to_differ`.

    Great Expectations ships the equality test only; its stand-in for this one,
    `expect_select_column_values_to_be_unique_within_record`, counts distinct
    values row by row (seconds per 100,000 rows). This is the vectorised `!=`.
    """
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = "both_values_are_missing"
    map_metric = "column_pair_values.differ"
    success_keys = ("column_A", "column_B", "ignore_row_if", "mostly")
    args_keys = ("column_A", "column_B")


def excerpt(value: Any, patterns: list[str] = ()) -> Any:
    """A value as shown in reports: text cut to its first match (or its start), dates in ISO form."""
    if isinstance(value, str):
        if len(value) <= SHOWN_CHARS:
            return value
        start = 0
        for p in patterns:
            if m := re.search(p, value):
                start = max(0, m.start() - SHOWN_CHARS // 3)
                break
        end = start + SHOWN_CHARS
        return ("\u2026" if start else "") + value[start:end] + ("\u2026" if end < len(value) else "")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def frame_of(table: str, unit: pa.Table, columns: list[str], paired: set[str] = frozenset()) -> pd.DataFrame:
    """The columns the suite reads, typed for Great Expectations' vectorised paths.

    Dates as datetime64[ns] and integers as int64 (other types take a Python loop
    per value); the articles' text as Python objects: Great Expectations filters
    the frame for each expectation, which copies an Arrow string column (kilobyte
    bodies: seconds per unit) but only the pointers of an object column.
    Teasers and mentions keep their short texts in Arrow (less memory), as
    categories when values repeat (an article id on every teaser of a page),
    except where compared with another column (`paired`: categories must match).
    """
    out = {}
    for name in columns:
        col = unit.column(name)
        if pa.types.is_date(col.type):
            lo, hi = (pa.scalar(d, col.type) for d in NS_DATES)
            col = pc.max_element_wise(pc.min_element_wise(col, hi, skip_nulls=False), lo, skip_nulls=False)
            col = col.cast(pa.timestamp("ns"))
            out[name] = col.to_pandas()
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


def raised(result: ExpectationValidationResult) -> str | None:
    info = result.exception_info or {}
    infos = [info] if "raised_exception" in info else list(info.values())
    for i in infos:
        if isinstance(i, dict) and i.get("raised_exception"):
            return i.get("exception_message") or "unknown error"
    return None


def failing_positions(result: dict) -> np.ndarray:
    """Row positions of Great Expectations' `unexpected_index_list` (named index, values excluded)."""
    positions: list[int] = []
    for entry in result.get("unexpected_index_list") or []:
        value = entry[INDEX] if isinstance(entry, dict) else entry
        positions.extend(value if isinstance(value, list) else [value])
    return np.asarray(positions, dtype=np.int64)


class Validator:
    """A Great Expectations context with the suites loaded, for one run in one process."""

    def __init__(self, folder: Path, parameters: dict[str, Any], suites: dict[str, dict] | None = None):
        self.docs = suites or load_suites()
        self.context = gx.get_context(mode="file", project_root_dir=str(folder))
        styles = Path(self.context.plugins_directory) / "custom_data_docs" / "styles"
        styles.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SUITES / "data_docs.css", styles / "data_docs_custom_styles.css")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = self.context.data_sources.add_pandas("staged")
        self.parameters = parameters
        self.suites, self.runs, self.columns, self.paired = {}, {}, {}, {}
        for table in TABLES:
            doc = self.docs[table]
            suite = self.context.suites.add(gx.ExpectationSuite(**doc))
            if len(suite.expectations) != len(doc["expectations"]):  # Great Expectations only logs a bad one
                raise SuiteError(f"expectations/{table}.json: {len(doc['expectations']) - len(suite.expectations)} "
                                 "expectation(s) are not valid Great Expectations configurations")
            unit = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("unit")
            self.suites[table] = suite
            self.runs[table] = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=table, data=unit, suite=suite))
            self.columns[table] = list(dict.fromkeys(c for e in doc["expectations"] for c in columns_of(e)))
            self.paired[table] = {e["kwargs"][k] for e in doc["expectations"] for k in ("column_A", "column_B")
                                  if k in e["kwargs"]}

    def check_of(self, table: str, e: dict) -> Check:
        return Check(table, e["meta"]["name"], e["meta"]["severity"], e["type"], e.get("description") or e["type"],
                     columns_of(e), patterns_of(e, self.parameters), float(e["kwargs"].get("mostly", 1.0)))

    def validate(self, table: str, unit: pa.Table) -> list[Check]:
        """One unit of a table (staged rows, with `raw_path` and `staged_row`) through its suite."""
        frame = frame_of(table, unit, self.columns[table], self.paired[table])
        with LOCK:  # one context per process: its engine holds the batch being validated (thread runner)
            result = self.runs[table].run(batch_parameters={"dataframe": frame},
                                          expectation_parameters=self.parameters, result_format=RESULT_FORMAT)
        checks = {e["meta"]["name"]: self.check_of(table, e) for e in self.docs[table]["expectations"]}
        staged_rows = unit.column("staged_row").to_numpy()
        for r in result.results:
            check = checks[r.expectation_config.meta["name"]]
            if problem := raised(r):
                raise ValidationError(f"expectation {check.id} could not be evaluated: {problem}")
            res = r.result or {}
            check.element_count = res.get("element_count") or 0
            check.missing_count = res.get("missing_count") or 0
            check.unexpected_count = res.get("unexpected_count") or 0
            if check.unexpected_count:
                positions = failing_positions(res)
                check.unit_rows.append(staged_rows[positions])
                for p in positions[:EXAMPLES].tolist():
                    check.examples.append({"raw_path": unit.column("raw_path")[p].as_py(),
                                           **{c: excerpt(unit.column(c)[p].as_py(), check.patterns)
                                              for c in check.columns}})
        return list(checks.values())

    # -- Data Docs ---------------------------------------------------------------
    def shown_result(self, table: str, checks: dict[str, Check], rows: int,
                     run: RunIdentifier) -> ExpectationSuiteValidationResult:
        """A table's result over the run, with escaped examples and no other page text."""
        results = []
        for expectation in self.suites[table].expectations:
            c = checks[expectation.meta["name"]]
            shown = [html.escape(f"{e['raw_path']}: " + ", ".join(f"{k}={e[k]!r}" for k in c.columns))
                     for e in c.examples]
            result = {"element_count": c.element_count, "missing_count": c.missing_count,
                      "missing_percent": 100 * c.missing_count / c.element_count if c.element_count else None,
                      "unexpected_count": c.unexpected_count, "unexpected_percent": c.unexpected_percent,
                      "unexpected_percent_total": 100 * c.row_share,
                      "unexpected_percent_nonmissing": c.unexpected_percent, "partial_unexpected_list": shown}
            results.append(ExpectationValidationResult(success=c.success, expectation_config=expectation.configuration,
                                                       result=result))
        passed = sum(r.success for r in results)
        statistics = {"evaluated_expectations": len(results), "successful_expectations": passed,
                      "unsuccessful_expectations": len(results) - passed,
                      "success_percent": 100 * passed / len(results) if results else None}
        meta = {"great_expectations_version": gx.__version__, "run_id": run, "validation_time": run.run_time,
                "batch_spec": {"rows": rows}}
        return ExpectationSuiteValidationResult(success=passed == len(results), results=results, suite_name=table,
                                               suite_parameters=self.parameters, statistics=statistics, meta=meta)

    def write_docs(self, quality: Path, run_id: str, run_time: dt.datetime, checks: list[Check],
                   rows: dict[str, int]) -> dict[str, Path]:
        """Data Docs under `quality/` (index of every run kept in `quality/results/`); the run's pages by table."""
        quality.mkdir(parents=True, exist_ok=True)
        ctx = self.context
        store = ctx.add_store("quality_results", {
            "class_name": "ValidationResultsStore",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(quality / "results")}})
        ctx.add_data_docs_site("quality", {
            "class_name": "SiteBuilder", "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(quality)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "site_section_builders": {"validations": {"source_store_name": "quality_results"},
                                      "profiling": {"source_store_name": "quality_results"}}})
        run = RunIdentifier(run_name=run_id, run_time=run_time)
        keys = {}
        for table in TABLES:
            by_name = {c.name: c for c in checks if c.table == table}
            key = ValidationResultIdentifier(ExpectationSuiteIdentifier(name=table), run, "staged")
            store.set(key, self.shown_result(table, by_name, rows[table], run))
            keys[table] = key
        ctx.build_data_docs(site_names=["quality"],
                            resource_identifiers=[*keys.values(), *(ExpectationSuiteIdentifier(name=t) for t in TABLES)])
        return {table: Path(ctx.get_docs_sites_urls(resource_identifier=key, site_name="quality")[0]["site_url"]
                            .removeprefix("file://")) for table, key in keys.items()}


def validator(staging: str, run_date: dt.date) -> Validator:
    """This process's context for a run, built once, in a temporary folder of this worker's own."""
    with LOCK:
        return built(staging, run_date)


@functools.lru_cache(maxsize=2)  # a Dask worker lives across runs
def built(staging: str, run_date: dt.date) -> Validator:
    folder = tempfile.mkdtemp(prefix="kcna-etl-gx-")
    v = Validator(Path(folder), suite_parameters(rules(), run_date))
    weakref.finalize(v, shutil.rmtree, folder, True)  # when dropped from the cache, or at exit
    return v


@functools.lru_cache(maxsize=8)
def staged_rows(staging: str, table: str) -> ds.Dataset:
    """A table's staged files, their row groups' statistics read once per process (not once per unit)."""
    found = staged(staging, table, staged_schema(table))
    for fragment in found.get_fragments():
        fragment.ensure_complete_metadata()
    return found


@functools.lru_cache(maxsize=4)  # a Dask worker lives across runs
def winners(staging: str) -> pa.Array:
    """The run's winning pages, read once per worker process."""
    return read_winners(staging)


def validate_unit(staging: str, unit: int, run_date: dt.date) -> Unit:
    """The winning pages' staged rows of one unit (a row group of every batch file) through the suites."""
    v = validator(staging, run_date)
    keep = winners(staging)
    rows, checks = {}, []
    for table in TABLES:
        found = staged_rows(staging, table).to_table(
            columns=list(dict.fromkeys([*v.columns[table], "raw_path", "staged_row"])),
            filter=(pc.field("bucket") == unit) & pc.field("raw_path").isin(keep))
        rows[table] = found.num_rows
        checks += v.validate(table, found)
        del found
    gc.collect()  # Great Expectations' objects hold the unit's frames in reference cycles
    release_memory()  # a worker's footprint stays that of one unit, however many it validates
    return Unit(unit, rows, checks)


def write_docs(staging: str, run_date: dt.date, quality: str | Path, run_id: str, validation: Validation
               ) -> dict[str, str]:
    """The run's Data Docs pages (and the site's index) at the `quality` location, by table."""
    v, quality = validator(staging, run_date), str(quality)
    with site(quality) as folder, LOCK:
        pages = v.write_docs(folder, run_id, dt.datetime.now(dt.timezone.utc), validation.checks, validation.rows)
    return {"index": location.join(quality, "index.html"),
            **{t: location.join(quality, p.relative_to(folder).as_posix()) for t, p in pages.items()}}


@contextlib.contextmanager
def site(quality: str) -> Iterator[Path]:
    """A local folder holding the Data Docs site of `quality`: the folder itself, or for a bucket a
    temporary one given the stored results of earlier runs (the index lists them all), whose new and
    rebuilt files go back to the bucket."""
    if not location.is_remote(quality):
        yield Path(quality)
        return
    fs, root = location.resolve(quality)
    with tempfile.TemporaryDirectory(prefix="kcna-etl-docs-") as tmp:
        stored = {f.path[len(root) + 1:]: f.size for f in fs.get_file_info(
            pafs.FileSelector(f"{root}/results", recursive=True, allow_not_found=True)) if f.type == pafs.FileType.File}
        for rel in stored:
            (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
            with fs.open_input_stream(f"{root}/{rel}", compression=None) as src, open(Path(tmp) / rel, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        yield Path(tmp)
        for path in sorted(p for p in Path(tmp).rglob("*") if p.is_file()):
            rel = path.relative_to(tmp).as_posix()
            if stored.get(rel) != path.stat().st_size:
                with open(path, "rb") as src, fs.open_output_stream(f"{root}/{rel}", compression=None) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
