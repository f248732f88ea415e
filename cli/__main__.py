"""`python -m kcna_etl.cli`: the same as the `kcna-etl` command."""
import sys

from kcna_etl.cli.interrupt import main

if __name__ == "__main__":  # a served run's child process re-imports the main module: it must not run the CLI again
    sys.exit(main())
