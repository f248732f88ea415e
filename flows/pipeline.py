"""The kcna-etl flow: ingest → clean boilerplate → split sidebars → enrich → stage → validate → write.

Pages are listed, cut into batches, and each batch is one task that runs the
parsing stages in a worker (a process of the task runner's pool), writing its
rows to the run's staging location (beside the warehouse: a folder, or a prefix
in its bucket, which the worker reaches itself). When every batch is done, the run's
duplicates are resolved, the winners' rows validated here with the suites of
`expectations/` (unit by unit, vectorised, without importing Great Expectations; its Data
Docs built when an expectation failed), and one commit publishes
the run as the warehouse's next snapshot (failing rows in `quarantine/`), under
the warehouse lock. The quality report follows, and the flow run ends
Completed (with a message when expectations failed) or Failed (when an `error`
expectation failed on more than `max_error_share` of its table's rows). A run
that finds the warehouse locked waits for it or, with `if_locked="skip"`, ends
at once in a Completed state named `Skipped`.

`flows/backfill.py` runs the same pipeline over pages chosen from the manifest.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import time
import uuid
from typing import Any, Callable, Iterator, Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed, wait
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import quote

from kcna_etl.storage import commit as committing
from kcna_etl.storage import location
from kcna_etl.quality import report as quality
from kcna_etl.storage.pages import list_pages, unchanged
from kcna_etl.cli.progress import Progress
from kcna_etl.cli.summary import summary_lines
from kcna_etl.flows.outcome import QualityFailed, stage_table
from kcna_etl.flows.runners import default_task_runner, in_workers, reaches, worker_pool
from kcna_etl.storage.memory import arrow_memory
from kcna_etl.storage.staging import Pages, batch, timed
from kcna_etl.storage.store import Warehouse, WarehouseLocked
from kcna_etl.transforms import PIPELINE_VERSION
from kcna_etl.transforms.decode import MAX_TEXT_BYTES
from kcna_etl.transforms.escape import markdown_text

IfLocked = Literal["wait", "skip"]
# A backfill's choice of pages: (manifest to skip, selection to keep only) for ingest
Select = Callable[[Warehouse, str], tuple[Pages, Pages]]


def transient(task, task_run, state) -> bool:
    """Retry I/O that may pass (a busy disk, a flaky mount), not a page that is simply bad."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


@task(name="batch", persist_result=False, cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5],
      retry_condition_fn=transient)
def process_batch(input_root: str, paths: list[str], skip: Pages, only: Pages, staging: str, number: int,
                  max_page_bytes: int) -> dict[str, Any]:
    """One batch through every stage, in a worker process of the run (or here); its counts and stage timings."""
    reaches(staging)
    return in_workers(batch, input_root, paths, skip, only, staging, number, max_page_bytes)


@task(name="resolve", persist_result=False, cache_policy=NO_CACHE)
def resolve(store: Warehouse, staging: str) -> committing.Plan:
    """Each staged page's outcome, duplicates resolved."""
    return committing.plan(store, staging)


@task(name="validate", persist_result=False, cache_policy=NO_CACHE)
def validate(staging: str, winners: list[str], today: dt.date, quality_root: str,
             run_id: str) -> tuple[quality.Validation | None, dict | None]:
    """The winners' rows through the suites here, without Great Expectations; its Data Docs only when an
    expectation failed (quality/validation.py `validate_run`)."""
    from kcna_etl.quality.validation import validate_run
    return validate_run(staging, winners, today, quality_root, run_id)


@task(name="write", persist_result=False, cache_policy=NO_CACHE)
def write(store: Warehouse, run_id: str, staging: str, plan: committing.Plan,
          validation: quality.Validation | None) -> committing.Outcome:
    """Publish the run's staged rows as the warehouse's next snapshot, failing rows in quarantine."""
    held = committing.quarantine_of(validation.checks if validation else [], staging)
    return committing.commit(store, run_id, staging, plan, held)


@task(name="quality-report", persist_result=False, cache_policy=NO_CACHE)
def quality_report(store: Warehouse, run_id: str, today: dt.date, validation: quality.Validation | None,
                   docs: dict | None, outcome: committing.Outcome, max_error_share: float,
                   input_root: str | None = None) -> dict[str, Any]:
    """The JSON summary and the Prefect artifact of the run's validation."""
    held = {"pages": outcome.quarantined, **{t: (outcome.rows or {}).get(f"quarantine/{t}", 0)
                                             for t in committing.ROW_TABLES}}
    store.local_copy("_quality/runs")  # from a bucket: every run's report, for the index of every run
    report = quality.report_run(store.root, run_id, today, validation, docs, held, max_error_share,
                                committing.ROW_TABLES, health=quality.run_health(store, run_id),
                                input_root=input_root)
    create_markdown_artifact(key="kcna-etl-quality", markdown=quality.markdown(report),
                             description="kcna-etl validation: Great Expectations results of the run")
    return report


