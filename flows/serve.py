"""`kcna-etl serve`: the flow as a deployment with a cron schedule, served by this long-running process.

The process registers the deployment `kcna-etl/<name>` with the Prefect server
(`PREFECT_API_URL`), then polls it for runs, scheduled or triggered from the UI
or the API, and runs each one in a child process. Overlaps are excluded twice:
the deployment takes one run at a time and cancels a run that would start
while another is running (a slow run and the next tick), and every run holds
the warehouse lock (`if_locked="skip"` by default here: a run that finds a
manual run or a backfill holding it ends at once as `Skipped`).
"""
from __future__ import annotations

import os
import zoneinfo

from kcna_etl.storage import location
from kcna_etl.storage.memory import pool_environment

def problem(cron: str, timezone: str) -> str | None:
    """Mistakes in the schedule, told before anything is registered."""
    from prefect.schedules import Cron
    try:
        Cron(cron, timezone=timezone)
    except ValueError as e:
        return f"--cron {cron!r}: {e}"
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"--timezone {timezone!r} is not an IANA time zone (e.g. UTC, Asia/Seoul)"
    from prefect.settings import get_current_settings
    if not get_current_settings().api.url:
        return "no Prefect server: set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api) to a running `prefect server start`"
    return None


def serve(name: str, cron: str, timezone: str, parameters: dict) -> None:
    """Register the deployment and serve it until SIGTERM (the schedule is paused on the way out)."""
    from prefect import serve as serve_deployments
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    from kcna_etl.flows.pipeline import kcna_etl

    parameters = dict(parameters, input=location.normalize(parameters["input"]),
                      warehouse=location.normalize(parameters["warehouse"]), show_progress=False)
    deployment = kcna_etl.to_deployment(
        name=name, schedule=Cron(cron, timezone=timezone), parameters=parameters,
        concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW),
        # the installed package, whatever the working directory of the child process
        entrypoint_type=EntrypointType.MODULE_PATH,
        description=f"kcna-etl on {parameters['input']} into {parameters['warehouse']}, cron {cron!r} ({timezone}).",
    )
    serve_deployments(deployment)


def use_runner(runner: str, workers: int | None, dask_address: str | None = None) -> None:
    """The flow runs in child processes: they read the task runner (and Arrow's memory pool) from the environment."""
    os.environ.update(pool_environment(os.environ))
    os.environ["KCNA_ETL_RUNNER"] = runner
    if workers:
        os.environ["KCNA_ETL_WORKERS"] = str(workers)
    if dask_address:
        os.environ["KCNA_ETL_DASK_ADDRESS"] = dask_address
