"""Find the page files of an input folder and read them, nothing more."""
from __future__ import annotations

import os
import stat
from pathlib import Path

PAGE_SUFFIXES = (".txt", ".html", ".htm")


def is_page(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return lower.endswith(PAGE_SUFFIXES)


def list_pages(root: Path) -> tuple[list[str], list[str]]:
    """Page files under `root`, recursively, as sorted POSIX paths relative to it.

    Returns (pages, refused). Refused, never followed or read: links leading
    outside the folder, dangling or looping links, and anything that is not a
    regular file (a FIFO named `x.txt` would block a read for ever). Other files
    are not pages and are not listed.
    """
    root = root.resolve()
    pages, refused = [], []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in files:
            if not is_page(name):
                continue
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            try:
                regular = stat.S_ISREG(path.stat().st_mode)
                inside = not path.is_symlink() or path.resolve(strict=True).is_relative_to(root)
            except (OSError, RuntimeError):  # dangling link, link loop, vanished
                regular = inside = False
            (pages if regular and inside else refused).append(rel)
    pages.sort()
    return pages, sorted(refused)


def read_page(root: Path, rel: str) -> bytes:
    return (root / rel).read_bytes()
