"""An input with no page files (an unmounted volume, a scrape that wrote nothing) is told, never a quiet success."""
from __future__ import annotations

import os
from itertools import islice
from pathlib import Path

EMPTY = 66  # EX_NOINPUT: the input holds no page file
SHOWN = 5


def other_files(source: str) -> list[str] | None:
    """The files under `source` when none of them is a page (paths relative to it); None as soon as one is."""
    # imported here: `kcna-etl`'s supervisor reads EMPTY and nothing else of this module, and needs no pyarrow
    import pyarrow.fs as pafs

    from kcna_etl.storage import location
    from kcna_etl.storage.pages import is_page

    if location.is_remote(source):
        fs, root = location.resolve(source)
        found = fs.get_file_info(pafs.FileSelector(root, recursive=True, allow_not_found=True))
        names = sorted(f.path[len(root):].lstrip("/") for f in found if f.type == pafs.FileType.File)
    else:
        root = Path(source).expanduser()
        names = []
        for folder, dirs, files in os.walk(root, followlinks=False):
            dirs.sort()
            names += [(Path(folder) / n).relative_to(root).as_posix() for n in sorted(files)]
    return None if any(is_page(n) for n in names) else sorted(names)


def empty_input_warning(source: str) -> str | None:
    """One warning naming the folder and the files it ignored, when `source` holds no page file."""
    from kcna_etl.storage.pages import PAGE_SUFFIXES

    ignored = other_files(source)
    if ignored is None:
        return None
    kinds = ", ".join(PAGE_SUFFIXES)
    if not ignored:
        return f"input {source} holds no files at all (is the volume mounted?); page files end in {kinds} (or .gz)"
    shown = ", ".join(islice(ignored, SHOWN)) + (f", … ({len(ignored):,} files)" if len(ignored) > SHOWN else "")
    return f"input {source} holds no page files; ignored: {shown}; page files end in {kinds} (or .gz)"
