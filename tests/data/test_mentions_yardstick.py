"""The real mentions yardstick (tests/data/mentions/real) is whole: its articles copied from fetched archives
are kept as stand-off data only (origin, SHA-256, labels; never their text in git), and rebuild from the
archives to labelled files that the loader reads as the committed ones."""
import json
import re
import subprocess
from pathlib import Path

import pytest

from kcna_etl.devtools.yardstick import REAL, absent, digest, fetched, labelled_articles
from kcna_etl.transforms.markup import TYPES, labelled
from tests.data.mentions.real.tools import materialize
from tests.data.stories.tools.materialize import DEFAULT_CLONES

SPLITS = materialize.SPLITS
MANIFEST = json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))
# copied from fetched archives: 49 of the first collection, then the later batches of dev (30, 20, 20 and 20)
FETCHED_ARTICLES = 49 + 30 + 20 + 20 + 20


def test_the_fetched_articles_are_the_manifests_repository_copies():
    from_repos = {(e["split"], e["file"]) for e in MANIFEST if e["origin"].startswith("github:")}
    assert {(s, n) for s in SPLITS for n in fetched(REAL / s)} == from_repos and len(from_repos) == FETCHED_ARTICLES


def test_stand_off_records_say_where_and_what_without_the_text():
    for split in SPLITS:
        for name, r in fetched(REAL / split).items():
            o = r["origin"]
            assert set(o) - {"nth", "paragraphs"} == {"repo", "commit", "path", "item"}, name
            assert o["repo"] in DEFAULT_CLONES and re.fullmatch(r"[0-9a-f]{40}", o["commit"]), name
            assert re.fullmatch(r"[0-9a-f]{64}", r["sha256"]), name
            spans = [(s, e) for s, e, _, _ in r["labels"]]
            assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), name
            assert all(t in TYPES and c and s < e for s, e, t, c in r["labels"]), name


def test_no_fetched_text_is_in_git_and_each_is_ignored():
    tracked = subprocess.run(["git", "ls-files", "."], cwd=REAL, capture_output=True, text=True, check=True).stdout
    tracked_txt = {p for p in tracked.split() if p.endswith(".txt")}
    for split in SPLITS:
        names = set(fetched(REAL / split))
        assert not {f"{split}/{n}" for n in names} & tracked_txt
        ignored = (REAL / split / ".gitignore").read_text().split("\n")
        assert {line.lstrip("/") for line in ignored if line and not line.startswith("#")} == names
    assert len(tracked_txt) == len(MANIFEST) - FETCHED_ARTICLES == 112 + 118  # those copied from stored pages stay


def test_a_materialized_article_that_is_not_its_record_is_refused(tmp_path):
    text = "Kim Jong Un visited Pyongyang."
    record = {"origin": {}, "sha256": digest(text), "labels": [[0, 11, "person", "Kim Jong Un"],
                                                                 [20, 29, "place", "Pyongyang"]]}
    (tmp_path / "fetched.json").write_text(json.dumps({"a.txt": record}))
    assert absent(tmp_path) == ["a.txt"] and labelled_articles(tmp_path) == {}
    (tmp_path / "a.txt").write_text("source: x\n\n" + materialize.marked(text, record["labels"]) + "\n")
    assert absent(tmp_path) == [] and labelled_articles(tmp_path)["a.txt"].body == text
    assert labelled_articles(tmp_path, committed_only=True) == {}
    (tmp_path / "a.txt").write_text("source: x\n\n[[person:Kim Jong Un]] visited [[place:Pyongyang]] twice.\n")
    with pytest.raises(ValueError, match="not the text or labels of fetched.json"):
        labelled_articles(tmp_path)
    (tmp_path / "a.txt").write_text("source: x\n\n[[person:Kim Jong Un]] visited Pyongyang.\n")
    with pytest.raises(ValueError, match="materialize again"):
        labelled_articles(tmp_path)


@pytest.mark.skipif(not all(Path(p).is_dir() for p in DEFAULT_CLONES.values()),
                    reason="the source archives are not cloned on this machine")
def test_every_fetched_article_rebuilds_to_its_record(tmp_path):
    assert materialize.main(["--out", str(tmp_path)]) == 0
    for split in SPLITS:
        for name, r in fetched(REAL / split).items():
            raw = (tmp_path / split / name).read_text(encoding="utf-8")
            article = labelled(raw)
            assert digest(article.body) == r["sha256"], name
            assert [[x.start, x.end, x.type, x.canonical] for x in article.labels] == r["labels"], name
            if (REAL / split / name).is_file():  # materialized here: the same bytes
                assert (REAL / split / name).read_text(encoding="utf-8") == raw, name
