"""`kcna-etl`: run the pipeline, or print the table reference.

    kcna-etl run [--input DIR] [--warehouse DIR]   run the flow once (exit 0 when it completed)
    kcna-etl schema-doc                            print docs/tables.md from the schemas
    kcna-etl eval-mentions [--errors]              score the mentions against the labelled text
"""
from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from pathlib import Path

from transforms.decode import MAX_TEXT_BYTES

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "pages"


def quiet_prefect(verbose: bool) -> None:
    """Set before Prefect is imported: its settings are read at import."""
    # No telemetry, from the server or the client: these machines reach no network but package registries.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")
        os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
        # The temporary server's shutdown chatter is not the user's business.
        for name in ("prefect.server", "uvicorn", "uvicorn.error", "docket"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kcna-etl", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the pipeline once over an input folder")
    run.add_argument("--input", default=os.environ.get("KCNA_ETL_INPUT", str(SAMPLES)),
                     help="folder of scraped pages (default: the sample pages shipped in the repository)")
    run.add_argument("--warehouse", default=os.environ.get("KCNA_ETL_WAREHOUSE", "warehouse"),
                     help="warehouse root (default: ./warehouse)")
    run.add_argument("--batch-size", type=int, default=int(os.environ.get("KCNA_ETL_BATCH_SIZE", "1000")),
                     help="pages per batch task (default 1000)")
    run.add_argument("--runner", default=os.environ.get("KCNA_ETL_RUNNER", "process"), choices=("process", "thread"),
                     help="task runner: worker processes (default) or threads")
    run.add_argument("--workers", type=int, default=None, help="parallel batch workers (default: CPU count)")
    run.add_argument("--lock-timeout", type=float, default=3600.0,
                     help="seconds to wait for another run holding the warehouse lock (default 3600)")
    run.add_argument("--max-page-bytes", type=int,
                     default=int(os.environ.get("KCNA_ETL_MAX_PAGE_BYTES", str(MAX_TEXT_BYTES))),
                     help=f"larger page files (or gzip contents) are rejected (default {MAX_TEXT_BYTES:,})")
    run.add_argument("--verbose", action="store_true", help="show Prefect's logs")
    sub.add_parser("schema-doc", help="print the table reference (docs/tables.md) generated from the schemas")
    ev = sub.add_parser("eval-mentions", help="precision, recall and F1 of the mentions against labelled text")
    ev.add_argument("--labels", type=Path, default=None,
                    help="folder with articles/*.txt in the labelling markup (default: tests/data/mentions)")
    ev.add_argument("--pages", nargs=2, action="append", type=Path, metavar=("DIR", "GOLD"),
                    help="a folder of pages and its gold file (persons per page); repeatable "
                         "(default: the samples and tests/pages)")
    ev.add_argument("--errors", action="store_true", help="list every missed, extra or misnamed mention")
    ev.add_argument("--write-labels", action="store_true",
                    help="first regenerate <labels>/labels.json (bodies and offsets) from the articles")
    return p


def print_summary(s: dict) -> None:
    rows = ", ".join(f"{t} {n:,}" for t, n in (s.get("rows") or {}).items())
    print(f"kcna-etl run {s['run_id']} done in {s['seconds']:.1f}s")
    print(f"  pages seen {s['pages_seen']:,}: new {s['new_articles']:,}, duplicates {s['duplicates']:,}, "
          f"already processed {s['already_processed']:,}, rejected {s['rejected']:,}")
    print(f"  rows written: {rows}")
    if s["rejected"]:
        print(f"  rejected pages are listed with their reasons in {s['warehouse']}/rejects/")
    print(f"  warehouse {s['warehouse']} (snapshot {s['snapshot']})")


def usage_error(args: argparse.Namespace) -> str | None:
    """Mistakes in the options, told in one line before anything starts."""
    if not Path(args.input).expanduser().is_dir():
        return f"input folder {args.input} does not exist"
    warehouse = Path(args.warehouse).expanduser()
    if warehouse.exists() and not warehouse.is_dir():
        return f"warehouse {args.warehouse} is a file, not a folder"
    if args.batch_size < 1:
        return "--batch-size must be at least 1"
    if args.max_page_bytes < 1:
        return "--max-page-bytes must be at least 1"
    return None


def failure_message(e: Exception, before: str | None, after: str | None) -> str:
    """What went wrong, and what it did to the warehouse (a failed run commits nothing)."""
    what = f"{type(e).__name__}: {e}"
    if isinstance(e, OSError) and (e.errno == errno.ENOSPC or "No space left on device" in str(e)):
        what = f"the disk is full ({what}); free some space and run again"
    state = (f"nothing was committed: the warehouse is unchanged (snapshot {before or 'none yet'})" if after == before
             else f"the run's snapshot {after} was committed before the failure")
    return f"kcna-etl run failed: {what}\n  {state}"


def run(args: argparse.Namespace) -> int:
    if problem := usage_error(args):
        print(f"kcna-etl run: {problem}", file=sys.stderr)
        return 2
    quiet_prefect(args.verbose)
    from flows.pipeline import kcna_etl
    from flows.runners import task_runner

    from flows.store import Warehouse

    flow = kcna_etl.with_options(task_runner=task_runner(args.runner, args.workers))
    before = Warehouse(args.warehouse).snapshot_id()
    try:
        summary = flow(input=args.input, warehouse=args.warehouse, batch_size=args.batch_size,
                       lock_timeout=args.lock_timeout, show_progress=True, max_page_bytes=args.max_page_bytes)
    except Exception as e:
        print(failure_message(e, before, Warehouse(args.warehouse).snapshot_id()), file=sys.stderr)
        return 1
    print_summary(summary)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "run":
        return run(args)
    if args.command == "eval-mentions":
        from flows import evaluation
        return evaluation.main(args.labels or evaluation.LABELS,
                               tuple(map(tuple, args.pages)) if args.pages else evaluation.PAGES,
                               args.errors, args.write_labels)
    if args.command == "schema-doc":
        from transforms.schema import schema_markdown
        print(schema_markdown())
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
