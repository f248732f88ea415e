"""Precision, recall and F1 of mentions against labels.

Takes: labelled spans (`transforms.markup.Label`) and found mentions
(`transforms.mentions.Mention`) of one body, or labelled and found person
names of one page. Returns: a `Tally` per entity type (and `all`), with the
disagreements listed, to be summed over articles.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from kcna_etl.transforms.markup import Label, folded
from kcna_etl.transforms.mentions import Mention

TYPES = ("person", "organization", "place")


@dataclass
class Tally:
    gold: int = 0
    found: int = 0
    correct: int = 0      # same span and type
    canonical: int = 0    # of the correct ones: the same entity as labelled

    def __iadd__(self, other: "Tally") -> "Tally":
        self.gold += other.gold
        self.found += other.found
        self.correct += other.correct
        self.canonical += other.canonical
        return self

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Disagreement:
    kind: str   # `missed` (labelled, not found), `extra` (found, not labelled), `canonical` (found, other entity)
    type: str
    start: int
    end: int
    surface: str
    detail: str = ""


@dataclass
class Scored:
    tallies: dict[str, Tally] = field(default_factory=lambda: {t: Tally() for t in (*TYPES, "all")})
    disagreements: list[Disagreement] = field(default_factory=list)

    def __iadd__(self, other: "Scored") -> "Scored":
        for t, tally in other.tallies.items():
            self.tallies[t] += tally
        self.disagreements += other.disagreements
        return self


def same_entity(label: Label, m: Mention, entity_id_of: Callable[[str, str], str]) -> bool:
    """The labelled canonical name is the found entity: the same name, or a name of the same id.

    (A person's canonical name is the fullest form in the article, an organisation's its spelt-out name:
    `Putin` labelled alone and `Vladimir Vladimirovich Putin` are one entity, `person:putin`.)
    """
    return folded(m.entity) == label.canonical or entity_id_of(label.type, label.canonical) == m.entity_id


def scored_spans(labels: Iterable[Label], found: Iterable[Mention],
                 entity_id_of: Callable[[str, str], str]) -> Scored:
    """Strict: a mention is correct when its span and its type are exactly those of a label."""
    out = Scored()
    want = {(x.type, x.start, x.end): x for x in labels}
    got = {(m.type, m.start, m.end): m for m in found}
    for key, label in want.items():
        out.tallies[label.type].gold += 1
        m = got.get(key)
        if m is None:
            out.disagreements.append(Disagreement("missed", label.type, label.start, label.end, label.surface,
                                                  label.canonical))
            continue
        out.tallies[label.type].correct += 1
        if same_entity(label, m, entity_id_of):
            out.tallies[label.type].canonical += 1
        else:
            out.disagreements.append(Disagreement("canonical", label.type, m.start, m.end, m.surface,
                                                  f"labelled {label.canonical!r}, found {m.entity!r}"))
    for key, m in got.items():
        out.tallies[m.type].found += 1
        if key not in want:
            out.disagreements.append(Disagreement("extra", m.type, m.start, m.end, m.surface, m.entity))
    for t in TYPES:
        out.tallies["all"] += out.tallies[t]
    return out


def name_key(name: str) -> str:
    """A person's name compared as the project's gold scorer does: no spaces, dots, hyphens, apostrophes, case."""
    return re.sub(r"[\s.\-'\u2019]", "", name).lower()


def scored_names(labelled: Iterable[str], found: Iterable[str]) -> Scored:
    """Persons of one page by name: each labelled name found among the page's person entities."""
    out = Scored()
    want = {name_key(n): n for n in labelled}
    got = {name_key(n): n for n in found}
    tally = out.tallies["person"]
    tally.gold, tally.found = len(want), len(got)
    tally.correct = tally.canonical = len(want.keys() & got.keys())
    out.disagreements += [Disagreement("missed", "person", -1, -1, want[k]) for k in sorted(want.keys() - got.keys())]
    out.disagreements += [Disagreement("extra", "person", -1, -1, got[k]) for k in sorted(got.keys() - want.keys())]
    out.tallies["all"] += tally
    return out


def alias_ids(entities: Iterable[Mapping]) -> dict[tuple[str, str], str]:
    """(type, name or alias with typography folded) -> id, from the alias table."""
    return {(e["type"], folded(a)): e["id"] for e in entities for a in (e["name"], *e.get("aliases", ()))}
