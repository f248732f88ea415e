"""`kcna_etl.expectations`: the Great Expectations suites (`<table>.json`) and the Data Docs style, shipped as package data."""
