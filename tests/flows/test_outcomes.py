"""Prefect shows outcomes, not crashes (`flows/outcome.py`): a served run failing validation ends Failed
with its message and no traceback in its logs, read back from a real Prefect server; a run with warnings
ends Completed under a name that says so; the summary is logged as a few lines; the stage timings are a
table artifact of the flow run."""
from __future__ import annotations

import os
import sys
import time

from tests.conftest import prefect_client
from tests.flows.test_quality_cli import crafted_input, run_summary
from tests.flows.test_serve import STARTUP, environment, eventually, process, trigger


def logs_and_artifacts(prefect_server: dict, flow_run_id, wanted: str) -> tuple[list[str], list]:
    """The flow run's log messages (once `wanted` is among them: logs reach the server after the state)
    and its artifacts."""
    from prefect.client.schemas.filters import (ArtifactFilter, ArtifactFilterFlowRunId, LogFilter,
                                                LogFilterFlowRunId)
    deadline = time.monotonic() + 60
    with prefect_client(prefect_server) as c:
        while True:
            logs = [log.message for log in c.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))]
            if any(wanted in m for m in logs) or time.monotonic() > deadline:
                break
            time.sleep(1)
        artifacts = c.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(
            any_=[flow_run_id])))
    return logs, artifacts


def test_a_served_run_failing_validation_ends_failed_with_its_message_and_no_traceback(prefect_server, tmp_path):
    inp, wh, log = crafted_input(tmp_path / "in"), tmp_path / "wh", tmp_path / "serve.log"
    name = f"failing-{os.getpid()}"
    cmd = [sys.executable, "-m", "kcna_etl.cli", "serve", "--input", str(inp), "--warehouse", str(wh),
           "--cron", "30 4 1 1 *", "--name", name]
    with process(cmd, environment(prefect_server), log) as proc, prefect_client(prefect_server) as c:
        eventually(lambda: c.read_deployment_by_name(f"kcna-etl/{name}"), STARTUP, proc, log)
        run = trigger(prefect_server, f"kcna-etl/{name}")
        # read while the served process lives: its last log lines are sent after the run's final state
        logs, artifacts = logs_and_artifacts(prefect_server, run.id, "pages seen 9")
    assert run.state.type.value == "FAILED" and run.state.name == "Failed", log.read_text()
    assert run.state.message.startswith("quality failed: ") and "articles.body_no_site_chrome" in run.state.message

    assert not [m for m in logs if "Traceback" in m or "unexpected exception" in m or "TypeError" in m], logs
    [summary] = [m for m in logs if "pages seen 9" in m]
    lines = summary.splitlines()
    assert 5 <= len(lines) <= 10 and lines[0].startswith("kcna-etl run ") and "{" not in summary
    assert any(line.startswith("  quality: failed: ") for line in lines)
    assert {a.key for a in artifacts} >= {"kcna-etl-run-summary", "kcna-etl-quality", "kcna-etl-stage-seconds"}
    # the artifact links the person on duty to the run's quality page and to the index that opens offline
    [quality] = [a.data for a in artifacts if a.key == "kcna-etl-quality"]
    assert f"Quality page (opens offline): `{wh / '_quality' / 'runs'}/" in quality
    assert f"- index: `{wh / '_quality' / 'runs.html'}`" in quality


def test_a_run_with_warnings_ends_completed_under_a_name_that_says_so(flow_cli, prefect_server, tmp_path):
    inp, wh = crafted_input(tmp_path / "in"), tmp_path / "wh"
    p = flow_cli("run", "--input", str(inp), "--warehouse", str(wh), "--max-error-share", "1", check=False)
    assert p.returncode == 3, p.stdout + p.stderr
    with prefect_client(prefect_server) as c:
        state = c.read_flow_run(run_summary(wh, p.stdout)["flow_run_id"]).state
    assert (state.type.value, state.name) == ("COMPLETED", "Completed with warnings")
    assert state.message.startswith("completed with warnings: ")
