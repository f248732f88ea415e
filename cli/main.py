"""`kcna-etl`: run the pipeline, serve it on a schedule, backfill, report on quality, or print the table reference.

    kcna-etl run [--input DIR] [--warehouse DIR]       run the flow once
    kcna-etl serve [--cron "0 * * * *"] [...]          serve it as a scheduled Prefect deployment
    kcna-etl backfill --stale | --since D --until D | --full [...]   process pages again, replace their rows
    kcna-etl report [--warehouse DIR] [--run ID] [--data-docs]   a run's quality report (default the latest),
                                                   failures first; --data-docs: build its Data Docs
    kcna-etl schema-doc                                print docs/tables.md from the schemas
    kcna-etl eval-mentions [--errors]                  score the mentions against the labelled text
    kcna-etl eval-stories DIR                          precision and recall of story_id on labelled pairs
    kcna-etl synth --pages N --out DIR [--seed S]      write a synthetic corpus of N pages (for benchmarks)
    kcna-etl compact [--warehouse DIR]                 merge each partition's small files into one
    kcna-etl overview --warehouse DIR --out F.html     the warehouse at a glance, one self-contained page

Exit statuses of run and backfill: `kcna-etl run --help`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import errno
import importlib.util
import logging
import os
import sys
from importlib import resources
from pathlib import Path

from kcna_etl.cli.inputs import EMPTY
from kcna_etl.quality.report import MAX_ERROR_SHARE, STATUS_EXIT
from kcna_etl.transforms.decode import MAX_TEXT_BYTES

# The sample pages ship inside the package, so `kcna-etl run` works from any folder once installed.
SAMPLES = Path(str(resources.files("kcna_etl.samples"))) / "pages"
LOCKED = 75  # EX_TEMPFAIL: skipped, try again later
EXIT_STATUSES = f"""exit status:
  0    done, and every expectation passed (also when pages were rejected)
  3    done with warnings: expectations failed; rows failing `error` expectations are in quarantine
  4    failed validation: an `error` expectation failed on more than --max-error-share of its table's
       rows (the run is committed all the same, failing rows in quarantine)
  1    failed: the message says why and what it did to the warehouse
  2    wrong options
  {EMPTY}   the input holds no page file (a warning; nothing done; see --allow-empty)
  {LOCKED}   skipped: another run holds the warehouse (--if-locked skip)
  130  stopped by Ctrl-C, 143 by SIGTERM: nothing committed (one line says at which snapshot)
