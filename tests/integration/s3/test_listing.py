"""ListObjectsV2 and ListObjects through boto3: prefixes, delimiters, paging, order, encoding."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote_plus

import pytest

from ..conftest import AwsCli
from .conftest import expect_error

#: Keys whose UTF-8 byte order is neither case-insensitive nor locale nor UTF-16 order.
UNICODE_KEYS = ["a", "b", "é", "\U0001f600", "z", "A", "e", "\ue000", "Z", "~", "ü", "a b", "a/b"]
FOLDERS = 5
PER_FOLDER = 300
FLAT = 1000


def put_keys(s3: Any, bucket: str, keys: list[str], body: bytes = b"x") -> None:
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=body), keys))


def byte_order(keys: list[str]) -> list[str]:
    return sorted(keys, key=lambda k: k.encode())


def keys_of(page: dict[str, Any]) -> list[str]:
    return [o["Key"] for o in page.get("Contents", [])]


def prefixes_of(page: dict[str, Any]) -> list[str]:
    return [p["Prefix"] for p in page.get("CommonPrefixes", [])]


@pytest.fixture(scope="module")
def big_bucket(s3: Any) -> Iterator[tuple[str, list[str]]]:
    """2,500 keys: ``tree/f<i>/k<j>`` (5 folders of 300) and 1,000 ``flat/k<j>``."""
    name = f"big-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    keys = [f"tree/f{i}/k{j:03d}" for i in range(FOLDERS) for j in range(PER_FOLDER)]
    keys += [f"flat/k{j:04d}" for j in range(FLAT)]
    put_keys(s3, name, keys, b"")
    yield name, byte_order(keys)
    for start in range(0, len(keys), 1000):
        batch = [{"Key": k} for k in keys[start : start + 1000]]
        s3.delete_objects(Bucket=name, Delete={"Objects": batch, "Quiet": True})
    s3.delete_bucket(Bucket=name)


def raw_listing(s3: Any) -> tuple[Any, list[bytes]]:
    """A client that also keeps the raw XML bodies of ListObjects(V2) responses."""
    bodies: list[bytes] = []

    def keep(response_dict: dict[str, Any], **_: Any) -> None:
        bodies.append(response_dict["body"])

    s3.meta.events.register("before-parse.s3.ListObjectsV2", keep)
    s3.meta.events.register("before-parse.s3.ListObjects", keep)
    return s3, bodies


@pytest.fixture
def raw_s3(client_factory: Callable[..., Any]) -> tuple[Any, list[bytes]]:
    return raw_listing(client_factory("s3"))


# -- ListObjectsV2 ---------------------------------------------------------------------


def test_list_empty_bucket(s3: Any, bucket: str) -> None:
    page = s3.list_objects_v2(Bucket=bucket)
    assert page["KeyCount"] == 0
    assert page["IsTruncated"] is False
    assert page["Name"] == bucket
    assert page["MaxKeys"] == 1000
    assert "Contents" not in page
    assert "CommonPrefixes" not in page


def test_list_v2_entries(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="one", Body=b"12345")["ETag"]
    page = s3.list_objects_v2(Bucket=bucket)
    assert page["KeyCount"] == 1
    [entry] = page["Contents"]
    assert entry["Key"] == "one"
    assert entry["Size"] == 5
    assert entry["ETag"] == etag
    assert entry["StorageClass"] == "STANDARD"
    # The listing keeps milliseconds (see listing_handlers); HEAD's HTTP date has seconds.
    head_time = s3.head_object(Bucket=bucket, Key="one")["LastModified"]
    assert entry["LastModified"].replace(microsecond=0) == head_time
    assert "Owner" not in entry
    owned = s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"][0]
    assert owned["Owner"]["ID"] == s3.list_buckets()["Owner"]["ID"]


def test_list_v2_prefix_and_delimiter(s3: Any, bucket: str) -> None:
    keys = ["a/1", "a/2", "b/c/1", "b/d", "dir/", "dir/file", "top", "topping"]
    put_keys(s3, bucket, keys)

    assert keys_of(s3.list_objects_v2(Bucket=bucket, Prefix="b/")) == ["b/c/1", "b/d"]
    assert keys_of(s3.list_objects_v2(Bucket=bucket, Prefix="top")) == ["top", "topping"]
    assert keys_of(s3.list_objects_v2(Bucket=bucket, Prefix="nothing")) == []

    page = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert prefixes_of(page) == ["a/", "b/", "dir/"]
    assert keys_of(page) == ["top", "topping"]
    assert page["KeyCount"] == 5
    assert page["Delimiter"] == "/"

    nested = s3.list_objects_v2(Bucket=bucket, Prefix="b/", Delimiter="/")
    assert prefixes_of(nested) == ["b/c/"]
    assert keys_of(nested) == ["b/d"]
    assert nested["Prefix"] == "b/"

    # A key equal to the prefix is listed as a key.
    inside = s3.list_objects_v2(Bucket=bucket, Prefix="dir/", Delimiter="/")
    assert keys_of(inside) == ["dir/", "dir/file"]
    assert prefixes_of(inside) == []

    # Any string can be the delimiter.
    by_p = s3.list_objects_v2(Bucket=bucket, Delimiter="p")
    assert prefixes_of(by_p) == ["top"]
    assert keys_of(by_p) == ["a/1", "a/2", "b/c/1", "b/d", "dir/", "dir/file"]


def test_list_v2_pages_in_utf8_byte_order(s3: Any, bucket: str) -> None:
    put_keys(s3, bucket, UNICODE_KEYS)
    expected = byte_order(UNICODE_KEYS)
    assert expected.index("é") > expected.index("z")  # not collation order
    assert expected.index("\ue000") < expected.index("\U0001f600")  # not UTF-16 order

    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=bucket, MaxKeys=2, **kwargs)
        pages += 1
        assert page["MaxKeys"] == 2
        assert page["KeyCount"] == len(page["Contents"]) <= 2
        if token:
            assert page["ContinuationToken"] == token
        seen += keys_of(page)
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        token = page["NextContinuationToken"]
    assert seen == expected
    assert pages == (len(expected) + 1) // 2
    assert keys_of(s3.list_objects_v2(Bucket=bucket)) == expected


def test_list_v2_start_after(s3: Any, bucket: str) -> None:
    put_keys(s3, bucket, UNICODE_KEYS)
    expected = byte_order(UNICODE_KEYS)
    page = s3.list_objects_v2(Bucket=bucket, StartAfter="b")
    assert keys_of(page) == expected[expected.index("b") + 1 :]
    assert page["StartAfter"] == "b"
    # StartAfter need not be a key.
    assert keys_of(s3.list_objects_v2(Bucket=bucket, StartAfter="f")) == [
        k for k in expected if k.encode() > b"f"
    ]
    assert keys_of(s3.list_objects_v2(Bucket=bucket, StartAfter="\U0001f600")) == []
    # A continuation token wins over StartAfter.
    first = s3.list_objects_v2(Bucket=bucket, StartAfter="a", MaxKeys=1)
    assert keys_of(first) == [expected[expected.index("a") + 1]]
    second = s3.list_objects_v2(
        Bucket=bucket, StartAfter="a", MaxKeys=1, ContinuationToken=first["NextContinuationToken"]
    )
    assert keys_of(second) == [expected[expected.index("a") + 2]]


def test_list_v2_max_keys_zero(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    page = s3.list_objects_v2(Bucket=bucket, MaxKeys=0)
    assert page["KeyCount"] == 0
    assert page["MaxKeys"] == 0
    assert "Contents" not in page


def test_list_v2_invalid_arguments(s3: Any, bucket: str) -> None:
    expect_error(
        s3.list_objects_v2,
        "InvalidArgument",
        400,
        "The continuation token provided is incorrect",
        Bucket=bucket,
        ContinuationToken="not a token!",
    )
    expect_error(
        s3.list_objects_v2,
        "InvalidArgument",
        400,
        "Invalid Encoding Method specified in Request",
        Bucket=bucket,
        EncodingType="base64",
    )
    expect_error(
        s3.list_objects_v2,
        "InvalidArgument",
        400,
        "Argument maxKeys must be an integer between 0 and 2147483647",
        Bucket=bucket,
        MaxKeys=-1,
    )


def test_list_v2_url_encoding(s3: Any, bucket: str, raw_s3: tuple[Any, list[bytes]]) -> None:
    keys = ["a b/c+d", "x%y", "tab\there", "ctl\x01key", "é/ü", "q?r#s&t"]
    put_keys(s3, bucket, keys)
    try:
        _check_url_encoding(bucket, keys, *raw_s3)
    finally:
        # XML 1.0 cannot carry U+0001, so DeleteObjects (the fixture's cleanup) cannot name it.
        s3.delete_object(Bucket=bucket, Key="ctl\x01key")


def _check_url_encoding(bucket: str, keys: list[str], client: Any, bodies: list[bytes]) -> None:
    # boto3 asks for url encoding by itself and decodes what comes back.
    page = client.list_objects_v2(Bucket=bucket, Prefix="", Delimiter="/")
    assert keys_of(page) == byte_order([k for k in keys if "/" not in k])
    assert prefixes_of(page) == ["a b/", "é/"]
    xml = bodies[-1]
    assert b"<EncodingType>url</EncodingType>" in xml
    assert b"\x01" not in xml and b"\t" not in xml and b"&#x" not in xml
    assert b"ctl%01key" in xml and b"tab%09here" in xml and b"x%25y" in xml
    assert b"%C3%A9" in xml.upper()

    # Asked for explicitly, EncodingType is the caller's to decode.
    explicit = client.list_objects_v2(Bucket=bucket, EncodingType="url", Prefix="a b")
    assert explicit["EncodingType"] == "url"
    [entry] = explicit["Contents"]
    assert entry["Key"] != "a b/c+d"
    assert unquote_plus(entry["Key"]) == "a b/c+d"
    assert unquote_plus(explicit["Prefix"]) == "a b"

    start = client.list_objects_v2(Bucket=bucket, StartAfter="tab\there")
    assert start["StartAfter"] == "tab\there"
    assert keys_of(start) == [k for k in byte_order(keys) if k.encode() > b"tab\there"]


def test_2500_keys_in_folders(s3: Any, big_bucket: tuple[str, list[str]]) -> None:
    """One test on purpose: filling the bucket costs more than listing it (xdist spreads tests)."""
    name, keys = big_bucket
    check_v2_paginator(s3, name, keys)
    check_delimiter_over_folders(s3, name)
    check_v1_over_folders(s3, name, keys)


def check_v2_paginator(s3: Any, name: str, keys: list[str]) -> None:
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=name))
    assert [p["KeyCount"] for p in pages] == [1000, 1000, 500]
    listed = [k for p in pages for k in keys_of(p)]
    assert listed == keys
    assert len(set(listed)) == 2500
    small = s3.get_paginator("list_objects_v2").paginate(
        Bucket=name, PaginationConfig={"PageSize": 700}
    )
    assert [k for p in small for k in keys_of(p)] == keys


def check_delimiter_over_folders(s3: Any, name: str) -> None:
    folders = [f"tree/f{i}/" for i in range(FOLDERS)]
    page = s3.list_objects_v2(Bucket=name, Prefix="tree/", Delimiter="/")
    assert prefixes_of(page) == folders
    assert page["KeyCount"] == FOLDERS
    assert page["IsTruncated"] is False
    assert "Contents" not in page

    top = s3.list_objects_v2(Bucket=name, Delimiter="/")
    assert prefixes_of(top) == ["flat/", "tree/"]

    seen: list[str] = []
    token = None
    sizes = []
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=name, Prefix="tree/", Delimiter="/", MaxKeys=2, **kwargs)
        sizes.append(page["KeyCount"])
        seen += prefixes_of(page)
        assert keys_of(page) == []
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert seen == folders
    assert sizes == [2, 2, 1]

    paginated = s3.get_paginator("list_objects_v2").paginate(
        Bucket=name, Prefix="tree/", Delimiter="/", PaginationConfig={"PageSize": 2}
    )
    assert [p for page in paginated for p in prefixes_of(page)] == folders

    inside = s3.list_objects_v2(Bucket=name, Prefix="tree/f3/", Delimiter="/", MaxKeys=1000)
    assert keys_of(inside) == [f"tree/f3/k{j:03d}" for j in range(PER_FOLDER)]


# -- ListObjects (v1) -------------------------------------------------------------------


def test_list_v1_marker_paging_without_delimiter(s3: Any, bucket: str) -> None:
    put_keys(s3, bucket, UNICODE_KEYS)
    expected = byte_order(UNICODE_KEYS)
    seen: list[str] = []
    marker = ""
    while True:
        page = s3.list_objects(Bucket=bucket, MaxKeys=3, Marker=marker)
        assert page["Marker"] == marker
        assert "NextMarker" not in page  # only with a delimiter
        assert all(o["Owner"]["ID"] for o in page["Contents"])  # v1 always names the owner
        seen += keys_of(page)
        if not page["IsTruncated"]:
            break
        marker = seen[-1]
    assert seen == expected


def test_list_v1_next_marker_with_delimiter(s3: Any, bucket: str) -> None:
    keys = ["a/1", "a/2", "b", "c/1", "c/2", "d", "e/x/1"]
    put_keys(s3, bucket, keys)
    seen: list[str] = []
    markers = []
    marker = ""
    while True:
        page = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2, Marker=marker)
        seen += prefixes_of(page) + keys_of(page)
        if not page["IsTruncated"]:
            assert "NextMarker" not in page
            break
        marker = page["NextMarker"]
        markers.append(marker)
    assert sorted(seen) == ["a/", "b", "c/", "d", "e/"]
    assert markers == ["b", "d"]


def check_v1_over_folders(s3: Any, name: str, keys: list[str]) -> None:
    page = s3.list_objects(Bucket=name, Prefix="tree/", Delimiter="/")
    assert prefixes_of(page) == [f"tree/f{i}/" for i in range(FOLDERS)]
    first = s3.list_objects(Bucket=name)
    assert keys_of(first) == keys[:1000]
    assert first["IsTruncated"] is True
    paged = s3.get_paginator("list_objects").paginate(Bucket=name)
    assert [k for p in paged for k in keys_of(p)] == keys


def test_list_v1_prefix_is_not_encoded(s3: Any, bucket: str, raw_s3: Any) -> None:
    # botocore decodes Marker, NextMarker, Delimiter and the keys of a v1 listing, but not
    # Prefix: S3 sends it as given.
    s3.put_object(Bucket=bucket, Key="a b/c d", Body=b"x")
    client, bodies = raw_s3
    page = client.list_objects(Bucket=bucket, Prefix="a b/", Marker="a b/a", Delimiter="/")
    assert page["Prefix"] == "a b/"
    assert page["Marker"] == "a b/a"
    assert keys_of(page) == ["a b/c d"]
    assert b"<Prefix>a b/</Prefix>" in bodies[-1]


# -- the aws CLI ----------------------------------------------------------------------


def test_aws_cli_listing(aws: AwsCli, s3: Any, bucket: str) -> None:
    put_keys(s3, bucket, ["logs/2024/a", "logs/2024/b", "logs/2025/c", "readme é"])
    listed = aws.json(
        "s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "logs/", "--delimiter", "/"
    )
    assert prefixes_of(listed) == ["logs/2024/", "logs/2025/"]
    everything = aws.json("s3api", "list-objects-v2", "--bucket", bucket, "--page-size", "1")
    assert keys_of(everything) == ["logs/2024/a", "logs/2024/b", "logs/2025/c", "readme é"]
    v1 = aws.json("s3api", "list-objects", "--bucket", bucket, "--max-items", "2")
    assert keys_of(v1) == ["logs/2024/a", "logs/2024/b"]
    assert v1["NextToken"]
