"""Run the real `kcna-etl` CLI with a fault injected at the k-th file-system event under a folder.

    python -m tests.faults.inject --root WAREHOUSE [--trace FILE] [--at K | --on EVENT:GLOB] [--do ACTION] -- run ...

Python's audit hooks (PEP 578) see every `open`, `mkdir`, `link`, `rename`/`replace`,
`symlink`, `remove`, `rmdir` and `rmtree` the flow's own process asks for, before it
happens. Those under `--root` are numbered from 1 (one at a time, also from the threads
that sync a snapshot: the count at each point is the same on every run over the same
warehouse and input) and written to `--trace` as JSON lines. At event K (or at the first event named EVENT with a
path matching GLOB, e.g. `os.mkdir:.staging/*`), before it happens, ACTION is done:

- `kill`: SIGKILL to the whole process group (the flow and its worker processes),
  as when the machine dies;
- `fill:PATH`: write PATH until the file system holding it is full (ENOSPC), then go on;
- `delete:PATH`: remove PATH (a page listed but not yet read), then go on.

Worker processes (spawned, without this hook) are not counted: batch staging is
reached by other kill points in the tests. Nothing here changes the flow's code.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import signal
import sys
import threading

EVENTS = frozenset({"open", "os.mkdir", "os.link", "os.rename", "os.symlink", "os.remove", "os.rmdir",
                    "shutil.rmtree"})


def fill(path: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    block = b"\0" * (1 << 16)
    try:
        while True:
            try:
                os.write(fd, block)
            except OSError:
                if len(block) == 1:
                    break
                block = block[:len(block) // 2]  # fill the last bytes too
    finally:
        os.close(fd)


def install(root: str, trace: str | None, at: int | None, on: str | None, action: str) -> None:
    root = os.path.abspath(root) + os.sep  # as the flow names it (Path.absolute)
    me = os.getpid()
    out = os.open(trace, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644) if trace else None
    count = 0
    done = False
    # The flow syncs a snapshot's files from several threads: events are counted one at a time (so the
    # count at any point past them is the same on every run), and only the hook's own writes are skipped.
    lock, local = threading.Lock(), threading.local()
    on_event, _, on_glob = (on or "").partition(":")

    def under_root(arg) -> str | None:
        if isinstance(arg, (str, bytes, os.PathLike)):
            path = os.fsdecode(arg)
            if os.path.isabs(path) and (path + os.sep).startswith(root):
                return path[len(root):]
        return None

    def hook(event: str, args: tuple) -> None:
        nonlocal count, done
        if event not in EVENTS or getattr(local, "busy", False) or os.getpid() != me:
            return
        paths = [p for p in (under_root(a) for a in args[:2]) if p is not None]
        if not paths:
            return
        local.busy = True  # the hook's own writes are not events
        try:
            with lock:
                count += 1
                if out is not None:
                    os.write(out, (json.dumps({"n": count, "event": event, "paths": paths}) + "\n").encode())
                if not done and (count == at or event == on_event and any(fnmatch.fnmatchcase(p, on_glob)
                                                                             for p in paths)):
                    done = True
                    act(action)
        finally:
            local.busy = False

    sys.addaudithook(hook)


def act(action: str) -> None:
    kind, _, arg = action.partition(":")
    if kind == "kill":
        os.killpg(0, signal.SIGKILL)
    elif kind == "fill":
        fill(arg)
    elif kind == "delete":
        os.unlink(arg)
    else:
        raise ValueError(f"unknown action {action!r}")


def main() -> int:
    argv = sys.argv[1:]
    split = argv.index("--")
    p = argparse.ArgumentParser(prog="python -m tests.faults.inject")
    p.add_argument("--root", required=True)
    p.add_argument("--trace")
    p.add_argument("--at", type=int)
    p.add_argument("--on")
    p.add_argument("--do", default="kill")
    opts = p.parse_args(argv[:split])
    if os.getpgid(0) != os.getpid():
        os.setpgid(0, 0)  # a group of our own: `kill` must reach our workers and nothing else
    install(opts.root, opts.trace, opts.at, opts.on, opts.do)
    from kcna_etl.cli.main import main as cli
    return cli(argv[split + 1:])


if __name__ == "__main__":
    sys.exit(main())
