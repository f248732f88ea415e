"""The entities table: one row per `entity_id`, derived from the mentions table alone.

Takes: the `mentions` rows (`entity_id`, `entity_type`, `entity`, `surface`,
`article_id`) and the `articles` rows (`article_id`, `published_date`) of one
snapshot, as pyarrow tables. Returns: the `entities` table (schema
`transforms.schema.ENTITIES`), rows sorted by `entity_id`. A pure function of
its inputs, so the table can always be rebuilt from the mentions it summarises.
"""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from transforms.schema import ENTITIES


def folded(surface: pa.ChunkedArray) -> pa.ChunkedArray:
    """Typography folded as in canonical names: curly apostrophe, no-break and repeated spaces."""
    return pc.replace_substring_regex(pc.replace_substring(surface, "\u2019", "'"), r"[ \x{00a0}]+", " ")


def canonical_names(m: pa.Table) -> pa.Table:
    """Per entity: the longest name its mentions carry, then the most frequent, then the first in order."""
    names = m.group_by(["entity_id", "entity"]).aggregate([("entity", "count")])
    names = names.append_column("length", pc.utf8_length(names["entity"]))
    ordered = names.sort_by([("entity_id", "ascending"), ("length", "descending"),
                             ("entity_count", "descending"), ("entity", "ascending")])
    return ordered.group_by("entity_id", use_threads=False).aggregate([("entity", "first")]) \
        .rename_columns({"entity_first": "entity"})


def aliases(m: pa.Table) -> pa.Table:
    pairs = pa.table({"entity_id": m["entity_id"], "alias": folded(m["surface"])})
    distinct = pairs.group_by(["entity_id", "alias"]).aggregate([]).sort_by([("entity_id", "ascending"),
                                                                               ("alias", "ascending")])
    return distinct.group_by("entity_id", use_threads=False).aggregate([("alias", "list")]) \
        .rename_columns({"alias_list": "aliases"})


def entities(mentions: pa.Table, articles: pa.Table) -> pa.Table:
    m = mentions.select(["entity_id", "entity_type", "entity", "surface", "article_id"])
    if m.num_rows == 0:
        return ENTITIES.empty_table()
    dated = m.join(articles.select(["article_id", "published_date"]), "article_id", join_type="left outer")
    counts = dated.group_by("entity_id").aggregate([
        ("entity_type", "min"), ("published_date", "min"), ("published_date", "max"),
        ("article_id", "count"), ("article_id", "count_distinct"),
    ]).rename_columns({"entity_type_min": "entity_type", "published_date_min": "first_seen",
                       "published_date_max": "last_seen", "article_id_count": "mention_count",
                       "article_id_count_distinct": "article_count"})
    # one row per entity_id in each part: line them up by id (pyarrow joins refuse list columns)
    parts = [t.sort_by("entity_id") for t in (counts, canonical_names(m), aliases(m))]
    columns = {name: part[name] for part in parts for name in part.column_names}
    return pa.table({name: columns[name] for name in ENTITIES.names}).cast(ENTITIES)
