"""`kcna_etl.storage`: where data lives and how a run becomes the warehouse's next snapshot.

`location` (the one seam to a local path or `s3://`), `pages` (listing and reading
the input), `store` and `objectstore` (the warehouse, local and on S3, and its
snapshots), `commit` (staged batches into a snapshot), `compact`, `selection`
(which pages a backfill takes). No Prefect here.
"""
