"""Find the page files of an input folder and read them, nothing more.

Listing names every entry that looks like a page; reading decides, with a reason,
what cannot be read (so that every listed entry is accounted for as a page or a
reject): a link leading outside the folder, a dangling or looping link, a FIFO
or other special file, a file gone since it was listed. Reading streams the file
through SHA-256 and keeps at most `max_bytes` of it in memory.

The input is a location (`storage/location.py`): a local folder, or `s3://bucket/prefix`,
whose objects are listed and read through pyarrow's S3 file system by whichever
process calls these functions (a batch's worker reads its own pages).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pyarrow.fs as pafs

from kcna_etl.storage import location

PAGE_SUFFIXES = (".txt", ".html", ".htm")
CHUNK = 1 << 20


class Unreadable(Exception):
    """A listed entry that gives no page bytes; `reason` says why, in one sentence."""

    def __init__(self, reason: str, sha256: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.sha256 = sha256


@dataclass(frozen=True)
class RawPage:
    sha256: str
    data: bytes
    size: int | None = None  # the file's size and mtime when it was read: an unchanged file is not read again
    mtime_ns: int | None = None


def is_page(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return lower.endswith(PAGE_SUFFIXES)


def list_pages(source: str | Path) -> list[str]:
    """Every entry under `source` named like a page, recursively, as sorted POSIX paths relative to it.

    Links to folders are not followed (a link to `/` would list the machine);
    links and special files named like pages are listed, for `read_page` to refuse.
    """
    if location.is_remote(source):
        return _list_remote(str(source))
    root = Path(source).resolve()
    pages = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        pages += [(Path(folder) / name).relative_to(root).as_posix() for name in files if is_page(name)]
    return sorted(pages)


def shown_path(rel: str) -> str:
    """The path as stored in the tables: a name that is not UTF-8 gets its odd bytes written `\\xe9`."""
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def _target(root: Path, path: Path) -> Path:
    """The real file a page path names; links may lead anywhere inside the input folder, nowhere else."""
    try:
        link = os.readlink(path)
    except FileNotFoundError:
        raise Unreadable("file vanished between listing and reading") from None
    except OSError:  # not a link
        return path
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise Unreadable(f"dangling symbolic link (to {link})") from None
    except (OSError, RuntimeError):
        raise Unreadable(f"symbolic link loop (to {link})") from None
    if not real.is_relative_to(root.resolve()):
        raise Unreadable(f"symbolic link leading outside the input folder (to {link}): not followed")
    return real


def read_page(source: str | Path, rel: str, max_bytes: int) -> RawPage:
    """The bytes and SHA-256 of a page file; `Unreadable` when it is no readable page or larger than `max_bytes`."""
    if location.is_remote(source):
        return _read_remote(str(source), rel, max_bytes)
    root = Path(source)
    path = _target(root, root / rel)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: no link swapped in since.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise Unreadable("file vanished between listing and reading") from None
    except PermissionError as e:
        raise Unreadable(f"cannot read file: {e.strerror}") from None
    with os.fdopen(fd, "rb", buffering=0) as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(f"not a regular file ({_kind(st.st_mode)})")
        return dataclasses.replace(_hashed(f, max_bytes), size=st.st_size, mtime_ns=st.st_mtime_ns)


def _hashed(f, max_bytes: int) -> RawPage:
    """Stream a file through SHA-256, keeping at most `max_bytes` of it."""
    digest, kept, size = hashlib.sha256(), [], 0
    while chunk := f.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if size <= max_bytes:
            kept.append(chunk)
        else:
            kept.clear()  # keep hashing, stop keeping: memory stays bounded by the limit
    if size > max_bytes:
        raise Unreadable(f"file of {size:,} bytes is larger than the page limit of {max_bytes:,} bytes "
                         f"(--max-page-bytes)", digest.hexdigest())
    return RawPage(digest.hexdigest(), b"".join(kept))


def unchanged(source: str | Path, paths: list[str], seen: set[tuple[str, int, int]]) -> set[str]:
    """Paths whose file has the path (as stored), size and modification time of a file an earlier run read."""
    out = set()
    stats = _remote_stats(str(source)) if location.is_remote(source) else None
    for rel in paths:
        if stats is not None:
            if rel not in stats:
                continue
            size, mtime_ns = stats[rel]
        else:
            try:
                st = os.stat(Path(source) / rel)
            except OSError:
                continue
            size, mtime_ns = st.st_size, st.st_mtime_ns
        if (shown_path(rel), size, mtime_ns) in seen:
            out.add(rel)
    return out


def _objects(source: str) -> list[pafs.FileInfo]:
    fs, base = location.resolve(source)
    try:
        return [f for f in fs.get_file_info(pafs.FileSelector(base, recursive=True)) if f.type == pafs.FileType.File]
    except FileNotFoundError:
        return []


def _remote_stats(source: str) -> dict[str, tuple[int, int]]:
    """Size and modification time (whole seconds, as a GET reports it) of every object under the prefix."""
    base = location.resolve(source)[1]
    return {f.path[len(base) + 1:]: (f.size, f.mtime_ns // 10**9 * 10**9) for f in _objects(source)}


def _list_remote(source: str) -> list[str]:
    """Object keys under the prefix named like pages (object stores have no links or special files)."""
    base = location.resolve(source)[1]
    return sorted(f.path[len(base) + 1:] for f in _objects(source) if is_page(f.base_name))


def _read_remote(source: str, rel: str, max_bytes: int) -> RawPage:
    fs, base = location.resolve(source)
    try:
        # compression=None: pyarrow would gunzip a `.gz` by its name; a page is hashed as stored
        with fs.open_input_stream(f"{base}/{rel}", compression=None) as f:
            meta = f.metadata()
            raw = _hashed(f, max_bytes)
    except FileNotFoundError:
        raise Unreadable("object vanished between listing and reading") from None
    except PermissionError as e:
        raise Unreadable(f"cannot read object: {e}") from None
    # size and Last-Modified as the listing gives them (whole seconds), for `unchanged`; none given: read again
    modified = meta.get("Last-Modified")
    mtime_ns = None if modified is None else int(dt.datetime.strptime(modified.decode(), "%Y-%m-%dT%H:%M:%SZ")
                                                 .replace(tzinfo=dt.timezone.utc).timestamp()) * 10**9
    size = meta.get("Content-Length")
    return dataclasses.replace(raw, size=None if size is None else int(size), mtime_ns=mtime_ns)
