"""Where data lives: a location string, a local path or `s3://bucket/prefix`, resolved to a file system.

This is the one module that knows how to reach a location. A local path
resolves to pyarrow's local file system; `s3://…` to `pyarrow.fs.S3FileSystem`
on any S3-compatible store (AWS, MinIO, Ceph) configured by the standard AWS
environment variables: `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_S3`; http or
https, e.g. `http://127.0.0.1:9000`), `AWS_ACCESS_KEY_ID`,
`AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), `AWS_REGION` (or
`AWS_DEFAULT_REGION`). pyarrow's AWS SDK reads the credentials itself; the
endpoint, its scheme and the region are given to it explicitly here so that
no SDK version's defaults decide them. `s3_client` gives boto3 the same
settings, for the conditional writes pyarrow cannot make (If-None-Match,
If-Match). Locations cross processes as strings: each process resolves them
itself, from its own environment.
"""
from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow.fs as pafs

SCHEME = "s3://"
_ENV = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def is_remote(location: str | os.PathLike) -> bool:
    return str(location).startswith(SCHEME)


def normalize(location: str | os.PathLike) -> str:
    """The canonical string of a location: an absolute local path, or `s3://bucket/prefix` without a trailing `/`."""
    text = str(location)
    if is_remote(text):
        bucket, _, prefix = text[len(SCHEME):].strip("/").partition("/")
        if not bucket:
            raise ValueError(f"{text!r} names no bucket (expected s3://bucket/prefix)")
        return SCHEME + "/".join(p for p in (bucket, prefix.strip("/")) if p)
    return str(Path(text).expanduser().absolute())


def join(location: str | os.PathLike, *parts: str) -> str:
    return "/".join([str(location).rstrip("/"), *(p.strip("/") for p in parts)])


def resolve(location: str | os.PathLike) -> tuple[pafs.FileSystem, str]:
    """The file system holding a location and the location's path in it (`bucket/prefix` on S3)."""
    text = normalize(location)
    if is_remote(text):
        return s3_filesystem(), text[len(SCHEME):]
    return pafs.LocalFileSystem(), text


def is_dir(location: str | os.PathLike) -> bool:
    """A folder, or on S3 a prefix holding at least one object (or the bare bucket)."""
    fs, path = resolve(location)
    if not is_remote(location):
        return Path(path).is_dir()
    return fs.get_file_info(path).type == pafs.FileType.Directory


def folder(location: str | os.PathLike) -> tuple[pafs.FileSystem, str]:
    """The file system and path of a folder to write files into: made on a local disk (S3 has no folders)."""
    fs, path = resolve(location)
    if not is_remote(location):
        fs.create_dir(path, recursive=True)
    return fs, path


def files(location: str | os.PathLike, suffix: str = ".parquet") -> tuple[pafs.FileSystem, list[str]]:
    """The file system and the sorted paths of the files directly in a folder; none if it does not exist."""
    fs, path = resolve(location)
    found = fs.get_file_info(pafs.FileSelector(path, allow_not_found=True))
    return fs, sorted(f.path for f in found if f.type == pafs.FileType.File and f.path.endswith(suffix))


def remove_tree(location: str | os.PathLike) -> None:
    """Delete a folder, or on S3 every object under a prefix (with boto3: pyarrow leaves folder markers)."""
    if not is_remote(location):
        shutil.rmtree(normalize(location), ignore_errors=True)
        return
    bucket, key = bucket_key(str(location))
    client = s3_client()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key.rstrip("/") + "/"):
        if keys := [{"Key": o["Key"]} for o in page.get("Contents", [])]:
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})


def bucket_exists(location: str) -> bool:
    fs, path = resolve(location)
    return fs.get_file_info(path.split("/")[0]).type == pafs.FileType.Directory


def _settings() -> tuple[str | None, str | None]:
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    return endpoint, region


def s3_filesystem() -> pafs.S3FileSystem:
    return _s3_filesystem(tuple(os.environ.get(k) for k in _ENV))


@functools.lru_cache(maxsize=4)
def _s3_filesystem(_env: tuple) -> pafs.S3FileSystem:
    endpoint, region = _settings()
    options: dict = {}
    if endpoint:
        url = urlsplit(endpoint if "://" in endpoint else "https://" + endpoint)
        options.update(endpoint_override=url.netloc + url.path.rstrip("/"), scheme=url.scheme)
    if region:
        options["region"] = region
    return pafs.S3FileSystem(**options)


def s3_client():
    """A boto3 S3 client with the same endpoint and region (boto3 reads the credentials itself)."""
    return _s3_client(tuple(os.environ.get(k) for k in _ENV))


@functools.lru_cache(maxsize=4)
def _s3_client(_env: tuple):
    import boto3

    endpoint, region = _settings()
    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=region or "us-east-1")


def bucket_key(location: str) -> tuple[str, str]:
    """`s3://bucket/a/b` -> ("bucket", "a/b")."""
    bucket, _, key = normalize(location)[len(SCHEME):].partition("/")
    return bucket, key
