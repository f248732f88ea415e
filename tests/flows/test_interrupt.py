"""Ctrl-C and SIGTERM sent to a real `kcna-etl run` in the middle of its batches (`cli/interrupt.py`):
one line, exit 130 / 143, no process left, nothing committed, no link pointing nowhere; the next run
does the work."""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT, SAMPLES, cli_command, cli_env, prefect_client

PAGES = 2000
PROGRESS = re.compile(r"\[[\d,]+s\]$")  # a progress line ends with the time since the start


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    from kcna_etl.devtools.synth import write_corpus
    out = tmp_path_factory.mktemp("interrupt-corpus")
    write_corpus(out, PAGES, "interrupt", workers=1)
    return out


def started_run(prefect_server: dict | None, corpus: Path, wh: Path, env: dict | None = None) -> subprocess.Popen:
    """A run of the corpus in small batches, once some batches are staged and others still running."""
    proc = subprocess.Popen(cli_command(["run", "--input", str(corpus), "--warehouse", str(wh), "--batch-size", "100",
                                         "--workers", "2"]), env=env or cli_env(prefect_server), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 600
    while not any((wh / ".staging").glob("*/**/*.parquet")):
        assert proc.poll() is None, f"the run ended before it was interrupted: {proc.communicate()}"
        assert time.monotonic() < deadline, "no batch staged in 600s"
        time.sleep(0.2)
    return proc


def interrupt(proc: subprocess.Popen, signum: int) -> tuple[int, list[str], list[psutil.Process]]:
    """Send `signum`; the exit status, the lines on stderr that are not progress, the processes it had."""
    tree = psutil.Process(proc.pid).children(recursive=True)
    assert len(tree) >= 3  # the flow's process and its two batch workers at least
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)  # "within seconds": a hung run fails here
    said = [line for line in err.splitlines() if line and not PROGRESS.search(line)]
    return proc.returncode, said, tree


def alive(tree: list[psutil.Process]) -> list[psutil.Process]:
    def running(p: psutil.Process) -> bool:
        try:
            return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False
    return [p for p in tree if running(p)]


def links_nowhere(wh: Path) -> list[str]:
    return [p.name for p in wh.iterdir() if p.is_symlink() and not p.exists()]


def published(wh: Path) -> tuple[str, set[str]]:
    current = os.readlink(wh / "current")
    return current, {str(p.relative_to(wh / current)) for p in (wh / current).rglob("*") if p.is_file()}


def flow_run_of(prefect_server: dict, wh: Path, corpus: Path):
    """The flow run of the interrupted run, read back from the Prefect server."""
    from prefect.client.schemas.sorting import FlowRunSort

    with prefect_client(prefect_server) as c:  # the newest runs: the session's server is shared by the xdist workers
        [run] = [r for r in c.read_flow_runs(sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=200)
                 if r.parameters.get("warehouse") == str(wh)
                 and r.parameters.get("input") == str(corpus)]
    return run


