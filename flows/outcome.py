"""How a flow run ends in Prefect: outcomes read as outcomes, not as crashes.

A run that fails validation ends Failed with its message. Prefect's engine, running a deployment's
flow run in a child process, asks the Failed state for its result, raises the exception it holds and
logs it as "Engine execution exited with unexpected exception" with a traceback, at ERROR, into the
flow run's logs. That is a crash to whoever reads them; here it is the run's verdict, already in the
state's message and the run summary. `QualityFailed` is that verdict as the exception Prefect wants
(carrying the summary, for the CLI), and `QuietVerdict` drops only that one log record.
"""
from __future__ import annotations

import logging
from typing import Any


class QualityFailed(Exception):
    """The run failed validation (it is committed; the summary says what failed)."""

    def __init__(self, summary: dict[str, Any]):
        super().__init__(f"quality failed: {summary['quality']['message']}")
        self.summary = summary

    def __reduce__(self):  # picklable with its summary (results, Dask)
        return QualityFailed, (self.summary,)


class QuietVerdict(logging.Filter):
    """Drop the engine's traceback of a `QualityFailed` (the flow run's state already says it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], QualityFailed))


# The engine logs through the flow run logger ("prefect.flow_runs"); a logger's filter runs before any
# handler, Prefect's API log handler included.
if not any(isinstance(f, QuietVerdict) for f in logging.getLogger("prefect.flow_runs").filters):
    logging.getLogger("prefect.flow_runs").addFilter(QuietVerdict())

STAGES = ("ingest", "clean", "split", "enrich", "stage")


def stage_table(batches: list[dict[str, Any]], run_seconds: dict[str, float]) -> list[dict[str, Any]]:
    """Seconds per stage: a row per batch (in the order they finished), then a row of the run's own stages."""
    columns = [*STAGES, *run_seconds]
    rows = [{"step": f"batch {i + 1}", "pages": b["pages"], **{k: b["seconds"].get(k) for k in columns}}
            for i, b in enumerate(batches)]
    rows.append({"step": "run", "pages": sum(b["pages"] for b in batches), **{k: run_seconds.get(k) for k in columns}})
    return [{k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()} for row in rows]
