"""`kcna_etl.cli`: the `kcna-etl` command (`main`), its progress display and its `report` command."""
