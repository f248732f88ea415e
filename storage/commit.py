"""Turn a run's staged batches into the next warehouse snapshot.

`plan` decides, deterministically, which page wins when the same bytes or the
same article arrive more than once (the one with the smallest path; a page
whose article is already in the warehouse is a duplicate). Validation then
runs on the winners' rows, and `commit` writes the tables partitioned by
source and year, the rows that failed an `error` expectation to `quarantine/`
instead (with the rest of their page when the article row failed), and
appends the run's pages to the manifest: all in one snapshot.
A page the warehouse already holds (a backfill reprocesses it) replaces the
rows it made before, in the same snapshot, quarantined rows included.
Each new article gets its `story_id` as it is written, from the signature its batch staged
(`storage/stories.py`, which appends to `story_bands` and `story_signatures`); its `appearances` were
staged by its batch too. The staged rows are read once, a few outlets a pass (`write_passes`); what is
derived from them (quarantine, the appearances of the pages written, the aggregates `entities` and `roles`
are updated from) is taken from the pass that holds them (`Derived`).
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from kcna_etl.storage.memory import release_memory
from kcna_etl.storage.staging import (STAGED_APPEARANCES, STAGED_PAGES, STAGED_SIGNATURES, batch_file, staged,
                                      staged_schema)
from kcna_etl.storage.store import Warehouse, remove_rows
from kcna_etl.storage.stories import assign_stories, with_story
from kcna_etl.transforms import PIPELINE_VERSION
from kcna_etl.transforms.entities import Part, fold, part, roles_of, stored, table_of, without
from kcna_etl.transforms.schema import (
    ENTITIES, ENTITY_NAMES, MANIFEST, PARTITIONING, REJECTS, ROLES, TABLES, page_key, with_partitions,
)

ROW_TABLES = ("articles", "teasers", "mentions")


@dataclass
class Outcome:
    articles: int = 0
    duplicates: int = 0
    rejected: int = 0
    quarantined: int = 0
    known_rejects: int = 0  # unreadable files already in `rejects` with the same reason
    rows: dict[str, int] | None = None
    rejects: list[dict] = field(default_factory=list)  # the run's new reject rows
    snapshot: str | None = None
    replaced: frozenset[str] = frozenset()  # pages (SHA-256) processed again, their earlier rows replaced


@dataclass
class Plan:
    """The run's staged pages with their outcome once duplicates are resolved."""
    pages: list[dict]
    rejects: list[dict]
    known_rejects: int = 0
    publish: bool = True  # False: nothing new, the warehouse stays as it is
    replaced: frozenset[str] = frozenset()
    replaced_articles: frozenset[str] = frozenset()

    @property
    def winners(self) -> list[str]:
        """Paths of the pages whose rows would land: what validation checks."""
        return sorted(p["raw_path"] for p in self.pages if p["outcome"] == "article")


class Failure(Protocol):
    table: str
    severity: str
    id: str
    rows: np.ndarray


@dataclass
class Quarantine:
    """Rows failing `error` expectations: by table, the expectation ids and the `staged_row`s failing each;
    by page, the ids its article row failed (the whole page then goes to quarantine)."""
    rows: dict[str, dict[str, np.ndarray]] = field(default_factory=lambda: {t: {} for t in ROW_TABLES})
    pages: dict[str, list[str]] = field(default_factory=dict)

    def bad_rows(self, table: str) -> pa.Array:
        found = list(self.rows[table].values())
        return pa.array(np.unique(np.concatenate(found)) if found else np.empty(0, np.int64), pa.int64())


