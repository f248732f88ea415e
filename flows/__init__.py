"""`kcna_etl.flows`: the Prefect flows and tasks, orchestration only.

The flow (`pipeline.py`) lists pages, cuts them into batch tasks (their work: `kcna_etl.storage.staging`) on
the task runner (`runners.py`), validates and commits; `backfill.py` and
`serve.py` run the same flow over chosen pages or on a schedule. Parsing lives in
`kcna_etl.transforms`, the warehouse in `kcna_etl.storage`, validation and
reports in `kcna_etl.quality`, the command line in `kcna_etl.cli`.
"""