def finished(futures: list[PrefectFuture]) -> Iterator[dict[str, Any]]:
    """Batch results as they finish; on a failure, wait for the other batches (they write to staging), then raise."""
    try:
        for future in as_completed(futures):
            yield future.result()
    except Exception:
        wait(futures)
        raise


def chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


LETTERS = str.maketrans("0123456789", "ghijklmnop")


def new_run_id() -> str:
    # A suffix of letters only: Great Expectations reads a run name as a time where it can, and a digit
    # suffix such as -8567ad8a parses as a UTC offset of 8,567 hours, which made its Data Docs raise.
    # 48 random bits: with 32, two of 20,000 ids made in one second were the same about once in 20 draws.
    return f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:12].translate(LETTERS)}"


def skipped(store: Warehouse, run_id: str, locked: WarehouseLocked) -> State:
    get_run_logger().warning("%s; skipping this run (if_locked=skip): the next run will do its work", locked)
    return Completed(name="Skipped", message=str(locked),
                     data={"run_id": run_id, "warehouse": store.location, "locked_by": locked.owner})


@flow(name="kcna-etl", log_prints=False, task_runner=default_task_runner())
def kcna_etl(input: str, warehouse: str = "warehouse", batch_size: int = 1000, lock_timeout: float = 3600.0,
             if_locked: IfLocked = "wait", show_progress: bool = True,
             max_page_bytes: int = MAX_TEXT_BYTES,
             max_error_share: float = quality.MAX_ERROR_SHARE) -> dict[str, Any] | State:
    """Turn the pages of `input` that the warehouse has not processed yet into rows."""
    return pipeline(input, warehouse, batch_size, lock_timeout, if_locked, show_progress, max_page_bytes,
                    max_error_share)


