"""Bad pages among good ones, through the real CLI (the second run in the test process): each bad page is rejected with its reason (or read,
when it can be read right), the good pages' articles are intact, and every page is accounted for."""
from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import duck_table
from tests.faults.common import account, good_page, last_summary, page, rejects_of, state

KOREAN = ["평양 10월 9일발 조선중앙통신 -- 조선로동당 창건 80돐 경축 행사가 성대히 진행되였다.",
          "행사에는 각계층 근로자들이 참가하였다."]
HUGE = 50 * 1024 * 1024
LIMIT = 20 * 1024 * 1024  # the default --max-page-bytes


def write(folder: Path, name: str | bytes, data: bytes) -> None:
    path = os.path.join(os.fsencode(folder), name) if isinstance(name, bytes) else folder / name
    Path(os.fsdecode(path)).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def huge_page(path: Path) -> None:
    """A real page made 50 MB by repeating a paragraph: written here, never committed."""
    filler = ("The people of the country are full of enthusiasm for the building of a powerful state. " * 100
              + "\n\n").encode()
    with open(path, "wb") as f:
        f.write(good_page(99).encode())
        while f.tell() < HUGE:
            f.write(filler)


def html_page() -> str:
    return """<!DOCTYPE html><html><head><title>t</title>
<style>p { color: red } .x::after { content: "More Articles" }</style>
<script>document.write('<p>More From Injected Outlet</p>'); var s = "NK News is hiring";</script></head>
<body onload="alert(1)">
<p>December 05, 2025Dec 05, 2025</p><p>KCNA KCNA.kp (En)</p><h1>Scripts And Styles Stay Out</h1>
<p>Date: 09/10/2025 | Source: KCNA.kp (En) | Read original version at source</p>
<p style="font-weight:bold" onclick="steal()">Pyongyang, October 9 (KCNA) -- Only what a reader sees is the article.</p>
<p style="display: none">Hidden text that must not be read.</p>
<noscript><p>Enable scripts, says the noscript block.</p></noscript>
<p>The last paragraph is shown. <script>alert("inline")</script>-0-</p>
</body></html>"""


@pytest.fixture(scope="module")
def run(kcna_etl, tmp_path_factory):
    base = tmp_path_factory.mktemp("bad")
    inp, wh, outside = base / "in", base / "wh", base / "outside"
    inp.mkdir()
    outside.mkdir()
    goods = {f"good-{n}.txt": good_page(n) for n in (1, 2, 3)}
    for name, text in goods.items():
        write(inp, name, text.encode())
    secret = good_page(77).replace("good page number 77", "page outside the input folder")
    write(outside, "secret.txt", secret.encode())
    full = good_page(4)
    cut = full[:full.index("Teaser 2 of") + len("Teaser 2 of Good Page Number 4 Reported\nTeaser 2")]
    sidebar_only = full[full.index("More From"):]
    bad = {
        "empty.txt": b"",
        "blank.txt": b"  \n\n \t\n",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "nul.txt": good_page(5).replace("second paragraph", "second\x00paragraph").encode(),
        "controls.txt": bytes(range(1, 32)) * 50,
        "cp1252.txt": good_page(6).replace("nothing of it", "nothing of it\u2019s text").encode("cp1252"),
        "euc-kr.txt": page("Korean Page In EUC-KR", KOREAN, source="KCNA.kp (Ko)").encode("euc_kr"),
        "euc-kr-bare.txt": "\n\n".join(KOREAN).encode("euc_kr"),
        "undecodable.txt": b"Text with bytes no code page maps: \x81\x8d\x8f\x90\x9d " * 3,
        "utf-16.txt": good_page(7).encode("utf-16"),
        "bomb.txt.gz": gzip.compress(b" " * (LIMIT + 1024), mtime=0),
        "corrupt.txt.gz": gzip.compress(b"Some text", mtime=0)[:10] + b"\xff" * 40,
        "truncated.txt.gz": gzip.compress(good_page(8).encode(), mtime=0)[:-30],
        "no-sidebar.txt": good_page(9, sidebar=None).encode(),
        "no-sidebar-no-header.txt": good_page(10, sidebar=None, header=False).encode(),
        "only-sidebar.txt": sidebar_only.encode(),
        "cut-mid-teaser.txt": cut.encode(),
        "dup-a.txt": good_page(11).encode(),
        "dup-b copy.txt": good_page(11).encode(),                            # same bytes, another name
        "dup-c.txt.gz": gzip.compress(good_page(11).encode(), mtime=0),       # same article, other bytes
        "scripts.html": html_page().encode(),
        "vanishing.txt": good_page(12).encode(),
        "sub dir/names with spaces é 사진.txt": good_page(13).encode(),
        b"latin-1 name caf\xe9.txt": good_page(14).encode(),
    }
    for name, data in bad.items():
        write(inp, name, data)
    huge_page(inp / "huge.txt")
    os.symlink(outside / "secret.txt", inp / "outside-link.txt")
    os.symlink(inp / "good-1.txt", inp / "inside-link.txt")
    os.symlink(inp / "gone.txt", inp / "dangling-link.txt")
    os.symlink(outside, inp / "outside-folder")  # a link to a folder: never walked, its pages never listed
    os.mkfifo(inp / "fifo.txt")
    # `vanishing.txt` is listed, then removed when the run creates its staging folder, before any page is read
    p = kcna_etl("run", "--input", str(inp), "--warehouse", str(wh), "--batch-size", "8", "--workers", "1", check=False,
                 inject=["--root", str(wh), "--on", "os.mkdir:.staging/*", "--do", f"delete:{inp / 'vanishing.txt'}"])
    # exit 3: the set has pages the suites warn about (a Korean outlet, a short Korean body), none quarantined
    assert p.returncode == 3 and "quarantined 0" in p.stdout, p.stdout + p.stderr
    return inp, wh, p


