"""Failing expectations make noise: crafted pages through the CLI (its `main`, in the test
process; option mistakes through the installed command) and a real Prefect server.

A page whose body keeps site chrome (a `More From` line that opens no sidebar)
and a page dated 2090 reach validation through the parser; they are quarantined,
counted, reported (JSON, Data Docs, `kcna-etl report`, the flow run's state)
and the exit code says how bad the run was.
"""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from kcna_etl.quality.suites import load_suites
from tests.conftest import SAMPLES, duck_table

BASE = SAMPLES / "003_0b576797fd08817e.txt"
CHROME = "zz chrome.txt"
FUTURE = "zz 2090.txt"


def crafted_input(folder: Path) -> Path:
    folder.mkdir()
    for p in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(p, folder / p.name)
    text = BASE.read_text(encoding="utf-8")
    # a `More From` line in the middle of the body opens no sidebar: it stays in the body
    (folder / CHROME).write_text(text.replace("The joint statement said as follows:\n",
                                              "The joint statement said as follows:\n\nMore From KCNA.kp (En)\n", 1),
                                 encoding="utf-8")
    (folder / FUTURE).write_text(
        text.replace("Date: 09/10/2025", "Date: 09/10/2090").replace("December 05, 2025Dec 05, 2025",
                                                                     "December 05, 2090Dec 05, 2090")
            .replace("A joint statement", "The joint statement", 1), encoding="utf-8")
    shutil.copy(BASE, folder / "zz same bytes.txt")  # a duplicate
    (folder / "zz empty.txt").write_bytes(b"")       # a reject
    return folder


def flow_run_state(prefect_server: dict, flow_run_id: str) -> tuple[str, str | None]:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings
    with temporary_settings({PREFECT_API_URL: prefect_server["PREFECT_API_URL"]}):
        with get_client(sync_client=True) as client:
            state = client.read_flow_run(flow_run_id).state
    return state.type.value, state.message


def run_summary(warehouse: Path, stdout: str) -> dict:
    run_id = stdout.split()[2]  # "kcna-etl run|backfill <run_id> done in …"
    return json.loads((warehouse / "_runs" / f"{run_id}.json").read_text())


def adds_up(s: dict) -> bool:
    return s["pages_seen"] == (s["new_articles"] + s["duplicates"] + s["already_processed"] + s["rejected"]
                               + s["quarantined"])


