"""Scoring mentions against labels: `transforms/scoring.py`."""
from __future__ import annotations

import pytest

from kcna_etl.transforms.markup import labelled
from kcna_etl.transforms.mentions import Mention
from kcna_etl.transforms.scoring import Tally, scored_names, scored_spans

ARTICLE = labelled("source: x\n\n[[person:Putin|Vladimir Vladimirovich Putin]] met [[person:Ri Il Hwan]] "
                   "in [[place:Moscow]] and the [[organization:WPK|Workers' Party of Korea]].")


def mention(type_, surface, entity, entity_id):
    start = ARTICLE.body.index(surface)
    return Mention(type_, entity, entity_id, surface, start, start + len(surface))


def ids(type_, name):
    return {("person", "Vladimir Vladimirovich Putin"): "person:putin"}.get((type_, name), f"{type_}:{name}")


def test_strict_span_and_type_and_canonical_by_entity():
    found = [
        mention("person", "Putin", "Putin", "person:putin"),          # same entity, other name: canonical agrees
        mention("person", "Ri Il", "Ri Il", "person:ri-il"),          # wrong span: one missed, one extra
        mention("organization", "Moscow", "Moscow", "org:moscow"),    # wrong type: one missed, one extra
        mention("organization", "WPK", "WPK", "org:wpk-other"),       # right span, other entity
    ]
    s = scored_spans(ARTICLE.labels, found, ids)
    t = s.tallies
    assert (t["person"].gold, t["person"].found, t["person"].correct, t["person"].canonical) == (2, 2, 1, 1)
    assert (t["place"].gold, t["place"].found, t["place"].correct) == (1, 0, 0)
    assert (t["organization"].gold, t["organization"].found, t["organization"].correct,
            t["organization"].canonical) == (1, 2, 1, 0)
    assert (t["all"].gold, t["all"].found, t["all"].correct) == (4, 4, 2)
    assert sorted((d.kind, d.surface) for d in s.disagreements) == [
        ("canonical", "WPK"), ("extra", "Moscow"), ("extra", "Ri Il"), ("missed", "Moscow"), ("missed", "Ri Il Hwan")]


@pytest.mark.parametrize("tally, p, r, f1", [
    (Tally(gold=4, found=5, correct=4), 0.8, 1.0, 8 / 9),
    (Tally(gold=0, found=0, correct=0), 1.0, 1.0, 1.0),   # nothing to find, nothing found
    (Tally(gold=3, found=0, correct=0), 1.0, 0.0, 0.0),
])
def test_precision_recall_f1(tally, p, r, f1):
    assert (tally.precision, tally.recall, tally.f1) == pytest.approx((p, r, f1))


def test_names_compare_as_the_gold_scorer_does():
    s = scored_names(["Kim Jong Un", "V.V. Yakushev", "Choe Son Hui"], ["Kim Jong Un", "V. V. Yakushev", "Ri Il"])
    assert (s.tallies["person"].gold, s.tallies["person"].found, s.tallies["person"].correct) == (3, 3, 2)
    assert [(d.kind, d.surface) for d in s.disagreements] == [("missed", "Choe Son Hui"), ("extra", "Ri Il")]
