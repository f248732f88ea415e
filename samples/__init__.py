"""`kcna_etl.samples`: the five real sample pages (`pages/`) and their expected reading (`gold/`), shipped as package data."""