def quarantine_of(failures: Iterable[Failure], staging: str | Path) -> Quarantine:
    """Which rows the failures of `error` expectations send to quarantine."""
    q = Quarantine()
    for f in failures:
        if f.severity == "error" and len(f.rows):
            q.rows[f.table][f.id] = f.rows
    article_rows = q.bad_rows("articles")
    if len(article_rows):
        # only the batch files holding them (a row's id names its batch): not every file's footer
        files = [batch_file(n) for n in np.unique(article_rows.to_numpy() >> 32).tolist()]
        found = staged(staging, "articles", staged_schema("articles"), files).to_table(
            columns=["raw_path", "staged_row"], filter=pc.field("staged_row").isin(article_rows))
        for path, row in zip(found.column("raw_path").to_pylist(), found.column("staged_row").to_pylist(), strict=True):
            ids = q.pages.setdefault(path, [])
            ids += [i for i, rows in q.rows["articles"].items() if row in rows and i not in ids]
    return q


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


def table_rows(staging: str | Path, table: str) -> ds.Dataset:
    """A table's staged rows read with its schema (a null where it allows none fails the write),
    and the columns the write picks rows by."""
    schema = with_partitions(TABLES[table])
    picks = [f for f in staged_schema(table) if f.name in ("raw_path", "staged_row") and f.name not in schema.names]
    return staged(staging, table, pa.schema(list(schema) + picks))


PASS_BYTES = 16 * 2**20  # staged rows (uncompressed, the three tables together) a pass holds; the writer about 6x that: flat in the run
GROUP_ROWS = 1 << 17  # rows of a partition the writer gathers before it writes a row group


def outlet_sizes(source: ds.Dataset) -> dict[str, int]:
    """Uncompressed bytes of each outlet's rows, from the staged files' row groups (one per outlet)."""
    sizes: dict[str, int] = {}
    for fragment in source.get_fragments():
        meta = fragment.metadata
        column = meta.schema.names.index("source_slug")
        for g in range(meta.num_row_groups):
            group = meta.row_group(g)
            stats = group.column(column).statistics
            slug = stats.min if stats is not None and stats.has_min_max else None
            sizes[slug] = sizes.get(slug, 0) + group.total_byte_size
    return sizes


def passes(sizes: dict[str, int], limit: int) -> list[list[str]]:
    """Outlets in runs of consecutive slugs of at most `limit` bytes (an outlet larger than that alone)."""
    out: list[list[str]] = []
    total = 0
    for slug in sorted(s for s in sizes if s is not None):
        if not out or total + sizes[slug] > limit:
            out.append([])
            total = 0
        out[-1].append(slug)
        total += sizes[slug]
    return out


def slug_ranges(sizes: dict[str, int], limit: int) -> list[pc.Expression]:
    """The filters of the passes (`passes`): contiguous slug ranges, open at both ends, so that every row,
    a null slug's too, is in exactly one."""
    starts = [slugs[0] for slugs in passes(sizes, limit)]
    out = []
    for n in range(max(1, len(starts))):
        wanted = pc.scalar(True)
        if n > 0:
            wanted = pc.field("source_slug") >= starts[n]
        if n + 1 < len(starts):
            wanted = wanted & ((pc.field("source_slug") < starts[n + 1]) | pc.field("source_slug").is_null())
        out.append(wanted)
    return out


def write_pass(rows: pa.Table, target: Path, table: str, run_id: str, n: int) -> int:
    """A pass's rows of a table into its Hive folders: one file per partition (a partition is in one pass only).

    The writer gathers a partition's rows into large row groups (`GROUP_ROWS`): the staged row groups
    are small, and written as they come they would reach the partitions as many tiny row groups.
    """
    written = 0

    def visit(f) -> None:
        nonlocal written
        written += f.metadata.num_rows

    ds.write_dataset(
        rows.select(TABLES[table].names + PARTITIONING.names), target / table,
        format="parquet", partitioning=ds.partitioning(PARTITIONING, flavor="hive"),
        basename_template=f"part-{run_id}-{n}-{{i}}.parquet",
        min_rows_per_group=GROUP_ROWS, max_rows_per_group=GROUP_ROWS,
        existing_data_behavior="overwrite_or_ignore", preserve_order=True, file_visitor=visit,
    )
    return written