@pytest.fixture(scope="module")
def failed_run(flow_cli, tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    inp, wh = crafted_input(root / "in"), root / "wh"
    p = flow_cli("run", "--input", str(inp), "--warehouse", str(wh), check=False)
    return inp, wh, p


def test_an_error_expectation_failing_on_many_rows_fails_the_run(failed_run, prefect_server):
    _, wh, p = failed_run
    assert p.returncode == 4, p.stdout + p.stderr
    assert "pages seen 9: new 5, duplicates 1, already processed 0, rejected 1, quarantined 2" in p.stdout
    s = run_summary(wh, p.stdout)
    assert adds_up(s) and s["quality"]["status"] == "failed"
    state, message = flow_run_state(prefect_server, s["flow_run_id"])
    assert state == "FAILED" and "articles.body_no_site_chrome" in message


def test_quarantined_pages_leave_nothing_in_the_main_tables(failed_run):
    _, wh, _ = failed_run
    held = duck_table(wh, "quarantine/articles").set_index("raw_path")
    assert set(held.index) == {CHROME, FUTURE}
    assert "articles.body_no_site_chrome" in held.loc[CHROME, "failed_expectations"]
    assert "articles.published_date_in_range" in held.loc[FUTURE, "failed_expectations"]
    ids = set(held["article_id"])
    for t in ("articles", "teasers", "mentions"):
        assert not set(duck_table(wh, t)["article_id"]) & ids
    assert set(duck_table(wh, "quarantine/teasers")["article_id"]) == ids
    manifest = duck_table(wh, "_manifest").set_index("raw_path")["outcome"]
    assert manifest[CHROME] == manifest[FUTURE] == "quarantined"


def test_the_report_names_the_failing_pages_failures_first(failed_run, flow_cli):
    _, wh, p = failed_run
    report = json.loads(next((wh / "_quality" / "runs").glob("*.json")).read_text())
    chrome = next(e for e in report["expectations"] if e["id"] == "articles.body_no_site_chrome")
    assert [x["raw_path"] for x in chrome["examples"]] == [CHROME]
    assert "More From KCNA.kp (En)" in chrome["examples"][0]["body"]
    docs = Path(report["data_docs"]["articles"]).read_text(encoding="utf-8")
    assert html.escape(CHROME) in docs and html.escape(FUTURE) in docs
    assert (wh / "_quality" / "index.html").is_file()
    out = flow_cli("report", "--warehouse", str(wh)).stdout
    assert out.index("failed (") < out.index("passed (") and "FAILED" in out.splitlines()[0]
    assert out.index("ERROR   articles.body_no_site_chrome") < out.index(f"{CHROME}: body=")


def test_a_second_run_finds_every_page_processed(failed_run, flow_cli):
    inp, wh, first = failed_run
    p = flow_cli("run", "--input", str(inp), "--warehouse", str(wh))
    assert "pages seen 9: new 0, duplicates 0, already processed 9, rejected 0, quarantined 0" in p.stdout
    assert "quality: passed: no new rows to validate" in p.stdout
    earlier = flow_cli("report", "--warehouse", str(wh), "--run", first.stdout.split()[2]).stdout
    assert "FAILED" in earlier and CHROME in earlier


def test_failures_within_the_allowed_share_complete_with_a_warning(flow_cli, tmp_path, prefect_server):
    inp, wh = crafted_input(tmp_path / "in"), tmp_path / "wh"
    p = flow_cli("run", "--input", str(inp), "--warehouse", str(wh), "--max-error-share", "0.5", check=False)
    assert p.returncode == 3, p.stdout + p.stderr
    assert "quarantined 2" in p.stdout and "quality: warnings" in p.stdout
    s = run_summary(wh, p.stdout)
    assert adds_up(s)
    state, message = flow_run_state(prefect_server, s["flow_run_id"])
    assert state == "COMPLETED" and message.startswith("completed with warnings")


def test_report_and_option_mistakes_exit_2(kcna_etl, tmp_path):
    p = kcna_etl("report", "--warehouse", str(tmp_path / "none"), check=False)
    assert p.returncode == 2 and "no quality report" in p.stderr
    p = kcna_etl("run", "--input", str(SAMPLES), "--warehouse", str(tmp_path / "wh"), "--max-error-share", "2",
                 check=False)
    assert p.returncode == 2 and "--max-error-share" in p.stderr


def test_a_backfill_processes_a_quarantined_page_again_and_replaces_its_quarantine_rows(failed_run, flow_cli,
                                                                                         tmp_path):
    from tests.flows.test_backfill import age, backfill_run_id, copy_of
    inp, first_wh, _ = failed_run
    wh = copy_of(first_wh, tmp_path / "wh")
    held = {t: duck_table(wh, f"quarantine/{t}") for t in ("articles", "teasers", "mentions")}
    age(wh, {CHROME})  # as if an older pipeline version had quarantined it: `backfill --stale` takes it
    p = flow_cli("backfill", "--stale", "--input", str(inp), "--warehouse", str(wh), "--max-error-share", "1",
                 check=False)
    assert p.returncode == 3, p.stdout + p.stderr
    s = run_summary(wh, p.stdout)
    assert adds_up(s) and s["quarantined"] == 1 and s["backfill"]["reprocessed"] == 1
    for t, before in held.items():
        after = duck_table(wh, f"quarantine/{t}")
        assert len(after) == len(before)  # replaced, not added to
        mine = after[after["raw_path"] == CHROME]
        assert len(mine) and set(mine["run_id"]) == {backfill_run_id(p.stdout)}


def test_backfill_quarantined_processes_the_quarantined_pages_again_once_the_cause_is_fixed(failed_run, flow_cli,
                                                                                            tmp_path):
    """The cause "fixed" here by a looser threshold: the quarantined pages are chosen by their outcome alone."""
    from tests.flows.test_backfill import copy_of
    inp, first_wh, _ = failed_run
    wh = copy_of(first_wh, tmp_path / "wh")
    p = flow_cli("backfill", "--quarantined", "--input", str(inp), "--warehouse", str(wh), "--max-error-share", "1",
                 check=False)
    assert p.returncode == 3, p.stdout + p.stderr
    s = run_summary(wh, p.stdout)
    assert s["backfill"]["selection"] == "--quarantined"
    assert s["backfill"]["selected"] >= 2 and s["backfill"]["reprocessed"] == s["backfill"]["selected"]
    manifest = duck_table(wh, "_manifest")
    assert set(manifest.loc[manifest["raw_path"].isin([CHROME, FUTURE]), "run_id"]) == {s["run_id"]}


def test_one_self_contained_quality_page_per_run_failures_first(failed_run, flow_cli):
    import duckdb
    import re
    inp, wh, p = failed_run
    s = run_summary(wh, p.stdout)
    page = Path(s["quality"]["page"])
    assert page == wh / "_quality" / "runs" / f"{s['run_id']}.html" and f"quality page: {page}" in p.stdout
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"src=|<script|https?://", text)  # opens offline: nothing loaded from outside the file
    links = re.findall(r'href="([^"]+)"', text)  # only the run's Data Docs pages (built: an expectation failed)
    assert links and all(x.startswith("../validations/") and (page.parent / x).is_file() for x in links)
    assert text.index("<h2>Failed") < text.index("<code>articles.body_no_site_chrome") < text.index("Outlet health") \
        < text.index("What to do next") < text.index("Passed (")
    assert "<div class=error><h3>ERROR (rows quarantined): <code>articles.body_no_site_chrome</code>" in text
    # the full location of each failing page: the run's input joined with its path under it
    assert f"<code>{html.escape(str(inp / CHROME))}</code>" in text and "backfill --quarantined" in text
    report = json.loads((wh / "_quality" / "runs" / f"{s['run_id']}.json").read_text())
    assert report["input"] == str(inp) and report["health"]["warnings"]
    rejects = next(w for w in report["health"]["warnings"] if w["signal"] == "rejects")
    assert "<div class=warning><p>WARNING (not a failure)" in text and html.escape(rejects["message"]) in text
    query = html.unescape(text.split("<pre>")[1].split("</pre>")[0])
    held = duckdb.connect().execute(query).df()
    assert set(held["raw_path"]) == {CHROME, FUTURE} and set(held["page"]) == {str(inp / CHROME), str(inp / FUTURE)}
    assert all(Path(x).is_file() for x in held["page"])
    out = flow_cli("report", "--warehouse", str(wh), "--run", s["run_id"]).stdout
    assert f"quality page (opens offline): {page}" in out and f"index: {wh / '_quality' / 'runs.html'}" in out


