"""The hand review of protocol lists on unseen KCNA text (tests/data/protocol/kcna_2024_review.json) keeps
where each judged sentence is, not its text (fetched text stays out of commits), and every one is found again
in the archive."""
import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.data.stories.tools.materialize import DEFAULT_CLONES, archive_file

REVIEW = json.loads((Path(__file__).parent / "protocol" / "kcna_2024_review.json").read_text(encoding="utf-8"))
ROWS = REVIEW["found_sample"] + REVIEW["missed_lists"]


def test_each_judged_sentence_is_a_place_and_a_digest():
    assert len(REVIEW["found_sample"]) == 30 and len(REVIEW["missed_lists"]) == 6
    for r in ROWS:
        start, end = r["sentence"]
        assert 0 <= start < end and re.fullmatch(r"[0-9a-f]{64}", r["sentence_sha256"]), r["article"]
        assert r["article"].startswith("http://www.kcna.kp/en/article/q/"), r["article"]


@pytest.mark.skipif(not Path(DEFAULT_CLONES["stiles/north-korea-news"]).is_dir(),
                    reason="the source archive is not cloned on this machine")
def test_each_judged_sentence_is_found_again_in_the_archive():
    o = REVIEW["origin"]
    items = archive_file(DEFAULT_CLONES[o["repo"]], o["commit"], o["path"])
    for r in ROWS:
        text = [x["story_text"] for x in items if x["link"] == r["article"]][r["nth"]]
        start, end = r["sentence"]
        sentence = " ".join(text[start:end].split())
        assert hashlib.sha256(sentence.encode()).hexdigest() == r["sentence_sha256"], r["article"]
