"""The suites' expectations executed over Arrow columns, without Great Expectations.

Takes an expectation of a suite in `expectations/` (its JSON document), the
run's suite parameters and a `pyarrow.Table` holding the columns it reads.
Returns what Great Expectations' pandas engine reports for it (the reference,
checked type by type in tests/quality/test_execute.py): the rows it counts,
the rows it leaves out as missing, and the positions of the rows that fail.

Each type is the condition of Great Expectations' own metric (the
`_pandas` partial named beside it), written with pyarrow.compute, over the
rows Great Expectations' domain keeps (nulls out, or the pair's
`ignore_row_if`). Regular expressions are Python's `re` (what pandas'
`str.contains` runs for Great Expectations), except a pattern that is a plain
literal (the escaped chrome markers), which is `match_substring`: the same
answer, without RE2's differences (`\\s`, `$`) ever coming into play.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class Unsupported(ValueError):
    """An expectation type (or option) this executor does not run: add it here, with its faithfulness test."""


@dataclass
class Outcome:
    """An expectation over some rows: Great Expectations' `element_count`, `missing_count`, and the failing rows."""
    element_count: int
    missing_count: int
    unexpected: np.ndarray  # row positions, ascending

    @property
    def unexpected_count(self) -> int:
        return len(self.unexpected)


def resolved(value: Any, parameters: dict[str, Any]) -> Any:
    """A kwarg's value, `{"$PARAMETER": name}` read from the run's suite parameters."""
    return parameters[value["$PARAMETER"]] if isinstance(value, dict) and "$PARAMETER" in value else value


def mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean array as numpy, null as False."""
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def null(col: pa.ChunkedArray) -> np.ndarray:
    return mask(pc.is_null(col))


# --- conditions: (table, kwargs) -> True where a row meets the expectation (read only on rows not missing) ---

def duplicated(keys: list[pa.ChunkedArray]) -> np.ndarray:
    """pandas' `duplicated(keep=False)` over rows of `keys`: every copy of a repeated tuple (nulls equal)."""
    code = np.zeros(len(keys[0]), dtype=np.int64)
    for k in keys:
        enc = pc.dictionary_encode(k.combine_chunks() if isinstance(k, pa.ChunkedArray) else k)
        idx = np.asarray(pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64) + 1
        code = np.unique(code * (len(enc.dictionary) + 1) + idx, return_inverse=True)[1].astype(np.int64)
    return np.bincount(code)[code] > 1 if len(code) else np.zeros(0, bool)


def searched(col: pa.ChunkedArray, pattern: str) -> np.ndarray:
    """Where `re.search(pattern, str(value))` finds a match (pandas' `str.contains`); `col` has no null."""
    literal = re.sub(r"\\(.)", r"\1", pattern)
    if re.escape(literal) == pattern:  # a literal, however it was escaped
        return mask(pc.match_substring(col, literal))
    rx = re.compile(pattern)
    values = pc.unique(col)  # once per distinct value (a page's article id, a repeated snippet)
    found = np.array([rx.search(str(v)) is not None for v in values.to_pylist()], bool)
    return found[np.asarray(pc.index_in(col, values).to_numpy(zero_copy_only=False), dtype=np.int64)]


def timestamp_of(value: Any, col: pa.ChunkedArray) -> Any:
    """A bound as the column's type: Great Expectations compares a date column with the bound's datetime."""
    if pa.types.is_date(col.type) or pa.types.is_timestamp(col.type):
        return pa.scalar(dt.datetime.fromisoformat(value) if isinstance(value, str) else value, pa.timestamp("us"))
    return value


