"""Where the batch tasks run: the one seam for the task runner.

`process` (default): the tasks in threads of the flow's process, as Prefect
tracks them, and the work of each batch in a pool of worker processes on this
machine that run no task engine (`ProcessTaskRunner`), so that parsing uses every
core (threads would share one, under the GIL).
`thread`: one process, for debugging and tiny inputs.
`dask`: the workers of a Dask cluster, through prefect-dask's `DaskTaskRunner`:
an existing cluster at `dask_address` (`tcp://HOST:PORT`), else a local
cluster of `workers` processes started for the run and closed after it. A task
takes locations and page paths, never page text: a worker reads its pages
from the input location and writes its rows to the run's staging location
itself, so those must be reachable from every worker (on a cluster: object
storage; see docs/scale.md).

A flow's default comes from `KCNA_ETL_RUNNER`, `KCNA_ETL_WORKERS` and
`KCNA_ETL_DASK_ADDRESS`: a served deployment runs each flow run in a new
process, which inherits them.
"""
from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextvars import ContextVar
from typing import Any, Callable

from prefect.context import FlowRunContext
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from kcna_etl.storage.location import is_remote

RUNNERS = ("process", "thread", "dask")


def task_runner(name: str, workers: int | None = None, dask_address: str | None = None) -> TaskRunner:
    workers = workers or os.cpu_count() or 1
    if name == "process":
        return ProcessTaskRunner(max_workers=workers)
    if name == "thread":
        return ThreadPoolTaskRunner(max_workers=workers)
    if name == "dask":
        return dask_runner(workers, dask_address)
    raise ValueError(f"unknown runner {name!r}; choose one of {', '.join(RUNNERS)}")


# The pool of worker processes the batch tasks of a `ProcessTaskRunner` hand their work to, in the tasks' threads
PARSING: ContextVar[Executor | None] = ContextVar("kcna_etl_parsing", default=None)


class ProcessTaskRunner(ThreadPoolTaskRunner):
    """The `process` runner: each task runs in a thread of the flow's process (a Prefect task run as any other:
    state, retries, logs), and a batch task hands its work (`in_workers`) to a pool of worker processes, made by
    the copy of the runner that `worker_pool` enters for the batches, which run no task engine. Prefect's own
    process pool ran the whole task engine in each worker: ~2.5 s more CPU and ~75 MB more memory a worker, for a
    task whose work needs none of it. (A worker imports the module the flow's process was started from, as
    multiprocessing's spawn does: nothing of Prefect under the CLI, `kcna_etl.cli.main`; Prefect under a
    deployment's `python -m prefect.engine`, ~1.5 s more.)"""

    @functools.cached_property
    def pool(self) -> ProcessPoolExecutor:
        """Made when first asked for (by `worker_pool`'s copy): the flow's own runner hands no batch to workers.
        Spawned, not forked: the flow's process runs threads (Prefect's), which a fork would copy mid-work; its
        processes start with the first batch handed to it."""
        return ProcessPoolExecutor(self._max_workers, mp_context=multiprocessing.get_context("spawn"))

    def __exit__(self, *exc_info):
        try:
            if "pool" in self.__dict__:
                self.__dict__.pop("pool").shutdown(wait=True, cancel_futures=True)
        finally:  # the threads too, even when the shutdown is interrupted (Ctrl-C, which then goes on up)
            done = super().__exit__(*exc_info)
        return done


