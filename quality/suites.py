"""The expectation suites as files: `expectations/<table>.json`, read and checked, without Great Expectations.

Takes the suite folder and the lexicon's `Rules`. Returns the suite documents
(each expectation with a unique `meta.name` and a `meta.severity`), the values
of their suite parameters for a run, and what an expectation reads (its
columns) or looks for (its regular expressions).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from kcna_etl.transforms.rules import Rules

# The suites ship inside the package: found the same way installed, editable or from a wheel.
SUITES = Path(str(resources.files("kcna_etl.expectations")))
TABLES = ("articles", "teasers", "mentions")
SEVERITIES = ("error", "warning")


class SuiteError(Exception):
    """A suite file that cannot be used as it is."""


def load_suites(folder: Path = SUITES) -> dict[str, dict]:
    """The suite documents, one per table, each expectation named and given a severity."""
    out = {}
    for table in TABLES:
        path = folder / f"{table}.json"
        doc = json.loads(path.read_text(encoding="utf-8"))
        names = [(e.get("meta") or {}).get("name") for e in doc["expectations"]]
        if not all(names) or len(set(names)) != len(names):
            raise SuiteError(f"{path}: every expectation needs a unique meta.name")
        for e in doc["expectations"]:
            if e["meta"].get("severity") not in SEVERITIES:
                raise SuiteError(f"{path}: {e['meta']['name']}: meta.severity must be one of {', '.join(SEVERITIES)}")
        out[table] = doc
    return out


def suite_parameters(rules: Rules, run_date: dt.date) -> dict[str, Any]:
    """Values the suites name as `{"$PARAMETER": ...}`: the run date and the lexicon's outlets and chrome."""
    return {"run_date": f"{run_date.isoformat()}T00:00:00", "outlets": list(rules.outlets),
            "chrome_markers": [re.escape(m) for m in rules.markers]}


def columns_of(expectation: dict) -> list[str]:
    """The columns an expectation reads."""
    k = expectation["kwargs"]
    return [k[c] for c in ("column", "column_A", "column_B") if c in k] + list(k.get("column_list", []))


def patterns_of(expectation: dict, parameters: dict[str, Any]) -> list[str]:
    """The regular expressions an expectation matches values against (none for most)."""
    k = expectation["kwargs"]
    found = k.get("regex_list", [k["regex"]] if "regex" in k else [])
    return list(parameters[found["$PARAMETER"]] if isinstance(found, dict) else found)
