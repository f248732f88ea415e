"""A full disk: the warehouse on a small tmpfs, filled to the last byte at a chosen moment of the run
(`tests.faults.inject`): while the workers stage batches, while the snapshot is built, or once the
run has committed. The run fails with a clear message and exit code 1, leaves no partial table nor
staging behind, and the next run, once there is room, completes the work."""
from __future__ import annotations

import subprocess
import pytest

from tests.faults.common import (account, copy_warehouse, finish, last_summary, leftovers, rejects_of, same_state,
                                 start, state)


@pytest.fixture
def small_disk(tmp_path):
    """A 64 MiB tmpfs of our own (the sandbox runs tests as root); unmounted whatever happens."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here to fill: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=True)


@pytest.mark.parametrize("moment, on", [
    ("staging", "os.mkdir:.staging/*"),        # the workers' batch files cannot be written
    ("snapshot", "os.mkdir:.snapshots/*.tmp"),  # the new snapshot's files cannot be written
])
def test_a_disk_full_before_the_commit_fails_cleanly_and_the_next_run_completes(scenario, prefect_server, flow_cli,
                                                                              small_disk, moment, on):
    wh, filler = copy_warehouse(scenario.before_wh, small_disk / "wh"), small_disk / "filler"
    proc = start(prefect_server, scenario.second_run(wh),
                 inject=["--root", str(wh), "--on", on, "--do", f"fill:{filler}"])
    _, err = finish(proc)
    assert proc.returncode == 1, err
    assert "kcna-etl run failed: the disk is full" in err and "No space left on device" in err
    assert "nothing was committed: the warehouse is unchanged (snapshot 00000001)" in err
    assert same_state(state(wh), scenario.before)
    assert leftovers(wh) == []  # the failed run removed what it had staged or half built

    filler.unlink()
    rejects_before = rejects_of(wh)
    p = flow_cli(*scenario.rerun(wh), check=False)
    assert p.returncode == 0, p.stderr
    assert same_state(state(wh), scenario.after)
    account(scenario.second_input, wh, last_summary(wh, p.stdout), rejects_before)


def test_a_disk_full_after_the_commit_says_the_snapshot_was_committed(scenario, prefect_server, small_disk):
    wh, filler = copy_warehouse(scenario.before_wh, small_disk / "wh"), small_disk / "filler"
    proc = start(prefect_server, scenario.second_run(wh),
                 inject=["--root", str(wh), "--on", "open:_runs/*", "--do", f"fill:{filler}"])
    _, err = finish(proc)
    assert proc.returncode == 1, err
    assert "the disk is full" in err and "the run's snapshot 00000002 was committed before the failure" in err
    assert same_state(state(wh), scenario.after)
    assert leftovers(wh) == []
