"""Ctrl-C and SIGTERM during `kcna-etl run` or `backfill`: stop everything at once, commit nothing, say so.

The `kcna-etl` command runs a pipeline command in a child process of its own session, and stays
to watch it. A terminal's Ctrl-C (SIGINT to the foreground process group), a supervisor's SIGTERM or
a closed terminal's SIGHUP reach this process alone, never the flow, its worker processes or its
temporary Prefect server (which would each print their own tracebacks and linger). On the first
signal this process kills the child's whole process tree, so that nothing is committed after it
(a commit is one atomic rename: the warehouse is at the snapshot before the run or, when the signal
came after the commit point, at the run's), prints one line saying which, and exits 128 + the
signal's number (130 for SIGINT, 143 for SIGTERM). The next run sweeps what the stopped one staged
and does its work. A second signal while stopping changes nothing.

The killed flow run would stay "Running" in Prefect for ever: the child writes its flow run's id,
its server's URL and the warehouse's snapshot before the run to the file named by `RUN_FILE` when the run
starts (so this process, which only waits, imports neither Prefect nor pyarrow), and on the way out this process
sets that flow run Cancelled, with the same line as its message (one HTTP request, within `API_WAIT`
seconds; authentication from `PREFECT_API_AUTH_STRING` or `PREFECT_API_KEY` in the environment). With
no server configured, the server is the run's temporary one, whose database (under `PREFECT_HOME`) keeps
the record: it is spared while the rest of the tree is killed, takes the Cancelled state, then goes too.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

from kcna_etl.storage.memory import pool_environment

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
SUPERVISED = ("run", "backfill")
STOP_WAIT = 5.0  # seconds to wait for the killed processes to be gone
API_WAIT = 3.0  # seconds for the Prefect server to take the Cancelled state
RUN_FILE = "KCNA_ETL_FLOW_RUN_FILE"  # where the child says which flow run it is, on which server
RUN_FOLDER = "kcna-etl-run-"  # + the supervisor's pid: the temporary folder of that file


class Interrupted(Exception):
    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def raise_interrupted(signum: int, _frame) -> None:
    raise Interrupted(signum)


def main(argv: list[str] | None = None) -> int:
    """The `kcna-etl` command: `run` and `backfill` supervised in a child process, the rest in this one."""
    argv = sys.argv[1:] if argv is None else list(argv)
    from kcna_etl.cli.main import main as cli, parser

    if not argv or argv[0] not in SUPERVISED:
        return quiet_broken_pipe(cli, argv)
    args = parser().parse_args(argv)  # wrong options and --help are told here, as the child would
    return supervise(argv, args.warehouse)


def quiet_broken_pipe(command, argv: list[str]) -> int:
    """`kcna-etl report | head`: a reader that has read enough ends the command quietly, as for `cat`."""
    try:
        status = command(argv)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 0


def snapshot_of(warehouse: str) -> str | None:
    from kcna_etl.storage.store import Warehouse
    try:
        return Warehouse(warehouse).snapshot_id()
    except Exception:  # an unreachable bucket: the run will say so itself
        return None


def supervise(argv: list[str], warehouse: str) -> int:
    child = None
    for s in SIGNALS:
        signal.signal(s, raise_interrupted)
    sweep_run_folders()
    told = tempfile.mkdtemp(prefix=f"{RUN_FOLDER}{os.getpid()}-")
    run_file = os.path.join(told, "flow-run.json")
    try:
        child = subprocess.Popen([sys.executable, "-m", "kcna_etl.cli.main", *argv], start_new_session=True,
                                 env={**os.environ, RUN_FILE: run_file, **pool_environment(os.environ)})
        return child.wait()
    except Interrupted as i:
        for s in SIGNALS:
            signal.signal(s, signal.SIG_IGN)
        run = told_run(run_file)
        spared = run.get("server_pid") if run else None  # the run's temporary server: to record the cancel
        if child is not None:
            stop(child, spare=spared)
        after = snapshot_of(warehouse)
        # The snapshot the run started from, as the child read it (this process imports no warehouse code: it
        # would pay pyarrow's import twice). No flow run yet: nothing of this run can have been committed.
        before = run["snapshot"] if run else after
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")  # over a progress line
        said = interrupted_message(before, after)
        print(said, file=sys.stderr, flush=True)
        if problem := cancel_flow_run(run, f"{signal.Signals(i.signum).name}: {said}"):
            print(problem, file=sys.stderr, flush=True)
        if child is not None and spared:
            stop_spared(child.pid, spared)
        return 128 + i.signum
    finally:
        shutil.rmtree(told, ignore_errors=True)


def sweep_run_folders() -> None:
    """Remove the run-file folders of supervisors that are gone: one SIGKILLed (where no `finally` runs)
    leaves its folder behind."""
    root = tempfile.gettempdir()
    for name in os.listdir(root):
        pid = name[len(RUN_FOLDER):].partition("-")[0]
        if name.startswith(RUN_FOLDER) and pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def die_with_supervisor() -> None:
    """In the child: if the supervising `kcna-etl` is killed outright (SIGKILL, the OOM killer), where it can
    stop nothing, the run and its session (workers, a temporary server) go too, as an unsupervised run would;
    else they would run on unseen and commit behind whatever started next."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.1)
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="kcna-etl-supervisor-watch", daemon=True).start()