def reason_of(wh: Path) -> dict[str, tuple[str, str]]:
    rejects = duck_table(wh, "rejects")
    assert rejects["raw_path"].is_unique
    return {r.raw_path: (r.stage, r.reason) for r in rejects.itertuples()}


def articles_by_path(wh: Path) -> pd.DataFrame:
    return duck_table(wh, "articles").set_index("raw_path")


def paragraphs(n: int) -> list[str]:
    return [f"Pyongyang, October 9 (KCNA) -- A good page number {n} was written for the fault tests on Thursday.",
            f"Its second paragraph {n} says that nothing of it may be lost, whatever befalls the machine or the run that reads it."]


def test_each_bad_page_is_rejected_with_its_reason_and_no_other_page_is(run):
    inp, wh, _ = run
    no_outlet = "no outlet: neither a 'Date: … | Source:' line nor a 'More From' sidebar names one"
    want = {
        "empty.txt": ("ingest", "empty file"),
        "blank.txt": ("ingest", "empty file"),
        "binary.txt": ("ingest", "binary content (NUL bytes)"),
        "nul.txt": ("ingest", "binary content (NUL bytes)"),
        "controls.txt": ("ingest", "binary content (1350 control characters)"),
        "undecodable.txt": ("ingest", "not text: neither UTF-8, EUC-KR nor Windows-1252"),
        "huge.txt": ("ingest", f"file of {(inp / 'huge.txt').stat().st_size:,} bytes is larger than the page limit "
                               f"of {LIMIT:,} bytes (--max-page-bytes)"),
        "bomb.txt.gz": ("ingest", f"decompressed page larger than the page limit of {LIMIT:,} bytes"),
        "corrupt.txt.gz": ("ingest", "corrupt gzip data: Error -3 while decompressing data: invalid block type"),
        "truncated.txt.gz": ("ingest", "truncated gzip data (stream ends early)"),
        "no-sidebar-no-header.txt": ("split", no_outlet),
        "euc-kr-bare.txt": ("split", no_outlet),  # decoded, then refused like any page naming no outlet
        "only-sidebar.txt": ("split", "page is only a sidebar: no article text before 'More From'"),
        "vanishing.txt": ("ingest", "file vanished between listing and reading"),
        "fifo.txt": ("ingest", "not a regular file (a FIFO)"),
        "dangling-link.txt": ("ingest", f"dangling symbolic link (to {inp / 'gone.txt'})"),
        "outside-link.txt": ("ingest", "symbolic link leading outside the input folder "
                                       f"(to {inp.parent / 'outside' / 'secret.txt'}): not followed"),
    }
    assert reason_of(wh) == want
    rejects = duck_table(wh, "rejects").set_index("raw_path")
    unread = {"vanishing.txt", "fifo.txt", "dangling-link.txt", "outside-link.txt"}
    assert set(rejects.index[rejects["raw_sha256"].isna()]) == unread  # no bytes, no hash
    assert rejects.loc["huge.txt", "raw_sha256"] is not None  # hashed (streamed): not read again next run


