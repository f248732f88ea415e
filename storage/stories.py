"""Stories at commit: each new article joins a stored story or starts its own (docs/stories.md).

The commit hands over the run's article rows as written (duplicates and quarantine left out); this
computes their signatures (`transforms/stories.py`), reads from the snapshot being built the stored
articles sharing a band key with them (`story_bands`, then their `story_signatures`), assigns the new
articles in order of arrival (`stories.arrival_key`) and appends one file to each story table.
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
from kcna_etl.transforms.stories import Member, Signature, StoryRules, arrival_key, assign, signature

COLUMNS = ["article_id", "body", "published_date", "capture_date"]


def signatures(articles: ds.Dataset, kept: pc.Expression | None, rules: StoryRules) -> list[tuple[str, Signature]]:
    """The signatures of the articles the commit writes, in order of arrival (a staged file read at a time)."""
    found = []
    for fragment in articles.get_fragments():
        rows = fragment.to_table(schema=articles.schema, columns=COLUMNS, filter=kept)
        for aid, body, published, captured in zip(*(rows.column(c).to_pylist() for c in COLUMNS), strict=True):
            found.append((arrival_key(aid, published, captured), aid, signature(body, rules)))
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
    by_id = {aid: Member(aid, story, np.frombuffer(sig, dtype="<u4").astype(np.uint32), size)
             for aid, story, size, sig in zip(*(members.column(c).to_pylist()
                                                for c in ("article_id", "story_id", "shingles", "signature")),
                                              strict=True)
             if len(sig) == 4 * rules.permutations}  # a signature of other parameters cannot be compared
    return [(key, by_id[aid]) for key, aid in zip(hits["band_key"].to_pylist(), hits["article_id"].to_pylist(),
                                                   strict=True) if aid in by_id]


def assign_stories(articles: ds.Dataset, kept: pc.Expression | None, snapshot: Path, run_id: str,
                   rules: StoryRules) -> dict[str, str]:
    """article_id -> story_id of the run's new articles; their rows appended to `story_bands` and `story_signatures`."""
    new = signatures(articles, kept, rules)
    keys = np.concatenate([s.bands for _, s in new]) if new else np.empty(0, np.int64)
    story_of = assign(new, stored(snapshot, keys, rules), rules)
    if new:
        ids = [aid for aid, _ in new]
        pq.write_table(pa.table({
            "article_id": ids, "story_id": [story_of[a] for a in ids],
            "shingles": pa.array([s.size for _, s in new], pa.int32()),
            "signature": pa.array([s.values.astype("<u4").tobytes() for _, s in new], pa.binary()),
        }, schema=STORY_SIGNATURES), _target(snapshot, "story_signatures", run_id))
        n = [len(s.bands) for _, s in new]
        band_ids = np.repeat(np.array(ids, dtype=object), n)
        bands = pa.table({"band_key": pa.array(keys, pa.int64()), "article_id": pa.array(band_ids, pa.string()),
                          "story_id": pa.array([story_of[a] for a in band_ids], pa.string())}, schema=STORY_BANDS)
        pq.write_table(bands.sort_by("band_key"), _target(snapshot, "story_bands", run_id))
    return story_of


def _target(snapshot: Path, table: str, run_id: str) -> Path:
    (snapshot / table).mkdir(parents=True, exist_ok=True)
    return snapshot / table / f"part-{run_id}.parquet"


def with_story(story_of: dict[str, str]):
    """A function giving a batch of article rows its `story_id` column (for `commit.write_partitioned`)."""
    def add(batch: pa.RecordBatch) -> pa.RecordBatch:
        i = batch.schema.get_field_index("story_id")
        ids = batch.column("article_id").to_pylist()
        column = pa.array([story_of.get(a) for a in ids], pa.string())
        return pa.RecordBatch.from_arrays([column if j == i else batch.column(j) for j in range(batch.num_columns)],
                                          schema=batch.schema)
    return add
