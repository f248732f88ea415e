"""CPU of each test, for finding what makes the suite slow (docs/benchmarks.md, "Test suite time").

Wall durations (`--durations`) mostly show the machine's load; CPU shows the cost. Enable with
`-p tests.cpu_report` and `KCNA_TEST_CPU=<folder>`: each pytest process (each xdist worker) writes there the
user + system CPU of its own process and of the child processes it waited for (CLI runs, servers stopped),
per test and phase (a module fixture is paid in its first test's setup, a session fixture's teardown in the
worker's last test's: the session's servers are counted there, when they are stopped). Then `python -m tests.cpu_report <folder>` sums them by file.
"""
from __future__ import annotations

import json
import os
import resource
import sys
from collections import defaultdict
from pathlib import Path

import pytest

_spent: dict[str, dict[str, float]] = defaultdict(dict)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(phase: str):
    @pytest.hookimpl(wrapper=True)
    def hook(item):
        start = _cpu()
        try:
            return (yield)
        finally:
            _spent[item.nodeid][phase] = round(_cpu() - start, 3)
    return hook


pytest_runtest_setup = _timed("setup")
pytest_runtest_call = _timed("call")
pytest_runtest_teardown = _timed("teardown")


def pytest_sessionfinish(session):
    folder = os.environ.get("KCNA_TEST_CPU")
    if folder:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{worker}.json").write_text(json.dumps({"total": round(_cpu(), 2), "tests": _spent}))


def main(folder: str) -> None:
    by_file: dict[str, float] = defaultdict(float)
    totals = {}
    for f in sorted(Path(folder).glob("*.json")):
        data = json.loads(f.read_text())
        totals[f.stem] = data["total"]
        for nodeid, phases in data["tests"].items():
            by_file[nodeid.split("::")[0]] += sum(phases.values())
    # under xdist the controller ("main") waited for its workers: its total is the whole tree's
    tree = totals["main"] if "main" in totals else sum(totals.values())
    print(f"CPU s of each pytest process (own + waited-for children): {totals}; the tree: {tree:.1f}")
    for name, cpu in sorted(by_file.items(), key=lambda x: -x[1]):
        print(f"{cpu:8.1f}  {name}")


if __name__ == "__main__":
    main(sys.argv[1])
