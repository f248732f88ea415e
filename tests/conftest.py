"""Shared fixtures: the compiled rules, the labelled pages, a real Prefect server, a real S3-compatible
server (moto's), DuckDB readers."""
from __future__ import annotations

import contextlib
import fcntl
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "pages"
SEED_GOLD = ROOT / "samples" / "gold" / "seed_pages.json"
TEST_PAGES = ROOT / "tests" / "pages"
TEST_GOLD = TEST_PAGES / "expected.json"


def fetched_absent() -> int:
    """How many of the real labelled articles kept as stand-off data (fetched texts) are not materialized."""
    from kcna_etl.devtools.yardstick import REAL, absent
    return sum(len(absent(REAL / part)) for part in ("dev", "test"))


# a test of the whole real yardstick: skipped, saying so, where its fetched texts are not materialized (CI)
needs_fetched = pytest.mark.skipif(fetched_absent() > 0, reason=f"{fetched_absent()} fetched articles of "
                                   "tests/data/mentions/real are not materialized: python -m "
                                   "tests.data.mentions.real.tools.materialize")


def labelled_pages() -> list[tuple[Path, dict]]:
    """Every page with an exact expected reading: the real samples, then our own varied pages."""
    out = [(SAMPLES / g["page"], g) for g in json.loads(SEED_GOLD.read_text())]
    out += [(TEST_PAGES / g["page"], g) for g in json.loads(TEST_GOLD.read_text())]
    return out


@pytest.fixture(scope="session")
def rules():
    from kcna_etl.transforms.lexicon import rules as load
    return load()


@pytest.fixture(scope="session")
def lex():
    from kcna_etl.transforms.lexicon import lexicon as load
    return load()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(command: list[str], ready: str, what: str, timeout: float, env: dict | None = None):
    """A server process in a session of its own, returned once `ready` (a URL) answers 200 (stopped if it never does)."""
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    wait_ready(ready, proc.pid, what, timeout)
    return proc


def wait_ready(ready: str, pid: int, what: str, timeout: float) -> None:
    """Until `ready` (a URL) answers 200; the server's process group stopped if it exits or the time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(ready, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if not running(pid) or time.monotonic() > deadline:
            stop(pid)
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.3)


def running(pid: int) -> bool:
    """Whether a server's process group has a process left (a child of this process that exited is reaped)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(pid: int) -> None:
    """SIGTERM to a server's process group, then SIGKILL to what is left after 30 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not running(pid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


@contextlib.contextmanager
def server(command: list[str], ready: str, what: str, timeout: float, env: dict | None = None):
    """A server process, once `ready` (a URL) answers 200; always stopped (SIGTERM, then SIGKILL) on the way out."""
    proc = start_server(command, ready, what, timeout, env)
    try:
        yield
    finally:
        stop(proc.pid)


def shared_temp(tmp_path_factory) -> Path:
    """The base temp folder every pytest process of the session shares: an xdist worker's own is a folder in it."""
    own = tmp_path_factory.getbasetemp()
    return own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own


# Services of the Prefect server that no test uses, off in the session's server: their loops cost CPU all session
# long. Kept: the task run recorder (task runs read back), cancellation cleanup (interrupted runs). The scheduler
# is off too: the deployments' schedules are read back, never left to fire (an hourly one could otherwise start a
# run in the middle of a test of a served deployment).
UNUSED_SERVICES = ("scheduler", "late_runs", "foreman", "pause_expirations", "repossessor", "cleanup_reconciler",
                   "triggers", "event_persister")


def launch_prefect_server(shared: Path) -> dict:
    """Start the session's Prefect server (not waiting for it) and record where it is, in `shared`."""
    home = shared / "prefect-home"
    home.mkdir()
    port = free_port()
    env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_UI_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING",
               **{f"PREFECT_SERVER_SERVICES_{name.upper()}_ENABLED": "false" for name in UNUSED_SERVICES})
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
                             str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    record = {"pid": proc.pid, "url": f"http://127.0.0.1:{port}/api", "home": str(home)}
    (shared / "prefect-server.json").write_text(json.dumps(record))
    return record


def pytest_sessionstart(session):
    """Under xdist the controller starts the session's Prefect server at once, so that it comes up while the
    workers start and collect (~10 s of wall time) rather than when the first test needs it."""
    if not os.environ.get("PYTEST_XDIST_WORKER") and getattr(session.config.option, "numprocesses", None):
        launch_prefect_server(session.config._tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory):
    """A real Prefect server on loopback, one for the whole session: started by the xdist controller at the
    session's start, or, without xdist, here (under a file lock in the temp folder the processes share), used by
    every worker, stopped at the session's end (`pytest_sessionfinish`). A server per worker cost ~50 s of CPU
    each over a run (start and upkeep). CLI runs in subprocesses talk to it."""
    shared = shared_temp(tmp_path_factory)
    record = shared / "prefect-server.json"
    with open(shared / "prefect-server.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        started = json.loads(record.read_text()) if record.exists() else launch_prefect_server(shared)
        wait_ready(started["url"] + "/health", started["pid"], "the session's Prefect server", 120)
    yield {"PREFECT_API_URL": started["url"], "PREFECT_HOME": started["home"]}


def drain_prefect() -> None:
    """Send what this process's flow runs still hold for the API (logs, events) while the server is up: at exit
    they would find it stopped and print `Error logging to API`."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    APILogWorker.drain_all(timeout=10, at_exit=False)
    EventsWorker.drain_all(timeout=10, at_exit=False)


def pytest_sessionfinish(session):
    """The controller (or the one process without xdist) stops the session's Prefect server, once every worker is
    done with it (each has sent its logs first)."""
    drain_prefect()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    record = session.config._tmp_path_factory.getbasetemp() / "prefect-server.json"
    if record.exists():
        stop(json.loads(record.read_text())["pid"])


@pytest.fixture(scope="session")
def s3_server() -> dict:
    """moto's S3 server on loopback for the session: the standard AWS variables that reach it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with server([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
                url + "/moto-api/", "moto_server", 30):
        yield {"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_REGION": "us-east-1"}