Each = Callable[[int, dict[str, pa.Table]], dict[str, pa.Table]]


def write_passes(sources: dict[str, ds.Dataset], read: dict[str, pc.Expression | None], target: Path, run_id: str,
                 pass_bytes: int = PASS_BYTES, each: Each | None = None) -> dict[str, int]:
    """Stream the staged rows of each table that `read` selects (all when None) into its Hive folders, one file
    per partition for the run; each staged row is read once.

    Outlet by outlet (the staged files hold a row group per outlet, so a pass reads only its own), a few
    outlets a pass, all tables together: memory holds a pass's rows, not the run's. A page's rows share its
    partition, so a pass holds every row of its pages: `each(n,
    rows)` takes what the commit derives from them (stories, quarantine, appearances, entities) and
    returns the rows to write.
    """
    sizes: dict[str, int] = {}
    for source in sources.values():
        for slug, size in outlet_sizes(source).items():
            sizes[slug] = sizes.get(slug, 0) + size
    counts = dict.fromkeys(sources, 0)
    for n, wanted in enumerate(slug_ranges(sizes, pass_bytes)):
        # little read-ahead: the pass's rows, not the staged files, should be what is in memory
        rows = {t: s.scanner(filter=wanted if read[t] is None else wanted & read[t], batch_readahead=2,
                             fragment_readahead=1).to_table() for t, s in sources.items()}
        for t, kept in (each(n, rows) if each else rows).items():
            counts[t] += write_pass(kept, target, t, run_id, n)
        del rows
        pa.default_memory_pool().release_unused()  # a pass's buffers go back before the next pass
    return counts


def write_partitioned(source: ds.Dataset, kept: pc.Expression | None, target: Path, table: str, run_id: str,
                      pass_bytes: int = PASS_BYTES) -> int:
    """One table's staged rows that `kept` selects, written as `write_passes` writes them."""
    return write_passes({table: source}, {table: kept}, target, run_id, pass_bytes)[table]


MENTION_COLUMNS = ["entity_id", "entity_type", "entity", "surface", "role", "article_id"]
DATES = ["article_id", "published_date", "capture_date"]


