"""What the fault tests share: pages made on the spot, runs of the real CLI that can be killed,
whole-warehouse states read with DuckDB, and the accounting of every page seen."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pandas as pd

from kcna_etl.storage.pages import is_page, shown_path
from tests.conftest import ROOT, cli_command, cli_env, duck_table

TABLES = ("articles", "teasers", "mentions", "rejects", "_manifest")
# manifest outcome -> summary key (quarantine comes with the validation issue: 0 until then)
OUTCOMES = {"article": "new_articles", "duplicate": "duplicates", "rejected": "rejected", "quarantined": "quarantined"}


# -- pages ---------------------------------------------------------------------
def page(title: str, paragraphs: list[str], source: str = "KCNA.kp (En)", date: dt.date = dt.date(2025, 10, 9),
         sidebar: str | None = "same", teasers: int = 2, header: bool = True) -> str:
    """A page as the aggregator shows it: header, metadata line, body, `-0-`, `More From` sidebar."""
    lines = []
    if header:
        lines += [f"{date:%B %d, %Y}{date:%b %d, %Y}", f"KCNA {source}", "", title, "",
                  f"Date: {date:%d/%m/%Y} | Source: {source} | Read original version at source", ""]
    for i, p in enumerate(paragraphs):
        lines += [p + (" -0-" if i == len(paragraphs) - 1 else ""), ""]
    if sidebar is not None:
        lines += [f"More From {source if sidebar == 'same' else sidebar}", ""]
        for k in range(teasers):
            snippet = f"Pyongyang, October {k + 1} (KCNA) -- Teaser number {k + 1} of {title} tells of"
            lines += [f"Teaser {k + 1} of {title}", f"Teaser {k + 1} of {title}", snippet,
                      f"{date - dt.timedelta(days=k + 1):%B %d, %Y}", snippet, ""]
        lines.append("More Articles")
    return "\n".join(lines) + "\n"


def good_page(n: int, **kw) -> str:
    return page(f"Good Page Number {n} Reported", [
        f"Pyongyang, October 9 (KCNA) -- A good page number {n} was written for the fault tests on Thursday.",
        f"Its second paragraph {n} says that nothing of it may be lost, whatever befalls the machine or the run that reads it.",
    ], **kw)


# -- runs ----------------------------------------------------------------------
def start(prefect_server: dict, args: list[str], inject: list[str] | None = None, **popen) -> subprocess.Popen:
    """The CLI (under the fault injector when `inject` is given) in a process group of its own."""
    return subprocess.Popen(cli_command(args, inject), cwd=ROOT, env=cli_env(prefect_server), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def finish(proc: subprocess.Popen, timeout: float = 300) -> tuple[str, str]:
    """Wait for a run; kill its whole group whatever happens, so that no worker outlives a test."""
    try:
        return proc.communicate(timeout=timeout)
    finally:
        kill_group(proc)


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)


def copy_warehouse(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def last_summary(wh: Path, run_output: str) -> dict:
    run_id = run_output.split("kcna-etl run ", 1)[1].split()[0]
    return json.loads((wh / "_runs" / f"{run_id}.json").read_text())


# -- warehouse states ----------------------------------------------------------
def state(wh: Path) -> dict[str, pd.DataFrame]:
    """Every table as DuckDB reads it through the table links, rows in a canonical order.

    The manifest's `run_id` is left out: the same pages processed by another run are the same state.
    """
    out = {}
    for t in TABLES:
        df = duck_table(wh, t)
        if t == "_manifest":
            df = df.drop(columns=["run_id"])
        out[t] = df.sort_values(list(df.columns)).reset_index(drop=True) if len(df) else df
    return out


def same_state(a: dict, b: dict) -> bool:
    return all(a[t].equals(b[t]) and list(a[t].dtypes) == list(b[t].dtypes) for t in TABLES)


def assert_same_state(a: dict, b: dict) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(a[t], b[t], check_dtype=True, obj=t)


def leftovers(wh: Path) -> list[str]:
    """What a run may leave only while it runs: staging, half-built or uncommitted snapshots, a pointer being made."""
    current = os.readlink(wh / "current") if (wh / "current").is_symlink() else ""
    newest = int(Path(current).name) if current else 0
    out = [p.relative_to(wh).as_posix() for p in (wh / ".staging").glob("*")] if (wh / ".staging").exists() else []
    out += [p.relative_to(wh).as_posix() for p in (wh / ".snapshots").iterdir()
            if not p.name.isdigit() or int(p.name) > newest]
    out += ["current.tmp"] if os.path.lexists(wh / "current.tmp") else []
    return sorted(out)


# -- accounting ----------------------------------------------------------------
def page_entries(input_dir: Path) -> list[str]:
    """Every page-named entry of the input, walked independently of the pipeline (links to folders not followed)."""
    out = []
    for folder, _, files in os.walk(input_dir, followlinks=False):
        out += [(Path(folder) / f).relative_to(input_dir).as_posix() for f in files if is_page(f)]
    return sorted(out)


def sha_of(path: Path) -> str | None:
    try:
        real = path.resolve(strict=True)
        return hashlib.sha256(real.read_bytes()).hexdigest() if real.is_file() else None
    except (OSError, RuntimeError):
        return None


def rejects_of(wh: Path) -> pd.DataFrame:
    return duck_table(wh, "rejects") if (wh / "current").exists() else pd.DataFrame({"raw_path": [], "raw_sha256": []})


def account(input_dir: Path, wh: Path, summary: dict, rejects_before: pd.DataFrame,
            vanished: tuple[str, ...] = ()) -> dict[str, str]:
    """Where each page the run saw ended up, read from the tables; checks it against the run summary.

    pages seen = new articles + duplicates + already processed + rejected + quarantined, in the
    summary, and the same counts found page by page in `_manifest` and `rejects`.
    """
    manifest = duck_table(wh, "_manifest")
    rejects = duck_table(wh, "rejects")
    mine = manifest[manifest["run_id"] == summary["run_id"]]
    earlier = set(manifest[manifest["run_id"] != summary["run_id"]]["raw_sha256"])
    unhashed_before = set(rejects_before[rejects_before["raw_sha256"].isna()]["raw_path"])
    unhashed_now = set(rejects[rejects["raw_sha256"].isna()]["raw_path"])
    outcome_of = dict(zip(mine["raw_path"], mine["outcome"], strict=True))
    entries = sorted(set(page_entries(input_dir)) | set(vanished))
    where = {}
    for rel in entries:
        shown = shown_path(rel)
        sha = None if rel in vanished else sha_of(input_dir / rel)
        if shown in outcome_of:
            where[rel] = OUTCOMES[outcome_of[shown]]
        elif shown in unhashed_now - unhashed_before:
            where[rel] = "rejected"
        elif sha is not None and sha in earlier:
            where[rel] = "already_processed"
        elif shown in unhashed_before:
            where[rel] = "already_processed"
        else:
            where[rel] = "nowhere"
    counts = Counter(where.values())
    assert counts["nowhere"] == 0, {k: v for k, v in where.items() if v == "nowhere"}
    keys = ("new_articles", "duplicates", "already_processed", "rejected", "quarantined")
    assert summary["pages_seen"] == len(entries) == sum(summary.get(k, 0) for k in keys), summary
    assert {k: counts[k] for k in keys} == {k: summary.get(k, 0) for k in keys}, (counts, summary)
    assert len(rejects) - len(rejects_before) == summary["rejected"]
    return where
