"""Where the batch tasks run: the one seam for the task runner.

`process` (default): a pool of worker processes on this machine, so that
parsing uses every core (threads would share one, under the GIL).
`thread`: one process, for debugging and tiny inputs.

A flow's default comes from `KCNA_ETL_RUNNER` and `KCNA_ETL_WORKERS`: a served
deployment runs each flow run in a new process, which inherits them.
"""
from __future__ import annotations

import os

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

RUNNERS = ("process", "thread")


def task_runner(name: str, workers: int | None = None) -> TaskRunner:
    workers = workers or os.cpu_count() or 1
    if name == "process":
        return ProcessPoolTaskRunner(max_workers=workers)
    if name == "thread":
        return ThreadPoolTaskRunner(max_workers=workers)
    raise ValueError(f"unknown runner {name!r}; choose one of {', '.join(RUNNERS)}")


def default_task_runner() -> TaskRunner:
    return task_runner(os.environ.get("KCNA_ETL_RUNNER", "process"), int(os.environ.get("KCNA_ETL_WORKERS") or 0) or None)
