"""`kcna-etl report`: a run's quality report on the terminal, failed expectations first; with `--data-docs`,
the run's Great Expectations Data Docs built first from its stored results (a run builds them itself only
when an expectation failed)."""
from __future__ import annotations

import sys
from pathlib import Path

from kcna_etl.quality import report as quality
from kcna_etl.storage import location


def report(warehouse: Path, run_id: str | None = None, data_docs: str | None = None) -> int:
    """Print the report of `run_id`, or of the latest run; exit 0 when there is one, 2 when not.
    `data_docs`: the warehouse's location, where the run's Data Docs are built (and its report updated)."""
    found = quality.read(warehouse, run_id)
    if found is None:
        what = f"run {run_id}" if run_id else "any run"
        print(f"kcna-etl report: no quality report for {what} under {quality.folder(warehouse)}", file=sys.stderr)
        return 2
    if data_docs is not None and not found.get("data_docs"):
        from kcna_etl.quality.docs import build  # Great Expectations: imported for this only
        pages = build(location.join(data_docs, "_quality"), found["run_id"])
        if not pages:
            print(f"kcna-etl report: run {found['run_id']} stored no results (no new rows): no Data Docs",
                  file=sys.stderr)
        else:
            found["data_docs"] = pages
            quality.write(warehouse, found)
            publish_report(data_docs, warehouse, found["run_id"])
    print(quality.text(found))
    return 0


def publish_report(warehouse_location: str, local: Path, run_id: str) -> None:
    """The rewritten report, its page and the index back to a bucket (a local warehouse is written in place)."""
    if not location.is_remote(warehouse_location):
        return
    fs, root = location.resolve(warehouse_location)
    for rel in (f"_quality/runs/{run_id}.json", f"_quality/runs/{run_id}.html", "_quality/runs.html"):
        with open(local / rel, "rb") as src, fs.open_output_stream(f"{root}/{rel}", compression=None) as dst:
            dst.write(src.read())