def pipeline(input: str, warehouse: str, batch_size: int, lock_timeout: float, if_locked: IfLocked,
             show_progress: bool, max_page_bytes: int, max_error_share: float, select: Select | None = None,
             report: Callable[[committing.Outcome], dict[str, Any]] | None = None) -> dict[str, Any] | State:
    """The body of both flows. Without `select`, the pages already processed are skipped;
    `report` adds its part to the run summary."""
    arrow_memory()  # a run served or pulled by a worker, not started by the CLI, too
    log = get_run_logger()
    started = time.monotonic()
    run_id = new_run_id()
    source = location.normalize(input)
    if not location.is_dir(source):
        raise FileNotFoundError(f"input folder {source} does not exist")
    store = Warehouse(warehouse).open()
    def waiting(owner: str) -> None:
        log.warning("warehouse %s is locked by run %s; waiting up to %.0fs", store.location, owner, lock_timeout)

    with contextlib.ExitStack() as held:
        try:
            held.enter_context(store.locked(run_id, lock_timeout if if_locked == "wait" else 0, on_wait=waiting))
        except WarehouseLocked as e:
            if if_locked == "skip":
                return skipped(store, run_id, e)
            raise
        held.enter_context(store.swept())
        progress = Progress() if show_progress else None
        say = progress.phase if progress else (lambda _: None)
        if progress:
            held.callback(progress.close)
        say(f"listing {source}")
        listed = list_pages(source)
        staging = store.staging(run_id)
        held.callback(location.remove_tree, staging)  # after the commit, or the failure: the sweep takes a killed run's
        skip, only = select(store, staging) if select else (store.manifest(), None)
        # Cost what is new: a file with the path, size and mtime of one already read is not read again
        # (a backfill reads its pages again on purpose).
        same = set() if select else unchanged(source, listed, {
            (m["raw_path"], m["raw_size"], m["raw_mtime_ns"])
            for m in store.read("_manifest", ["raw_path", "raw_size", "raw_mtime_ns"]).to_pylist()
            if m["raw_mtime_ns"] is not None})
        paths = [p for p in listed if p not in same]
        # The latest calendar date anywhere (UTC+14): a page dated today in Pyongyang is not "future".
        today = dt.datetime.now(dt.timezone(dt.timedelta(hours=14))).date()
        if progress:
            progress.parsing(len(paths), already=len(same))
        work = [dict(input_root=source, paths=chunk, skip=skip, only=only, staging=staging, number=i,
                     max_page_bytes=max_page_bytes) for i, chunk in enumerate(chunks(paths, batch_size))]
        batches = []
        if len(work) == 1:  # one batch runs here: starting worker processes would cost more than it saves
            batches.append(process_batch(**work[0]))
        elif work:
            with worker_pool() as pool:  # its worker processes end before the commit
                for result in finished([pool.submit(process_batch, parameters=w) for w in work]):
                    batches.append(result)
                    if progress:
                        progress.advance(result["pages"])
        if progress and len(work) == 1:
            progress.advance(batches[0]["pages"])
        run_seconds: dict[str, float] = {}
        say("resolving duplicates")
        plan = timed(run_seconds, "resolve", resolve, store, staging)
        say("validating")
        validation, docs = timed(run_seconds, "validate", validate, staging, quote(plan.winners), today,
                                 location.join(store.location, "_quality"), run_id)
        say("writing the snapshot")
        outcome = timed(run_seconds, "write", write, store, run_id, staging, quote(plan), quote(validation))
        say("writing the quality report")
        checked = timed(run_seconds, "report", quality_report, store, run_id, today, quote(validation), docs, outcome,
                        max_error_share, source)
        extra = report(outcome) if report else {}
    stage_seconds: dict[str, float] = {}
    for b in batches:
        for k, v in b["seconds"].items():
            stage_seconds[k] = stage_seconds.get(k, 0.0) + v
    stage_seconds.update(run_seconds)
    summary = {
        "run_id": run_id, "flow_run_id": str(flow_run.id), "pipeline_version": PIPELINE_VERSION,
        "input": source, "warehouse": store.location, "snapshot": outcome.snapshot or store.snapshot_id(),
        "pages_seen": len(listed), "new_articles": outcome.articles, "duplicates": outcome.duplicates,
        "already_processed": len(same) + sum(b["already_processed"] for b in batches) + outcome.known_rejects,
        "rejected": outcome.rejected, "quarantined": outcome.quarantined, "rows": outcome.rows,
        "quality": {k: checked[k] for k in ("status", "message", "path", "page", "data_docs")},
        "stage_seconds": stage_seconds, "seconds": round(time.monotonic() - started, 3), **extra,
    }
    store.write_run_summary(run_id, summary)
    create_markdown_artifact(key="kcna-etl-run-summary", markdown=summary_markdown(summary, outcome.rejects),
                             description="kcna-etl run summary")
    create_table_artifact(key="kcna-etl-stage-seconds", table=stage_table(batches, run_seconds),
                          description="kcna-etl: seconds of each stage, per batch, then the run's own stages")
    log.info("\n".join(summary_lines(summary)))
    if checked["status"] == "failed":  # an outcome, not a crash: the exception carries the summary, no traceback
        return Failed(message=f"quality failed: {checked['message']}", data=QualityFailed(summary))
    if checked["status"] == "warnings":
        return Completed(name="Completed with warnings", message=f"completed with warnings: {checked['message']}",
                         data=summary)
    return summary


SHOWN_REJECTS = 20


def summary_markdown(s: dict[str, Any], rejects: list[dict]) -> str:
    """The run's summary for the Prefect UI; page-derived text (paths, reasons) escaped, never markup."""
    rows = "\n".join(f"| {t} | {n:,} |" for t, n in (s["rows"] or {}).items())
    out = (f"# kcna-etl run `{s['run_id']}`\n\n"
           f"Pages seen **{s['pages_seen']:,}**: new articles {s['new_articles']:,}, duplicates {s['duplicates']:,}, "
           f"already processed {s['already_processed']:,}, rejected {s['rejected']:,}, "
           f"quarantined {s['quarantined']:,}.\n\n"
           f"Quality: **{s['quality']['status']}**, {markdown_text(s['quality']['message'])}.\n\n"
           f"| table | rows written |\n|---|---|\n{rows}\n\nSnapshot `{s['snapshot']}`, {s['seconds']:.1f}s.\n")
    if rejects:
        shown = sorted(rejects, key=lambda r: r["raw_path"])[:SHOWN_REJECTS]
        out += (f"\n## Rejected pages ({len(shown)} of {len(rejects):,}; all in the `rejects` table)\n\n"
                "| page | stage | reason |\n|---|---|---|\n")
        out += "".join("| " + " | ".join(markdown_text(r[k]) for k in ("raw_path", "stage", "reason")) + " |\n"
                       for r in shown)
    return out
