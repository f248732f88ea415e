"""Signatures and story assignment (`transforms/stories.py`) on real bodies and their republished forms.

The forms are the SYNTHETIC ones of tests/data/stories_synthetic (made by script from real bodies): they
test that each kind of change is read as intended; the method's measured precision and recall come from
labelled real pairs (docs/stories.md), not from here.
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kcna_etl.devtools import stories_eval
from kcna_etl.transforms.lexicon import stories
from kcna_etl.transforms.stories import (Member, Signature, _seeded, assign, arrival_key, shingles, signature,
                                        similarity, with_params, words)

SYNTH = Path(__file__).resolve().parents[1] / "data" / "stories_synthetic"


@pytest.fixture(scope="module")
def data():
    return stories_eval.load(SYNTH)


@pytest.fixture(scope="module")
def rules():
    return stories()


def exact_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return len(np.intersect1d(a, b)) / len(np.union1d(a, b))


def originals(data) -> list[str]:
    return sorted(i for i in data.texts if "~" not in i and f"{i}~cut" in data.texts)


def test_dateline_and_typography_do_not_count(data, rules):
    for key in originals(data):
        body, retyped = data.texts[key], data.texts[f"{key}~retyped"]
        assert body != retyped
        assert words(body, rules) == words(retyped, rules)
        a, b = signature(body, rules), signature(retyped, rules)
        assert np.array_equal(a.values, b.values) and np.array_equal(a.bands, b.bands)


def test_the_estimate_follows_the_exact_jaccard(data, rules):
    """Over every labelled pair: the MinHash estimate within 0.15 of the shingle sets' exact Jaccard
    (96 permutations: a standard error of at most 0.05)."""
    errors = []
    for a, b, _ in data.pairs:
        sa, sb = shingles(data.texts[a], rules), shingles(data.texts[b], rules)
        est = similarity(signature(data.texts[a], rules).values, len(sa), signature(data.texts[b], rules).values,
                         len(sb), "jaccard")
        errors.append(abs(est - exact_jaccard(sa, sb)))
    assert max(errors) <= 0.15 and np.mean(errors) < 0.05


def test_republished_forms_join_their_original_and_distinct_items_do_not(data, rules):
    order = sorted(data.texts, key=lambda i: arrival_key(i, stories_eval._date(data.meta[i]["date"]), None))
    story_of = assign([(i, signature(data.texts[i], rules)) for i in order], [], rules)
    keys = originals(data)
    assert len({story_of[k] for k in keys}) == len(keys)  # 30 distinct items, 30 stories
    for key in keys:
        assert story_of[key] == key  # the first of its story names it
        assert story_of[f"{key}~retyped"] == key  # the same shingles: under any threshold
    # a dropped or added paragraph: the containment of the shorter body in the longer stays high where the
    # Jaccard similarity falls (a third of a three-paragraph article dropped gives 0.43 for 039_kcna_2007)
    contained = assign([(i, signature(data.texts[i], rules)) for i in order], [],
                       dataclasses.replace(rules, measure="containment", threshold=0.7))
    for key in keys:
        for kind in ("cut", "added"):
            assert contained[f"{key}~{kind}"] == key, (key, kind)
    for a, b, same in data.pairs:
        if not same and "~" not in a + b:  # the real articles sharing the most 5-grams
            assert story_of[a] != story_of[b], (a, b)


def test_assignment_is_incremental(data, rules):
    """The same story ids whether the texts are assigned in one pass or in two, the second against the
    members the first stored (the band index), in the same order."""
    order = sorted(data.texts, key=lambda i: arrival_key(i, stories_eval._date(data.meta[i]["date"]), None))
    signed = [(i, signature(data.texts[i], rules)) for i in order]
    whole = assign(signed, [], rules)
    cut = len(signed) // 2
    first = assign(signed[:cut], [], rules)
    stored = [(int(k), Member(i, first[i], s.values, s.size)) for i, s in signed[:cut] for k in s.bands]
    second = assign(signed[cut:], stored, rules)
    assert {**first, **second} == whole
    assert len(set(whole.values())) < len(whole)  # some joined a story: the test is not vacuous


def reference_assign(new, stored, rules) -> dict[str, str]:
    """`assign` as first written: a dict from band key to the rows holding it, a list appended to as articles
    arrive; each candidate row compared on its own."""
    stored = list(stored)
    members, index, out = [], {}, {}
    for key, m in stored:
        index.setdefault(int(key), []).append(m)
    for article_id, sig in new:
        found = [m for key in sig.bands.tolist() for m in index.get(key, ())]
        first = {}
        for m in found:  # an article's first row, as met
            first.setdefault(m.article_id, m)
        scored = [(similarity(sig.values, sig.size, m.values, m.size, rules.measure), m.story_id)
                  for m in first.values()]
        close = [(score, story) for score, story in scored if score >= rules.threshold]
        top = max((score for score, _ in close), default=None)
        story = min(story for score, story in close if score == top) if close else article_id
        out[article_id] = story
        member = Member(article_id, story, sig.values, sig.size)
        members.append(member)
        for key in sig.bands.tolist():
            index.setdefault(key, []).append(member)
    return out


def test_assignment_equals_the_dict_index_it_replaced(rules):
    """Signatures drawn from few values and few band keys, so that candidates are many, scores tie, an article
    holds a key twice and some keys are held once; stored members in a shuffled order, some holding several keys: the same stories
    as the first implementation, on every draw."""
    rng = np.random.default_rng(2026)
    small = dataclasses.replace(rules, permutations=8, band_rows=2, threshold=0.3)
    for _ in range(60):
        def drawn(n: int, prefix: str):
            out = []
            for i in range(n):
                size = int(rng.integers(0, 4))  # 0: a body without words, no band keys
                bands = rng.integers(0, 24, size=rng.integers(0, 5) if size else 0).astype(np.int64)
                out.append((f"{prefix}{i:03d}", Signature(rng.integers(0, 3, 8).astype(np.uint32), size, bands)))
            return out
        old = drawn(int(rng.integers(0, 15)), "s")
        stored = [(int(k), Member(aid, f"story-{rng.integers(0, 5)}", sig.values, sig.size))
                  for aid, sig in old for k in sig.bands]
        stored = [stored[i] for i in rng.permutation(len(stored))]
        new = drawn(int(rng.integers(1, 40)), "n")
        assert assign(new, stored, small) == reference_assign(new, stored, small)


def test_an_empty_body_is_a_story_of_its_own(rules):
    sig = signature("", rules)
    assert sig.size == 0 and len(sig.bands) == 0
    assert assign([("a", sig), ("b", signature("", rules))], [], rules) == {"a": "a", "b": "b"}


def test_short_bodies_have_one_shingle(rules):
    assert len(shingles("Pyongyang, May 2 (KCNA) -- Greetings.", rules)) == 1
    assert signature("Three words only", rules).bands.shape == (rules.bands,)


def test_signatures_do_not_depend_on_the_process(data, rules):
    """Fixed seeds and no hash(): the same values in a fresh interpreter with another hash seed."""
    key = originals(data)[0]
    here = signature(data.texts[key], rules)
    code = ("import sys, json; from kcna_etl.transforms.lexicon import stories; "
            "from kcna_etl.transforms.stories import signature; "
            "s = signature(sys.stdin.read(), stories()); print(json.dumps([s.values.tolist(), s.bands.tolist()]))")
    out = subprocess.run([sys.executable, "-c", code], input=data.texts[key], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONHASHSEED="12345"), check=True).stdout
    assert json.loads(out) == [here.values.tolist(), here.bands.tolist()]


def test_eval_stories_splits_sweeps_and_scores(data, rules):
    result = stories_eval.evaluate(data, rules)
    halves = result["pairs"]
    assert halves["dev"]["same"] + halves["test"]["same"] == sum(s for *_, s in data.pairs)
    assert min(halves["dev"]["same"], halves["test"]["same"], halves["dev"]["different"],
               halves["test"]["different"]) > 40  # the hash split is about even
    assert stories_eval.half("b", "a") == stories_eval.half("a", "b")
    shipped_kind = [s for s in result["sweep"] if (s["shingle_words"], s["number_weight"], s["band_rows"])
                    == (rules.shingle_words, rules.number_weight, rules.band_rows) and s["measure"] == "jaccard"]
    low = next(s for s in shipped_kind if s["threshold"] == 0.2)
    high = next(s for s in shipped_kind if s["threshold"] == 0.95)
    assert low["recall"] > high["recall"]  # the sweep moves: a higher threshold finds fewer
    assert {s["shingle_words"] for s in result["sweep"]} == set(stories_eval.SHINGLE_WORDS)
    assert result["test"]["tp"] + result["test"]["fn"] == halves["test"]["same"]
    # precision first: of the eligible settings (no false join on dev, nor one step lower; banding that
    # compares pairs at the threshold), the one that finds the most
    chosen = next(s for s in result["sweep"] if all(s[k] == result["chosen"][k] for k in stories_eval.PARAMS))
    exact = stories_eval.eligible(result["sweep"], rules.permutations)
    assert chosen in exact and chosen["fp"] == 0 and chosen["recall"] == max(s["recall"] for s in exact)
    assert result["collision"] >= stories_eval.MIN_COLLISION
    by_outlets = result["outlets"]["chosen"]
    assert sum(c["same"] + c["different"] for c in by_outlets.values()) == len(data.pairs)
    text = stories_eval.render(result)
    assert "chosen on dev" in text and "test at stories.json" in text


def test_eligible_settings_keep_a_margin_and_a_banding_that_compares():
    def row(measure, threshold, fp, band_rows=3, recall=0.5):
        return {"shingle_words": 5, "number_weight": 0, "band_rows": band_rows, "measure": measure,
                "threshold": threshold, "fp": fp, "tp": 1, "recall": recall}
    sweep = [row("jaccard", 0.40, 1), row("jaccard", 0.45, 0), row("jaccard", 0.50, 0),
             row("jaccard", 0.20, 0, band_rows=2), row("jaccard", 0.25, 0, band_rows=2),
             row("jaccard", 0.30, 0), row("jaccard", 0.35, 0)]
    got = {(s["band_rows"], s["threshold"]) for s in stories_eval.eligible(sweep, 96)}
    # 0.45 sits one step above a false join; 0.35 is compared by 32 bands of 3 with probability 0.75
    assert got == {(3, 0.50), (2, 0.25)}
    assert stories_eval.collision(0.40, "jaccard", 3, 96) == pytest.approx(1 - (1 - 0.4 ** 3) ** 32)
    assert stories_eval.collision(0.75, "containment", 3, 96) == stories_eval.collision(0.6, "jaccard", 3, 96)


def test_numbers_weigh_as_set_members(data, rules):
    """Each distinct number among a body's words adds `number_weight` members of its own: two bodies that
    differ only in a figure grow apart, and the shipped setting (weight 0) signs as before."""
    weighted = with_params(rules, number_weight=4)
    key = next(k for k in originals(data) if any(w.isdigit() for w in words(data.texts[k], rules)))
    body = data.texts[key]
    numbers = {w for w in words(body, rules) if w.isdigit()}
    assert len(shingles(body, weighted)) == len(shingles(body, rules)) + 4 * len(numbers)
    number = max(numbers, key=len)
    changed = body.replace(number, number + "7")
    assert exact_jaccard(shingles(body, weighted), shingles(changed, weighted)) < \
        exact_jaccard(shingles(body, rules), shingles(changed, rules))
    # smaller sizes use prefixes of the seeded values: the 5-word shingles stored before are unchanged
    assert np.array_equal(_seeded("kcna-etl/story/v1", "word", 8)[:5], _seeded("kcna-etl/story/v1", "word", 5))
    with pytest.raises(ValueError):
        with_params(rules, shingle_words=9)


def test_scores_count_pairs_by_their_story(rules):
    story_of = {"a": "s1", "b": "s1", "c": "s2", "d": "s2"}
    got = stories_eval.scores([("a", "b", True), ("a", "c", True), ("c", "d", False), ("b", "d", False)], story_of)
    assert (got["tp"], got["fn"], got["fp"]) == (1, 1, 1)
    assert got["precision"] == 0.5 and got["recall"] == 0.5


def test_the_synthetic_folder_is_what_its_script_writes(tmp_path):
    """The committed fixture equals a fresh run of its generator (no hand edits)."""
    from tests.data.stories_synthetic import make
    make.main(tmp_path)
    for name in ("texts.json", "labels.jsonl"):
        assert (tmp_path / name).read_text() == (SYNTH / name).read_text()
    assert sorted(p.name for p in (tmp_path / "texts").iterdir()) == sorted(p.name for p in (SYNTH / "texts").iterdir())
    assert all((tmp_path / "texts" / p.name).read_text() == p.read_text() for p in (SYNTH / "texts").iterdir())
