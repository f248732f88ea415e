"""A run's quality report: what each expectation found, as JSON, Markdown and terminal text.

Takes the run's `Check`s (one per expectation of the suites in `expectations/`,
filled by `quality/validation.py`). The status of a run:

- `passed`: every expectation held;
- `warnings`: some failed, but no `error` expectation on more than the allowed
  share of its table's rows (rows failing an `error` expectation are quarantined);
- `failed`: an `error` expectation failed on more than that share.

Example values come from page text: Markdown gets them escaped, the terminal
without control characters. No Great Expectations here: `kcna-etl report`
reads the JSON without it.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kcna_etl.transforms.escape import markdown_text

STATUS_EXIT = {"passed": 0, "warnings": 3, "failed": 4}
MAX_ERROR_SHARE = 0.05
EXAMPLES = 10  # example rows kept per expectation
SEVERITY_ORDER = {"error": 0, "warning": 1}


@dataclass
class Check:
    """One expectation over the whole run: its counts, the failing rows and a few examples."""
    table: str
    name: str
    severity: str
    type: str
    description: str
    columns: list[str]
    patterns: list[str] = field(default_factory=list)  # what it looks for, to show where a value matched
    mostly: float = 1.0
    element_count: int = 0
    missing_count: int = 0
    unexpected_count: int = 0
    unit_rows: list[np.ndarray] = field(default_factory=list)
    examples: list[dict] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.table}.{self.name}"

    @property
    def rows(self) -> np.ndarray:
        """`staged_row` of every failing row."""
        import numpy as np  # here, not at import: `kcna-etl`'s supervisor reads this module's constants only

        return np.concatenate(self.unit_rows) if self.unit_rows else np.empty(0, np.int64)

    @property
    def checked(self) -> int:
        return self.element_count - self.missing_count

    @property
    def success(self) -> bool:
        return self.unexpected_count == 0 or (
            self.checked > 0 and 1 - self.unexpected_count / self.checked >= self.mostly)

    @property
    def unexpected_percent(self) -> float:
        """Of the values checked (Great Expectations' convention: nulls a check ignores are not counted)."""
        return 100 * self.unexpected_count / self.checked if self.checked else 0.0

    @property
    def row_share(self) -> float:
        """Failing rows as a share of the table's rows."""
        return self.unexpected_count / self.element_count if self.element_count else 0.0


@dataclass
class Unit:
    """What one validation unit found: rows per table, and each expectation's `Check` on them."""
    number: int
    rows: dict[str, int]
    checks: list[Check]


@dataclass
class Validation:
    """The run's validation: the units added up."""
    rows: dict[str, int]
    checks: list[Check]


def merge(units: list[Unit]) -> Validation:
    """Units added up, in unit order (so that the examples kept are the same on every run)."""
    units = sorted(units, key=lambda u: u.number)
    rows: dict[str, int] = {}
    merged: dict[str, Check] = {}
    for u in units:
        for t, n in u.rows.items():
            rows[t] = rows.get(t, 0) + n
        for c in u.checks:
            m = merged.setdefault(c.id, Check(c.table, c.name, c.severity, c.type, c.description, c.columns,
                                              c.patterns, c.mostly))
            m.element_count += c.element_count
            m.missing_count += c.missing_count
            m.unexpected_count += c.unexpected_count
            m.unit_rows += c.unit_rows
            m.examples += c.examples[:max(0, EXAMPLES - len(m.examples))]
    return Validation(rows, list(merged.values()))


def status_of(checks: list[Check], max_error_share: float) -> tuple[str, str]:
    """The run's status and a one-line message saying why."""
    failed = [c for c in checks if not c.success]
    if not checks:
        return "passed", "no new rows to validate"
    if not failed:
        return "passed", f"all {len(checks)} expectations passed"
    over = [c for c in failed if c.severity == "error" and c.row_share > max_error_share]
    if over:
        worst = max(over, key=lambda c: c.row_share)
        return "failed", (f"{len(over)} error expectation(s) failed on more than {max_error_share:.1%} of their "
                          f"table's rows, worst {worst.id} on {worst.row_share:.1%}")
    errors = sum(c.severity == "error" for c in failed)
    return "warnings", (f"{len(failed)} of {len(checks)} expectations failed ({errors} error, "
                        f"{len(failed) - errors} warning); failing rows of error expectations are quarantined")


def summary(run_id: str, run_date: str, checks: list[Check], rows: dict[str, int], quarantined: dict[str, int],
            max_error_share: float, data_docs: dict[str, str] | None) -> dict[str, Any]:
    status, message = status_of(checks, max_error_share)
    return {
        "run_id": run_id, "run_date": run_date, "status": status, "message": message,
        "max_error_share": max_error_share, "rows": rows, "quarantined": quarantined, "data_docs": data_docs,
        "expectations": [{
            "id": c.id, "table": c.table, "name": c.name, "type": c.type, "severity": c.severity,
            "description": c.description, "success": c.success, "rows": c.element_count,
            "missing": c.missing_count, "unexpected_count": c.unexpected_count,
            "unexpected_percent": round(c.unexpected_percent, 4), "examples": c.examples,
        } for c in checks],
    }


def failures_first(s: dict) -> list[dict]:
    return sorted(s["expectations"], key=lambda e: (e["success"], SEVERITY_ORDER.get(e["severity"], 9)))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def md(value: Any) -> str:
    """Text safe inside Markdown (and the HTML it becomes): one line, markup characters escaped."""
    return markdown_text(_CONTROL.sub(" ", str(value)))


def plain(value: Any) -> str:
    """Text safe on a terminal: control characters (escape sequences, bidi overrides) become spaces."""
    return _CONTROL.sub(" ", str(value))


def example_line(e: dict, escape) -> str:
    fields = ", ".join(f"{k}={escape(repr(v))}" for k, v in e.items() if k != "raw_path")
    return f"{escape(e['raw_path'])}: {fields}"


def markdown(s: dict) -> str:
    """The Prefect artifact: status, then failures with examples, then what passed."""
    q = s["quarantined"]
    out = [f"# kcna-etl quality: {s['status'].upper()}", "",
           f"Run `{s['run_id']}`, run date {s['run_date']}: {md(s['message'])}.", "",
           f"Rows validated: {', '.join(f'{t} {n:,}' for t, n in s['rows'].items())}. "
           f"Quarantined: {q.get('pages', 0):,} page(s); rows "
           f"{', '.join(f'{t} {q.get(t, 0):,}' for t in s['rows'])}.", ""]
    failed = [e for e in failures_first(s) if not e["success"]]
    if failed:
        out += ["| expectation | severity | unexpected | % |", "|---|---|---|---|"]
        out += [f"| {md(e['id'])} | {e['severity']} | {e['unexpected_count']:,} of {e['rows']:,} | "
                f"{e['unexpected_percent']:.2f} |" for e in failed]
        for e in failed:
            out += ["", f"**{md(e['id'])}**: {md(e['description'])}", ""]
            out += [f"- {example_line(x, md)}" for x in e["examples"]]
    passed = [e["id"] for e in s["expectations"] if e["success"]]
    if passed:
        out += ["", f"Passed ({len(passed)}): " + ", ".join(md(i) for i in passed)]
    if s.get("page"):
        out += ["", f"Quality page (opens offline): `{s['page']}`"]
    if h := s.get("health"):
        out += ["", f"Outlet health: {len(h['warnings']):,} warning(s), never failures (listed in the quality page)."]
    if s.get("data_docs"):
        out += ["", "Data Docs (the index opens offline):"] + [f"- {t}: `{p}`" for t, p in s["data_docs"].items()]
    elif s.get("index"):
        out += ["", f"Index of every run (opens offline): `{s['index']}`"]
    return "\n".join(out) + "\n"


def text(s: dict) -> str:
    """The terminal report: failures first, each with its examples; then what passed."""
    q = s["quarantined"]
    lines = [f"kcna-etl quality report, run {s['run_id']} (run date {s['run_date']}): {s['status'].upper()}",
             f"  {plain(s['message'])}",
             f"  rows validated: {', '.join(f'{t} {n:,}' for t, n in s['rows'].items())}",
             f"  quarantined: {q.get('pages', 0):,} page(s); rows "
             f"{', '.join(f'{t} {q.get(t, 0):,}' for t in s['rows'])}"]
    failed = [e for e in failures_first(s) if not e["success"]]
    if failed:
        lines.append(f"failed ({len(failed)}):")
        for e in failed:
            lines.append(f"  {e['severity'].upper():7} {e['id']}: {e['unexpected_count']:,} of {e['rows']:,} "
                         f"({e['unexpected_percent']:.2f}%) - {plain(e['description'])}")
            lines += [f"          {example_line(x, plain)}" for x in e["examples"]]
    passed = [e["id"] for e in s["expectations"] if e["success"]]
    if passed:
        lines.append(f"passed ({len(passed)}): " + ", ".join(passed))
    lines += health_lines(s.get("health"))
    if s.get("page"):
        lines.append(f"quality page (opens offline): {s['page']}")
    if s.get("data_docs"):
        lines.append("Data Docs (pages of this run; the index lists every run, opens offline):")
        lines += [f"  {t}: {p}" for t, p in s["data_docs"].items() if t != "index"]
        lines.append(f"  index: {s['data_docs']['index']}")
    elif any(s["rows"].values()):
        lines.append(f"Data Docs: not built (every expectation passed); kcna-etl report --run {s['run_id']} "
                     "--data-docs builds them")
    if not s.get("data_docs") and s.get("index"):
        lines.append(f"index of every run (opens offline): {s['index']}")
    return "\n".join(lines)


HEALTH_SHOWN = 20  # warnings listed on the terminal; the JSON keeps them all


def health_lines(h: dict | None) -> list[str]:
    """Outlet health (quality/health.py): warnings only, never part of the status."""
    if not h or not h["warnings"]:
        return []
    ws = h["warnings"]
    lines = [f"outlet health (warnings, not failures; latest publication day {h['as_of']}): {len(ws)}"]
    lines += [f"  {w['signal']:12} {plain(w['source'] or 'all outlets')} {w['day'] or ''}: {plain(w['message'])}"
              for w in ws[:HEALTH_SHOWN]]
    if len(ws) > HEALTH_SHOWN:
        lines.append(f"  ... {len(ws) - HEALTH_SHOWN} more in the JSON report")
    return lines


def report_run(warehouse: Path, run_id: str, run_date: dt.date, validation: Validation | None,
               data_docs: dict[str, str] | None, quarantined: dict[str, int], max_error_share: float,
               tables: tuple[str, ...], health: dict | None = None, input_root: str | None = None) -> dict[str, Any]:
    """The run's JSON summary, written under `<warehouse>/_quality/runs/`; `health`: its outlet health;
    `input_root`: the run's input (a folder or s3:// URI), under which its pages' `raw_path`s are."""
    checks, rows = (validation.checks, validation.rows) if validation else ([], {t: 0 for t in tables})
    s = summary(run_id, run_date.isoformat(), checks, rows, quarantined, max_error_share, data_docs)
    s["health"] = health
    s["input"] = input_root
    s["path"] = str(write(warehouse, s))
    return s


def run_health(store: Any, run_id: str) -> dict | None:
    """Outlet health of the warehouse `store` (a storage.store.Warehouse) after run `run_id`: warnings of the
    outlet-days the run brought, silences going on, and the run's share of rejected pages; by canonical
    outlet, as the overview judges them (one outlet's spellings together)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from kcna_etl.quality import health
    from kcna_etl.quality.overview import OUTLET, _con, canonical_sources
    from kcna_etl.transforms.lexicon import rules

    def read(table: str, columns: list[str], where: Any = None):
        d = store.table(table)
        if d is None:
            return None
        return d.to_table(columns=[c for c in columns if c in d.schema.names], filter=where)

    manifest = read("_manifest", ["article_id", "outcome"], ds.field("run_id") == run_id)
    articles = read("articles", ["article_id", "outlet", *health.ARTICLE_COLUMNS])
    if manifest is None or articles is None:
        return None
    ids = manifest.filter(pc.is_in(manifest["outcome"], pa.array(["article", "quarantined"])))["article_id"]
    ids = ids.drop_null().combine_chunks()  # an Array: `isin` reads an empty ChunkedArray as null-typed
    held = read("quarantine/articles", ["article_id", "outlet", *health.QUARANTINE_COLUMNS])
    teasers = read("teasers", list(health.TEASER_COLUMNS), ds.field("article_id").isin(ids))
    days = set()
    for t in (articles, held):
        if t is not None:
            mine = t.filter(pc.is_in(t["article_id"], ids))
            outlet = OUTLET if "outlet" in mine.schema.names else "coalesce(source, '(no outlet)')"
            days |= set(_con(mine=mine).sql(f"select distinct {outlet}, published_date from mine").fetchall())
    c = canonical_sources(articles, teasers, held, rules().outlet_of)
    rejected = pc.sum(pc.equal(manifest["outcome"], "rejected")).as_py() or 0
    return health.assess(c["articles"], c["quarantined"], c["teasers"], health.thresholds(), days,
                         (manifest.num_rows, rejected))


def folder(warehouse: Path) -> Path:
    return warehouse / "_quality"


def report_path(warehouse: Path, run_id: str) -> Path:
    return folder(warehouse) / "runs" / f"{run_id}.json"


def write(warehouse: Path, s: dict) -> Path:
    """The run's JSON report and its page, then the index of every run (both pages open offline: Great
    Expectations' own index.html lists the runs only with scripts from CDNs)."""
    from kcna_etl.quality.page import INDEX, html_page, index_page
    path = report_path(warehouse, s["run_id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    page = path.with_suffix(".html")
    s["page"] = str(page)  # one self-contained page of the run, for the person on duty
    s["index"] = str(folder(warehouse) / INDEX)
    if s.get("data_docs"):  # the index linked with the Data Docs is ours, beside Great Expectations'
        s["data_docs"]["index"] = s["data_docs"]["index"].rpartition("/")[0] + "/" + INDEX
    page.write_text(html_page(s, str(warehouse)), encoding="utf-8")
    publish(path, json.dumps(s, indent=2, ensure_ascii=False, default=str))
    publish(folder(warehouse) / INDEX, index_page(folder(warehouse)))
    return path


def publish(path: Path, text: str) -> None:
    """Written whole or not at all: a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def read(warehouse: Path, run_id: str | None = None) -> dict | None:
    """A run's report, or the latest one (run ids begin with their UTC start time)."""
    runs = folder(warehouse) / "runs"
    if run_id is not None and not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z-]*", run_id):
        return None
    if run_id is None:
        found = sorted(runs.glob("*.json")) if runs.is_dir() else []
        path = found[-1] if found else None
    else:
        path = report_path(warehouse, run_id)
    return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else None
