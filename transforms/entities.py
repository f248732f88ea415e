"""The entities table (one row per `entity_id`) and the roles table (one row per person and role),
derived from the mentions table alone.

Takes: the `mentions` rows (`entity_id`, `entity_type`, `entity`, `surface`, `role`,
`article_id`) and the `articles` rows (`article_id`, `published_date`, `capture_date`) of one
snapshot, as pyarrow tables. Returns: the `entities` table (schema
`transforms.schema.ENTITIES`), rows sorted by `entity_id`, and the `roles` table (schema
`transforms.schema.ROLES`), sorted by `entity_id`, `role`. Pure functions of
their inputs, so the tables can always be rebuilt from the mentions they summarise.
`part` and `from_parts` build the same table from the mentions a part at a time
(each article with all its mentions in one part), holding only aggregates.
`stored` turns a table (with its name counts) back into such a part, so that a
later run adds its own mentions' parts to it: the same table as a rebuild,
since parts of distinct articles add up (`merged`) whichever way they are cut.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from kcna_etl.transforms.schema import ENTITIES, ROLES


def folded(surface: pa.ChunkedArray) -> pa.ChunkedArray:
    """Typography folded as in canonical names: curly apostrophe, no-break and repeated spaces."""
    return pc.replace_substring_regex(pc.replace_substring(surface, "\u2019", "'"), r"[ \x{00a0}]+", " ")


def folded_role(role: pa.ChunkedArray) -> pa.ChunkedArray:
    """A role as `folded`, less the sentence's end the appositive may carry (`… of the KPA.`)."""
    return pc.utf8_rtrim(folded(role), characters=" .,;:")


def canonical_names(names: pa.Table) -> pa.Table:
    """Per entity: the longest name its mentions carry, then the most frequent, then the first in order."""
    names = names.append_column("length", pc.utf8_length(names["entity"]))
    ordered = names.sort_by([("entity_id", "ascending"), ("length", "descending"),
                             ("entity_count", "descending"), ("entity", "ascending")])
    return ordered.group_by("entity_id", use_threads=False).aggregate([("entity", "first")]) \
        .rename_columns({"entity_first": "entity"})


def aliases(pairs: pa.Table) -> pa.Table:
    distinct = pairs.sort_by([("entity_id", "ascending"), ("alias", "ascending")])
    return distinct.group_by("entity_id", use_threads=False).aggregate([("alias", "list")]) \
        .rename_columns({"alias_list": "aliases"})


@dataclass(frozen=True)
class Part:
    """What the entities table needs from some of the mentions: per entity, per (entity, name), per alias."""
    counts: pa.Table   # entity_id, entity_type, first_seen, last_seen, mention_count, article_count
    names: pa.Table    # entity_id, entity, entity_count
    aliases: pa.Table  # entity_id, alias (distinct)
    roles: pa.Table    # entity_id, role, first_seen, last_seen, mention_count, article_count


ROLE_SUMS = [("first_seen", "min"), ("last_seen", "max"), ("mention_count", "sum"), ("article_count", "sum")]


def part(mentions: pa.Table, articles: pa.Table) -> Part:
    """The aggregates of some mentions, with the articles they are in (each article wholly in one part)."""
    m = mentions.select(["entity_id", "entity_type", "entity", "surface", "role", "article_id"])
    dated = m.join(articles.select(["article_id", "published_date", "capture_date"]), "article_id",
                   join_type="left outer")
    counts = dated.group_by("entity_id").aggregate([
        ("entity_type", "min"), ("published_date", "min"), ("published_date", "max"),
        ("article_id", "count"), ("article_id", "count_distinct"),
    ]).rename_columns({"entity_type_min": "entity_type", "published_date_min": "first_seen",
                       "published_date_max": "last_seen", "article_id_count": "mention_count",
                       "article_id_count_distinct": "article_count"})
    names = m.group_by(["entity_id", "entity"]).aggregate([("entity", "count")])
    pairs = pa.table({"entity_id": m["entity_id"], "alias": folded(m["surface"])}).group_by(
        ["entity_id", "alias"]).aggregate([])
    given = dated.filter(pc.is_valid(dated["role"]))
    given = pa.table({"entity_id": given["entity_id"], "role": folded_role(given["role"]),
                      "date": pc.coalesce(given["published_date"], given["capture_date"]),
                      "article_id": given["article_id"]})
    roles = given.filter(pc.not_equal(given["role"], "")).group_by(["entity_id", "role"]).aggregate([
        ("date", "min"), ("date", "max"), ("article_id", "count"), ("article_id", "count_distinct"),
    ]).rename_columns({"date_min": "first_seen", "date_max": "last_seen", "article_id_count": "mention_count",
                       "article_id_count_distinct": "article_count"})
    return Part(counts, names, pairs, roles)


