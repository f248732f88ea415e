"""Stories at commit: each new article joins a stored story or starts its own (docs/stories.md).

The batches stage each article's signature (`storage/staging.py`, with `transforms/stories.py`); the commit
hands over those of the articles it writes (duplicates and quarantine left out). This reads from the
snapshot being built the stored articles sharing a band key with them (`story_bands`, then their
`story_signatures`), assigns the new articles in order of arrival (`stories.arrival_key`) and appends
one file to each story table.
Stored rows are never rewritten: an article processed again had its rows removed before (`drop_pages`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from kcna_etl.transforms.schema import STORY_BANDS, STORY_SIGNATURES
from kcna_etl.transforms.stories import Member, Signature, StoryRules, arrival_key, assign, packed, unpacked


def signatures(staged: ds.Dataset, kept: pc.Expression | None) -> list[tuple[str, Signature]]:
    """The staged signatures (`staging.STAGED_SIGNATURES`, computed by the batches) of the articles the commit
    writes, in order of arrival."""
    rows = staged.to_table(filter=kept)
    if not rows.num_rows:
        return []
    bands = rows["bands"].combine_chunks()
    keys = np.split(bands.flatten().to_numpy(zero_copy_only=False).astype(np.int64),
                    bands.offsets.to_numpy()[1:-1] - bands.offsets[0].as_py())
    found = []
    for aid, published, captured, size, sig, band in zip(
            *(rows.column(c).to_pylist() for c in ("article_id", "published_date", "capture_date", "shingles",
                                                   "signature")), keys, strict=True):
        found.append((arrival_key(aid, published, captured), aid,
                      Signature(unpacked(sig), size, band)))
    found.sort(key=lambda x: x[0])
    return [(aid, sig) for _, aid, sig in found]


def _files(snapshot: Path, table: str) -> list[Path]:
    return sorted((snapshot / table).glob("part-*.parquet"))


def stored(snapshot: Path, keys: np.ndarray, rules: StoryRules) -> list[tuple[int, Member]]:
    """(band key, member) of the stored articles holding any of `keys`."""
    band_files, signature_files = _files(snapshot, "story_bands"), _files(snapshot, "story_signatures")
    if not band_files or not len(keys):
        return []
    hits = ds.dataset(band_files, format="parquet", schema=STORY_BANDS).to_table(
        columns=["band_key", "article_id"], filter=pc.field("band_key").isin(pa.array(np.unique(keys), pa.int64())))
    if not hits.num_rows:
        return []
    members = ds.dataset(signature_files, format="parquet", schema=STORY_SIGNATURES).to_table(
        filter=pc.field("article_id").isin(pc.unique(hits["article_id"])))
    by_id = {aid: Member(aid, story, unpacked(sig), size)
             for aid, story, size, sig in zip(*(members.column(c).to_pylist()
                                                for c in ("article_id", "story_id", "shingles", "signature")),
                                              strict=True)
             if len(sig) == 4 * rules.permutations}  # a signature of other parameters cannot be compared
    return [(key, by_id[aid]) for key, aid in zip(hits["band_key"].to_pylist(), hits["article_id"].to_pylist(),
                                                   strict=True) if aid in by_id]


def assign_stories(staged: ds.Dataset, kept: pc.Expression | None, snapshot: Path, run_id: str,
                   rules: StoryRules) -> dict[str, str]:
    """article_id -> story_id of the run's new articles (their staged signatures that `kept` selects); their rows
    appended to `story_bands` and `story_signatures`."""
    new = signatures(staged, kept)
    keys = np.concatenate([s.bands for _, s in new]) if new else np.empty(0, np.int64)
    story_of = assign(new, stored(snapshot, keys, rules), rules)
    if new:
        ids = [aid for aid, _ in new]
        pq.write_table(pa.table({
            "article_id": ids, "story_id": [story_of[a] for a in ids],
            "shingles": pa.array([s.size for _, s in new], pa.int32()),
            "signature": pa.array([packed(s.values) for _, s in new], pa.binary()),
        }, schema=STORY_SIGNATURES), _target(snapshot, "story_signatures", run_id))
        write_bands(keys, [len(s.bands) for _, s in new], ids, [story_of[a] for a in ids],
                    _target(snapshot, "story_bands", run_id))
    return story_of


BAND_ROWS = 1 << 20  # rows of `story_bands` built and written at a time (a row group each)


def write_bands(keys: np.ndarray, counts: list[int], ids: list[str], stories: list[str], path: Path) -> None:
    """`story_bands` rows sorted by key: each article's keys (`counts` of `keys` each, in the order of `ids`)
    with its id and story. Built a row group at a time from the articles' numbers, not as one table of strings
    (at 100,000 articles, 3.2 million rows: ~0.5 GB as Python and Arrow strings, sorted in a copy)."""
    order = np.argsort(keys, kind="stable")
    owner = np.repeat(np.arange(len(ids)), counts)[order]
    ids_, stories_ = pa.array(ids, pa.string()), pa.array(stories, pa.string())
    with pq.ParquetWriter(path, STORY_BANDS) as w:
        for a in range(0, len(order), BAND_ROWS):
            rows = pa.array(owner[a:a + BAND_ROWS])
            w.write_table(pa.table({"band_key": pa.array(keys[order[a:a + BAND_ROWS]], pa.int64()),
                                    "article_id": ids_.take(rows), "story_id": stories_.take(rows)},
                                   schema=STORY_BANDS))


def _target(snapshot: Path, table: str, run_id: str) -> Path:
    (snapshot / table).mkdir(parents=True, exist_ok=True)
    return snapshot / table / f"part-{run_id}.parquet"


def with_story(articles: pa.Table, story_of: dict[str, str]) -> pa.Table:
    """Article rows with their `story_id` column filled in (the staged rows leave it null)."""
    i = articles.schema.get_field_index("story_id")
    column = pa.array([story_of.get(a) for a in articles.column("article_id").to_pylist()], pa.string())
    return articles.set_column(i, articles.schema.field(i), column)
