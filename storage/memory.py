"""A run's memory: which allocator Arrow's buffers come from, and freed memory given back to the OS.

Used by every process of a run that holds many rows: the batch workers (`storage/staging.py::batch`), validation
(`quality/validation.py`) and the commit (`storage/commit.py`). Sets the process's Arrow memory pool and the
environment its child processes start with; `pool_environment` is that environment, for a process that starts
a run's (the CLI's supervisor, which imports no pyarrow).
"""
from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Mapping

POOL = "ARROW_DEFAULT_MEMORY_POOL"


def pool_environment(env: Mapping[str, str]) -> dict[str, str]:
    """What to add to `env` for a process of a run: Arrow's pool named, so that all of Arrow's allocations use it
    from the process's start (`pa.set_memory_pool` later changes only the pool pyarrow passes; the C++ code's own
    default stays the one read at start: at 100,000 pages the flow process peaked ~400 MB higher so). Nothing when
    the operator named one."""
    return {} if POOL in env else {POOL: "system"}


def arrow_memory() -> None:
    """The C library's allocator for Arrow's buffers, in this process and in the processes it starts after (batch
    workers, a local Dask cluster's), unless the operator chose a pool with `ARROW_DEFAULT_MEMORY_POOL`: what a
    stage freed then goes back to the OS with `release_memory` (`malloc_trim`). Arrow's default, mimalloc, kept
    it: validation at 100,000 pages left the process at 445 MB with mimalloc, 300 MB with jemalloc, 238 MB with
    this (docs/benchmarks.md). Only pyarrow's own calls here: the process should have started with
    `pool_environment`."""
    import pyarrow as pa

    if POOL in os.environ:
        return
    pa.set_memory_pool(pa.system_memory_pool())
    os.environ.update(pool_environment(os.environ))  # read by each process started from here


def release_memory() -> None:
    """Give memory freed by a finished batch back to the OS, so a worker's footprint stays that of one batch.

    Python and Arrow keep freed memory for reuse; between batches a worker holds nothing
    worth keeping. glibc's `malloc_trim` where there is one.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    if trim := malloc_trim():
        trim(0)


@functools.cache
def malloc_trim():
    """glibc's `malloc_trim`, or None: looked up among the symbols the process has loaded (`find_library("c")`
    ran `ldconfig -p` in a process of its own at every batch)."""
    return getattr(ctypes.CDLL(None), "malloc_trim", None)