def merged(parts: list[Part]) -> Part:
    """Parts as one: counts added (an article is in one part only, so distinct articles add too).
    Columns may differ in nullability only (a stored part's are all nullable)."""
    counts = pa.concat_tables([p.counts for p in parts], promote_options="permissive").group_by("entity_id").aggregate([
        ("entity_type", "min"), ("first_seen", "min"), ("last_seen", "max"),
        ("mention_count", "sum"), ("article_count", "sum"),
    ]).rename_columns({"entity_type_min": "entity_type", "first_seen_min": "first_seen",
                       "last_seen_max": "last_seen", "mention_count_sum": "mention_count",
                       "article_count_sum": "article_count"})
    names = pa.concat_tables([p.names for p in parts], promote_options="permissive").group_by(["entity_id", "entity"]).aggregate(
        [("entity_count", "sum")]).rename_columns({"entity_count_sum": "entity_count"})
    pairs = pa.concat_tables([p.aliases for p in parts], promote_options="permissive").group_by(["entity_id", "alias"]).aggregate([])
    roles = pa.concat_tables([p.roles for p in parts], promote_options="permissive").group_by(
        ["entity_id", "role"]).aggregate(ROLE_SUMS).rename_columns({f"{c}_{f}": c for c, f in ROLE_SUMS})
    return Part(counts, names, pairs, roles)


def fold(parts: Iterable[Part | None], fold_every: int = 64) -> Part | None:
    """All the parts as one (None when there are none); memory holds aggregates, never the mentions."""
    held: list[Part] = []
    for p in parts:
        if p is None:
            continue
        held.append(p)
        if len(held) >= fold_every:
            held = [merged(held)]
    return merged(held) if held else None


def table_of(whole: Part | None) -> pa.Table:
    """The entities table of a part's aggregates."""
    if whole is None or whole.counts.num_rows == 0:
        return ENTITIES.empty_table()
    # one row per entity_id in each part: line them up by id (pyarrow joins refuse list columns)
    pieces = [t.sort_by("entity_id") for t in (whole.counts, canonical_names(whole.names), aliases(whole.aliases))]
    columns = {name: piece[name] for piece in pieces for name in piece.column_names}
    return pa.table({name: columns[name] for name in ENTITIES.names}).cast(ENTITIES)


def roles_of(whole: Part | None) -> pa.Table:
    """The roles table of a part's aggregates."""
    if whole is None:
        return ROLES.empty_table()
    return whole.roles.select(ROLES.names).sort_by([("entity_id", "ascending"), ("role", "ascending")]).cast(ROLES)


def from_parts(parts: Iterable[Part]) -> pa.Table:
    """The entities table of all the parts' mentions."""
    return table_of(fold(parts))


def stored(table: pa.Table, names: pa.Table, roles: pa.Table) -> Part:
    """The aggregates an entities table, its name counts (`Part.names`) and the roles table hold:
    what a later run's new mentions are added to, as if they were one more part."""
    def loose(t: pa.Table, columns: list[str]) -> pa.Table:  # as `part` makes them: every column nullable
        return pa.table({c: t[c] for c in columns})
    counts = loose(table, ["entity_id", "entity_type", "first_seen", "last_seen", "mention_count", "article_count"])
    owner = pc.list_parent_indices(table["aliases"])
    pairs = pa.table({"entity_id": pc.take(table["entity_id"], owner), "alias": pc.list_flatten(table["aliases"])})
    return Part(counts, loose(names, ["entity_id", "entity", "entity_count"]), pairs, loose(roles, ROLES.names))


def without(p: Part | None, ids: pa.Array) -> Part | None:
    """A part less the aggregates of some entities."""
    if p is None or not len(ids):
        return p
    return Part(*(t.filter(pc.invert(pc.is_in(t["entity_id"], value_set=ids)))
                  for t in (p.counts, p.names, p.aliases, p.roles)))


def entities(mentions: pa.Table, articles: pa.Table) -> pa.Table:
    return from_parts([part(mentions, articles)])


def role_history(mentions: pa.Table, articles: pa.Table) -> pa.Table:
    return roles_of(part(mentions, articles))
