"""`kcna_etl.devtools`: tools for developers, not the pipeline: the synthetic corpus and the mentions evaluation."""