def test_ctrl_c_mid_run_commits_nothing_and_the_next_run_does_the_work(prefect_server, flow_cli, corpus, tmp_path):
    wh = tmp_path / "wh"
    flow_cli("run", "--input", str(SAMPLES), "--warehouse", str(wh))
    before = published(wh)

    status, said, tree = interrupt(started_run(prefect_server, corpus, wh), signal.SIGINT)

    assert status == 130
    assert said == ["interrupted: nothing committed; the warehouse is unchanged at snapshot 00000001; "
                    "run again to resume"]
    assert alive(tree) == []
    assert published(wh) == before
    assert links_nowhere(wh) == []
    # not "Running" for ever in Prefect: the supervisor cancels the flow run it killed, saying why
    run = flow_run_of(prefect_server, wh, corpus)
    assert (run.state.type.value, run.state.name) == ("CANCELLED", "Cancelled")
    assert run.state.message == "SIGINT: " + said[0]

    again = flow_cli("run", "--input", str(corpus), "--warehouse", str(wh), "--workers", "2", check=False)
    assert again.returncode in (0, 3), again.stderr  # 3: the corpus's broken pages fail warnings
    # progress from the first second, through the installed CLI: each phase in order, pages done of total
    # with a rate and the time left, then the phases after parsing until the summary
    err = again.stderr.splitlines()
    phases = ["starting Prefect …", f"listing {corpus} …", f"pages 0/{PAGES:,} ", f"pages {PAGES:,}/{PAGES:,} parsed",
              "resolving duplicates …", "validating …", "writing the snapshot …", "writing the quality report …"]
    at = [next((i for i, line in enumerate(err) if line.startswith(p)), -1) for p in phases]
    assert -1 not in at and at == sorted(at), err
    assert any(re.match(rf"pages [\d,]+/{PAGES:,} \( *[\d.]+%\)  [\d,.]+ pages/s  [\d,]+s left  \[", line)
               for line in err), err
    [summary] = [json.loads(p.read_text()) for p in (wh / "_runs").glob("*.json")
                 if json.loads(p.read_text())["input"] == str(corpus)]
    assert summary["snapshot"] == "00000002"
    assert summary["pages_seen"] == PAGES and summary["already_processed"] == 0


def test_sigterm_on_a_new_warehouse_leaves_no_process_and_no_link_pointing_nowhere(prefect_server, corpus, tmp_path):
    wh = tmp_path / "wh"

    status, said, tree = interrupt(started_run(prefect_server, corpus, wh), signal.SIGTERM)

    assert status == 143
    assert said == ["interrupted: nothing committed; the warehouse is unchanged (no snapshot yet); run again to resume"]
    assert alive(tree) == []
    assert not (wh / "current").exists() and links_nowhere(wh) == []
    run = flow_run_of(prefect_server, wh, corpus)
    assert run.state.type.value == "CANCELLED" and run.state.message == "SIGTERM: " + said[0]



def test_ctrl_c_with_no_server_configured_records_the_run_cancelled_in_the_local_database(corpus, tmp_path):
    """With no `PREFECT_API_URL` the record is in the run's temporary server's database (under PREFECT_HOME):
    the supervisor spares that server until it has taken the Cancelled state, then stops it too."""
    wh, home = tmp_path / "wh", tmp_path / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    proc = started_run(None, corpus, wh, env)
    servers = [p for p in psutil.Process(proc.pid).children(recursive=True)
               if "prefect.server.api.server:create_app" in " ".join(p.cmdline())]

    status, said, tree = interrupt(proc, signal.SIGINT)

    assert status == 130
    assert said == ["interrupted: nothing committed; the warehouse is unchanged (no snapshot yet); run again to resume"]
    assert len(servers) == 1 and servers[0] in tree  # the run's own temporary server
    assert alive(tree) == []  # that server too, once it had recorded the state
    with sqlite3.connect(home / "prefect.db") as db:
        rows = db.execute("SELECT r.parameters, s.type, s.name, s.message FROM flow_run r "
                          "JOIN flow_run_state s ON s.id = r.state_id").fetchall()
    [state] = [tuple(row[1:]) for row in rows if json.loads(row[0]).get("warehouse") == str(wh)]
    assert state == ("CANCELLED", "Cancelled", "SIGINT: " + said[0])


def test_a_run_sweeps_the_run_file_folders_of_supervisors_that_are_gone(tmp_path, monkeypatch):
    """A supervisor killed outright (SIGKILL: no `finally`) leaves its folder; the next one removes it, never
    a living supervisor's."""
    import tempfile

    from kcna_etl.cli.interrupt import RUN_FOLDER, sweep_run_folders

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead, living, other = (tmp_path / f"{RUN_FOLDER}{gone.pid}-abc", tmp_path / f"{RUN_FOLDER}{os.getpid()}-def",
                           tmp_path / "kcna-etl-runner")
    for folder in (dead, living, other):
        folder.mkdir()
        (folder / "flow-run.json").write_text("{}")
    sweep_run_folders()
    assert not dead.exists() and living.exists() and other.exists()
