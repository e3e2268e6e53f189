"""The ``aws s3`` commands as a data engineer types them, run as the real ``aws`` CLI."""

from __future__ import annotations

import hashlib
import os
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import AwsCli, _empty_and_delete

MiB = 1024 * 1024


@pytest.fixture
def cli_bucket_name(s3: Any) -> Iterator[Callable[[], str]]:
    """Names for buckets the CLI creates; whatever exists afterwards is emptied and deleted."""
    names: list[str] = []

    def new_name() -> str:
        names.append(f"cli-{uuid.uuid4().hex[:12]}")
        return names[-1]

    yield new_name
    for name in names:
        _empty_and_delete(s3, name)


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def keys(s3: Any, bucket: str, prefix: str = "") -> set[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {o["Key"] for page in pages for o in page.get("Contents", [])}


def body(s3: Any, bucket: str, key: str) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def transferred(stdout: str) -> set[str]:
    """The destinations named by ``upload:``/``download:``/``copy:``/``delete:`` lines."""
    names = set()
    for line in stdout.splitlines():
        verb, _, rest = line.strip().partition(": ")
        if verb in ("upload", "download", "copy"):
            names.add(rest.rsplit(" to ", 1)[1])
        elif verb == "delete":
            names.add(rest)
    return names


# -- buckets ----------------------------------------------------------------------


def test_mb_rb(aws: AwsCli, s3: Any, cli_bucket_name: Callable[[], str]) -> None:
    name, european = cli_bucket_name(), cli_bucket_name()
    assert aws("s3", "mb", f"s3://{name}").stdout.strip() == f"make_bucket: {name}"
    aws("s3", "mb", f"s3://{european}", "--region", "eu-west-1")
    location = aws.json("s3api", "get-bucket-location", "--bucket", european)
    assert location["LocationConstraint"] == "eu-west-1"
    assert {name, european} <= {b["Name"] for b in s3.list_buckets()["Buckets"]}

    s3.put_object(Bucket=name, Key="dir/a.txt", Body=b"a")
    s3.put_object(Bucket=name, Key="b.txt", Body=b"b")
    refused = aws("s3", "rb", f"s3://{name}", check=False)
    assert refused.returncode != 0
    assert "BucketNotEmpty" in refused.stderr
    forced = aws("s3", "rb", f"s3://{name}", "--force")
    assert f"remove_bucket: {name}" in forced.stdout
    assert {f"s3://{name}/dir/a.txt", f"s3://{name}/b.txt"} <= transferred(forced.stdout)
    assert aws("s3", "rb", f"s3://{european}", "--region", "eu-west-1").returncode == 0
    assert not {name, european} & {b["Name"] for b in s3.list_buckets()["Buckets"]}


def test_ls(aws: AwsCli, s3: Any, bucket: str) -> None:
    objects = {
        "data/2024/a.csv": b"x" * 1000,
        "data/2024/b.csv": b"y" * 1024,
        "data/readme.txt": b"hello",
        "top.json": b"{}",
    }
    for key, data in objects.items():
        s3.put_object(Bucket=bucket, Key=key, Body=data)

    assert bucket in aws("s3", "ls").stdout.split()

    listing = aws("s3", "ls", f"s3://{bucket}/data/").stdout.splitlines()
    assert [line.split()[-2:] for line in listing] == [["PRE", "2024/"], ["5", "readme.txt"]]

    output = aws(
        "s3", "ls", f"s3://{bucket}", "--recursive", "--human-readable", "--summarize"
    ).stdout
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    assert [line.split()[-1] for line in lines[:4]] == sorted(objects)
    assert "1000 Bytes" in lines[0] and "1.0 KiB" in lines[1]
    assert "Total Objects: 4" in lines
    assert "Total Size: 2.0 KiB" in lines  # 2031 bytes


# -- cp ---------------------------------------------------------------------------


def test_cp_file_up_and_down(aws: AwsCli, s3: Any, bucket: str) -> None:
    (aws.cwd / "report.json").write_bytes(b'{"rows": 3}')
    result = aws("s3", "cp", "report.json", f"s3://{bucket}/reports/report.json")
    assert result.stdout.strip().endswith(f"to s3://{bucket}/reports/report.json")
    got = s3.get_object(Bucket=bucket, Key="reports/report.json")
    assert got["Body"].read() == b'{"rows": 3}'
    assert got["ContentType"] == "application/json"

    aws("s3", "cp", f"s3://{bucket}/reports/report.json", "copy.json", "--only-show-errors")
    assert (aws.cwd / "copy.json").read_bytes() == b'{"rows": 3}'
    # From stdin, as in `gunzip -c x.gz | aws s3 cp - s3://...`.
    aws("s3", "cp", "-", f"s3://{bucket}/stdin.txt", input="piped\n")
    assert body(s3, bucket, "stdin.txt") == b"piped\n"


def test_cp_large_file_multipart_and_s3_copy(aws: AwsCli, s3: Any, bucket: str) -> None:
    data = os.urandom(20 * MiB)
    (aws.cwd / "big.bin").write_bytes(data)
    aws("s3", "cp", "big.bin", f"s3://{bucket}/big.bin", "--only-show-errors")
    head = s3.head_object(Bucket=bucket, Key="big.bin", PartNumber=1)
    assert head["PartsCount"] == 3  # 8 MiB + 8 MiB + 4 MiB
    chunks = [data[i : i + 8 * MiB] for i in range(0, len(data), 8 * MiB)]
    digests = b"".join(hashlib.md5(c).digest() for c in chunks)
    assert head["ETag"] == f'"{hashlib.md5(digests).hexdigest()}-3"'

    # s3 -> s3 above the multipart threshold: the CLI copies with UploadPartCopy ranges.
    aws("s3", "cp", f"s3://{bucket}/big.bin", f"s3://{bucket}/copy/big.bin", "--only-show-errors")
    aws("s3", "cp", f"s3://{bucket}/copy/big.bin", "back.bin", "--only-show-errors")
    back = (aws.cwd / "back.bin").read_bytes()
    assert hashlib.sha256(back).digest() == hashlib.sha256(data).digest()


def test_cp_recursive_and_filters(aws: AwsCli, s3: Any, bucket: str) -> None:
    files = {
        "a.json": b"{}",
        "a.csv": b"1,2",
        "nested/b.json": b"[]",
        "nested/deeper/c.txt": b"text",
        "nested/deeper/d.json": b"null",
    }
    write_tree(aws.cwd / "tree", files)
    aws("s3", "cp", "tree", f"s3://{bucket}/all/", "--recursive", "--only-show-errors")
    assert keys(s3, bucket, "all/") == {f"all/{name}" for name in files}
    assert body(s3, bucket, "all/nested/deeper/c.txt") == b"text"

    aws(
        "s3", "cp", "tree", f"s3://{bucket}/json/", "--recursive",
        "--exclude", "*", "--include", "*.json", "--only-show-errors",
    )  # fmt: skip
    assert keys(s3, bucket, "json/") == {
        "json/a.json",
        "json/nested/b.json",
        "json/nested/deeper/d.json",
    }

    aws("s3", "cp", f"s3://{bucket}/all/nested/", "down", "--recursive", "--only-show-errors")
    down = aws.cwd / "down"
    assert sorted(str(p.relative_to(down)) for p in down.rglob("*") if p.is_file()) == [
        "b.json",
        "deeper/c.txt",
        "deeper/d.json",
    ]
    assert (down / "deeper" / "d.json").read_bytes() == b"null"


def test_cp_between_buckets(aws: AwsCli, s3: Any, bucket_factory: Callable[..., str]) -> None:
    source, target = bucket_factory("src"), bucket_factory("dst")
    s3.put_object(Bucket=source, Key="k.txt", Body=b"payload", Metadata={"owner": "etl"})
    aws("s3", "cp", f"s3://{source}/k.txt", f"s3://{target}/copied/k.txt")
    got = s3.get_object(Bucket=target, Key="copied/k.txt")
    assert got["Body"].read() == b"payload"
    assert got["Metadata"] == {"owner": "etl"}
    assert body(s3, source, "k.txt") == b"payload"


# -- mv and rm --------------------------------------------------------------------


def test_mv(aws: AwsCli, s3: Any, bucket: str) -> None:
    local = aws.cwd / "move-me.txt"
    local.write_bytes(b"moving")
    aws("s3", "mv", "move-me.txt", f"s3://{bucket}/one.txt", "--only-show-errors")
    assert not local.exists()
    assert body(s3, bucket, "one.txt") == b"moving"

    aws("s3", "mv", f"s3://{bucket}/one.txt", f"s3://{bucket}/two.txt", "--only-show-errors")
    assert keys(s3, bucket) == {"two.txt"}

    aws("s3", "mv", f"s3://{bucket}/two.txt", "back.txt", "--only-show-errors")
    assert keys(s3, bucket) == set()
    assert (aws.cwd / "back.txt").read_bytes() == b"moving"


def test_rm(aws: AwsCli, s3: Any, bucket: str) -> None:
    for key in ("keep.txt", "logs/a.log", "logs/b.log", "logs/old/c.log", "logsbook.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    result = aws("s3", "rm", f"s3://{bucket}/keep.txt")
    assert result.stdout.strip() == f"delete: s3://{bucket}/keep.txt"
    result = aws("s3", "rm", f"s3://{bucket}/logs/", "--recursive")
    assert transferred(result.stdout) == {
        f"s3://{bucket}/logs/a.log",
        f"s3://{bucket}/logs/b.log",
        f"s3://{bucket}/logs/old/c.log",
    }
    assert keys(s3, bucket) == {"logsbook.txt"}


# -- sync -------------------------------------------------------------------------


def test_sync_local_to_s3(aws: AwsCli, s3: Any, bucket: str) -> None:
    files = {"a.txt": b"alpha", "sub/b.txt": b"bravo", "sub/c.txt": b"charlie"}
    write_tree(aws.cwd / "site", files)
    first = aws("s3", "sync", "site", f"s3://{bucket}/site")
    assert transferred(first.stdout) == {f"s3://{bucket}/site/{name}" for name in files}
    assert body(s3, bucket, "site/sub/c.txt") == b"charlie"

    assert aws("s3", "sync", "site", f"s3://{bucket}/site").stdout == ""

    (aws.cwd / "site" / "sub" / "b.txt").write_bytes(b"bravo, changed")
    (aws.cwd / "site" / "a.txt").unlink()
    changed = aws("s3", "sync", "site", f"s3://{bucket}/site")
    assert transferred(changed.stdout) == {f"s3://{bucket}/site/sub/b.txt"}
    assert body(s3, bucket, "site/sub/b.txt") == b"bravo, changed"
    assert "site/a.txt" in keys(s3, bucket)

    deleted = aws("s3", "sync", "site", f"s3://{bucket}/site", "--delete")
    assert transferred(deleted.stdout) == {f"s3://{bucket}/site/a.txt"}
    assert keys(s3, bucket) == {"site/sub/b.txt", "site/sub/c.txt"}


def test_sync_s3_to_local(aws: AwsCli, s3: Any, bucket: str) -> None:
    for key, data in {"in/x.csv": b"1", "in/y.csv": b"22", "in/deep/z.csv": b"333"}.items():
        s3.put_object(Bucket=bucket, Key=key, Body=data)
    first = aws("s3", "sync", f"s3://{bucket}/in", "local")
    assert transferred(first.stdout) == {"local/x.csv", "local/y.csv", "local/deep/z.csv"}
    assert (aws.cwd / "local" / "deep" / "z.csv").read_bytes() == b"333"

    assert aws("s3", "sync", f"s3://{bucket}/in", "local").stdout == ""

    s3.put_object(Bucket=bucket, Key="in/y.csv", Body=b"22 and more")
    (aws.cwd / "local" / "extra.csv").write_bytes(b"local only")
    changed = aws("s3", "sync", f"s3://{bucket}/in", "local", "--delete")
    assert transferred(changed.stdout) == {"local/y.csv", "local/extra.csv"}
    assert (aws.cwd / "local" / "y.csv").read_bytes() == b"22 and more"
    assert not (aws.cwd / "local" / "extra.csv").exists()


def test_sync_s3_to_s3(aws: AwsCli, s3: Any, bucket_factory: Callable[..., str]) -> None:
    source, target = bucket_factory("src"), bucket_factory("dst")
    for key in ("p/1.parquet", "p/2.parquet", "p/q/3.parquet"):
        s3.put_object(Bucket=source, Key=key, Body=key.encode())
    s3.put_object(Bucket=target, Key="mirror/stale.parquet", Body=b"old")
    first = aws("s3", "sync", f"s3://{source}/p", f"s3://{target}/mirror")
    assert transferred(first.stdout) == {
        f"s3://{target}/mirror/1.parquet",
        f"s3://{target}/mirror/2.parquet",
        f"s3://{target}/mirror/q/3.parquet",
    }
    assert body(s3, target, "mirror/q/3.parquet") == b"p/q/3.parquet"

    assert aws("s3", "sync", f"s3://{source}/p", f"s3://{target}/mirror").stdout == ""

    deleted = aws("s3", "sync", f"s3://{source}/p", f"s3://{target}/mirror", "--delete")
    assert transferred(deleted.stdout) == {f"s3://{target}/mirror/stale.parquet"}
    assert keys(s3, target) == {
        "mirror/1.parquet",
        "mirror/2.parquet",
        "mirror/q/3.parquet",
    }


# -- s3api and presign ------------------------------------------------------------


def test_s3api_basics(aws: AwsCli, s3: Any, cli_bucket_name: Callable[[], str]) -> None:
    name = cli_bucket_name()
    created = aws.json("s3api", "create-bucket", "--bucket", name)
    assert created["Location"] == f"/{name}"
    (aws.cwd / "in.txt").write_bytes(b"s3api body")
    put = aws.json("s3api", "put-object", "--bucket", name, "--key", "d/k.txt", "--body", "in.txt")
    assert put["ETag"] == f'"{hashlib.md5(b"s3api body").hexdigest()}"'
    got = aws.json("s3api", "get-object", "--bucket", name, "--key", "d/k.txt", "out.txt")
    assert got["ContentLength"] == 10 and got["ETag"] == put["ETag"]
    assert (aws.cwd / "out.txt").read_bytes() == b"s3api body"
    listed = aws.json("s3api", "list-objects-v2", "--bucket", name)
    assert [(o["Key"], o["Size"]) for o in listed["Contents"]] == [("d/k.txt", 10)]


def test_presign(aws: AwsCli, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="shared/report.csv", Body=b"a,b\n1,2\n")
    url = aws("s3", "presign", f"s3://{bucket}/shared/report.csv", "--expires-in", "60")
    with urllib.request.urlopen(url.stdout.strip(), timeout=10) as response:
        assert response.read() == b"a,b\n1,2\n"
