"""`kcna-etl eval-mentions` and the labelled set it scores against (`devtools/evaluation.py`)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kcna_etl.devtools.evaluation import LABELS, PARTS, evaluate, labelled_articles, labels_json, report
from kcna_etl.devtools.yardstick import absent, fetched
from tests.conftest import ROOT, labelled_pages, needs_fetched

FLOORS = json.loads((LABELS / "floors.json").read_text())


def test_labels_json_is_generated_from_the_labelled_articles():
    assert (LABELS / "labels.json").read_text(encoding="utf-8") == labels_json(labelled_articles(LABELS)), \
        "regenerate with: kcna-etl eval-mentions --write-labels"


@pytest.fixture(scope="module")
def evaluation():
    return evaluate()


@needs_fetched
def test_the_labelled_set_is_large_enough_to_measure(evaluation):
    for part, least in FLOORS["min_articles"].items():
        arts = evaluation.parts[part]
        assert len(arts) >= least, part
        assert {x.type for a, _, _ in arts.values() for x in a.labels} == {"person", "organization", "place"}


def test_the_committed_part_is_large_enough_to_measure():
    for part, least in FLOORS["min_committed_articles"].items():
        arts = labelled_articles(PARTS[part], committed_only=True)
        assert len(arts) >= least, part
        assert not set(arts) & set(fetched(PARTS[part]))
        assert {x.type for a in arts.values() for x in a.labels} == {"person", "organization", "place"}


def floor_cases():
    """(floor name, part, committed only, type): the full test part's floors need its fetched articles."""
    for which in ("own", "test", "test_committed", "pages"):
        marks = [needs_fetched] if which == "test" else []
        for type_ in FLOORS[which]:
            yield pytest.param(which, which.removesuffix("_committed"), which.endswith("_committed"), type_,
                               marks=marks, id=f"{which}-{type_}")


@pytest.mark.parametrize("which, part, committed_only, type_", list(floor_cases()))
def test_quality_stays_above_its_committed_floor(evaluation, which, part, committed_only, type_):
    tally = evaluation.total(part, committed_only).tallies[type_]
    floor = FLOORS[which][type_]
    assert (tally.f1 >= floor["f1"] and tally.recall >= floor.get("recall", 0.0)
            and tally.precision >= floor.get("precision", 0.0)), \
        (f"{which} {type_}: F1 {tally.f1:.3f}, precision {tally.precision:.3f}, recall {tally.recall:.3f} below "
         f"{floor}; see kcna-etl eval-mentions --errors")


def test_errors_are_grouped_by_rule_and_the_sealed_part_is_never_printed(tmp_path):
    (tmp_path / "a.txt").write_text("source: x\n\n[[person:Pak Chol Min]] met Ri Kang of [[organization:Sangwon "
                                    "Cement Complex]] in Kosan County.", encoding="utf-8")
    seen = evaluate({"dev": tmp_path}, pages=())
    shown = report(seen, errors=True)
    assert "  korean-pair: 1 (extra 1)\n    dev/a.txt: extra person 'Ri Kang'" in shown
    assert "korean-name" not in shown  # `Pak Chol Min` was found as labelled: no error
    sealed = evaluate({"test": tmp_path}, pages=())
    assert sealed.total("test").tallies["place"].found == 1  # scored
    assert "a.txt" not in report(sealed, errors=True) and "withheld" in report(sealed, errors=True)


def test_the_cli_reports_every_type(tmp_path):
    p = subprocess.run([sys.executable, "-m", "kcna_etl.cli", "eval-mentions"], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    # every labelled page (samples and tests/pages, however many the gold files list) is scored; every real
    # article present, and the fetched ones absent said so
    missing = {part: len(absent(PARTS[part])) for part in ("dev", "test")}
    manifest = json.loads((PARTS["dev"].parent / "manifest.json").read_text(encoding="utf-8"))
    split = {part: sum(e["split"] == part for e in manifest) for part in ("dev", "test")}
    assert split == {"dev": 305, "test": 64}  # the test part is fixed; the dev part grows by batches
    for line in ("person", "organization", "place", f"labelled pages: {len(labelled_pages())}", "own: 32",
                 f"dev: {split['dev'] - missing['dev']} labelled", f"test: {split['test'] - missing['test']} labelled"):
        assert line in p.stdout
    for part, n in missing.items():
        assert (f"  {n} more absent: fetched texts not materialized" in p.stdout) == (n > 0), part


def test_bad_markup_is_one_clear_line(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "001_x_2020.txt").write_text("source: x\n\nthe [[place:Kosan County]", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "kcna_etl.cli", "eval-mentions", "--labels", str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2
    assert "001_x_2020.txt: line 3, column 5: unbalanced" in p.stderr
