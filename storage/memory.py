"""A run's memory: which allocator Arrow's buffers come from, and freed memory given back to the OS.

Used by every process of a run that holds many rows: the batch workers (`flows/pipeline.py`), validation
(`quality/validation.py`) and the commit (`storage/commit.py`). Takes and returns nothing; sets the process's
Arrow memory pool and the environment its child processes start with.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os

import pyarrow as pa


def arrow_memory() -> None:
    """The C library's allocator for Arrow's buffers, in this process and in the processes it starts after (batch
    workers, a local Dask cluster's), unless the operator chose a pool with `ARROW_DEFAULT_MEMORY_POOL`: what a
    stage freed then goes back to the OS with `release_memory` (`malloc_trim`). Arrow's default, mimalloc, and
    jemalloc both kept it: at 100,000 pages the flow process peaked at 977 MB with this, 1,274 MB with jemalloc
    (about 300 MB kept after validation alone), for no more CPU (docs/benchmarks.md)."""
    if "ARROW_DEFAULT_MEMORY_POOL" in os.environ:
        return
    pa.set_memory_pool(pa.system_memory_pool())
    os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"  # read by each process started from here


def release_memory() -> None:
    """Give memory freed by a finished batch back to the OS, so a worker's footprint stays that of one batch.

    Python and Arrow keep freed memory for reuse; between batches a worker holds nothing
    worth keeping. glibc's `malloc_trim` where there is one.
    """
    pa.default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    if libc:
        trim = getattr(ctypes.CDLL(libc), "malloc_trim", None)
        if trim:
            trim(0)