def test_pages_that_can_be_read_become_intact_articles(run):
    _, wh, _ = run
    arts = articles_by_path(wh)
    assert set(arts.index) == {
        "good-1.txt", "good-2.txt", "good-3.txt", "cp1252.txt", "euc-kr.txt", "utf-16.txt", "no-sidebar.txt",
        "cut-mid-teaser.txt", "dup-a.txt", "scripts.html", "sub dir/names with spaces é 사진.txt",
        "latin-1 name caf\\xe9.txt",
    }
    teasers = duck_table(wh, "teasers")
    for n, name in [(1, "good-1.txt"), (2, "good-2.txt"), (3, "good-3.txt"), (7, "utf-16.txt"), (9, "no-sidebar.txt"),
                    (11, "dup-a.txt"), (13, "sub dir/names with spaces é 사진.txt"), (14, "latin-1 name caf\\xe9.txt")]:
        a = arts.loc[name]
        assert a["body"].split("\n") == paragraphs(n), name
        assert (a["title"], a["source"], str(a["published_date"])[:10]) == \
            (f"Good Page Number {n} Reported", "KCNA.kp (En)", "2025-10-09"), name
        mine = teasers[teasers["article_id"] == a["article_id"]]
        assert len(mine) == a["teaser_count"] == (0 if name == "no-sidebar.txt" else 2), name
    assert pd.isna(arts.loc["no-sidebar.txt", "sidebar_source"])
    assert arts.loc["cp1252.txt", "body"].split("\n")[1] == ("Its second paragraph 6 says that nothing of it\u2019s "
                                                         "text may be lost, whatever befalls the machine or the run "
                                                         "that reads it.")
    korean = arts.loc["euc-kr.txt"]
    assert (korean["body"].split("\n"), korean["source"], korean["title"]) == \
        (KOREAN, "KCNA.kp (Ko)", "Korean Page In EUC-KR")
    # cut off inside the second teaser: the body and the complete first teaser are kept, the fragment is not a teaser
    cut = arts.loc["cut-mid-teaser.txt"]
    assert cut["body"].split("\n") == paragraphs(4)
    assert list(teasers[teasers["article_id"] == cut["article_id"]]["title"]) == \
        ["Teaser 1 of Good Page Number 4 Reported"]
    # HTML: what a browser shows, nothing of scripts, styles, hidden or noscript blocks, or attributes
    assert arts.loc["scripts.html", "body"].split("\n") == [
        "Pyongyang, October 9 (KCNA) -- Only what a reader sees is the article.", "The last paragraph is shown."]
    assert arts.loc["scripts.html", "title"] == "Scripts And Styles Stay Out"


def test_the_same_page_twice_is_one_article_and_counted_duplicates(run):
    _, wh, _ = run
    manifest = duck_table(wh, "_manifest").set_index("raw_path")
    arts = articles_by_path(wh)
    for name, of in [("dup-b copy.txt", "dup-a.txt"), ("dup-c.txt.gz", "dup-a.txt"), ("inside-link.txt", "good-1.txt")]:
        assert (manifest.loc[name, "outcome"], manifest.loc[name, "article_id"]) == \
            ("duplicate", arts.loc[of, "article_id"])


def test_nothing_outside_the_input_folder_is_read(run):
    _, wh, _ = run
    for table, column in (("articles", "body"), ("teasers", "snippet")):
        assert not duck_table(wh, table)[column].str.contains("outside the input folder").any()
    secret = (run[0].parent / "outside" / "secret.txt").read_bytes()
    assert hashlib.sha256(secret).hexdigest() not in set(duck_table(wh, "_manifest")["raw_sha256"])


def test_every_page_is_accounted_for_in_the_summary_and_the_tables(run):
    inp, wh, p = run
    summary = last_summary(wh, p.stdout)
    where = account(inp, wh, summary, rejects_of(Path("/nonexistent")), vanished=("vanishing.txt",))
    assert (summary["pages_seen"], summary["new_articles"], summary["duplicates"], summary["already_processed"],
            summary["rejected"]) == (len(where), 12, 3, 0, 17)
    assert (f"pages seen {len(where)}: new 12, duplicates 3, already processed 0, rejected 17" in p.stdout)


def test_a_second_run_finds_every_page_processed_and_changes_nothing(run, flow_cli):
    inp, wh, _ = run
    before, rejects_before = state(wh), duck_table(wh, "rejects")
    p = flow_cli("run", "--input", str(inp), "--warehouse", str(wh), "--batch-size", "8")
    n = last_summary(wh, p.stdout)["pages_seen"]
    assert f"pages seen {n}: new 0, duplicates 0, already processed {n}, rejected 0" in p.stdout
    account(inp, wh, last_summary(wh, p.stdout), rejects_before)
    after = state(wh)
    for t in before:
        pd.testing.assert_frame_equal(before[t], after[t], obj=t)

