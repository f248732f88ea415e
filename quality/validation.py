"""Validate a run's rows with the suites kept in `expectations/`, without importing Great Expectations.

One suite per table (articles, teasers, mentions), read from its JSON file;
each expectation says its severity (`error` or `warning`) and its short name in
its `meta`. The run date, the known outlets and the chrome markers reach the
suites as suite parameters, from the lexicon files. Each expectation runs
vectorised over Arrow columns (`kcna_etl.quality.execute`: Great Expectations'
own conditions, checked against Great Expectations in
tests/quality/test_execute.py), in the flow's process: no worker imports
Great Expectations to validate.

Rows are validated once the run's duplicates are resolved (the tables' keys
are checked on the rows that would land) and by units of about `UNIT_PAGES`
pages, so that memory stays flat however large the run: a unit is a run of
whole staged batch files (`units_of`), read alone. The expectations whose
result on a row depends on the others (`execute.ACROSS_ROWS`: uniqueness) run
once over the whole run, on their own columns only, gathered as the units are
read: a key's copies meet wherever their pages were staged. Every failing row
is named; the units' `Check`s add up (`kcna_etl.quality.report.merge`) to one
per expectation.

The run's results are stored in Great Expectations' JSON validation-result
format (`store_results`), examples escaped: `kcna_etl.quality.docs` (the only
module importing Great Expectations) renders Data Docs from them, in the run
when an expectation failed (in a process of its own, `docs_apart`), or later on demand (`kcna-etl report
--data-docs`).
"""
from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
import uuid
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kcna_etl.storage.memory import release_memory
from kcna_etl.quality import execute
from kcna_etl.quality.report import EXAMPLES, Check, Unit, Validation, merge
from kcna_etl.quality.suites import TABLES, SuiteError, columns_of, load_suites, patterns_of, suite_parameters
from kcna_etl.storage import location
from kcna_etl.storage.staging import read_winners, staged, staged_schema, write_winners
from kcna_etl.transforms.lexicon import rules

SHOWN_CHARS = 160
# The version whose result format the stored results follow (Data Docs read them with it: pyproject.toml pins it)
GX_VERSION = "1.24.1"
BATCH = "staged"  # the batch identifier of a run's results (one batch: the run's winners)


class ValidationError(Exception):
    """An expectation that could not be evaluated (not a row that failed it)."""


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


class Validator:
    """The suites of a run, ready to run over a unit's columns."""

    def __init__(self, parameters: dict[str, Any], suites: dict[str, dict] | None = None):
        self.docs = suites or load_suites()
        self.parameters = parameters
        for table in TABLES:
            for e in self.docs[table]["expectations"]:
                if e["type"] not in execute.CONDITIONS:  # found before the run, not on its first unit
                    raise SuiteError(f"expectations/{table}.json: {e['meta']['name']}: {e['type']} is not an "
                                     "expectation type quality/execute.py runs")
        self.columns = {t: list(dict.fromkeys(c for e in self.docs[t]["expectations"] for c in columns_of(e)))
                        for t in TABLES}
        # the columns the expectations across rows read (with what names a failing row): what a run keeps of the
        # tables that have any
        self.across = {t: list(dict.fromkeys([*across, "raw_path", "staged_row"])) for t in TABLES
                       if (across := [c for e in self.docs[t]["expectations"] if e["type"] in execute.ACROSS_ROWS
                                      for c in columns_of(e)])}
        self.order = [f"{t}.{e['meta']['name']}" for t in TABLES for e in self.docs[t]["expectations"]]

    def check_of(self, table: str, e: dict) -> Check:
        return Check(table, e["meta"]["name"], e["meta"]["severity"], e["type"], e.get("description") or e["type"],
                     columns_of(e), patterns_of(e, self.parameters), float(e["kwargs"].get("mostly", 1.0)))

    def validate(self, table: str, unit: pa.Table, across: bool | None = None) -> list[Check]:
        """One unit of a table (staged rows, with `raw_path` and `staged_row`) through its suite: every
        expectation, or only those across rows (`across=True`) or only the others (`across=False`)."""
        checks = []
        staged_rows = unit.column("staged_row").to_numpy()
        for e in self.docs[table]["expectations"]:
            if across is not None and (e["type"] in execute.ACROSS_ROWS) != across:
                continue
            check = self.check_of(table, e)
            try:
                got = execute.run(e, self.parameters, unit)
            except (pa.ArrowException, KeyError, TypeError, ValueError) as problem:
                raise ValidationError(f"expectation {check.id} could not be evaluated: {problem}") from problem
            check.element_count, check.missing_count = got.element_count, got.missing_count
            check.unexpected_count = got.unexpected_count
            if check.unexpected_count:
                check.unit_rows.append(staged_rows[got.unexpected])
                for p in got.unexpected[:EXAMPLES].tolist():
                    check.examples.append({"raw_path": unit.column("raw_path")[p].as_py(),
                                           **{c: excerpt(unit.column(c)[p].as_py(), check.patterns)
                                              for c in check.columns}})
            checks.append(check)
        return checks


