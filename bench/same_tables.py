"""Whether two warehouses hold the same tables: row counts and `EXCEPT ALL` both ways, table by table (DuckDB).

    python bench/same_tables.py WAREHOUSE_A WAREHOUSE_B

Reads each table of both current snapshots (Hive partitions as columns) and leaves out the columns that
name the run (`run_id`): two runs over the same pages differ there and nowhere else. Exits 1 when a table
differs, printing how. What the end-to-end measurements of docs/benchmarks.md check their runs with.
"""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb

RUN_COLUMNS = {"run_id"}


def tables(snapshot: Path) -> list[str]:
    """Every folder of Parquet files under the snapshot (quarantine/<table> included), relative."""
    found = {str(p.parent.relative_to(snapshot)).split("/")[0] for p in snapshot.rglob("*.parquet")}
    out = []
    for t in sorted(found):
        if t == "quarantine":
            out += sorted(f"quarantine/{q.name}" for q in (snapshot / t).iterdir() if q.is_dir())
        else:
            out.append(t)
    return out


def relation(con: duckdb.DuckDBPyConnection, folder: Path) -> str:
    glob = str(folder / "**" / "*.parquet")
    columns = [r[0] for r in con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{glob}', hive_partitioning = true, union_by_name = true)").fetchall()]
    kept = ", ".join(f'"{c}"' for c in columns if c not in RUN_COLUMNS)
    return f"(SELECT {kept} FROM read_parquet('{glob}', hive_partitioning = true, union_by_name = true))"


def compare(a: Path, b: Path) -> list[str]:
    con = duckdb.connect()
    sa, sb = (a / "current").resolve(), (b / "current").resolve()
    problems = []
    ta, tb = tables(sa), tables(sb)
    if ta != tb:
        problems.append(f"tables differ: {sorted(set(ta) ^ set(tb))}")
    for t in sorted(set(ta) & set(tb)):
        ra, rb = relation(con, sa / t), relation(con, sb / t)
        na, nb = (con.execute(f"SELECT count(*) FROM {r}").fetchone()[0] for r in (ra, rb))
        only_a = con.execute(f"SELECT count(*) FROM ({ra} EXCEPT ALL {rb})").fetchone()[0]
        only_b = con.execute(f"SELECT count(*) FROM ({rb} EXCEPT ALL {ra})").fetchone()[0]
        same = na == nb and not only_a and not only_b
        print(f"{t:24s} {na:9,d} {nb:9,d} rows; only in A {only_a:,}, only in B {only_b:,}: {'same' if same else 'DIFFERENT'}")
        if not same:
            problems.append(t)
    return problems


if __name__ == "__main__":
    bad = compare(Path(sys.argv[1]), Path(sys.argv[2]))
    print("same tables" if not bad else f"differ: {bad}")
    sys.exit(1 if bad else 0)
