"""Where a run's fixed costs are decided: the settings a CLI run gives its flow."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEARTBEAT = """
from prefect.settings import get_current_settings
from kcna_etl.flows.runners import cli_flow_settings
with cli_flow_settings():
    print(get_current_settings().flows.heartbeat_frequency)
print(get_current_settings().flows.heartbeat_frequency)
"""


@pytest.mark.parametrize("set_by_operator, inside", [(None, "None"), ("60", "60")])
def test_a_cli_run_sends_no_heartbeats_unless_the_operator_sets_their_frequency(set_by_operator, inside):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_FLOWS_HEARTBEAT_FREQUENCY"}
    if set_by_operator:
        env["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] = set_by_operator
    out = subprocess.run([sys.executable, "-c", HEARTBEAT], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == [inside, set_by_operator or "180"]  # outside the CLI's run: Prefect's own setting, untouched
