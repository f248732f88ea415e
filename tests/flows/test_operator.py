"""What the person running `kcna-etl` meets, through the installed command: an input with no pages, a
file given as a folder, --version, the exit statuses in --help, `report | head`."""
from __future__ import annotations

import subprocess

from tests.conftest import ROOT, cli_command, cli_env


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


def test_an_empty_folder_with_allow_empty_is_a_passing_run_that_writes_no_rows(prefect_server, tmp_path):
    (tmp_path / "in").mkdir()
    # against the session's server: a temporary server of its own is test_runners' concern
    p = cli("run", "--input", str(tmp_path / "in"), "--warehouse", str(tmp_path / "wh"), "--allow-empty",
            env=cli_env(prefect_server))
    assert p.returncode == 0, p.stderr[-2000:]
    assert "pages seen 0" in p.stdout and "quality: passed" in p.stdout
    assert "Traceback" not in p.stderr


def test_a_file_given_as_the_input_is_told_so(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Pyongyang, March 23 (KCNA) -- text")
    p = cli("run", "--input", str(page), "--warehouse", str(tmp_path / "wh"))
    assert p.returncode == 2
    assert p.stderr.strip() == f"kcna-etl run: input {page} is a file, not a folder: give the folder that holds the pages"


def test_a_reader_that_stops_reading_ends_the_command_quietly(tmp_path):
    """`kcna-etl schema-doc | head -1` (and `report | head`): the pipe is closed before the command writes."""
    p = subprocess.Popen(cli_command(["schema-doc"]), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 0 and err == ""


def test_version_and_the_exit_statuses_in_run_help():
    from importlib.metadata import version
    from kcna_etl.transforms import PIPELINE_VERSION
    v = cli("--version")
    assert v.returncode == 0 and v.stdout.strip() == f"kcna-etl {version('kcna-etl')} (pipeline version {PIPELINE_VERSION})"
    helped = cli("run", "--help").stdout
    statuses = [line.split()[0] for line in helped.split("exit status:\n")[1].splitlines() if line[2:3].isdigit()]
    assert statuses == ["0", "3", "4", "1", "2", "66", "75", "130"]
    assert "143 by SIGTERM" in helped


def test_an_unreachable_prefect_server_is_named_by_its_url(tmp_path):
    import os
    from tests.conftest import free_port
    url = f"http://127.0.0.1:{free_port()}/api"  # nothing listens there
    env = dict(os.environ, PREFECT_API_URL=url, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    p = cli("serve", "--warehouse", str(tmp_path / "wh"), env=env)
    assert p.returncode == 1
    assert f"cannot reach the Prefect server at {url}" in p.stderr, p.stderr