def cli_command(args, inject: list[str] | None = None) -> list[str]:
    """`kcna-etl ARGS`, under the fault injector `tests.faults.inject` when `inject` gives its options."""
    cli = ["-m", "tests.faults.inject", *inject, "--"] if inject else ["-m", "kcna_etl.cli"]
    return [sys.executable, *cli, *args]


def cli_env(prefect_server: dict) -> dict:
    return dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", **prefect_server)


@pytest.fixture(scope="session")
def kcna_etl(prefect_server):
    """Run the installed `kcna-etl` CLI against the session's Prefect server.

    `inject`: options of `tests.faults.inject` (a fault at a file-system event of the run).
    """
    def run(*args: str, timeout: float = 600, check: bool = True, inject: list[str] | None = None,
            **popen) -> subprocess.CompletedProcess:
        p = subprocess.run(cli_command(args, inject), env=cli_env(prefect_server), capture_output=True,
                           text=True, timeout=timeout, cwd=ROOT, **popen)
        if check and p.returncode != 0:
            raise AssertionError(f"kcna-etl {' '.join(args)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
        return p
    return run


@contextlib.contextmanager
def cli_output(out: io.StringIO, err: io.StringIO, verbose: bool):
    """What the CLI process prints, caught in this process: its stdout and stderr, and Prefect's console log
    (its root handler, on this process's stderr) at the level the CLI sets (WARNING, INFO with --verbose)."""
    import prefect  # noqa: F401  (configures Prefect's logging, console handler included)
    from prefect.logging.handlers import PrefectConsoleHandler

    consoles = [h for h in logging.getLogger().handlers if isinstance(h, PrefectConsoleHandler)]
    streams = [(h.stream, h.console.file) for h in consoles]
    prefect_logger = logging.getLogger("prefect")
    level = prefect_logger.level
    for h in consoles:
        h.stream = h.console.file = err
    prefect_logger.setLevel(logging.INFO if verbose else logging.WARNING)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield
    finally:
        prefect_logger.setLevel(level)
        for h, (stream, file) in zip(consoles, streams):
            h.stream, h.console.file = stream, file


@pytest.fixture(scope="session")
def flow_cli(prefect_server):
    """`kcna-etl ARGS` in the test process: the CLI's own `main` (what the supervised child process runs) against
    the session's Prefect server, with what it prints caught; called and answering as `kcna_etl` does.

    For tests of what a run does (tables, summaries, exit statuses, flow states), not of the process: no
    supervisor, no fault injector, no signals, no timeout (`timeout` is accepted and ignored). Prefect, Great
    Expectations and this package are imported once for the session instead of twice a run (~7 s of CPU a run
    saved, docs/benchmarks.md). `env`: more environment variables, for this run only.
    """
    import prefect.context
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from kcna_etl.cli.main import main

    url = prefect_server["PREFECT_API_URL"]

    def run(*args: str, timeout: float | None = None, check: bool = True, env: dict | None = None,
            ) -> subprocess.CompletedProcess:
        out, err = io.StringIO(), io.StringIO()
        saved = dict(os.environ)
        os.environ.update(cli_env(prefect_server), **(env or {}))
        try:
            with contextlib.chdir(ROOT), temporary_settings(updates={PREFECT_API_URL: url}), \
                    cli_output(out, err, "--verbose" in args):
                try:
                    status = main(list(args))
                except SystemExit as e:  # argparse: wrong options, --help
                    status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
                sys.stdout.flush()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        p = subprocess.CompletedProcess(["kcna-etl", *args], status, out.getvalue(), err.getvalue())
        if check and p.returncode != 0:
            raise AssertionError(f"kcna-etl {' '.join(args)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
        return p

    # Prefect's threads that start without the caller's context (its event worker's client, made once for the
    # process) read the process-wide settings, made at import with no API URL: each such process started a
    # temporary server of its own (~10 s of CPU, and its services' upkeep) besides the session's. The session's
    # URL there too, for the rest of the session, as prefect_test_harness does.
    root = prefect.context.get_settings_context()
    ours = prefect.context.SettingsContext(profile=root.profile,
                                           settings=root.settings.copy_with_update(updates={PREFECT_API_URL: url}))
    with prefect.context._temporary_global_settings_context(ours):
        yield run


@contextlib.contextmanager
def prefect_client(prefect_server: dict):
    """A client of the session's Prefect server, from the test process."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: prefect_server["PREFECT_API_URL"]}):
        with get_client(sync_client=True) as client:
            yield client


def flow_run_named(prefect_server: dict, name: str) -> tuple:
    """A flow run (by the name a CLI run logs, e.g. `Flow run 'brawny-vicugna'`) and its task runs."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName, TaskRunFilter, TaskRunFilterFlowRunId

    with prefect_client(prefect_server) as client:
        [run] = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])))
        tasks = client.read_task_runs(task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[run.id])))
        return run, tasks


def duck_table(warehouse: Path, table: str):
    """A table read back as a data engineer would: DuckDB over the Hive folders."""
    import duckdb
    from kcna_etl.transforms.schema import PARTITIONED
    types = ", hive_types={'year': INTEGER, 'source_slug': VARCHAR}" if table in PARTITIONED else ""
    return duckdb.connect().execute(
        f"select * from read_parquet('{warehouse}/{table}/**/*.parquet', hive_partitioning=true, "
        f"union_by_name=true{types})").df()
