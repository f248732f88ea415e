"""Find the page files of an input folder and read them, nothing more."""
from __future__ import annotations

import os
from pathlib import Path

PAGE_SUFFIXES = (".txt", ".html", ".htm")


def is_page(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return lower.endswith(PAGE_SUFFIXES)


def list_pages(root: Path) -> tuple[list[str], list[str]]:
    """Page files under `root`, recursively, as sorted POSIX paths relative to it.

    Returns (pages, refused): links that lead outside the folder are refused,
    never followed; other files are not pages and are not listed.
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
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                refused.append(rel)
                continue
            pages.append(rel)
    pages.sort()
    return pages, refused


def read_page(root: Path, rel: str) -> bytes:
    return (root / rel).read_bytes()
