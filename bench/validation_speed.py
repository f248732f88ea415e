"""CPU of validating one unit: the executor (quality/execute.py) against Great Expectations, same rows.

    python bench/validation_speed.py <corpus folder> <pages>   # e.g. a `kcna-etl synth --pages 10000` folder

The pages are read and staged in memory as one validation unit (`staged_tables`), then each table goes
through the suites twice, interleaved per round: the executor (`Validator.validate`) and Great
Expectations' pandas engine as the validate stage ran it before (tests/quality/test_execute.py's
`Reference`, context built outside the timing). Both must give the same counts and failing rows.
Prints CPU seconds (`time.process_time`) per round, the medians, and the import cost of each path.
Recorded in docs/benchmarks.md.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kcna_etl.quality.suites import TABLES, suite_parameters  # noqa: E402
from kcna_etl.quality.validation import Validator  # noqa: E402
from kcna_etl.storage.pages import list_pages  # noqa: E402
from kcna_etl.storage.staging import ingest, staged_tables  # noqa: E402
from kcna_etl.transforms.decode import MAX_TEXT_BYTES  # noqa: E402
from kcna_etl.transforms.lexicon import rules  # noqa: E402

RUN_DATE = __import__("datetime").date(2026, 12, 31)


def import_cpu(module: str) -> float:
    """CPU seconds of a fresh interpreter importing `module` (less that of one importing nothing)."""
    def cpu(code: str) -> float:
        before = os.times()
        subprocess.run([sys.executable, "-c", code], check=True)
        after = os.times()
        return (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return round(cpu(f"import {module}") - cpu("pass"), 2)


def main(corpus: Path, limit: int, rounds: int = 3) -> dict:
    from tests.quality.test_execute import Reference
    paths = list_pages(corpus)[:limit]
    b = ingest(str(corpus), paths, None, MAX_TEXT_BYTES)
    unit = staged_tables([(p.raw_path, p.rows) for p in b.pages], 0)
    parameters = suite_parameters(rules(), RUN_DATE)
    mine = Validator(parameters)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.process_time()
        reference = Reference(Path(tmp), parameters)
        context_cpu = time.process_time() - t0
        times = {"executor": [], "great_expectations": []}
        for _ in range(rounds):
            t0 = time.process_time()
            got = {t: mine.validate(t, unit[t]) for t in TABLES}
            t1 = time.process_time()
            want = {t: reference.validate(t, unit[t]) for t in TABLES}
            t2 = time.process_time()
            times["executor"].append(round(t1 - t0, 3))
            times["great_expectations"].append(round(t2 - t1, 3))
    for t in TABLES:
        for c in got[t]:
            w = want[t][c.name]
            assert (c.element_count, c.missing_count, c.unexpected_count) == \
                (w["element_count"], w["missing_count"], w["unexpected_count"]), (c.id, w)
    out = {"pages": len(b.pages), "rows": {t: unit[t].num_rows for t in TABLES}, "cpu_seconds": times,
           "median": {k: sorted(v)[len(v) // 2] for k, v in times.items()},
           "gx_context_cpu": round(context_cpu, 2),
           "import_cpu": {"kcna_etl.quality.validation": import_cpu("kcna_etl.quality.validation"),
                          "great_expectations": import_cpu("great_expectations")},
           "load": os.getloadavg()}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
