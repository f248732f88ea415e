"""`kcna-etl report`: a run's quality report on the terminal, failed expectations first."""
from __future__ import annotations

import sys
from pathlib import Path

from kcna_etl.quality import report as quality


def report(warehouse: Path, run_id: str | None = None) -> int:
    """Print the report of `run_id`, or of the latest run; exit 0 when there is one, 2 when not."""
    found = quality.read(warehouse, run_id)
    if found is None:
        what = f"run {run_id}" if run_id else "any run"
        print(f"kcna-etl report: no quality report for {what} under {quality.folder(warehouse)}", file=sys.stderr)
        return 2
    print(quality.text(found))
    return 0
