"""The benchmark runs end to end at a tiny N (no timing is asserted: timings belong to bench/, not to tests)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

for module in ("psutil", "matplotlib", "trafilatura"):
    pytest.importorskip(module, reason='the benchmark needs the bench extra: pip install -e ".[bench]"')


def test_benchmark_reports_every_figure(prefect_server, tmp_path):
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    p = subprocess.run(
        [sys.executable, "bench/run.py", "--sizes", "12,30", "--incremental", "8", "--trafilatura-max", "10",
         "--startup-runs", "1", "--no-temporary-server", "--api-url", prefect_server["PREFECT_API_URL"],
         "--work", str(tmp_path / "work"), "--out", str(tmp_path / "out"), "--seed", "bench-test",
         "--compare-runners", "--s3", "--runs-args", "--batch-size 10"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout + p.stderr
    r = json.loads((tmp_path / "out" / "results.json").read_text())
    assert (tmp_path / "out" / "bench.png").stat().st_size > 10_000
    assert [x["pages"] for x in r["runs"]] == [12, 30]
    for x in r["runs"]:
        assert x["outcome"]["pages_seen"] == x["pages"]
        assert x["pages_per_second"] > 0 and x["cpu_ms_per_page"] > 0 and x["peak_rss_mb"] > 0
        assert x["rows"]["articles"] > 0 and x["warehouse_files"] > 0 and x["warehouse_bytes"] > 0
        assert set(x["stage_shares"]) >= {"ingest", "validate", "stage", "write"}
        assert abs(sum(x["stage_shares"].values()) - 1) < 0.01
        assert x["trafilatura"]["pages"] == 10 and x["ratio_kcna_to_trafilatura"] > 0
    inc = r["incremental"]
    assert inc["stored_pages"] == 30 and inc["outcome"]["pages_seen"] == 38 and inc["outcome"]["already_processed"] == 30
    assert r["startup"]["running_server_seconds"] > 0
    # the largest corpus again with the process pool, then Dask at 1 and 2 workers, on local disk and from and into
    # a bucket of moto's S3 server: the same rows each time
    assert [(x["storage"], x["runner"], x["workers"]) for x in r["runners"]] == [
        (storage, runner, workers) for storage in ("local disk", "S3 (moto, loopback)")
        for runner, workers in (("process", os.cpu_count()), ("dask", 1), ("dask", 2))]
    assert {x["pages"] for x in r["runners"]} == {30}
    assert all(x["rows"] == r["runners"][0]["rows"] and x["pages_per_second"] > 0 and x["cpu_seconds"] > 0
               for x in r["runners"])
    assert "trafil/s" in p.stdout and "incremental: 8 new pages on 30" in p.stdout


def test_stories_cost_reports_its_figures():
    """`bench/stories_cost.py` end to end on the five sample pages (no timing asserted)."""
    p = subprocess.run([sys.executable, "bench/stories_cost.py", "samples/pages", "5", "--rounds", "1"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "5 articles of 5 pages" in p.stdout
    for figure in ("parse (read_page", "signatures", "run 1 (empty index)", "run 2 (2 stored)", "peak traced memory",
                   "joined"):
        assert figure in p.stdout
