"""`kcna-etl overview` on a warehouse made by real runs (the samples, synthetic pages and a few crafted pages):
its figures against DuckDB over the Hive folders, the crawl frontier's matching, the escaping of hostile page
text, and the page as headless Chromium renders it (sections present, nothing fetched from elsewhere)."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from lxml import html as lxml_html

from tests.conftest import SAMPLES

from kcna_etl.quality import overview
from kcna_etl.storage.store import Warehouse
from kcna_etl.transforms.lexicon import documents

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
HOSTILE_TEASER = "<script>alert('x')</script> & <b>bold</b>"
HOSTILE_OUTLET = "<img src=x onerror=alert(1)> News"


def page(title: str, source: str, published: dt.date, body: str,
         teasers: list[tuple[str | None, str, dt.date]]) -> bytes:
    """A page in the aggregator's header layout, with its sidebar (a titled teaser prints its title twice)."""
    lines = [published.strftime("%B %d, %Y"), f"KCNA {source}", "", title, "",
             f"Date: {published:%d/%m/%Y} | Source: {source} | Read original version at source", "", body, "",
             f"More From {source}", ""]
    for t_title, snippet, day in teasers:
        lines += [t_title, "", t_title, ""] if t_title else []
        lines += [snippet, "", day.strftime("%B %d, %Y"), "", snippet, ""]
    return "\n".join(lines).encode()


D = dt.date(2026, 12, 3)  # after the synthetic corpus (synth.LATEST): the latest teasers are these
CRAFTED = {
    # the article a teaser of the next page names, in another case and spacing
    "a.txt": page("Talks Held in Pyongyang", "KCNA.kp (En)", D - dt.timedelta(1),
                  "Pyongyang, December 2 (KCNA) -- Talks between the delegations were held on Thursday.", []),
    "b.txt": page("Hostile <script>alert(1)</script> Title", "KCNA.kp (En)", D,
                  "Pyongyang, December 3 (KCNA) -- A meeting took place in the capital on Friday.",
                  [("TALKS HELD  in Pyongyang", "Pyongyang, December 2 (KCNA) -- Talks between", D - dt.timedelta(1)),
                   (HOSTILE_TEASER, "A teaser whose article no page brought", D - dt.timedelta(2)),
                   ("Talks Held in Pyongyang", "Same title, another day: another item", D - dt.timedelta(3)),
                   (None, "An untitled teaser", D - dt.timedelta(2))]),
    # one outlet, two spellings: the teaser on a `Voice of Korea` page names a `Voice of Korea (En)` article
    "c.txt": page("Concert Given", "Voice of Korea (En)", D - dt.timedelta(4),
                  "Pyongyang, November 29 (KCNA) -- A concert was given at the theatre by the ensemble.", []),
    "d.txt": page("Exhibition Opens", "Voice of Korea", D,
                  "Pyongyang, December 3 (KCNA) -- An exhibition of industrial products opened on Friday.",
                  [("Concert Given", "Pyongyang, November 29 (KCNA) -- A concert", D - dt.timedelta(4))]),
    "e.txt": page("Report Issued", HOSTILE_OUTLET, D,
                  "Pyongyang, December 3 (KCNA) -- A report on the harvest was issued by the ministry.", []),
    # a.txt's item republished a day later by another outlet, dateline dropped: one story across two outlets
    "f.txt": page("Delegations Hold Talks", "Rodong Sinmun (En)", D,
                  "Talks between the delegations were held on Thursday.", []),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory, flow_cli):
    """Two real runs (samples and synthetic pages, then the crafted pages) and the overview of the result."""
    from kcna_etl.devtools.synth import write_corpus

    root = tmp_path_factory.mktemp("overview")
    first, second, wh = root / "in1", root / "in2", root / "warehouse"
    shutil.copytree(SAMPLES, first / "samples")
    write_corpus(str(first / "synth"), 150, "18", 0, 1)
    second.mkdir()
    for name, raw in CRAFTED.items():
        (second / name).write_bytes(raw)
    for folder in (first, second):
        flow_cli("run", "--input", str(folder), "--warehouse", str(wh), "--workers", "1", check=False)
    out = root / "overview.html"
    p = flow_cli("overview", "--warehouse", str(wh), "--out", str(out))
    assert "kcna-etl overview:" in p.stdout
    return {"warehouse": wh, "html": out.read_text(encoding="utf-8"), "o": overview.collect(Warehouse(wh))}


