"""Orchestration of kcna-etl: Prefect flows and tasks, the warehouse, the CLI.

Parsing lives in `transforms/`; this package reads and writes, batches,
retries, runs tasks in parallel and reports.
"""
