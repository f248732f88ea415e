"""What the S3 tests share: buckets on the session's moto server, CLI runs with the AWS variables,
warehouse states read through the documented read path (`Warehouse(location).table`, handed to DuckDB)."""
from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from pathlib import Path
from unittest import mock

import duckdb
import pandas as pd

from tests.conftest import ROOT, cli_command, cli_env
from tests.faults.common import TABLES

# a short lease: the next run takes over a killed run's lock within seconds; unnamed objects are
# swept once ten minutes old (a run must commit within half of that: a minute was too short for a run
# of the suite's busiest moments, whose next run swept a killed run's staging it was to find; the tests
# that need a sweep now use `sweep_now`)
S3_SETTINGS = {"KCNA_ETL_LEASE_SECONDS": "3", "KCNA_ETL_ORPHAN_SECONDS": "600"}


@contextlib.contextmanager
def aws(s3_server: dict) -> None:
    """This process talks to the moto server (boto3 and pyarrow read the same variables as the CLI)."""
    with mock.patch.dict(os.environ, {**s3_server, **S3_SETTINGS}):
        yield


def new_bucket(s3_server: dict, name: str) -> str:
    from kcna_etl.storage.location import s3_client
    bucket = f"{name}-{uuid.uuid4().hex[:10]}"
    with aws(s3_server):
        s3_client().create_bucket(Bucket=bucket)
    return bucket


def upload(s3_server: dict, folder: Path, location: str) -> None:
    from kcna_etl.storage.location import bucket_key, s3_client
    bucket, prefix = bucket_key(location)
    with aws(s3_server):
        client = s3_client()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            client.upload_file(str(path), bucket, f"{prefix}/{path.relative_to(folder).as_posix()}")


def copy_prefix(s3_server: dict, src: str, dst: str) -> str:
    """Copy every object under `src` to `dst` (a warehouse copied is the same warehouse: names are relative)."""
    from kcna_etl.storage.location import bucket_key, s3_client
    (sb, sp), (db, dp) = bucket_key(src), bucket_key(dst)
    with aws(s3_server):
        client = s3_client()
        for key in keys(client, sb, sp):
            client.copy_object(Bucket=db, Key=dp + key[len(sp):], CopySource={"Bucket": sb, "Key": key})
    return dst


def keys(client, bucket: str, prefix: str) -> list[str]:
    out = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
        out += [o["Key"] for o in page.get("Contents", [])]
    return sorted(out)


def start_s3(prefect_server: dict, s3_server: dict, args: list[str], cache: Path,
             inject: list[str] | None = None) -> subprocess.Popen:
    """The CLI against the moto server, its working copies under `cache`, in a process group of its own."""
    env = dict(cli_env(prefect_server), **s3_server, **S3_SETTINGS, KCNA_ETL_CACHE=str(cache))
    return subprocess.Popen(cli_command(args, inject), cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def working_copy(s3_server: dict, location: str, cache: Path) -> Path:
    from kcna_etl.storage.store import Warehouse
    with aws(s3_server), mock.patch.dict(os.environ, {"KCNA_ETL_CACHE": str(cache)}):
        return Warehouse(location).root


def s3_state(s3_server: dict, location: str) -> dict[str, pd.DataFrame]:
    """Every table as DuckDB reads the pyarrow dataset of the current snapshot, as `state` orders a local one."""
    from kcna_etl.storage.store import Warehouse
    out = {}
    with aws(s3_server):
        w = Warehouse(location)
        for t in TABLES:
            d = w.table(t)
            con = duckdb.connect()
            con.register("t", d)
            df = con.execute("select * from t").df()
            if t == "_manifest":
                df = df.drop(columns=["run_id"])
            out[t] = df.sort_values(list(df.columns)).reset_index(drop=True) if len(df) else df
    return out


def unnamed_objects(s3_server: dict, location: str) -> list[str]:
    """Data objects that no kept snapshot names: what a plain glob sees beyond the committed tables."""
    from kcna_etl.storage.location import bucket_key, s3_client
    from kcna_etl.storage.objectstore import NOT_DATA
    from kcna_etl.storage.store import Warehouse
    bucket, prefix = bucket_key(location)
    with aws(s3_server):
        w = Warehouse(location)
        named = set()
        for n in w.snapshot_numbers():
            named |= {f"{prefix}/{rel}" for rel in w.snapshot(n)["files"]}
        client = s3_client()
        return sorted(k for k in keys(client, bucket, prefix) if k not in named and not k.endswith("/")
                      and k[len(prefix) + 1:].split("/")[0] not in NOT_DATA)  # not folder markers: no glob sees them


def staged_objects(s3_server: dict, location: str) -> list[str]:
    """Objects under the warehouse's `_staging/`, as `<run_id>/<table>/<file>`."""
    from kcna_etl.storage.location import bucket_key, s3_client
    bucket, prefix = bucket_key(location)
    with aws(s3_server):
        found = keys(s3_client(), bucket, f"{prefix}/_staging")
    return [k[len(prefix) + len("/_staging/"):] for k in found]


def sweep_now(s3_server: dict, location: str) -> None:
    """A sweep under the lock with no orphan grace (safe here: no run is uploading)."""
    from kcna_etl.storage.store import Warehouse
    with aws(s3_server), mock.patch.dict(os.environ, {"KCNA_ETL_ORPHAN_SECONDS": "0"}):
        w = Warehouse(location).open()
        with w.locked("test-sweep", 30):
            w.sweep()
