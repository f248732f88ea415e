"""Locations: strings normalised, S3 reached from the AWS variables alone, and pages listed and read the
same from a bucket as from a folder (moto's real S3 server on loopback)."""
from __future__ import annotations

import gzip

import pytest

from kcna_etl.storage import location
from kcna_etl.storage.pages import Unreadable, list_pages, read_page, unchanged
from tests.faults.s3 import aws, new_bucket, upload


def test_locations_normalise():
    assert location.normalize("s3://bucket/a/b/") == "s3://bucket/a/b"
    assert location.normalize("s3://bucket") == "s3://bucket"
    assert location.bucket_key("s3://bucket/a/b") == ("bucket", "a/b")
    assert location.normalize("rel/dir").startswith("/")
    with pytest.raises(ValueError):
        location.normalize("s3://")


def test_pages_list_and_read_the_same_from_a_bucket_as_from_a_folder(tmp_path, s3_server):
    folder = tmp_path / "pages"
    (folder / "2025" / "10").mkdir(parents=True)
    (folder / "a.txt").write_text("first page\n")
    (folder / "2025" / "10" / "b.html").write_text("<html><body>second</body></html>")
    (folder / "2025" / "c copy.txt.gz").write_bytes(gzip.compress(b"third page\n", mtime=0))
    (folder / "notes.md").write_text("not a page")
    (folder / "big.txt").write_bytes(b"x" * 5000)
    src = f"s3://{new_bucket(s3_server, 'pages')}/in"
    upload(s3_server, folder, src)
    with aws(s3_server):
        assert location.is_dir(src) and not location.is_dir(src + "-none")
        listed = list_pages(src)
        assert listed == list_pages(folder) == ["2025/10/b.html", "2025/c copy.txt.gz", "a.txt", "big.txt"]
        seen = set()
        for rel in listed[:-1]:
            remote, local = read_page(src, rel, 4096), read_page(folder, rel, 4096)
            assert (remote.sha256, remote.data, remote.size) == (local.sha256, local.data, local.size)  # as stored
            seen.add((rel, remote.size, remote.mtime_ns))
        # what a run read, by size and time, is known unchanged from the listing alone
        assert unchanged(src, listed, seen) == set(listed[:-1])
        with pytest.raises(Unreadable) as big:
            read_page(src, "big.txt", 4096)
        assert "larger than the page limit" in big.value.reason and big.value.sha256
        with pytest.raises(Unreadable, match="vanished"):
            read_page(src, "gone.txt", 4096)