def announcer(snapshot: str | None):
    """A flow's `on_running` hook, in the child: which flow run this is, on which server (with no
    `PREFECT_API_URL`, the temporary one its client started, and that server's process), and the warehouse's
    snapshot before the run (`snapshot`, read by the child before the flow started)."""
    def announce_flow_run(flow, flow_run, state) -> None:
        announce(str(flow_run.id), snapshot)
    return announce_flow_run


def announce(flow_run_id: str, snapshot: str | None) -> None:
    from prefect.settings import PREFECT_API_URL
    from kcna_etl.flows.runners import temporary_server

    if not (path := os.environ.get(RUN_FILE)):
        return
    told = {"flow_run_id": flow_run_id, "api_url": PREFECT_API_URL.value(), "snapshot": snapshot}
    if server := temporary_server():
        told.update(api_url=server.api_url, server_pid=server.server_process.pid)
    if told["api_url"]:
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(told, f)
        os.replace(path + ".tmp", path)


def told_run(run_file: str) -> dict | None:
    """What the child said of its flow run; None before the run started."""
    try:
        with open(run_file, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def cancel_flow_run(run: dict | None, message: str) -> str | None:
    """Set the killed child's flow run Cancelled on its Prefect server; a line saying why not, if it failed."""
    if run is None:
        return None  # no flow run yet
    import httpx

    headers = {}
    if auth := os.environ.get("PREFECT_API_AUTH_STRING"):
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    elif key := os.environ.get("PREFECT_API_KEY"):
        headers["Authorization"] = f"Bearer {key}"
    url = f"{run['api_url'].rstrip('/')}/flow_runs/{run['flow_run_id']}/set_state"
    try:
        r = httpx.post(url, headers=headers, timeout=API_WAIT, json={
            "state": {"type": "CANCELLED", "name": "Cancelled", "message": message}, "force": True})
        r.raise_for_status()
        return None
    except httpx.HTTPError as e:
        return f"the flow run {run['flow_run_id']} stays Running in Prefect: {run['api_url']} refused or is unreachable ({e})"


def interrupted_message(before: str | None, after: str | None) -> str:
    if after != before:
        return (f"interrupted after the commit: the run's snapshot {after} is the warehouse's current one; "
                "run again to finish its report")
    at = f"at snapshot {before}" if before else "(no snapshot yet)"
    return f"interrupted: nothing committed; the warehouse is unchanged {at}; run again to resume"


def stop(child: subprocess.Popen, spare: int | None = None) -> None:
    """Kill the child and every process under it (worker processes, a temporary Prefect server), but `spare`."""
    import psutil

    try:
        tree = [psutil.Process(child.pid), *psutil.Process(child.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = []
    tree = [p for p in tree if p.pid != spare]
    if spare is None:
        try:
            os.killpg(child.pid, signal.SIGKILL)  # its session's group: what started since the list above too
        except ProcessLookupError:
            pass
    for p in tree:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    child.wait()
    psutil.wait_procs(tree, timeout=STOP_WAIT)


def stop_spared(group: int, pid: int) -> None:
    """The temporary server that `stop` spared, once it has recorded the Cancelled state: it and the rest of the
    child's session."""
    import psutil

    try:
        server = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        server.kill()
    psutil.wait_procs([server], timeout=STOP_WAIT)