@functools.lru_cache(maxsize=2)
def validator(run_date: dt.date) -> Validator:
    """The suites with this run's parameters, read once per process and run date."""
    return Validator(suite_parameters(rules(), run_date))


@functools.lru_cache(maxsize=4)
def winners(staging: str) -> pa.Array:
    """The run's winning pages, read once."""
    return read_winners(staging)


UNIT_PAGES = 10_000
"""About how many pages one validation unit holds: bounds the memory validation takes."""


def units_of(staging: str, unit_pages: int = UNIT_PAGES) -> list[list[str]]:
    """The run's staged batch files in runs of about `unit_pages` pages, in batch order: the validation units."""
    fs, paths = location.files(location.join(staging, "articles"))
    units: list[list[str]] = []
    pages = unit_pages
    for path in paths:
        if pages >= unit_pages:
            units.append([])
            pages = 0
        units[-1].append(path.rpartition("/")[2])
        pages += pq.read_metadata(path, filesystem=fs).num_rows  # a footer read and let go
    return units


def validate_unit(staging: str, number: int, files: list[str], run_date: dt.date) -> tuple[Unit, dict[str, pa.Table]]:
    """The winning pages' staged rows in the batch `files` through the suites' expectations on rows; and the
    columns the expectations across rows need, which the run checks once all units are read."""
    v = validator(run_date)
    keep = winners(staging)
    rows, checks, kept = {}, [], {}
    for table in TABLES:
        found = staged(staging, table, staged_schema(table), files).to_table(
            columns=list(dict.fromkeys([*v.columns[table], "raw_path", "staged_row"])),
            filter=pc.field("raw_path").isin(keep))
        rows[table] = found.num_rows
        checks += v.validate(table, found, across=False)
        if table in v.across:
            kept[table] = found.select(v.across[table]).combine_chunks()  # a copy: the unit's other columns go
        del found
    release_memory()  # the process's footprint stays that of one unit (and the run's keys), however many units
    return Unit(number, rows, checks), kept


def validate_staged(staging: str, run_date: dt.date, unit_pages: int = UNIT_PAGES) -> Validation:
    """The run's staged winners through the suites, unit by unit, then the expectations across rows over
    the whole run's columns they read; the checks in the suites' order."""
    v = validator(run_date)
    units, across = [], {t: [] for t in v.across}
    for number, files in enumerate(units_of(staging, unit_pages)):
        unit, kept = validate_unit(staging, number, files, run_date)
        units.append(unit)
        for table, t in kept.items():
            across[table].append(t)
    if units:
        units.append(Unit(len(units), {}, [c for t, parts in across.items()
                                           for c in v.validate(t, pa.concat_tables(parts), across=True)]))
    del across
    release_memory()
    validation = merge(units)
    validation.checks.sort(key=lambda c: v.order.index(c.id))
    return validation


def validate_run(staging: str, winners: list[str], run_date: dt.date, quality: str, run_id: str,
                 unit_pages: int = UNIT_PAGES) -> tuple[Validation | None, dict[str, str] | None]:
    """The run's winners validated unit by unit in this process, their results stored at the `quality`
    location, and the Data Docs built from them when an expectation failed (the one time Great Expectations
    is imported: people read the report then; `kcna-etl report --data-docs` builds them otherwise).
    (None, None) when there are no winners."""
    if not winners:
        return None, None
    write_winners(staging, winners)  # each unit's reader filters the staged rows by them
    validation = validate_staged(staging, run_date, unit_pages)
    store_results(quality, run_id, run_date, validation)
    if all(c.success for c in validation.checks):
        return validation, None
    return validation, docs_apart(quality, run_id)


