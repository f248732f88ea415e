"""`kcna-etl eval-mentions` and the labelled set it scores against (`devtools/evaluation.py`)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kcna_etl.devtools.evaluation import LABELS, evaluate, labelled_articles, labels_json, report
from tests.conftest import ROOT, labelled_pages

FLOORS = json.loads((LABELS / "floors.json").read_text())


def test_labels_json_is_generated_from_the_labelled_articles():
    assert (LABELS / "labels.json").read_text(encoding="utf-8") == labels_json(labelled_articles(LABELS)), \
        "regenerate with: kcna-etl eval-mentions --write-labels"


@pytest.fixture(scope="module")
def evaluation():
    return evaluate()


def test_the_labelled_set_is_large_enough_to_measure(evaluation):
    for part, least in FLOORS["min_articles"].items():
        arts = evaluation.parts[part]
        assert len(arts) >= least, part
        assert {x.type for a, _, _ in arts.values() for x in a.labels} == {"person", "organization", "place"}


@pytest.mark.parametrize("which, type_", [(w, t) for w in ("own", "test", "pages") for t in FLOORS[w]])
def test_quality_stays_above_its_committed_floor(evaluation, which, type_):
    tally = evaluation.total(which).tallies[type_]
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
    # every labelled page (samples and tests/pages, however many the gold files list) is scored
    for line in ("person", "organization", "place", f"labelled pages: {len(labelled_pages())}", "own: 32", "dev: 97",
                 "test: 64"):
        assert line in p.stdout


def test_bad_markup_is_one_clear_line(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "001_x_2020.txt").write_text("source: x\n\nthe [[place:Kosan County]", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "kcna_etl.cli", "eval-mentions", "--labels", str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2
    assert "001_x_2020.txt: line 3, column 5: unbalanced" in p.stderr
