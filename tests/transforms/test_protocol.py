"""Protocol order: the lists of officials present, their order and roles as given, on crafted sentences of
each cue, and scored on the real labelled lists (tests/data/protocol/)."""
from __future__ import annotations

import pytest

from kcna_etl.transforms.lexicon import protocol
from kcna_etl.transforms.protocol import appearances, sentences
from tests.conftest import needs_fetched


def persons(body: str, *names: str) -> list[dict]:
    out = []
    for n in names:
        start = body.index(n)
        out.append({"type": "person", "start": start, "end": start + len(n), "surface": n,
                    "entity_id": "person:" + n.lower().replace(" ", "-"), "entity": n})
    return out


def listed(body: str, *names: str) -> list[tuple[int, int, str, str | None]]:
    return [(a.list_number, a.position, a.surface, a.role) for a in appearances(body, persons(body, *names), protocol())]


def test_present_there_were_numbers_the_persons_with_their_appositive_roles():
    body = ("Pyongyang, May 1 (KCNA) -- A reception was given on Monday. Present there were Kim Yong Sam, "
            "Minister of Railways, Kung Sok Ung, vice-Minister of Foreign Affairs, and officials concerned.")
    assert listed(body, "Kim Yong Sam", "Kung Sok Ung") == [
        (1, 1, "Kim Yong Sam", "Minister of Railways"), (1, 2, "Kung Sok Ung", "vice-Minister of Foreign Affairs")]


def test_titles_before_names_are_their_roles():
    body = ("Present at the opening ceremony were Vice-Premier Jon Sung Guk, Minister of Construction and "
            "Building-Materials Industry So Jong Jin, officials concerned and the participants.")
    assert listed(body, "Jon Sung Guk", "So Jong Jin") == [
        (1, 1, "Jon Sung Guk", "Vice-Premier"),
        (1, 2, "So Jong Jin", "Minister of Construction and Building-Materials Industry")]


@pytest.mark.parametrize("sentence", [
    "Among the audience were Ri Il Hwan and Jo Yong Won.",
    "He was accompanied by Ri Il Hwan and Jo Yong Won.",
    "Accompanying him were Ri Il Hwan and Jo Yong Won.",
    "Also present at the meeting of the C.C., WPK were Ri Il Hwan and Jo Yong Won.",
    "Ri Il Hwan and Jo Yong Won were present at the ceremony.",
])
def test_each_cue_opens_or_closes_a_list(sentence):
    body = f"Kim Tok Hun made a speech. {sentence} Ri Pyong Chol spoke later."
    assert [(p, s) for _, p, s, _ in listed(body, "Kim Tok Hun", "Ri Il Hwan", "Jo Yong Won", "Ri Pyong Chol")] == [
        (1, "Ri Il Hwan"), (2, "Jo Yong Won")]


def test_persons_outside_a_list_sentence_have_no_position():
    body = "Kim Tok Hun presented a gift to Ri Il Hwan. The delegation led by Jo Yong Won left Pyongyang."
    assert listed(body, "Kim Tok Hun", "Ri Il Hwan", "Jo Yong Won") == []


def test_lists_are_numbered_and_a_repeated_name_keeps_its_first_place():
    body = ("Present there were Ri Il Hwan, Jo Yong Won and Ri Il Hwan's aides.\n"
            "He was accompanied by Jo Yong Won.")
    found = appearances(body, persons(body, "Ri Il Hwan", "Jo Yong Won") + [
        {"type": "person", "start": body.rindex("Ri Il Hwan"), "end": body.rindex("Ri Il Hwan") + 10,
         "surface": "Ri Il Hwan", "entity_id": "person:ri-il-hwan", "entity": "Ri Il Hwan"},
        {"type": "person", "start": body.rindex("Jo Yong Won"), "end": body.rindex("Jo Yong Won") + 11,
         "surface": "Jo Yong Won", "entity_id": "person:jo-yong-won", "entity": "Jo Yong Won"}], protocol())
    assert [(a.list_number, a.position, a.entity_id) for a in found] == [
        (1, 1, "person:ri-il-hwan"), (1, 2, "person:jo-yong-won"), (2, 1, "person:jo-yong-won")]


def test_abbreviations_do_not_end_a_sentence():
    body = "Present there were Pak Jong Chon, secretary of the C.C., WPK, and Ri Il Hwan. Kim Tok Hun left."
    assert [s for s, _ in sentences(body, protocol())] == [0, body.index(" Kim Tok Hun")]
    assert [s for _, _, s, _ in listed(body, "Pak Jong Chon", "Ri Il Hwan", "Kim Tok Hun")] == [
        "Pak Jong Chon", "Ri Il Hwan"]


def test_the_real_lists_sit_in_their_sentences():
    """The gold's sentence offsets hold its appearances, in order, in every article present."""
    import json
    from kcna_etl.devtools.protocol_eval import GOLD
    from kcna_etl.devtools.yardstick import REAL, labelled_articles
    bodies = {f"{part}/{name}": a.body for part in ("dev", "test")
              for name, a in labelled_articles(REAL / part).items()}
    checked = 0
    for lst in json.loads(GOLD.read_text(encoding="utf-8"))["lists"]:
        if lst["file"] in bodies:
            start, end = lst["sentence"]
            apps = lst["appearances"]
            assert [a["position"] for a in apps] == list(range(1, len(apps) + 1)), lst["file"]
            body = bodies[lst["file"]]
            assert all(start <= a["start"] < a["end"] <= end and body[a["start"]:a["end"]] == a["surface"]
                       for a in apps), lst["file"]
            checked += 1
    assert checked >= 14  # the committed articles' lists, every one once materialized


@pytest.mark.parametrize("committed_only, least", [pytest.param(False, 31, marks=needs_fetched, id="all"),
                                                   pytest.param(True, 15, id="committed")])
def test_precision_and_recall_on_the_real_labelled_lists(committed_only, least):
    """Over all 161 articles (their fetched ones materialized), and over the committed ones alone (always)."""
    from kcna_etl.devtools.protocol_eval import evaluate
    scores = evaluate(committed_only)
    for (part, source), s in scores.items():
        assert s.gold >= least, (part, s)  # all: dev 71 gold appearances, test 47; committed: 19 and 28
        # measured 2026-12-06 on all: precision 1.000 everywhere; recall dev 0.986 (labelled) / 0.972 (pipeline),
        # test 1.000; 2026-12-07 on the committed ones: 1.000 everywhere
        floor = 0.95 if source == "labelled" else 0.9
        assert s.precision >= floor and s.recall >= floor, (part, source, s)
