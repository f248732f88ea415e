"""The run's quality page (quality/page.py) from a report built by quality/report.py: a failing warning is
told apart from a failing error, in words and by its class, after the errors; page text stays text."""
from __future__ import annotations

import re

from kcna_etl.quality.page import html_page, index_page
from kcna_etl.quality.report import Check, summary


def check(name: str, severity: str, failing: int, raw_path: str) -> Check:
    return Check("articles", name, severity, "expect_column_values_to_match_regex", f"{name} holds", ["body"],
                 element_count=100, unexpected_count=failing,
                 examples=[{"raw_path": raw_path, "body": "<script>alert(1)</script>"}] if failing else [])


def test_a_failing_warning_is_told_apart_from_a_failing_error_and_comes_after_it(tmp_path):
    checks = [check("a_warning", "warning", 3, "w/page.txt"), check("an_error", "error", 2, "e/page.txt"),
              check("fine", "error", 0, "")]
    s = summary("20261206T000000Z-abcdefgh", "2026-12-06", checks, {"articles": 100}, {"pages": 2}, 0.05, None)
    s["input"] = "s3://bucket/in"
    page = html_page(s, str(tmp_path))
    assert page.index("<div class=error><h3>ERROR (rows quarantined): <code>articles.an_error</code>") \
        < page.index("<div class=warning><h3>WARNING (rows written): <code>articles.a_warning</code>")
    assert "<code>s3://bucket/in/e/page.txt</code>" in page and "<code>s3://bucket/in/w/page.txt</code>" in page
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "<h2>Outlet health: 0 warning(s), never failures</h2>" in page


def test_the_index_lists_runs_newest_first_and_skips_a_report_being_written(tmp_path):
    import json
    runs = tmp_path / "runs"
    runs.mkdir()
    for run_id, status in (("20260101T000000Z-aaaaaaaa", "passed"), ("20260102T000000Z-bbbbbbbb", "warnings")):
        (runs / f"{run_id}.json").write_text(json.dumps({"run_id": run_id, "status": status, "message": "m", "data_docs": {
            "index": f"{tmp_path}/runs.html", "articles": f"{tmp_path}/validations/articles/{run_id}/x/staged.html"}}))
    (runs / "20260103T000000Z-cccccccc.json").write_text('{"run_id": ')  # half written
    links = re.findall(r'<a href="([^"]+)"', index_page(tmp_path))
    assert links == ["index.html", "runs/20260102T000000Z-bbbbbbbb.html",
                     "validations/articles/20260102T000000Z-bbbbbbbb/x/staged.html",
                     "runs/20260101T000000Z-aaaaaaaa.html", "validations/articles/20260101T000000Z-aaaaaaaa/x/staged.html"]
