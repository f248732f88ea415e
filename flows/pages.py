"""Find the page files of an input folder and read them, nothing more.

Listing names every entry that looks like a page; reading decides, with a reason,
what cannot be read (so that every listed entry is accounted for as a page or a
reject): a link leading outside the folder, a dangling or looping link, a FIFO
or other special file, a file gone since it was listed. Reading streams the file
through SHA-256 and keeps at most `max_bytes` of it in memory.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

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


def list_pages(root: Path) -> list[str]:
    """Every entry under `root` named like a page, recursively, as sorted POSIX paths relative to it.

    Links to folders are not followed (a link to `/` would list the machine);
    links and special files named like pages are listed, for `read_page` to refuse.
    """
    root = root.resolve()
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


def read_page(root: Path, rel: str, max_bytes: int) -> RawPage:
    """The bytes and SHA-256 of a page file; `Unreadable` when it is no readable page or larger than `max_bytes`."""
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
    return RawPage(digest.hexdigest(), b"".join(kept), st.st_size, st.st_mtime_ns)


def unchanged(root: Path, paths: list[str], seen: set[tuple[str, int, int]]) -> set[str]:
    """Paths whose file has the path (as stored), size and modification time of a file an earlier run read."""
    out = set()
    for rel in paths:
        try:
            st = os.stat(root / rel)
        except OSError:
            continue
        if (shown_path(rel), st.st_size, st.st_mtime_ns) in seen:
            out.add(rel)
    return out