"""


def quiet_prefect(verbose: bool) -> None:
    """Set before Prefect is imported: its settings are read at import."""
    # No telemetry, from the server or the client: these machines reach no network but package registries.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    # Without PREFECT_API_URL a run starts a temporary server; on a busy machine that takes more than
    # Prefect's 20 s default, and the run failed with "Timed out ... ephemeral Prefect API server".
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")
        os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
        # Dask's scheduler and worker chatter (read from the environment by local cluster workers too)
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
        # The temporary server's shutdown chatter is not the user's business.
        for name in ("prefect.server", "uvicorn", "uvicorn.error", "docket"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


def pipeline_options(if_locked: str = "wait") -> argparse.ArgumentParser:
    """The options of every command that runs the pipeline (run, backfill, serve); new ones each call."""
    run = argparse.ArgumentParser(add_help=False)
    run.add_argument("--input", default=os.environ.get("KCNA_ETL_INPUT", str(SAMPLES)),
                     help="folder of scraped pages, or s3://bucket/prefix (default: the sample pages shipped in the repository)")
    run.add_argument("--warehouse", default=os.environ.get("KCNA_ETL_WAREHOUSE", "warehouse"),
                     help="warehouse root, a folder or s3://bucket/prefix (default: ./warehouse)")
    run.add_argument("--batch-size", type=int, default=int(os.environ.get("KCNA_ETL_BATCH_SIZE", "1000")),
                     help="pages per batch task (default 1000)")
    run.add_argument("--runner", default=os.environ.get("KCNA_ETL_RUNNER") or "process",
                     choices=("process", "thread", "dask"),
                     help="task runner: worker processes on this machine (default), threads, or a Dask cluster")
    run.add_argument("--workers", type=int, default=None,
                     help="parallel batch workers, or workers of the local Dask cluster (default: CPU count)")
    run.add_argument("--dask-address", default=None, metavar="tcp://HOST:PORT",
                     help="with --runner dask: the scheduler of an existing Dask cluster (default: "
                          "KCNA_ETL_DASK_ADDRESS, else a local cluster of --workers processes for the run)")
    run.add_argument("--lock-timeout", type=float, default=3600.0,
                     help="seconds to wait for another run holding the warehouse lock (default 3600)")
    run.add_argument("--max-page-bytes", type=int,
                     default=int(os.environ.get("KCNA_ETL_MAX_PAGE_BYTES", str(MAX_TEXT_BYTES))),
                     help=f"larger page files (or gzip contents) are rejected (default {MAX_TEXT_BYTES:,})")
    run.add_argument("--max-error-share", type=float, default=MAX_ERROR_SHARE, metavar="SHARE",
                     help="fail the run (exit 4) when an error expectation fails on more than this share of its "
                          f"table's rows (default {MAX_ERROR_SHARE})")
    run.add_argument("--if-locked", choices=("wait", "skip"), default=if_locked,
                     help=f"when another run holds the warehouse: wait for it, or skip this run (exit {LOCKED}); "
                          f"default {if_locked}")
    run.add_argument("--allow-empty", action="store_true",
                     help=f"an input with no page files is a normal run (exit 0), not a warning and exit {EMPTY}")
    run.add_argument("--verbose", action="store_true", help="show Prefect's logs")
    return run


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kcna-etl", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=version())
    sub = p.add_subparsers(dest="command", required=True)
    told = dict(epilog=EXIT_STATUSES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub.add_parser("run", parents=[pipeline_options()], help="run the pipeline once over an input folder", **told)
    backfill = sub.add_parser("backfill", parents=[pipeline_options()], help="process pages again and replace their rows",
                              **told)
    backfill.add_argument("--stale", action="store_true", help="pages processed by an older pipeline version")
    backfill.add_argument("--since", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                          help="pages of articles published on or after this date")
    backfill.add_argument("--until", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                          help="pages of articles published on or before this date")
    backfill.add_argument("--full", action="store_true", help="every page: rebuild the tables from the raw pages")
    backfill.add_argument("--quarantined", action="store_true",
                          help="pages whose article is in quarantine (after fixing the cause: parser or expectation)")
    # a served run that finds the warehouse busy is skipped: the next tick does its work, runs do not pile up
    serve = sub.add_parser("serve", parents=[pipeline_options(if_locked="skip")],
                           help="serve the flow as a Prefect deployment with a cron schedule")
    serve.add_argument("--cron", default=os.environ.get("KCNA_ETL_CRON", "0 * * * *"),
                       help="when to run, as a cron expression (default hourly: '0 * * * *')")
    serve.add_argument("--timezone", default="UTC", help="time zone of the cron expression (default UTC)")
    serve.add_argument("--name", default="scheduled", help="deployment name (default: kcna-etl/scheduled)")
    report = sub.add_parser("report", help="print a run's quality report: failed expectations first")
    report.add_argument("--warehouse", default=os.environ.get("KCNA_ETL_WAREHOUSE", "warehouse"),
                        help="warehouse root (default: ./warehouse)")
    report.add_argument("--run", default=None, metavar="RUN_ID", help="an earlier run (default: the latest)")
    report.add_argument("--data-docs", action="store_true",
                        help="build the run's Great Expectations Data Docs from its stored results (a run builds "
                             "them itself only when an expectation failed)")
    sub.add_parser("schema-doc", help="print the table reference (docs/tables.md) generated from the schemas")
    ev = sub.add_parser("eval-mentions", help="precision, recall and F1 of the mentions against labelled text")
    ev.add_argument("--labels", type=Path, default=None,
                    help="score only this folder of articles in the labelling markup (articles/*.txt or *.txt; "
                         "default: the parts own, dev and test under tests/data/mentions)")
    ev.add_argument("--pages", nargs=2, action="append", type=Path, metavar=("DIR", "GOLD"),
                    help="a folder of pages and its gold file (persons per page); repeatable "
                         "(default: the samples and tests/pages)")
    ev.add_argument("--errors", action="store_true",
                    help="list every missed, extra or misnamed mention by the rule that made it "
                         "(own and dev parts only: the test part's errors are never printed)")
    ev.add_argument("--write-labels", action="store_true",
                    help="first regenerate <labels>/labels.json (bodies and offsets) from the articles")
    es = sub.add_parser("eval-stories", help="precision and recall of story_id on labelled pairs of texts")
    es.add_argument("folder", type=Path,
                    help="texts/<id>.txt, texts.json (id -> outlet, date, title) and labels.jsonl ({a, b, same} a line)")
    syn = sub.add_parser("synth", help="write a synthetic corpus shaped like the scraped pages (for benchmarks)")
    syn.add_argument("--pages", type=int, required=True, help="number of pages to write")
    syn.add_argument("--out", required=True, help="folder to write them into (created if missing)")
    syn.add_argument("--seed", default="0", help="the same seed writes the same pages (default 0)")
    syn.add_argument("--start", type=int, default=0,
                     help="index of the first page: --start 100000 --pages 1000 writes the 1,000 pages after the first 100,000")
    syn.add_argument("--workers", type=int, default=None, help="worker processes (default: CPU count)")
    com = sub.add_parser("compact", help="merge each partition's small files into one, as a new snapshot")
    com.add_argument("--warehouse", default=os.environ.get("KCNA_ETL_WAREHOUSE", "warehouse"),
                     help="warehouse root (default: ./warehouse)")
    com.add_argument("--lock-timeout", type=float, default=3600.0,
                     help="seconds to wait for a run holding the warehouse lock (default 3600)")
    ov = sub.add_parser("overview", help="write the warehouse at a glance as one self-contained HTML page")
    ov.add_argument("--warehouse", default=os.environ.get("KCNA_ETL_WAREHOUSE", "warehouse"),
                    help="warehouse root, a folder or s3://bucket/prefix (default: ./warehouse)")
    ov.add_argument("--out", required=True, help="the HTML file to write")
    ov.add_argument("--top", type=int, default=10, help="persons and organisations listed (default 10 each)")
    ov.add_argument("--runs", type=int, default=20, help="runs in the quality trend (default the last 20)")
    return p


def version() -> str:
    from importlib.metadata import version as installed
    from kcna_etl.transforms import PIPELINE_VERSION
    return f"kcna-etl {installed('kcna-etl')} (pipeline version {PIPELINE_VERSION})"


def unreachable_server(e: Exception) -> str | None:
    """An unreachable Prefect server, told with its URL (httpx says only "All connection attempts failed")."""
    if type(e).__name__ not in ("ConnectError", "ConnectTimeout"):
        return None
    from prefect.settings import PREFECT_API_URL
    return (f"cannot reach the Prefect server at {PREFECT_API_URL.value()} ({e}); start it, or fix PREFECT_API_URL "
            "(docs/deploy.md)")


def print_summary(s: dict) -> None:
    from kcna_etl.cli.summary import summary_lines
    print("\n".join(summary_lines(s)))


def usage_error(args: argparse.Namespace) -> str | None:
    """Mistakes in the options, told in one line before anything starts."""
    from kcna_etl.storage import location
    try:
        if not location.is_dir(args.input):
            if not location.is_remote(args.input) and Path(args.input).expanduser().exists():
                return f"input {args.input} is a file, not a folder: give the folder that holds the pages"
            return f"input folder {args.input} does not exist"
        if location.is_remote(args.warehouse):
            if not location.bucket_exists(args.warehouse):
                return f"the bucket of warehouse {args.warehouse} does not exist (create it first)"
        elif (warehouse := Path(args.warehouse).expanduser()).exists() and not warehouse.is_dir():
            return f"warehouse {args.warehouse} is a file, not a folder"
    except (OSError, ValueError) as e:  # a malformed location, an unreachable or refusing store
        return f"cannot reach {args.input} or {args.warehouse}: {e}"
    if args.batch_size < 1:
        return "--batch-size must be at least 1"
    if args.dask_address and args.runner != "dask":
        return "--dask-address needs --runner dask"
    if args.runner == "dask" and importlib.util.find_spec("prefect_dask") is None:
        return "--runner dask needs prefect-dask: pip install 'kcna-etl[dask]'"
    if args.max_page_bytes < 1:
        return "--max-page-bytes must be at least 1"
    if not 0 <= args.max_error_share <= 1:
        return "--max-error-share must be between 0 and 1"
    if args.command == "backfill":
        from kcna_etl.storage.selection import Selection
        return Selection(args.stale, args.since, args.until, args.full, args.quarantined).problem()
    return None


def failure_message(command: str, e: Exception, before: str | None, after: str | None) -> str:
    """What went wrong, and what it did to the warehouse (a failed run commits nothing)."""
    what = unreachable_server(e) or f"{type(e).__name__}: {e}"
    if isinstance(e, OSError) and (e.errno == errno.ENOSPC or "No space left on device" in str(e)):
        what = f"the disk is full ({what}); free some space and run again"
    state = (f"nothing was committed: the warehouse is unchanged (snapshot {before or 'none yet'})" if after == before
             else f"the run's snapshot {after} was committed before the failure")
    return f"kcna-etl {command} failed: {what}\n  {state}"


def run(args: argparse.Namespace) -> int:
    """`run` and `backfill`: one flow run in this process, its summary on the terminal."""
    if problem := usage_error(args):
        print(f"kcna-etl {args.command}: {problem}", file=sys.stderr)
        return 2
    from kcna_etl.cli.inputs import empty_input_warning
    if not args.allow_empty and (warning := empty_input_warning(args.input)):
        print(f"kcna-etl {args.command}: warning: {warning}; nothing done (--allow-empty to run all the same)",
              file=sys.stderr)
        return EMPTY
    print("starting Prefect … [0s]", file=sys.stderr, flush=True)  # its start takes seconds: a sign of life at once
    quiet_prefect(args.verbose)
    from kcna_etl.flows.runners import cli_flow_settings, task_runner, temporary_api
    from kcna_etl.storage.memory import arrow_memory
    arrow_memory()  # before the task runner: a local Dask cluster's workers start with it
    from kcna_etl.storage.store import Warehouse

    options = dict(input=args.input, warehouse=args.warehouse, batch_size=args.batch_size,
                   lock_timeout=args.lock_timeout, if_locked=args.if_locked, show_progress=True,
                   max_page_bytes=args.max_page_bytes, max_error_share=args.max_error_share)
    if args.command == "backfill":
        from kcna_etl.flows.backfill import kcna_etl_backfill as flow
        options.update(stale=args.stale, since=args.since, until=args.until, full=args.full,
                       quarantined=args.quarantined)
    else:
        from kcna_etl.flows.pipeline import kcna_etl as flow
    before = Warehouse(args.warehouse).snapshot_id()
    try:
        # the state too: a run whose validation failed ends Failed, with its summary
        runner = task_runner(args.runner, args.workers, args.dask_address)
        from kcna_etl.cli.interrupt import announcer  # its supervisor cancels it in Prefect on Ctrl-C
        with temporary_api(), cli_flow_settings():
            state = flow.with_options(task_runner=runner, on_running=[announcer(before)])(**options,
                                                                                          return_state=True)
        summary = state.result(raise_on_failure=False)
        summary = getattr(summary, "summary", summary)  # a run that failed validation: its summary all the same
    except Exception as e:  # the flow could not even start (e.g. no Prefect server)
        summary = e
    if not isinstance(summary, dict):
        e = summary if isinstance(summary, Exception) else RuntimeError(str(summary))
        print(failure_message(args.command, e, before, Warehouse(args.warehouse).snapshot_id()), file=sys.stderr)
        return 1
    if "locked_by" in summary:
        print(f"kcna-etl {args.command}: warehouse {summary['warehouse']} is locked by run {summary['locked_by']}; "
              f"skipped (--if-locked skip)", file=sys.stderr)
        return LOCKED
    print_summary(summary)
    return STATUS_EXIT[summary["quality"]["status"]]


def serve(args: argparse.Namespace) -> int:
    if problem := usage_error(args):
        print(f"kcna-etl serve: {problem}", file=sys.stderr)
        return 2
    from kcna_etl.flows import serve as serving

    serving.use_runner(args.runner, args.workers, args.dask_address)
    quiet_prefect(verbose=True)  # a service: its runs' logs go to the Prefect UI and the journal
    if problem := serving.problem(args.cron, args.timezone):
        print(f"kcna-etl serve: {problem}", file=sys.stderr)
        return 2
    try:
        serving.serve(args.name, args.cron, args.timezone, dict(
            input=args.input, warehouse=args.warehouse, batch_size=args.batch_size,
            lock_timeout=args.lock_timeout, if_locked=args.if_locked, max_page_bytes=args.max_page_bytes,
            max_error_share=args.max_error_share))
    except Exception as e:  # e.g. the server is not up yet: a supervisor restarts us
        print(f"kcna-etl serve failed: {unreachable_server(e) or f'{type(e).__name__}: {e}'}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command in ("run", "backfill"):
        return run(args)
    if args.command == "serve":
        return serve(args)
    if args.command == "eval-mentions":
        from kcna_etl.devtools import evaluation
        return evaluation.main(args.labels,
                               tuple(map(tuple, args.pages)) if args.pages else evaluation.PAGES,
                               args.errors, args.write_labels)
    if args.command == "eval-stories":
        from kcna_etl.devtools import stories_eval
        return stories_eval.main(args.folder)
    if args.command == "report":
        from kcna_etl.cli.report import report
        from kcna_etl.storage.store import Warehouse
        store = Warehouse(args.warehouse)
        return report(store.local_copy("_quality/runs"), args.run, store.location if args.data_docs else None)
    if args.command == "synth":
        if args.pages < 0 or args.start < 0:
            print("kcna-etl synth: --pages and --start must not be negative", file=sys.stderr)
            return 2
        from kcna_etl.devtools.synth import write_corpus
        s = write_corpus(args.out, args.pages, args.seed, args.start, args.workers)
        kinds = ", ".join(f"{k} {n:,}" for k, n in s["kinds"].items())
        print(f"kcna-etl synth: {s['pages']:,} pages (seed {s['seed']}) in {args.out}: {kinds}; "
              f"broken {s['broken_share']:.1%}, duplicates {s['duplicate_share']:.1%}")
        return 0
    if args.command == "compact":
        from kcna_etl.storage.compact import compact_command
        return compact_command(args.warehouse, args.lock_timeout)
    if args.command == "overview":
        from kcna_etl.cli.overview import overview
        return overview(args.warehouse, args.out, args.top, args.runs)
    if args.command == "schema-doc":
        from kcna_etl.transforms.schema import schema_markdown
        print(schema_markdown())
        return 0
    return 2


if __name__ == "__main__":  # the supervised child of `kcna-etl run|backfill` (cli/interrupt.py)
    from kcna_etl.cli.interrupt import die_with_supervisor
    die_with_supervisor()
    sys.exit(main())