def duck(wh: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    for t in ("articles", "mentions", "teasers"):
        con.sql(f"create view {t} as select * from read_parquet('{wh}/{t}/**/*.parquet', hive_partitioning=true, "
                "union_by_name=true, hive_types={'year': INTEGER, 'source_slug': VARCHAR})")
    return con.sql(sql).fetchall()


def test_articles_per_outlet_agree_with_duckdb(built):
    o, wh = built["o"], built["warehouse"]
    expected = dict(duck(wh, "select coalesce(outlet, source, '(no outlet)'), count(*) from articles group by all"))
    assert {v["outlet"]: v["articles"] for v in o["volume"]} == expected
    assert o["articles"] == sum(expected.values()) > 150
    assert "Voice of Korea (En)" not in expected and "Voice of Korea" in expected  # canonical outlets
    assert HOSTILE_OUTLET in expected  # not in the outlet list: shown as on the page
    for v in o["volume"]:
        assert sum(v["series"].values()) + v["undated"] == v["articles"]
        assert all(p in o["periods"] for p in v["series"])


def test_top_entities_and_their_trend_agree_with_duckdb(built):
    o, wh = built["o"], built["warehouse"]
    for entity_type in overview.ENTITY_TYPES:
        expected = duck(wh, f"""select entity_id, count(*) as n from mentions where entity_type = '{entity_type}'
                                group by all order by n desc, entity_id limit 10""")
        listed = o["entities"][entity_type]
        assert [(e["entity_id"], e["mentions"]) for e in listed] == expected
        top = listed[0]
        dated = duck(wh, f"""select count(*) from mentions m join articles a using (article_id)
                             where m.entity_id = '{top['entity_id']}' and a.published_date is not null""")
        assert sum(top["series"].values()) == dated[0][0] > 0


def test_frontier_matches_teasers_on_outlet_title_and_date(built):
    wh = built["warehouse"]
    store = Warehouse(wh)
    outlet_of = {x["name"]: x.get("outlet", x["name"]) for x in documents()["outlets"]["outlets"]}
    con = overview.views(duckdb.connect(), teasers=store.table("teasers"), articles=store.read("articles"))
    f = overview.frontier(con, outlet_of, shown=10**6)
    missing = {(r["outlet"], r["title"], r["day"]) for r in f["latest"]}
    assert len(missing) == f["missing"] and f["teasers"] == f["in_warehouse"] + f["missing"]
    d = D - dt.timedelta(1)
    assert not any(o == "KCNA.kp (En)" and t.lower().split() == ["talks", "held", "in", "pyongyang"] and day == d
                   for o, t, day in missing)  # case and spacing folded: in the warehouse
    assert ("KCNA.kp (En)", "Talks Held in Pyongyang", D - dt.timedelta(3)) in missing  # another date
    assert ("KCNA.kp (En)", HOSTILE_TEASER, D - dt.timedelta(2)) in missing
    assert not any(t == "Concert Given" for _, t, _ in missing)  # `Voice of Korea` page, `(En)` article
    assert f["untitled"] > 0  # the samples' sidebars and the crafted one
    # the definition, checked independently: no article of a missing teaser's outlet has its folded title that day
    def fold(t: str) -> str:
        return " ".join(t.replace("\u2019", "'").replace("\u2018", "'").lower().split())
    stored = {(o, fold(t), day) for o, t, day in duck(wh, """select coalesce(outlet, source, '(no outlet)'), title,
                                                             published_date from articles where title is not null""")}
    assert not any((o, fold(t), day) in stored for o, t, day in missing)
    assert f["in_warehouse"] >= 2


def test_title_key_folds_as_the_regular_expression_on_every_title():
    # the key skips the regular expression on titles without a run of white space: it must fold the same
    import itertools
    chars = ["a", "B", " ", "\t", "\n", "\x0b", "\x0c", "\r", "\xa0", "\u2003", "\u2019", "\u2018", "'"]
    titles = ["".join(p) for n in range(1, 4) for p in itertools.product(chars, repeat=n)]
    titles += ["  Talks  Held\tin\r\nPyongyang ", "Kim Jong Un\u2019s Letter", " x", "x ", "", None]
    reference = "lower(regexp_replace(replace(replace(trim(t), '\u2019', ''''), '\u2018', ''''), '\\s+', ' ', 'g'))"
    con = duckdb.connect()
    con.register("titles", __import__("pyarrow").table({"t": titles}))
    rows = con.sql(f"select t, {overview.TITLE_KEY.format('t')}, {reference} from titles").fetchall()
    assert len(rows) == len(titles) > 2000
    assert [(t, key) for t, key, _ in rows] == [(t, ref) for t, _, ref in rows]
    assert dict((t, k) for t, k, _ in rows)["  Talks  Held\tin\r\nPyongyang "] == "talks held in pyongyang"


def test_health_is_the_quality_module_on_canonical_outlets(built):
    o, wh = built["o"], built["warehouse"]
    dated = dict(duck(wh, """select coalesce(outlet, source, '(no outlet)'), count(*) from articles
                             where published_date is not null group by all"""))
    assert {r["source"]: r["articles"] for r in o["health"]["outlets"]} == dated
    assert o["health"]["as_of"] == max(d for (d,) in duck(wh, "select max(published_date) from articles")).isoformat()


def test_each_runs_health_in_its_report_is_by_canonical_outlet_too(built):
    """The run's quality report judges one outlet's spellings together, as the overview does: the second run
    brought `Voice of Korea` and `Voice of Korea (En)` articles, which count as one outlet there."""
    import json
    wh = built["warehouse"]
    last = json.loads(sorted((wh / "_quality" / "runs").glob("*.json"))[-1].read_text())["health"]
    assert {r["source"] for r in last["outlets"]} == {r["source"] for r in built["o"]["health"]["outlets"]}
    shown = {s for (s,) in duck(wh, "select distinct source from articles where source like 'Voice of Korea%'")}
    assert shown == {"Voice of Korea", "Voice of Korea (En)"}
    assert "Voice of Korea (En)" not in {r["source"] for r in last["outlets"]}


def test_quality_trend_lists_each_run_with_its_pages(built):
    o, wh = built["o"], built["warehouse"]
    reports = sorted((wh / "_quality" / "runs").glob("*.json"))
    assert [r["run_id"] for r in o["runs"]] == [p.stem for p in reports] and len(reports) == 2
    per_run = dict(duck(wh, f"select run_id, count(*) from read_parquet('{wh}/_manifest/**/*.parquet') group by all"))
    assert {r["run_id"]: sum(r["pages"].values()) for r in o["runs"]} == per_run
    assert o["runs"][-1]["rows"]["articles"] == len(CRAFTED)


def through_datasets(wh: Path) -> dict:
    """The figures with every table read through its `pyarrow.dataset` (the read path of a bucket, which
    fills a column a file lacks from the table's schema) rather than by DuckDB from the files."""
    store = Warehouse(wh)
    con = overview.views(duckdb.connect(), **{name: store.table(table) for name, (table, _) in overview.READS.items()})
    return overview.figures(con, overview.read_reports(wh / "_quality" / "runs"))


def without_figures_of_the_moment(o: dict) -> dict:
    return {k: v for k, v in o.items() if k not in ("warehouse", "snapshot", "built")}


def test_duckdb_reading_the_files_gives_the_figures_of_the_datasets(built):
    """The local read path (DuckDB over the snapshot's Parquet files, articles and teasers read once) and the
    datasets' give the same page."""
    o = without_figures_of_the_moment(built["o"])
    assert o == through_datasets(built["warehouse"])
    assert o["stories"]["across_outlets"] >= 1 and o["frontier"]["missing"] >= 1 and o["health"]["outlets"]


@pytest.mark.parametrize("which", ["newest", "oldest"])
def test_files_written_before_a_column_existed_read_it_as_null(built, tmp_path, which):
    """A warehouse whose older files lack `story_id` and `outlet` (written before they existed). The newest
    file lacking them: read by name from the start; another one: DuckDB fails on it, and the page is read
    again by name. Either way the figures are the datasets' (the missing columns null), not the full ones."""
    import pyarrow.parquet as pq

    wh = tmp_path / "warehouse"
    shutil.copytree(built["warehouse"], wh, symlinks=True)
    files = sorted(Warehouse(wh).table("articles").files, reverse=True)
    stripped = files[0] if which == "newest" else files[-1]
    rows = pq.read_table(stripped)
    assert rows.num_rows and rows["story_id"].null_count < rows.num_rows
    pq.write_table(rows.drop_columns(["story_id", "outlet"]), stripped)
    o = without_figures_of_the_moment(overview.collect(Warehouse(wh)))
    assert o == through_datasets(wh)
    before = built["o"]["stories"]["articles_with_story"]
    assert o["stories"]["articles_with_story"] == before - (rows.num_rows - rows["story_id"].null_count)


def test_page_escapes_hostile_page_text(built):
    page = built["html"]
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<b>bold" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt; News" in page


def test_largest_stories_agree_with_duckdb(built):
    o, wh = built["o"], built["warehouse"]
    s = o["stories"]
    assert s["articles_with_story"] == o["articles"]  # every article written since stories are kept has one
    expected = duck(wh, """select story_id, count(distinct coalesce(outlet, source, '(no outlet)')) as n, count(*)
                           from articles group by story_id having n > 1
                           order by n desc, count(*) desc, max(published_date) desc nulls last, story_id""")
    assert s["across_outlets"] == len(expected) >= 1
    assert [(r["story_id"], len(r["outlets"]), r["articles"]) for r in s["largest"]] == expected[:10]
    [(talks,)] = duck(wh, "select story_id from articles where title = 'Talks Held in Pyongyang'")
    assert duck(wh, f"select title, outlet, published_date from articles where story_id = '{talks}' order by all") == [
        ("Delegations Hold Talks", "Rodong Sinmun", D), ("Talks Held in Pyongyang", "KCNA.kp (En)", D - dt.timedelta(1))]
    shown = {r["story_id"]: r for r in s["largest"]}
    if talks in shown:  # among the ten largest: titled by its earliest article, outlets by first date
        assert shown[talks]["title"] == "Talks Held in Pyongyang"
        assert [(x["outlet"], x["first"]) for x in shown[talks]["outlets"]] == [
            ("KCNA.kp (En)", D - dt.timedelta(1)), ("Rodong Sinmun", D)]
    assert "stories are carried by more than one outlet" in built["html"]
    assert all(f"{x['outlet']} " in lxml_html.fromstring(built["html"]).get_element_by_id("stories").text_content()
               for r in s["largest"] for x in r["outlets"] if "<" not in x["outlet"])


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Chromium")
def test_page_renders_in_headless_chromium_and_fetches_nothing(built, tmp_path):
    page = built["html"]
    # nothing that could reach elsewhere: no URL, no script, stylesheet link or import, only data: sources
    assert "http" not in page.lower()
    assert not re.search(r"<(script|link|iframe|object|embed|img)\b|@import|url\(", page, re.I)
    refs = [(k, v) for el in lxml_html.fromstring(page).iter() for k, v in el.attrib.items()
            if k.split("}")[-1] in ("src", "href", "srcset", "poster", "data", "action")]
    assert refs and all(v.startswith(("data:", "#")) for _, v in refs), refs  # the section links only
    path = tmp_path / "overview.html"
    path.write_text(page, encoding="utf-8")
    dom = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, "--dump-dom", path.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    tree = lxml_html.fromstring(dom)
    for key, title in __import__("kcna_etl.quality.overview_html", fromlist=["SECTIONS"]).SECTIONS:
        [section] = tree.xpath(f"//section[@id='{key}']")
        assert section.xpath("string(h2)") == title
        assert len(section.text_content()) > len(title) + 20
    assert len(tree.xpath("//section[@id='outlets']//svg//rect")) > 10
    assert len(tree.xpath("//section[@id='entities']//svg/polyline")) >= 10
    assert not tree.xpath("//script")  # the hostile titles stayed text in the rendered DOM
    assert HOSTILE_TEASER in tree.xpath("string(//section[@id='frontier'])")
    shot = tmp_path / "overview.png"
    subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--screenshot={shot}", "--window-size=1200,1600", path.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_overview_of_an_s3_warehouse_reads_it_through_the_bucket(tmp_path, s3_server, prefect_server):
    """A run into a bucket (moto's), then the overview from a machine with an empty working copy: the
    snapshot's tables and the run's quality report come from the bucket."""
    from tests.faults.s3 import aws, new_bucket, start_s3

    wh = f"s3://{new_bucket(s3_server, 'overview')}/wh"
    run = start_s3(prefect_server, s3_server, ["run", "--input", str(SAMPLES), "--warehouse", wh, "--workers", "1"],
                   tmp_path / "writer")
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, out + err
    page = tmp_path / "overview.html"
    shown = start_s3(prefect_server, s3_server, ["overview", "--warehouse", wh, "--out", str(page)], tmp_path / "reader")
    out, err = shown.communicate(timeout=300)
    assert shown.returncode == 0, out + err
    html = page.read_text(encoding="utf-8")
    with aws(s3_server):
        articles = Warehouse(wh).table("articles").to_table(columns=["outlet", "source"]).to_pylist()
    assert f"{len(articles):,} articles published" in html and len(articles) == 5
    tree = lxml_html.fromstring(html)
    volume = {r.xpath("string(td[1])"): int(r.xpath("string(td[2])")) for r in
              tree.xpath("//section[@id='outlets']//tr[td]")}
    expected: dict[str, int] = {}
    for a in articles:
        expected[a["outlet"] or a["source"]] = expected.get(a["outlet"] or a["source"], 0) + 1
    assert volume == expected
    assert len(tree.xpath("//section[@id='quality']//tr[td/code]")) == 1  # the one run's report, from the bucket
