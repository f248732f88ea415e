"""Turn a run's staged batches into the next warehouse snapshot.

Decides, deterministically, which page wins when the same bytes or the same
article arrive more than once (the one with the smallest path; a page whose
article is already in the warehouse is a duplicate), then writes the tables
partitioned by source and year and appends the run's pages to the manifest.
A page the warehouse already holds (a backfill reprocesses it) replaces the
rows it made before, in the same snapshot.
Derived tables (`entities`) are rebuilt last, from what the new snapshot holds.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from flows.stages import STAGED_PAGES, staged_schema
from flows.store import Warehouse, remove_rows, snapshot_dataset
from transforms import PIPELINE_VERSION
from transforms.entities import entities
from transforms.schema import MANIFEST, PARTITIONING, REJECTS, TABLES, page_key


@dataclass
class Outcome:
    articles: int = 0
    duplicates: int = 0
    rejected: int = 0
    known_rejects: int = 0  # unreadable files already in `rejects` with the same reason
    rows: dict[str, int] | None = None
    rejects: list[dict] = field(default_factory=list)  # the run's new reject rows
    snapshot: str | None = None
    replaced: frozenset[str] = frozenset()  # pages (SHA-256) processed again, their earlier rows replaced


def resolve(pages: list[dict], known_articles: set[str]) -> list[dict]:
    """Each staged page with its final outcome: `article`, `duplicate` or `rejected`.

    Pages with the same bytes are one page: an article reading beats a reject (the
    bytes under a `.txt` name may read where an `.html` name did not), then the
    smallest path wins. Pages with the same article: the smallest path wins, and an
    article already in the warehouse wins over all of them.
    """
    first_of_sha: dict[str, dict] = {}
    for p in sorted(pages, key=lambda p: (p["outcome"] != "article", p["raw_path"])):
        if p["raw_sha256"] is not None:
            first_of_sha.setdefault(p["raw_sha256"], p)
    seen_article: set[str] = set(known_articles)
    out = []
    for p in sorted(pages, key=lambda p: p["raw_path"]):
        sha = p["raw_sha256"]
        if sha is not None and first_of_sha[sha] is not p:
            out.append(dict(p, outcome="duplicate", article_id=first_of_sha[sha]["article_id"]))
            continue
        if p["outcome"] == "article":
            if p["article_id"] in seen_article:
                out.append(dict(p, outcome="duplicate"))
                continue
            seen_article.add(p["article_id"])
        out.append(p)
    return out


def staged(folder: Path, table: str, schema: pa.Schema) -> ds.Dataset:
    files = sorted(str(p) for p in (folder / table).glob("*.parquet"))
    return ds.dataset(files, format="parquet", schema=schema)


def write_partitioned(source: ds.Dataset, keep: pa.Array, target: Path, table: str, run_id: str) -> int:
    """Stream the kept rows into Hive folders: one file per partition for the run."""
    columns = TABLES[table].names + PARTITIONING.names
    wanted = pc.field("raw_path").isin(keep)
    rows = source.count_rows(filter=wanted)
    if rows:
        ds.write_dataset(
            source.scanner(columns=columns, filter=wanted), target / table, format="parquet",
            partitioning=ds.partitioning(PARTITIONING, flavor="hive"),
            basename_template=f"part-{run_id}-{{i}}.parquet",
            existing_data_behavior="overwrite_or_ignore",
            preserve_order=True,
        )
    return rows


def snapshot_table(snapshot: Path, table: str, columns: list[str]) -> pa.Table:
    d = snapshot_dataset(snapshot, table)
    return d.to_table(columns=columns) if d else TABLES[table].empty_table().select(columns)


def write_entities(snapshot: Path, run_id: str) -> int:
    """Rebuild `entities` from the snapshot's mentions as they finally are (rows added or replaced alike).

    A full rebuild, not a merge: it equals a group-by of the mentions by construction.
    """
    table = entities(snapshot_table(snapshot, "mentions", ["entity_id", "entity_type", "entity", "surface",
                                                           "article_id"]),
                     snapshot_table(snapshot, "articles", ["article_id", "published_date"]))
    folder = snapshot / "entities"
    shutil.rmtree(folder, ignore_errors=True)  # links to the previous snapshot's file: that file stays there
    folder.mkdir(parents=True)
    pq.write_table(table, folder / f"part-{run_id}.parquet")
    return table.num_rows


def article_ids(manifest: pa.Table, mask: pa.ChunkedArray) -> set[str]:
    return set(manifest["article_id"].filter(mask).drop_null().to_pylist())


def drop_pages(snapshot: Path, pages: set[str], articles: set[str]) -> None:
    """Remove every row the given pages made: by `raw_sha256`, or by the `article_id` of their articles."""
    for table, schema in TABLES.items():
        key = page_key(schema)
        if key:
            remove_rows(snapshot, table, key, pages if key == "raw_sha256" else articles)


def commit(store: Warehouse, run_id: str, staging: Path) -> Outcome:
    pages = staged(staging, "_pages", STAGED_PAGES).to_table().to_pylist()
    staged_rejects = staged(staging, "rejects", REJECTS).to_table().to_pylist()
    # A file that could not be read has no hash to remember it by: recognise it by its reject row
    # (the warehouse's rejects are read only when this run has such a file).
    unhashed = [r for r in staged_rejects if r["raw_sha256"] is None]
    recorded = {(r["raw_path"], r["stage"], r["reason"]) for r in store.read("rejects").to_pylist()
                if r["raw_sha256"] is None} if unhashed else set()
    again = {r["raw_path"] for r in unhashed if (r["raw_path"], r["stage"], r["reason"]) in recorded}
    pages = [p for p in pages if not (p["raw_sha256"] is None and p["raw_path"] in again)]
    if not pages and store.current() and (store.current() / "entities").exists():  # nothing new: nothing to do
        return Outcome(rows={t: 0 for t in ("articles", "teasers", "mentions", "rejects")}, known_rejects=len(again))
    known = store.read("_manifest", ["raw_sha256", "article_id", "outcome"])
    # pages the warehouse holds already (a backfill): their earlier rows are replaced, their articles do not count
    held = pc.is_in(known["raw_sha256"], value_set=pa.array({p["raw_sha256"] for p in pages} - {None}, pa.string()))
    replaced = set(known["raw_sha256"].filter(held).to_pylist())
    replaced_articles = article_ids(known, pc.and_(held, pc.not_equal(known["outcome"], "duplicate")))
    known_articles = article_ids(known, pc.and_(pc.invert(held), pc.equal(known["outcome"], "article")))
    final = resolve(pages, known_articles)
    winners = pa.array(sorted(p["raw_path"] for p in final if p["outcome"] == "article"), pa.string())
    rejected = [p for p in final if p["outcome"] == "rejected"]
    reject_keys = {(p["raw_path"], p["raw_sha256"]) for p in rejected}
    rejects = [r for r in staged_rejects if (r["raw_path"], r["raw_sha256"]) in reject_keys]
    counts: dict[str, int] = {}

    def build(snapshot: Path) -> None:
        drop_pages(snapshot, replaced, replaced_articles)
        for table in ("articles", "teasers", "mentions"):
            counts[table] = write_partitioned(staged(staging, table, staged_schema(table)), winners, snapshot, table, run_id)
        counts["rejects"] = len(rejects)
        if rejects:
            (snapshot / "rejects").mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(rejects, schema=REJECTS), snapshot / "rejects" / f"part-{run_id}.parquet")
        manifest = [dict(p, pipeline_version=PIPELINE_VERSION, run_id=run_id) for p in final if p["raw_sha256"]]
        (snapshot / "_manifest").mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(manifest, schema=MANIFEST), snapshot / "_manifest" / f"part-{run_id}.parquet")
        counts["entities"] = write_entities(snapshot, run_id)  # last: derived from the final mentions

    snapshot = store.publish(run_id, build)
    return Outcome(
        articles=sum(p["outcome"] == "article" for p in final),
        duplicates=sum(p["outcome"] == "duplicate" for p in final),
        rejected=len(rejected), known_rejects=len(again), rows=counts, rejects=rejects, snapshot=snapshot,
        replaced=frozenset(replaced),
    )
