"""Odd keys: keys are opaque byte strings, never paths; they round-trip through every operation."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest

from ..conftest import Server
from .conftest import expect_error

TRAVERSAL = "../../etc/passwd"
ODD_KEYS = [
    TRAVERSAL,
    "../escape",
    "./here",
    "a",
    "a/",
    "a/b",
    "a/b/c",
    "a//b",
    "/leading-slash",
    "with space",
    "  spaces  around  ",
    "plus+sign",
    "percent%20not-a-space",
    "%41",
    "a%2Fb",
    "question?mark",
    "hash#tag",
    "amp&ersand=1",
    "xml <tag> & 'quotes' \"double\"",
    "semi;colon:at@dollar$comma,",
    "back\\slash",
    "tilde~caret^pipe|brace{}[]`",
    "unicode/日本語/ファイル.txt",
    "emoji \U0001f600",
    "é" * 512,  # 1,024 bytes of UTF-8
    "tab\there",
]
#: Keys XML 1.0 cannot carry: fine on the URL path, listed only with encoding-type=url.
CONTROL_KEYS = ["ctl\x01start", "bell\x07", "esc\x1b[0m"]


def body_for(key: str) -> bytes:
    return f"body of {key!r}".encode()


def byte_order(keys: list[str]) -> list[str]:
    return sorted(keys, key=lambda k: k.encode())


@pytest.fixture
def odd_bucket(s3: Any, bucket: str) -> Iterator[str]:
    for key in ODD_KEYS + CONTROL_KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=body_for(key))
    yield bucket
    for key in CONTROL_KEYS:  # DeleteObjects (the fixture's cleanup) cannot name them in XML
        s3.delete_object(Bucket=bucket, Key=key)


def test_1024_byte_key_is_the_limit() -> None:
    assert len(("é" * 512).encode()) == 1024


@pytest.mark.parametrize("key", ODD_KEYS + CONTROL_KEYS, ids=lambda key: repr(key)[:30])
def test_odd_key_round_trip(s3: Any, bucket: str, key: str) -> None:
    data = body_for(key)
    s3.put_object(Bucket=bucket, Key=key, Body=data, Metadata={"k": "v"})
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == data
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(data)
    s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": [{"Key": "t", "Value": "1"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == [{"Key": "t", "Value": "1"}]
    copy = "the copy" if len(key.encode()) > 1000 else key + ".copy"
    s3.copy_object(Bucket=bucket, Key=copy, CopySource={"Bucket": bucket, "Key": key})
    assert s3.get_object(Bucket=bucket, Key=copy)["Body"].read() == data
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=key, EncodingType="url")
    assert unquote_plus(listed["Contents"][0]["Key"]) == key
    s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_object(Bucket=bucket, Key=copy)
    expect_error(s3.head_object, "404", 404, Bucket=bucket, Key=key)


def test_odd_keys_listed(s3: Any, odd_bucket: str) -> None:
    everything = byte_order(ODD_KEYS + CONTROL_KEYS)
    explicit = s3.list_objects_v2(Bucket=odd_bucket, EncodingType="url")
    assert [unquote_plus(o["Key"]) for o in explicit["Contents"]] == everything

    # boto3 asks for encoding-type=url on its own and decodes: every key comes back as written.
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=odd_bucket)["Contents"]] == everything
    assert [o["Key"] for o in s3.list_objects(Bucket=odd_bucket)["Contents"]] == everything
    paged = s3.get_paginator("list_objects_v2").paginate(
        Bucket=odd_bucket, PaginationConfig={"PageSize": 3}
    )
    assert [o["Key"] for p in paged for o in p["Contents"]] == everything


def test_key_beside_its_prefixes(s3: Any, odd_bucket: str) -> None:
    for key in ("a", "a/", "a/b", "a/b/c", "a//b"):
        assert s3.get_object(Bucket=odd_bucket, Key=key)["Body"].read() == body_for(key)
    page = s3.list_objects_v2(Bucket=odd_bucket, Prefix="a", Delimiter="/")
    assert [o["Key"] for o in page["Contents"]] == ["a", "a%2Fb", "amp&ersand=1"]
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["a/"]
    inner = s3.list_objects_v2(Bucket=odd_bucket, Prefix="a/", Delimiter="/")
    assert [o["Key"] for o in inner["Contents"]] == ["a/", "a/b"]
    assert [p["Prefix"] for p in inner["CommonPrefixes"]] == ["a//", "a/b/"]
    # Deleting "a" leaves "a/b" and "a/b/c" alone (no directories to prune).
    s3.delete_object(Bucket=odd_bucket, Key="a")
    assert s3.get_object(Bucket=odd_bucket, Key="a/b/c")["Body"].read() == body_for("a/b/c")
    expect_error(s3.get_object, "NoSuchKey", 404, Bucket=odd_bucket, Key="a")


def test_percent_sequences_are_not_decoded_twice(s3: Any, odd_bucket: str) -> None:
    assert s3.get_object(Bucket=odd_bucket, Key="%41")["Body"].read() == body_for("%41")
    expect_error(s3.get_object, "NoSuchKey", 404, Bucket=odd_bucket, Key="A")
    expect_error(s3.get_object, "NoSuchKey", 404, Bucket=odd_bucket, Key="a/b ")
    assert s3.get_object(Bucket=odd_bucket, Key="a%2Fb")["Body"].read() == body_for("a%2Fb")


def test_delete_objects_with_odd_keys(s3: Any, odd_bucket: str) -> None:
    result = s3.delete_objects(
        Bucket=odd_bucket, Delete={"Objects": [{"Key": k} for k in ODD_KEYS]}
    )
    assert sorted(d["Key"] for d in result["Deleted"]) == sorted(ODD_KEYS)
    remaining = s3.list_objects_v2(Bucket=odd_bucket, EncodingType="url")["Contents"]
    assert sorted(unquote_plus(o["Key"]) for o in remaining) == sorted(CONTROL_KEYS)


def test_keys_never_become_file_names(s3: Any, odd_bucket: str, server: Server) -> None:
    data_dir = server.data_dir.resolve()
    names: set[str] = set()
    for root, dirs, files in os.walk(data_dir):
        names.update(dirs)
        names.update(files)
        for name in files:
            path = Path(root) / name
            assert path.resolve().is_relative_to(data_dir)
    components = {part for key in ODD_KEYS + CONTROL_KEYS for part in key.split("/") if part}
    assert not names & (components - {".", ".."})
    assert "passwd" not in names and "etc" not in names
    # Object bytes live in files named by random ids.
    blobs = [name for name in names if re.fullmatch(r"[0-9a-f]{32}", name)]
    assert len(blobs) >= len(ODD_KEYS)
    # Nothing escaped the data dir: no passwd file anywhere around it.
    around = data_dir.parent.parent
    assert not [p for p in around.rglob("passwd")]
    assert not (data_dir / TRAVERSAL).exists()
    assert not (data_dir / "s3" / "blobs" / "00" / TRAVERSAL).exists()