def rendered(page: Path) -> str:
    """The DOM of `page` once headless Chromium has loaded it, with no network (as on the build machines)."""
    import subprocess
    p = subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--dump-dom", page.as_uri()],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Chromium (Debian package chromium)")
def test_the_index_of_every_run_and_the_quality_page_render_offline_in_a_browser(failed_run, flow_cli):
    inp, wh, first = failed_run
    second = flow_cli("run", "--input", str(inp), "--warehouse", str(wh))  # nothing new: no Data Docs pages
    quality = wh / "_quality"
    ids = [run_summary(wh, x.stdout)["run_id"] for x in (first, second)]
    report = json.loads((quality / "runs" / f"{ids[0]}.json").read_text())
    assert report["data_docs"]["index"] == str(quality / "runs.html")

    dom = rendered(quality / "runs.html")
    links = re.findall(r'<a href="([^"]+)"', dom)
    assert links.index(f"runs/{ids[1]}.html") < links.index(f"runs/{ids[0]}.html")  # newest first
    docs = [x for x in links if x.startswith("validations/")]
    assert {Path(report["data_docs"][t]) for t in ("articles", "teasers", "mentions")} == {quality / x for x in docs}
    assert all((quality / x).is_file() for x in links)

    page = rendered(quality / "runs" / f"{ids[0]}.html")
    assert "ERROR (rows quarantined): <code>articles.body_no_site_chrome</code>" in page
    assert html.escape(str(inp / CHROME)) in page and "Outlet health" in page