def comparable(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return col.cast(pa.timestamp("us")) if pa.types.is_date(col.type) else col


def bounded(values: pa.ChunkedArray, k: dict, p: dict, bound: Callable[[Any], Any] = lambda v: v) -> np.ndarray:
    """Where `values` lie within the expectation's `min_value` / `max_value` (each optional, `strict_*` or not)."""
    ok = np.ones(len(values), bool)
    lo, hi = resolved(k.get("min_value"), p), resolved(k.get("max_value"), p)
    if lo is not None:
        ok &= mask((pc.greater if k.get("strict_min") else pc.greater_equal)(values, bound(lo)))
    if hi is not None:
        ok &= mask((pc.less if k.get("strict_max") else pc.less_equal)(values, bound(hi)))
    return ok


def between(t: pa.Table, k: dict, p: dict) -> np.ndarray:  # column_values.between
    col = comparable(t.column(k["column"]))
    return bounded(col, k, p, lambda v: timestamp_of(v, col))


def lengths_between(t: pa.Table, k: dict, p: dict) -> np.ndarray:  # column_values.value_length.between
    return bounded(pc.utf8_length(t.column(k["column"])), k, p)


def greater(t: pa.Table, k: dict, p: dict) -> np.ndarray:  # column_pair_values.a_greater_than_b
    a, b = comparable(t.column(k["column_A"])), comparable(t.column(k["column_B"]))
    return mask((pc.greater_equal if k.get("or_equal") else pc.greater)(a, b))


CONDITIONS: dict[str, Callable[[pa.Table, dict, dict], np.ndarray]] = {
    "expect_column_values_to_not_be_null": lambda t, k, p: ~null(t.column(k["column"])),
    "expect_column_values_to_be_unique": lambda t, k, p: ~duplicated([t.column(k["column"])]),
    "expect_column_value_lengths_to_be_between": lengths_between,
    "expect_column_values_to_be_between": between,
    "expect_column_values_to_be_in_set": lambda t, k, p: mask(pc.is_in(
        t.column(k["column"]), pa.array(resolved(k["value_set"], p), t.column(k["column"]).type))),
    "expect_column_values_to_match_regex": lambda t, k, p: searched(t.column(k["column"]), resolved(k["regex"], p)),
    "expect_column_values_to_not_match_regex": lambda t, k, p: ~searched(t.column(k["column"]),
                                                                         resolved(k["regex"], p)),
    "expect_column_values_to_not_match_regex_list": lambda t, k, p: ~np.any(
        [searched(t.column(k["column"]), rx) for rx in resolved(k["regex_list"], p)] or [np.zeros(t.num_rows, bool)],
        axis=0),
    "expect_column_pair_values_a_to_be_greater_than_b": greater,
    "expect_column_pair_values_to_be_equal": lambda t, k, p: mask(pc.equal(t.column(k["column_A"]),
                                                                           t.column(k["column_B"]))),
    # ours (quality/docs.py registers it with Great Expectations for the Data Docs): a vectorised `!=`
    "expect_column_pair_values_to_differ": lambda t, k, p: mask(pc.not_equal(t.column(k["column_A"]),
                                                                             t.column(k["column_B"]))),
    "expect_compound_columns_to_be_unique": lambda t, k, p: ~duplicated([t.column(c) for c in k["column_list"]]),
}
ACROSS_ROWS = frozenset({"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"})
"""Expectations whose condition on a row depends on the other rows (a key's copies): run over a whole run's
rows at once, not a unit's (quality/validation.py)."""
# Great Expectations' default `ignore_row_if` of each family (a kwarg in the suite overrides it)
PAIR_DEFAULT = {"expect_column_pair_values_to_differ": "both_values_are_missing"}
NOT_NULL = "expect_column_values_to_not_be_null"


def missing(t: pa.Table, e: dict) -> np.ndarray:
    """The rows Great Expectations' domain leaves out: nulls of the column, or the pair's / the list's `ignore_row_if`."""
    k = e["kwargs"]
    if e["type"] == NOT_NULL:  # its condition is about nulls: every row is in its domain
        return np.zeros(t.num_rows, bool)
    if "column" in k:
        return null(t.column(k["column"]))
    if "column_A" in k:
        a, b = null(t.column(k["column_A"])), null(t.column(k["column_B"]))
        how = k.get("ignore_row_if", PAIR_DEFAULT.get(e["type"], "both_values_are_missing"))
        return {"both_values_are_missing": a & b, "either_value_is_missing": a | b,
                "neither": np.zeros(t.num_rows, bool)}[how]
    nulls = np.array([null(t.column(c)) for c in k["column_list"]])
    how = k.get("ignore_row_if", "all_values_are_missing")
    return {"all_values_are_missing": nulls.all(axis=0), "any_value_is_missing": nulls.any(axis=0),
            "never": np.zeros(t.num_rows, bool)}[how]


def run(e: dict, parameters: dict[str, Any], t: pa.Table) -> Outcome:
    """One expectation of a suite document over the rows of `t`."""
    condition = CONDITIONS.get(e["type"])
    if condition is None or e["kwargs"].get("row_condition"):
        raise Unsupported(f"{e['type']} {e['kwargs']}: not an expectation this executor runs")
    out = missing(t, e)
    kept = t.filter(pa.array(~out)) if out.any() else t
    ok = condition(kept, e["kwargs"], parameters)
    unexpected = np.flatnonzero(~out)[~ok]
    return Outcome(t.num_rows, int(out.sum()), unexpected)
