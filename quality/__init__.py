"""`kcna_etl.quality`: the expectation suites run over a run's rows, and the quality report.

`suites` reads the suites shipped in `kcna_etl.expectations`, `validation` runs them
(each expectation executed by `execute`, vectorised, without Great Expectations) and
stores their results in Great Expectations' format, `docs` renders those as Great
Expectations Data Docs (the only module importing it), `report` turns the results into
the run's status, JSON, Markdown and terminal text.
"""
