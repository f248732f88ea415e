"""`kcna_etl.quality`: the expectation suites run over a run's rows, and the quality report.

`suites` reads the suites shipped in `kcna_etl.expectations`, `validation` runs them
with Great Expectations, `report` turns the results into the run's status, JSON,
Markdown and terminal text. No Prefect here.
"""
