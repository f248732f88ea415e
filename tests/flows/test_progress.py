"""Progress lines for people watching a long run: `cli/progress.py`."""
from __future__ import annotations

import io

from kcna_etl.cli.progress import Progress


def test_progress_reports_done_of_total_rate_and_time_left():
    out = io.StringIO()
    p = Progress(total=3000, stream=out, every=0.0)
    p.advance(1000)
    p.advance(1000)
    p.advance(1000)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # not a terminal: one plain line per update, no carriage returns
    assert lines[0].startswith("pages 1,000/3,000 ( 33.3%)")
    assert lines[-1].startswith("pages 3,000/3,000 (100.0%)") and lines[-1].endswith("0s left")
    assert all(" pages/s " in x for x in lines)