@dataclass
class Derived:
    """What the commit takes from each pass's rows (`write_passes`'s `each`) besides writing them: each
    new article's story, the quarantined rows, the appearances of the pages written, and the mentions'
    aggregates that `entities` is updated from."""
    snapshot: Path
    run_id: str
    quarantine: Quarantine
    quarantined: pa.Array  # the pages the run sends to quarantine whole
    story_of: dict[str, str]
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        [f"quarantine/{t}" for t in ROW_TABLES], 0))
    added: list[Part] = field(default_factory=list)
    writers: dict[str, pq.ParquetWriter] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.bad = {t: self.quarantine.bad_rows(t) for t in ROW_TABLES}

    def __call__(self, n: int, rows: dict[str, pa.Table]) -> dict[str, pa.Table]:
        kept = {}
        again = pa.array([], pa.string())  # pages some of whose mention rows failed (their lists are read again)
        for table, found in rows.items():
            if table == "appearances":
                continue
            held = pc.or_(pc.is_in(found["raw_path"], value_set=self.quarantined),
                          pc.is_in(found["staged_row"], value_set=self.bad[table]))
            if found.num_rows and pc.any(held).as_py():
                self.hold(table, found.filter(held))
                if table == "mentions":  # not the pages held whole: they have no lists to read again
                    failed = pc.is_in(found["staged_row"], value_set=self.bad[table])
                    again = pc.unique(found.filter(failed)["raw_path"])
                found = found.filter(pc.invert(held))
            kept[table] = found
        kept["articles"] = with_story(kept["articles"], self.story_of)
        kept["appearances"] = self.appearances(rows["appearances"], kept["articles"], kept["mentions"], again)
        if kept["mentions"].num_rows:
            self.added.append(part(kept["mentions"].select(MENTION_COLUMNS), kept["articles"].select(DATES)))
            if len(self.added) >= 64:  # memory holds aggregates, a bounded number of them
                self.added = [fold(self.added)]
        return kept

    def appearances(self, staged: pa.Table, articles: pa.Table, mentions: pa.Table, again: pa.Array) -> pa.Table:
        """The pass's `appearances`: those its batches staged for the pages written whole, and those of the pages
        whose mentions are held in part (`again`) computed here from the mentions kept (a held name leaves its
        list, and the places after it move up)."""
        from kcna_etl.transforms.lexicon import protocol
        from kcna_etl.transforms.protocol import APPEARANCE_MENTIONS, appearance_rows

        columns = with_partitions(TABLES["appearances"])
        gone = pa.concat_arrays([self.quarantined, again])
        out = staged.filter(pc.invert(pc.is_in(staged["raw_path"], value_set=gone))) if len(gone) else staged
        out = out.select(columns.names).cast(columns)
        if not len(again):
            return out
        persons = mentions.filter(pc.and_(pc.is_in(mentions["raw_path"], value_set=again),
                                          pc.equal(mentions["entity_type"], "person"))).select(APPEARANCE_MENTIONS)
        listed = articles.filter(pc.is_in(articles["raw_path"], value_set=again))
        found = appearance_rows(listed.select(["article_id", "body", *PARTITIONING.names]).to_pylist(),
                                persons.to_pylist(), protocol())
        return pa.concat_tables([out, pa.Table.from_pylist(found, schema=columns)])

    def hold(self, table: str, rows: pa.Table) -> None:
        """Quarantined rows, with the expectations they (or their article) failed, into the table's one file."""
        name = f"quarantine/{table}"
        schema = TABLES[name]
        own = [[] for _ in range(rows.num_rows)]
        staged_rows = rows.column("staged_row").to_numpy()
        for check, bad in self.quarantine.rows[table].items():
            for i in np.flatnonzero(np.isin(staged_rows, bad)):
                own[i].append(check)
        failed = [ids + [i for i in self.quarantine.pages.get(path, []) if i not in ids]
                  for ids, path in zip(own, rows.column("raw_path").to_pylist(), strict=True)]
        columns = {f.name: rows.column(f.name) for f in schema if f.name in rows.schema.names}
        out = pa.table(dict(columns, failed_expectations=pa.array(failed, pa.list_(pa.string())),
                            run_id=pa.array([self.run_id] * rows.num_rows, pa.string()))).cast(schema)
        if name not in self.writers:
            (self.snapshot / name).mkdir(parents=True, exist_ok=True)
            self.writers[name] = pq.ParquetWriter(self.snapshot / name / f"part-{self.run_id}.parquet", schema)
        self.writers[name].write_table(out)
        self.counts[name] += out.num_rows

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def entity_parts(snapshot: Path, only: pa.Array | None = None) -> Iterator[Part]:
    """The snapshot's mentions (of the `only` entities, or all) a partition at a time, with the
    articles of that partition (theirs)."""
    root = snapshot / "mentions"
    if not root.exists():
        return
    wanted = pc.field("entity_id").isin(only) if only is not None else None
    for folder in sorted(p for p in root.glob("*/*") if p.is_dir()):
        articles = snapshot / "articles" / folder.relative_to(root)
        mentions = ds.dataset(folder, format="parquet", schema=TABLES["mentions"]).to_table(
            columns=MENTION_COLUMNS, filter=wanted)
        if not mentions.num_rows:
            continue
        dated = ds.dataset(articles, format="parquet", schema=TABLES["articles"]).to_table(columns=DATES) \
            if articles.exists() else TABLES["articles"].empty_table().select(DATES)
        yield part(mentions, dated)


