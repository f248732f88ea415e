"""The story-pairs yardstick (tests/data/stories) is whole: every pair names known texts, carries a collector's
hint kept out of the labellers' file, and every text rebuilds to its recorded bytes from the archives."""
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

STORIES = Path(__file__).parent / "stories"
sys.path.insert(0, str(STORIES / "tools"))
import materialize  # noqa: E402


def _jsonl(name):
    return [json.loads(line) for line in (STORIES / name).read_text().splitlines()]


def test_every_pair_names_two_known_distinct_texts_once():
    texts = json.loads((STORIES / "texts.json").read_text())
    pairs = _jsonl("pairs.jsonl")
    assert all(set(p) == {"pair", "a", "b"} for p in pairs)  # no label or hint where labellers look
    assert all(p["a"] in texts and p["b"] in texts and p["a"] != p["b"] for p in pairs)
    assert len({frozenset((p["a"], p["b"])) for p in pairs}) == len(pairs)
    assert {t for p in pairs for t in (p["a"], p["b"])} == set(texts)


def test_hints_cover_exactly_the_pairs():
    assert [h["pair"] for h in _jsonl("pairs_collector_hints.jsonl")] == [p["pair"] for p in _jsonl("pairs.jsonl")]


def test_texts_record_origin_and_digest():
    for meta in json.loads((STORIES / "texts.json").read_text()).values():
        if "page" in meta["origin"]:  # copied from a stored web page: its address and the committed copy
            assert set(meta["origin"]) == {"page", "file", "whole"}
            assert meta["origin"]["page"].startswith("http") and meta["origin"]["file"].startswith("pages/")
        else:
            assert set(meta["origin"]) >= {"repo", "commit", "path", "item"}
            assert re.fullmatch(r"[0-9a-f]{40}", meta["origin"]["commit"])
        assert re.fullmatch(r"[0-9a-f]{64}", meta["sha256"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", meta["date"]) and meta["title"] and meta["outlet"]


def test_page_copies_match_their_digest_and_none_is_committed():
    texts = json.loads((STORIES / "texts.json").read_text())
    pages = {m["origin"]["file"]: m for m in texts.values() if "page" in m["origin"]}
    tracked = subprocess.run(["git", "ls-files", str(STORIES / "pages")], capture_output=True, text=True,
                             cwd=STORIES).stdout.split()
    assert [t for t in tracked if t.endswith(".txt")] == []  # verbatim copies stay out of the repository
    here = {f"pages/{p.name}" for p in (STORIES / "pages").glob("*.txt")}
    if not here:
        pytest.skip("no page copy on this machine (they are not committed: tests/data/stories/README.md)")
    assert here <= set(pages)
    for file, meta in pages.items():
        if file not in here:
            continue
        text = materialize.item_text(None, meta["origin"])
        assert hashlib.sha256(text.encode()).hexdigest() == meta["sha256"] and len(text) == meta["chars"]


@pytest.mark.skipif(not all(Path(p).is_dir() for p in materialize.DEFAULT_CLONES.values()),
                    reason="the source archives are not cloned on this machine")
def test_every_text_rebuilds_to_its_recorded_digest(tmp_path):
    assert materialize.main(["--out", str(tmp_path)]) == 0
    texts = json.loads((STORIES / "texts.json").read_text())
    # every archive text, and every page copy present here (they are not committed)
    expected = {i for i, m in texts.items() if "page" not in m["origin"] or (STORIES / m["origin"]["file"]).is_file()}
    assert {p.stem for p in tmp_path.glob("t*.txt")} == expected
