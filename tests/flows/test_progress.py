"""Progress lines for people watching a run: `cli/progress.py`."""
from __future__ import annotations

import io
import re

from kcna_etl.cli.progress import Progress


def lines_of(out: io.StringIO) -> list[str]:
    return out.getvalue().splitlines()


def test_progress_tells_phases_then_pages_done_of_total_rate_and_time_left():
    out = io.StringIO()
    p = Progress(stream=out, every=3600)
    p.phase("listing /in")
    p.parsing(3000, already=200)
    for _ in range(3):
        p.advance(1000)
    p.phase("validating")
    p.close()
    lines = lines_of(out)
    assert lines[0].startswith("listing /in … [")
    # not a terminal: one plain line per update, no carriage returns
    assert lines[1].startswith("pages 0/3,000 (  0.0%)  0.0 pages/s  time left: after the first batch; 200 already")
    assert re.match(r"pages 1,000/3,000 \( 33\.3%\)  [\d,.]+ pages/s  [\d,]+s left; 200 already processed", lines[2])
    assert lines[4].startswith("pages 3,000/3,000 parsed; 200 already processed")
    assert lines[5].startswith("validating … [")
    assert len(lines) == 6 and "\r" not in out.getvalue()


def test_a_run_with_nothing_new_shows_no_rate():
    out = io.StringIO()
    p = Progress(stream=out, every=3600)
    p.parsing(0, already=5)
    p.close()
    assert lines_of(out) == [lines_of(out)[0]] and lines_of(out)[0].startswith("pages 0/0 parsed; 5 already processed")
    assert "pages/s" not in out.getvalue()


def test_the_rate_is_of_parsing_time_alone():
    p = Progress(stream=io.StringIO(), every=3600)
    p.phase("listing")
    p.parsing(100)
    p.reading -= 10.0  # parsing began 10 s ago; the listing before it does not count
    p.began -= 1000.0
    p.advance(50)
    p.close()
    assert 4.0 < p.rate(p.reading + 10.0) <= 5.0 + 1e-9
