"""Which pages a backfill processes again, chosen from the warehouse's manifest (no Prefect here).

`chosen` takes the manifest table and returns its rows for the pages chosen:
processed by an older pipeline version, of articles published in a date range,
or all; each with the other pages of the same article, so that which page wins
is decided again among them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Selection:
    stale: bool = False
    since: dt.date | None = None
    until: dt.date | None = None
    full: bool = False
    quarantined: bool = False  # pages whose article is in quarantine: once the cause is fixed

    def problem(self) -> str | None:
        modes = self.stale + self.full + self.quarantined + (self.since is not None or self.until is not None)
        if modes != 1:
            return "choose one of --stale, --quarantined, --since/--until, --full"
        if self.since and self.until and self.since > self.until:
            return "--since is after --until"
        return None

    def describe(self) -> str:
        """The selection as it is written on the command line."""
        for flag in ("stale", "full", "quarantined"):
            if getattr(self, flag):
                return f"--{flag}"
        return " ".join(f"--{k} {v}" for k, v in (("since", self.since), ("until", self.until)) if v)


def older(version: str, than: str) -> bool:
    """`1.9.0` is older than `1.10.0`; a version that does not read as numbers is older unless equal."""
    try:
        return tuple(map(int, version.split("."))) < tuple(map(int, than.split(".")))
    except ValueError:
        return version != than


def chosen(manifest: pa.Table, selection: Selection, current: str) -> pa.Table:
    """The manifest rows of the pages to process again, with the other pages of their articles."""
    if selection.full:
        return manifest
    if selection.quarantined:
        mask = pc.equal(manifest["outcome"], "quarantined")
    elif selection.stale:
        versions = pc.unique(manifest["pipeline_version"]).to_pylist()
        mask = pc.is_in(manifest["pipeline_version"], pa.array([v for v in versions if older(v, current)], pa.string()))
    else:
        date = manifest["published_date"]
        mask = pc.is_valid(date)
        if selection.since:
            mask = pc.and_(mask, pc.greater_equal(date, pa.scalar(selection.since, pa.date32())))
        if selection.until:
            mask = pc.and_(mask, pc.less_equal(date, pa.scalar(selection.until, pa.date32())))
    articles = manifest["article_id"].filter(mask).drop_null().unique()
    return manifest.filter(pc.or_(mask, pc.is_in(manifest["article_id"], articles)))
