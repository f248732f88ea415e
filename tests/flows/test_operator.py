"""What the person running `kcna-etl` meets, through the installed command: an input with no pages, a
file given as a folder, --version, the exit statuses in --help, `report | head`."""
from __future__ import annotations

import subprocess

from tests.conftest import ROOT, cli_command


def cli(*args: str, **popen) -> subprocess.CompletedProcess:
    return subprocess.run(cli_command(args), capture_output=True, text=True, timeout=120, cwd=ROOT, **popen)


def test_an_input_without_page_files_is_a_warning_naming_the_folder_and_what_it_ignored(tmp_path):
    inp = tmp_path / "scrape"
    (inp / "2025").mkdir(parents=True)
    (inp / "index.json").write_text("{}")
    (inp / "2025" / "page.pdf").write_bytes(b"%PDF")
    p = cli("run", "--input", str(inp), "--warehouse", str(tmp_path / "wh"))
    assert p.returncode == 66
    assert p.stderr.strip() == (f"kcna-etl run: warning: input {inp} holds no page files; ignored: 2025/page.pdf, "
                                "index.json; page files end in .txt, .html, .htm (or .gz); nothing done "
                                "(--allow-empty to run all the same)")
    assert not (tmp_path / "wh").exists()


def test_an_empty_folder_asks_whether_the_volume_is_mounted(tmp_path):
    p = cli("run", "--input", str(tmp_path), "--warehouse", str(tmp_path / "wh"))
    assert p.returncode == 66 and "holds no files at all (is the volume mounted?)" in p.stderr


def test_a_file_given_as_the_input_is_told_so(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Pyongyang, March 23 (KCNA) -- text")
    p = cli("run", "--input", str(page), "--warehouse", str(tmp_path / "wh"))
    assert p.returncode == 2
    assert p.stderr.strip() == f"kcna-etl run: input {page} is a file, not a folder: give the folder that holds the pages"