def in_workers(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` in a worker process of the runner the task was submitted to, else here (a batch the flow runs
    itself, a thread or a Dask runner)."""
    pool = PARSING.get()
    return pool.submit(fn, *args).result() if pool is not None else fn(*args)


def dask_runner(workers: int, address: str | None) -> TaskRunner:
    from prefect_dask import DaskTaskRunner

    address = address or os.environ.get("KCNA_ETL_DASK_ADDRESS")
    if address:
        return DaskTaskRunner(address=address)
    # one thread a worker: parsing holds the GIL; no dashboard: its fixed port would clash between runs
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None})


def default_task_runner() -> TaskRunner:
    return task_runner(os.environ.get("KCNA_ETL_RUNNER") or "process",
                       int(os.environ.get("KCNA_ETL_WORKERS") or 0) or None)


class Unreachable(RuntimeError):
    """A worker cannot see a folder of the run (a Dask worker on another machine)."""


def reaches(folder: str) -> None:
    """Refuse to work where the run's local folder (made by the flow before any task) is missing: a worker
    on another machine would otherwise write its rows to a disk of its own, and they would be lost. A
    location on object storage (an S3 warehouse's staging) is reached by every worker."""
    if not is_remote(folder) and not os.path.isdir(folder):
        raise Unreachable(f"this worker ({socket.gethostname()}) cannot see {folder}: every worker must reach "
                          "the run's staging folder and warehouse at the same location (docs/scale.md)")


@contextlib.contextmanager
def worker_pool() -> Iterator[TaskRunner]:
    """A copy of the running flow's task runner for the batches alone: leaving it ends its worker
    processes, so that they hold no memory while the flow commits. A Dask runner is not copied: a
    copy would start (or connect to) a second cluster, and a cluster's workers are not this machine's."""
    runner = FlowRunContext.get().task_runner
    if type(runner).__module__.startswith("prefect_dask"):
        yield runner
        return
    with runner.duplicate() as runner:
        handing = PARSING.set(getattr(runner, "pool", None))  # before any submit: each task's thread runs in a copy
        try:
            yield runner
        finally:
            PARSING.reset(handing)


def cli_flow_settings() -> contextlib.AbstractContextManager:
    """Prefect settings for a flow run that the CLI runs in its own process: no heartbeats, unless the operator
    sets `PREFECT_FLOWS_HEARTBEAT_FREQUENCY` (for an automation that marks silent runs Crashed). The heartbeat
    thread sleeps in whole seconds and Prefect's engine joins it as the run ends: ~0.9 s of every run spent
    waiting (docs/benchmarks.md). A served deployment keeps Prefect's default."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    return temporary_settings(set_defaults={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


@contextlib.contextmanager
def temporary_api() -> Iterator[None]:
    """For a CLI run with no `PREFECT_API_URL`: Prefect's temporary server, started here (`TemporaryServer`)
    rather than by Prefect's client, and its URL in the environment for the run, as if the operator had set
    it: Prefect's background threads read the process-wide settings, not this thread's (with the URL in a
    context only, one of them started a second temporary server), and the workers inherit it."""
    from prefect.context import refresh_global_settings_context
    from prefect.settings import get_current_settings
    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:  # a server of its own; or none allowed
        yield
        return
    with TemporaryServer() as server:
        os.environ["PREFECT_API_URL"] = server.api_url
        refresh_global_settings_context()
        try:
            yield
        finally:
            del os.environ["PREFECT_API_URL"]
            refresh_global_settings_context()


class TemporaryServer:
    """Prefect's temporary server for one CLI run: the app and command that Prefect's client starts
    (`prefect.server.api.server.SubprocessASGIServer`: uvicorn on `create_app`, marked ephemeral, so no UI and
    only the services a temporary server runs), started here instead because that class's module imports
    Prefect's whole server (FastAPI, SQLAlchemy, the models: ~3 s of CPU) into the CLI's process only to
    start a subprocess which imports it again. Same database (under `PREFECT_HOME`), same states, logs and
    artifacts. Stopped (SIGTERM, then SIGKILL) when the run ends."""

    PORT_IN_USE = 3  # uvicorn's exit status when it cannot bind
    # What a server that lives for one run does without (the operator's environment overrides each): the
    # automations' services (one run, nothing to automate; their consumer builds a second app in-process),
    # streaming events to websocket subscribers (no UI), and registering block types, which first imports
    # every installed Prefect collection (prefect-dask's among them). Together ~0.9 s of the server's
    # ~5 s of CPU before it answers (docs/benchmarks.md). Task run states (TaskRunRecorder), events, logs
    # and artifacts are recorded as before.
    LIGHTER = {"PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false", "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "false",
               "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
               "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false"}

    def __init__(self) -> None:
        self.server_process = None
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def running(self) -> bool:
        return self.server_process is not None and self.server_process.poll() is None

    def __enter__(self) -> "TemporaryServer":
        global _server
        _server = self
        try:
            self.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc) -> None:
        global _server
        _server = None
        if self.server_process is not None:
            self.server_process.terminate()
            try:
                self.server_process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.server_process.kill()
                self.server_process.wait()

    def launch(self) -> None:
        import prefect
        from prefect.settings import get_current_settings

        with socket.socket() as s:  # a free port (Prefect draws one in 8000-8999)
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server_process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"],
            env={**self.LIGHTER, **os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                 "PREFECT__SERVER_FINAL": "1", **get_current_settings().to_environment_variables(exclude_unset=True)})

    def start(self) -> None:
        """Launch the server and wait until it answers, as Prefect's client does (same timeout setting)."""
        import httpx
        from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

        self.launch()
        deadline = time.monotonic() + PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
        with httpx.Client() as client:
            while time.monotonic() < deadline:
                if self.server_process.poll() == self.PORT_IN_USE:  # taken since we looked: another port
                    self.launch()
                    continue
                if self.server_process.poll() is not None:
                    break
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        status = self.server_process.poll()
        raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server."
                           + (f" Ephemeral server process exited with code {status}." if status is not None else ""))


_server: TemporaryServer | None = None  # the CLI's temporary server while a run uses it


def temporary_server():
    """The temporary Prefect server of this process's run, if one runs: the CLI's (`TemporaryServer`), or the one
    Prefect's client started (no `PREFECT_API_URL`: a flow called in process, a served run)."""
    server_module = sys.modules.get("prefect.server.api.server")  # imported only when a temporary server started
    server = _server or (server_module.SubprocessASGIServer._instances.get(None) if server_module else None)
    return server if server is not None and server.running else None