def read_state(snapshot: Path, table: str, schema: pa.Schema) -> pa.Table:
    files = sorted((snapshot / table).glob("part-*.parquet"))
    return ds.dataset(files, format="parquet", schema=schema).to_table() if files else schema.empty_table()


def write_entities(snapshot: Path, run_id: str, added: Iterable[Part], removed: set[str], first: bool = False) -> int:
    """`entities` and `roles` of the snapshot's mentions as they finally are, and the name counts
    `entities` is kept up with.

    Incremental: the stored table's aggregates (`stored`) plus those of the run's new mentions
    (`added`), the same table as a rebuild since aggregates of distinct articles add up; the
    entities that lost mentions (`removed`: pages processed again) are recounted from the
    mentions, as a count cannot be taken back from a minimum. A snapshot without the name
    counts or the roles (one written before they were kept) is rebuilt a partition at a time (an article
    and its mentions share one), so memory holds the aggregates only; `first`: the snapshot had no mentions
    before the run's, whose aggregates (`added`) are then the whole.
    """
    if first:
        whole = fold(added)
    elif (snapshot / "_entity_names").exists() and any((snapshot / "roles").glob("part-*.parquet")):
        gone = pa.array(sorted(removed), pa.string())
        before = stored(read_state(snapshot, "entities", ENTITIES), read_state(snapshot, "_entity_names", ENTITY_NAMES),
                        read_state(snapshot, "roles", ROLES))
        recounted = fold(entity_parts(snapshot, gone)) if removed else None
        whole = fold([without(before, gone), *(without(p, gone) for p in added), recounted])
    else:
        whole = fold(entity_parts(snapshot))
    table = table_of(whole)
    names = (whole.names if whole else ENTITY_NAMES.empty_table()).sort_by([("entity_id", "ascending"),
                                                                            ("entity", "ascending")])
    for folder, rows in (("entities", table), ("roles", roles_of(whole)), ("_entity_names", names.cast(ENTITY_NAMES))):
        shutil.rmtree(snapshot / folder, ignore_errors=True)  # links to the previous snapshot's file: it stays there
        (snapshot / folder).mkdir(parents=True)
        pq.write_table(rows, snapshot / folder / f"part-{run_id}.parquet")
    return table.num_rows


def article_ids(manifest: pa.Table, mask: pa.ChunkedArray) -> set[str]:
    return set(manifest["article_id"].filter(mask).drop_null().to_pylist())


def drop_pages(snapshot: Path, pages: set[str], articles: set[str]) -> set[str]:
    """Remove every row the given pages made: by `raw_sha256`, or by the `article_id` of their articles.
    Returns the entities whose mentions were removed."""
    mentions: list[pa.Table] = []
    for table, schema in TABLES.items():
        key = page_key(schema)
        if key:
            remove_rows(snapshot, table, key, pages if key == "raw_sha256" else articles,
                        mentions if table == "mentions" else None)
    return {e for t in mentions for e in t.column("entity_id").to_pylist()}


def plan(store: Warehouse, staging: str | Path) -> Plan:
    """The run's pages resolved."""
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
        return Plan([], [], known_rejects=len(again), publish=False)
    known = store.read("_manifest", ["raw_sha256", "article_id", "outcome"])
    # pages the warehouse holds already (a backfill): their earlier rows are replaced, their articles do not count
    held = pc.is_in(known["raw_sha256"], value_set=pa.array({p["raw_sha256"] for p in pages} - {None}, pa.string()))
    replaced = set(known["raw_sha256"].filter(held).to_pylist())
    replaced_articles = article_ids(known, pc.and_(held, pc.not_equal(known["outcome"], "duplicate")))
    known_articles = article_ids(known, pc.and_(pc.invert(held), pc.equal(known["outcome"], "article")))
    final = resolve(pages, known_articles)
    reject_keys = {(p["raw_path"], p["raw_sha256"]) for p in final if p["outcome"] == "rejected"}
    rejects = [r for r in staged_rejects if (r["raw_path"], r["raw_sha256"]) in reject_keys]
    return Plan(final, rejects, known_rejects=len(again), replaced=frozenset(replaced),
                replaced_articles=frozenset(replaced_articles))


