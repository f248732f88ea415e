"""SIGKILL at any point of a run: every table stays readable and equal to the state before the run or
to the state after a complete run, never in between, and the next run completes the work.

Kill points: the file-system events of the run's own process, numbered by tracing a complete run
(`tests.faults.inject`): from its first touch of the warehouse, through staging, the snapshot's
build and sync, its rename, the making and swapping of the `current` pointer (the commit), the
sweep, to the run summary; and, in the worker processes, moments when batches are being staged.
"""
from __future__ import annotations

import fnmatch
import signal
import time
from pathlib import Path

import pytest

from tests.faults.common import (account, copy_warehouse, finish, kill_group, last_summary, leftovers, rejects_of,
                                 same_state, start, state)


def first(events: list[dict], event: str, glob: str) -> int:
    return next(e["n"] for e in events
                if e["event"] == event and any(fnmatch.fnmatchcase(p, glob) for p in e["paths"]))


def kill_points(events: list[dict]) -> dict[str, int]:
    """Event numbers to kill at (before the event happens), by what the run is doing then."""
    renamed = first(events, "os.rename", ".snapshots/*.tmp")
    commit = first(events, "os.rename", "current")  # replacing `current` by `current.tmp`: the commit point
    return {
        "first-touch": 1,
        "staging-created": first(events, "os.mkdir", ".staging/*"),
        "snapshot-started": first(events, "os.mkdir", ".snapshots/*.tmp"),
        "snapshot-half-synced": (first(events, "open", ".snapshots/*.tmp/*") + renamed) // 2,
        "snapshot-about-to-be-renamed": renamed,
        "snapshot-renamed-no-pointer": first(events, "os.symlink", "current.tmp"),
        "pointer-made-not-swapped": commit,
        "just-committed": commit + 1,
        "summary-being-written": events[-1]["n"],
    }


POINTS = ["first-touch", "staging-created", "snapshot-started", "snapshot-half-synced", "snapshot-about-to-be-renamed",
          "snapshot-renamed-no-pointer", "pointer-made-not-swapped", "just-committed", "summary-being-written"]


def then_rerun_completes(scenario, wh: Path, flow_cli) -> None:
    """The next run sweeps what the killed one left, and the warehouse equals the uninterrupted run's."""
    rejects_before = rejects_of(wh)
    p = flow_cli(*scenario.rerun(wh), check=False)
    assert p.returncode == 0, p.stderr
    assert same_state(state(wh), scenario.after)
    assert leftovers(wh) == []
    account(scenario.second_input, wh, last_summary(wh, p.stdout), rejects_before)


def test_the_kill_points_cover_the_commit(scenario):
    points = kill_points(scenario.events)
    assert list(points) == POINTS
    assert sorted(points.values()) == list(points.values())  # in the order the run reaches them
    assert len(set(points.values())) == len(points)


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_at_an_event_leaves_before_or_after_then_the_next_run_completes(scenario, prefect_server, flow_cli,
                                                                                tmp_path, point):
    points = kill_points(scenario.events)
    commit = points["pointer-made-not-swapped"]
    wh = copy_warehouse(scenario.before_wh, tmp_path / "wh")
    proc = start(prefect_server, scenario.second_run(wh), inject=["--root", str(wh), "--at", str(points[point])])
    finish(proc)
    assert proc.returncode == -signal.SIGKILL
    # every table reads, and equals the warehouse before the run, or after it once the pointer was swapped
    expected = scenario.after if points[point] > commit else scenario.before
    assert same_state(state(wh), expected)
    then_rerun_completes(scenario, wh, flow_cli)


def staged_batches(wh: Path) -> int:
    return len(list(wh.glob(".staging/*/_pages/*.parquet")))


@pytest.mark.parametrize("batches", [1, 3], ids=["first-batch-staged", "three-batches-staged"])
def test_sigkill_while_workers_stage_batches(scenario, prefect_server, flow_cli, tmp_path, batches):
    wh = copy_warehouse(scenario.before_wh, tmp_path / "wh")
    proc = start(prefect_server, scenario.second_run(wh, workers=None))  # the default pool, staging in parallel
    deadline = time.monotonic() + 120
    try:
        while staged_batches(wh) < batches:
            assert proc.poll() is None, "the run ended before the kill point"
            assert time.monotonic() < deadline
            time.sleep(0.001)
    finally:
        kill_group(proc)
    assert proc.returncode == -signal.SIGKILL
    now = state(wh)
    assert same_state(now, scenario.before) or same_state(now, scenario.after)
    then_rerun_completes(scenario, wh, flow_cli)