def test_on_s3_the_index_in_the_bucket_lists_every_run_and_the_page_names_s3_locations(s3_server, prefect_server,
                                                                                       tmp_path):
    """Two runs from two working copies (as from two machines) into one bucket: the index there lists both."""
    from tests.faults.common import finish
    from tests.faults.s3 import aws, new_bucket, start_s3, upload
    bucket = new_bucket(s3_server, "index")
    inp, wh = f"s3://{bucket}/in", f"s3://{bucket}/wh"
    upload(s3_server, crafted_input(tmp_path / "in"), inp)
    ids = []
    for machine, status in (("a", 3), ("b", 0)):  # the second finds every page processed
        proc = start_s3(prefect_server, s3_server, ["run", "--input", inp, "--warehouse", wh, "--max-error-share", "1"],
                        tmp_path / machine)
        out, err = finish(proc)
        assert proc.returncode == status, out + err
        ids.append(out.split()[2])
    with aws(s3_server):
        from kcna_etl.storage.location import bucket_key, s3_client
        _, prefix = bucket_key(wh)

        def text(key: str) -> str:
            return s3_client().get_object(Bucket=bucket, Key=f"{prefix}/_quality/{key}")["Body"].read().decode()
        index, page = text("runs.html"), text(f"runs/{ids[0]}.html")
    links = re.findall(r'<a href="([^"]+)"', index)
    assert links.index(f"runs/{ids[1]}.html") < links.index(f"runs/{ids[0]}.html")
    assert any(x.startswith(f"validations/articles/{ids[0]}/") for x in links)
    assert f"<code>{html.escape(f'{inp}/{CHROME}')}</code>" in page


def test_a_run_that_passes_stores_its_results_and_builds_data_docs_on_demand(kcna_etl, tmp_path):
    """Every expectation passed: the results are stored in Great Expectations' format, no Data Docs are built
    (the run never imports Great Expectations); `kcna-etl report --data-docs` builds them from the results,
    and the run's quality page links them."""
    wh = tmp_path / "wh"
    p = kcna_etl("run", "--input", str(SAMPLES), "--warehouse", str(wh))
    run_id = run_summary(wh, p.stdout)["run_id"]
    quality = wh / "_quality"
    results = sorted((quality / "results").glob(f"*/{run_id}/*/staged.json"))
    assert [r.parts[-4] for r in results] == ["articles", "mentions", "teasers"]
    stored = json.loads(results[0].read_text())
    assert stored["success"] and stored["meta"]["run_id"]["run_name"] == run_id
    assert not (quality / "index.html").exists() and not (quality / "validations").exists()
    page = (quality / "runs" / f"{run_id}.html").read_text()
    assert f"kcna-etl report --run {run_id} --data-docs" in page

    out = kcna_etl("report", "--warehouse", str(wh), "--run", run_id, "--data-docs").stdout
    report = json.loads((quality / "runs" / f"{run_id}.json").read_text())
    assert set(report["data_docs"]) == {"index", "articles", "teasers", "mentions"}
    articles = Path(report["data_docs"]["articles"])
    assert articles.is_file() and articles.is_relative_to(quality / "validations" / "articles" / run_id)
    assert "PASSED" in out.splitlines()[0] and str(articles) in out
    described = next(e["description"] for e in load_suites()["articles"]["expectations"])
    assert html.escape(described) in articles.read_text(encoding="utf-8")
    page = (quality / "runs" / f"{run_id}.html").read_text()
    assert f'href="../{articles.relative_to(quality).as_posix()}"' in page
