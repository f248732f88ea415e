"""Installed as a Docker image or a Prefect worker installs it: `pip install .`, not editable.

The wheel is built from the source tree and installed, without its dependencies, into a new
virtual environment that sees this environment's dependencies but not its editable install. From
a folder outside the source tree, `kcna-etl run` must then find its suites, lexicon and sample
pages inside the installed package, and only one top-level name (`kcna_etl`) may be installed.
"""
from __future__ import annotations

import json
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.conftest import ROOT, cli_env, duck_table


def test_wheel_installed_not_editable_runs_from_any_folder(tmp_path, prefect_server):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    purelib = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    # The dependencies from this environment; a .pth line adds a folder but runs none of its .pth files,
    # so this environment's editable install of kcna_etl stays out of sight.
    (purelib / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(wheels.glob("kcna_etl-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-deps", str(wheel)], check=True, capture_output=True, timeout=600)

    installed = {p.name for p in purelib.iterdir() if not p.name.endswith((".dist-info", ".pth"))}
    assert installed - {"__pycache__"} == {"kcna_etl"}

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import kcna_etl.quality.suites as s; print(s.__file__)"],
                           cwd=elsewhere, check=True, capture_output=True, text=True).stdout
    assert where.startswith(str(purelib)), where

    p = subprocess.run([str(venv / "bin" / "kcna-etl"), "run", "--warehouse", "wh"], cwd=elsewhere,
                       env=cli_env(prefect_server), capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    articles = duck_table(elsewhere / "wh", "articles")
    gold = json.loads((ROOT / "samples" / "gold" / "seed_pages.json").read_text())
    assert len(articles) == len(gold)
    assert set(articles["title"].dropna()) == {g["title"] for g in gold if g["title"]}
    assert sorted(articles["source"]) == sorted(g["source"] for g in gold)
    reports = list((elsewhere / "wh" / "_quality").rglob("*.json"))
    assert reports, "no quality report written"
