"""Where the batch tasks run: the one seam for the task runner.

`process` (default): a pool of worker processes on this machine, so that
parsing uses every core (threads would share one, under the GIL).
`thread`: one process, for debugging and tiny inputs.
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
