"""Two runs started at the same time: one waits for the warehouse lock, then finds every page already
processed; the tables equal those of one run, nothing is corrupted or written twice, and both runs'
summaries account for every page."""
from __future__ import annotations

import pytest

from tests.conftest import duck_table
from tests.faults.conftest import BATCH, WORKERS
from tests.faults.common import account, copy_warehouse, finish, last_summary, leftovers, same_state, start, state


@pytest.mark.parametrize("warehouse", ["new", "existing"])
def test_two_runs_started_together_equal_one_run(scenario, prefect_server, tmp_path, warehouse):
    if warehouse == "new":  # both runs also race to create the warehouse's folders and links
        wh, inp, before, after = tmp_path / "wh", scenario.first_input, None, scenario.before
        args = ["run", "--input", str(inp), "--warehouse", str(wh), "--batch-size", BATCH, "--workers", WORKERS]
    else:
        wh, inp, before, after = copy_warehouse(scenario.before_wh, tmp_path / "wh"), scenario.second_input, \
            scenario.before, scenario.after
        args = scenario.second_run(wh)
    procs = [start(prefect_server, args) for _ in range(2)]
    outs = [finish(p) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert same_state(state(wh), after)
    assert leftovers(wh) == []

    summaries = sorted((last_summary(wh, out) for out, _ in outs), key=lambda s: s["already_processed"])
    first, second = summaries
    assert second["new_articles"] == second["duplicates"] == second["rejected"] == 0
    assert second["already_processed"] == second["pages_seen"] == first["pages_seen"]
    # the first run's accounting, as the tables stood after it, then the second's (it changed nothing)
    empty = duck_table(wh, "rejects").iloc[0:0]
    account(inp, wh, first, before["rejects"] if before else empty)
    account(inp, wh, second, duck_table(wh, "rejects"))