def docs_apart(quality: str, run_id: str) -> dict[str, str]:
    """`kcna_etl.quality.docs.build` in a short-lived process of its own: Great Expectations (~140 MB once
    imported, more while it renders) is never resident in the run's process, which goes on to the commit and
    would carry it to its peak."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as apart:
        return apart.submit(_build_docs, quality, run_id).result()


def _build_docs(quality: str, run_id: str) -> dict[str, str]:
    from kcna_etl.quality.docs import build  # the only import of Great Expectations, in that process
    return build(quality, run_id)


# -- results in Great Expectations' format ---------------------------------------------------------------------

def run_time_key(run_time: dt.datetime) -> str:
    """A run time as Great Expectations names its folder in a results store (`RunIdentifier.to_tuple`)."""
    return run_time.strftime("%Y%m%dT%H%M%S.%fZ")


def result_document(table: str, doc: dict, checks: dict[str, Check], rows: int, parameters: dict[str, Any],
                    run_id: str, run_time: dt.datetime) -> dict[str, Any]:
    """A table's result over the run as Great Expectations' `ExpectationSuiteValidationResult.to_json_dict()`:
    counts and percentages as its map expectations give them, examples escaped (page text never reaches
    the Data Docs as markup)."""
    results = []
    for e in doc["expectations"]:
        c = checks[e["meta"]["name"]]
        shown = [html.escape(f"{x['raw_path']}: " + ", ".join(f"{k}={x[k]!r}" for k in c.columns))
                 for x in c.examples]
        config = {"type": e["type"], "kwargs": e["kwargs"], "meta": e["meta"],
                  "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"kcna-etl:{c.id}")),
                  "severity": e.get("severity", "critical"), "description": e.get("description")}
        result = {"element_count": c.element_count, "missing_count": c.missing_count,
                  "missing_percent": 100 * c.missing_count / c.element_count if c.element_count else None,
                  "unexpected_count": c.unexpected_count, "unexpected_percent": c.unexpected_percent,
                  "unexpected_percent_total": 100 * c.row_share,
                  "unexpected_percent_nonmissing": c.unexpected_percent, "partial_unexpected_list": shown}
        results.append({"success": c.success, "expectation_config": config, "result": result, "meta": {},
                        "exception_info": {"raised_exception": False, "exception_traceback": None,
                                           "exception_message": None}})
    passed = sum(r["success"] for r in results)
    when = run_time.isoformat()
    return {"success": passed == len(results), "results": results, "suite_name": table,
            "suite_parameters": parameters, "id": None,
            "statistics": {"evaluated_expectations": len(results), "successful_expectations": passed,
                           "unsuccessful_expectations": len(results) - passed,
                           "success_percent": 100 * passed / len(results) if results else None},
            "meta": {"great_expectations_version": GX_VERSION, "run_id": {"run_name": run_id, "run_time": when},
                     "validation_time": when, "batch_spec": {"rows": rows}}}


def store_results(quality: str, run_id: str, run_date: dt.date, validation: Validation,
                  run_time: dt.datetime | None = None) -> dict[str, str]:
    """The run's results, one JSON file per table where a Great Expectations results store keeps them
    (`<quality>/results/<table>/<run>/<time>/staged.json`), at the `quality` location (a folder or a bucket)."""
    v = validator(run_date)
    run_time = run_time or dt.datetime.now(dt.timezone.utc)
    fs, root = location.resolve(quality)
    out = {}
    for table in TABLES:
        by_name = {c.name: c for c in validation.checks if c.table == table}
        doc = result_document(table, v.docs[table], by_name, validation.rows[table], v.parameters, run_id, run_time)
        rel = f"results/{table}/{run_id}/{run_time_key(run_time)}/{BATCH}.json"
        fs.create_dir(f"{root}/{rel.rpartition('/')[0]}", recursive=True)
        with fs.open_output_stream(f"{root}/{rel}", compression=None) as f:
            f.write(json.dumps(doc, indent=2, ensure_ascii=False, default=str).encode())
        out[table] = location.join(quality, rel)
    return out