ROWS_SHOWN = [*ROW_TABLES, "rejects", "quarantine", "appearances", "entities"]


def commit(store: Warehouse, run_id: str, staging: str | Path, plan: Plan, quarantine: Quarantine) -> Outcome:
    """Publish the planned pages as the next snapshot: main tables, quarantine, rejects, manifest, entities."""
    if not plan.publish:
        return Outcome(rows={t: 0 for t in (*ROW_TABLES, "rejects")}, known_rejects=plan.known_rejects)
    winners = plan.winners
    quarantined = pa.array(sorted(set(winners) & set(quarantine.pages)), pa.string())
    duplicates = pa.array(sorted({p["raw_path"] for p in plan.pages if p["outcome"] == "duplicate"}), pa.string())
    # Staged rows are of pages read as articles, each a winner or a duplicate: leave out the duplicates'.
    # The winners' rows then go to their table, or to quarantine (`Derived`).
    read = ~pc.field("raw_path").isin(duplicates) if len(duplicates) else None
    counts: dict[str, int] = {}

    def build(snapshot: Path) -> None:
        from kcna_etl.transforms.lexicon import stories

        removed = drop_pages(snapshot, set(plan.replaced), set(plan.replaced_articles))
        first = not (snapshot / "mentions").exists()  # the run's mentions are all the snapshot's
        # each new article's story, against the stored ones (after drop_pages); an article row failing an
        # `error` expectation sends its whole page to quarantine, so the pages are what selects them
        lost = pa.concat_arrays([duplicates, quarantined])
        story_of = assign_stories(staged(staging, "signatures", STAGED_SIGNATURES),
                                  ~pc.field("raw_path").isin(lost) if len(lost) else None, snapshot, run_id, stories())
        derived = Derived(snapshot, run_id, quarantine, quarantined, story_of)
        try:
            sources = {t: table_rows(staging, t) for t in ROW_TABLES}
            sources["appearances"] = staged(staging, "appearances", STAGED_APPEARANCES)
            counts.update(write_passes(sources, dict.fromkeys(sources, read), snapshot, run_id, each=derived))
        finally:
            derived.close()
        counts.update(derived.counts)
        counts["rejects"] = len(plan.rejects)
        if plan.rejects:
            (snapshot / "rejects").mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(plan.rejects, schema=REJECTS),
                           snapshot / "rejects" / f"part-{run_id}.parquet")
        held = set(quarantined.to_pylist())
        manifest = [dict(p, outcome="quarantined" if p["raw_path"] in held and p["outcome"] == "article"
                         else p["outcome"], pipeline_version=PIPELINE_VERSION, run_id=run_id)
                    for p in plan.pages if p["raw_sha256"]]
        (snapshot / "_manifest").mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(manifest, schema=MANIFEST), snapshot / "_manifest" / f"part-{run_id}.parquet")
        release_memory()  # what the partition writes held goes back before the entities are updated
        # last: from the run's aggregates, on the snapshot's final mentions
        counts["entities"] = write_entities(snapshot, run_id, derived.added, removed, first)

    snapshot = store.publish(run_id, build)
    return Outcome(
        articles=len(winners) - len(quarantined), quarantined=len(quarantined),
        duplicates=sum(p["outcome"] == "duplicate" for p in plan.pages),
        rejected=len(plan.rejects), known_rejects=plan.known_rejects, rejects=plan.rejects,
        # in the order the run summary has always shown them (scripts read it)
        rows={k: counts[k] for k in sorted(counts, key=lambda k: ROWS_SHOWN.index(k.split("/")[0]))},
        snapshot=snapshot, replaced=plan.replaced,
    )
