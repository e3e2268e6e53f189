"""Versioning: version ids, the null version, delete markers, ListObjectVersions, by-version
reads, deletes and copies, through boto3 and the aws CLI."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import AwsCli, Server
from .conftest import expect_error, upload_multipart
from .versioned import bucket_maker, delete_everything, versions_of

Maker = Callable[..., str]


@pytest.fixture
def make(s3: Any) -> Iterator[Maker]:
    with bucket_maker(s3) as maker:
        yield maker


def put(s3: Any, bucket: str, key: str, body: bytes) -> str | None:
    return s3.put_object(Bucket=bucket, Key=key, Body=body).get("VersionId")


def read(s3: Any, bucket: str, key: str, **kwargs: Any) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key, **kwargs)["Body"].read()


# -- configuration ----------------------------------------------------------------------


def test_versioning_status_starts_unset_then_enabled_and_suspended(s3: Any, make: Maker) -> None:
    bucket = make()
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    got = s3.get_bucket_versioning(Bucket=bucket)
    assert got["Status"] == "Suspended"
    assert "MFADelete" not in got


def test_mfa_delete_setting_is_stored(s3: Any, make: Maker) -> None:
    bucket = make()
    s3.put_bucket_versioning(
        Bucket=bucket,
        VersioningConfiguration={"Status": "Enabled", "MFADelete": "Disabled"},
        MFA="arn:aws:iam::000000000000:mfa/root 123456",
    )
    got = s3.get_bucket_versioning(Bucket=bucket)
    assert (got["Status"], got["MFADelete"]) == ("Enabled", "Disabled")


def test_versioning_of_a_missing_bucket(s3: Any) -> None:
    expect_error(s3.get_bucket_versioning, "NoSuchBucket", 404, Bucket="no-such-bucket-v1")
    expect_error(
        s3.put_bucket_versioning,
        "NoSuchBucket",
        404,
        Bucket="no-such-bucket-v1",
        VersioningConfiguration={"Status": "Enabled"},
    )


def test_object_lock_bucket_is_versioned_and_cannot_be_suspended(s3: Any) -> None:
    bucket = f"lock-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    try:
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        expect_error(
            s3.put_bucket_versioning,
            "InvalidBucketState",
            409,
            Bucket=bucket,
            VersioningConfiguration={"Status": "Suspended"},
        )
    finally:
        delete_everything(s3, bucket)


# -- versions ---------------------------------------------------------------------------


def test_every_write_gets_a_version_and_old_ones_stay_readable(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    first = put(s3, bucket, "k", b"one")
    second = put(s3, bucket, "k", b"two")
    assert first and second and first != second and len(first) == 32
    current = s3.get_object(Bucket=bucket, Key="k")
    assert (current["Body"].read(), current["VersionId"]) == (b"two", second)
    assert read(s3, bucket, "k", VersionId=first) == b"one"
    head = s3.head_object(Bucket=bucket, Key="k", VersionId=first)
    assert (head["VersionId"], head["ContentLength"]) == (first, 3)
    assert [v["VersionId"] for v in versions_of(s3, bucket, "k")] == [second, first]


def test_unversioned_bucket_has_only_the_null_version(s3: Any, bucket: str) -> None:
    assert put(s3, bucket, "k", b"one") is None
    assert "VersionId" not in s3.get_object(Bucket=bucket, Key="k")
    assert read(s3, bucket, "k", VersionId="null") == b"one"
    listed = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in listed] == [("k", "null", True)]


def test_object_written_before_enabling_is_the_null_version(s3: Any, make: Maker) -> None:
    bucket = make()
    put(s3, bucket, "k", b"before")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.head_object(Bucket=bucket, Key="k")["VersionId"] == "null"
    newer = put(s3, bucket, "k", b"after")
    assert read(s3, bucket, "k") == b"after"
    assert read(s3, bucket, "k", VersionId="null") == b"before"
    assert [v["VersionId"] for v in versions_of(s3, bucket, "k")] == [newer, "null"]


def test_suspended_writes_replace_the_null_version_and_keep_others(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    kept = put(s3, bucket, "k", b"enabled")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert put(s3, bucket, "k", b"null-1") == "null"
    assert put(s3, bucket, "k", b"null-2") == "null"
    assert [v["VersionId"] for v in versions_of(s3, bucket, "k")] == ["null", kept]
    assert read(s3, bucket, "k") == b"null-2"
    deleted = s3.delete_object(Bucket=bucket, Key="k")
    assert (deleted["DeleteMarker"], deleted["VersionId"]) == (True, "null")
    entries = versions_of(s3, bucket, "k")
    assert [(e["VersionId"], e["Marker"]) for e in entries] == [("null", True), (kept, False)]


def test_suspended_null_version_below_newer_versions_is_replaced(s3: Any, make: Maker) -> None:
    bucket = make()
    put(s3, bucket, "k", b"null")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    newer = put(s3, bucket, "k", b"enabled")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    put(s3, bucket, "k", b"new-null")
    assert [v["VersionId"] for v in versions_of(s3, bucket, "k")] == ["null", newer]
    assert read(s3, bucket, "k", VersionId="null") == b"new-null"


# -- delete markers -----------------------------------------------------------------------


def test_delete_adds_a_marker_that_hides_the_key(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    version = put(s3, bucket, "k", b"data")
    deleted = s3.delete_object(Bucket=bucket, Key="k")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    assert marker and marker != version
    response = expect_error(s3.get_object, "NoSuchKey", 404, Bucket=bucket, Key="k")
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true"
    assert headers["x-amz-version-id"] == marker
    response = expect_error(s3.head_object, "404", 404, Bucket=bucket, Key="k")
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    assert "Contents" not in s3.list_objects(Bucket=bucket)
    assert read(s3, bucket, "k", VersionId=version) == b"data"


def test_reading_a_delete_marker_by_version_is_method_not_allowed(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    put(s3, bucket, "k", b"data")
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    response = expect_error(
        s3.get_object,
        "MethodNotAllowed",
        405,
        "The specified method is not allowed against this resource.",
        Bucket=bucket,
        Key="k",
        VersionId=marker,
    )
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    expect_error(s3.head_object, "405", 405, Bucket=bucket, Key="k", VersionId=marker)


def test_deleting_the_delete_marker_brings_the_object_back(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    put(s3, bucket, "k", b"data")
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    undone = s3.delete_object(Bucket=bucket, Key="k", VersionId=marker)
    assert (undone["DeleteMarker"], undone["VersionId"]) == (True, marker)
    assert read(s3, bucket, "k") == b"data"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["k"]


def test_delete_marker_on_a_key_that_never_existed(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    deleted = s3.delete_object(Bucket=bucket, Key="ghost")
    assert deleted["DeleteMarker"] is True
    assert s3.list_object_versions(Bucket=bucket)["DeleteMarkers"][0]["Key"] == "ghost"


def test_deleting_versions_for_good(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    first = put(s3, bucket, "k", b"one")
    second = put(s3, bucket, "k", b"two")
    removed = s3.delete_object(Bucket=bucket, Key="k", VersionId=first)
    assert removed["VersionId"] == first and "DeleteMarker" not in removed
    expect_error(
        s3.get_object,
        "NoSuchVersion",
        404,
        "The specified version does not exist.",
        Bucket=bucket,
        Key="k",
        VersionId=first,
    )
    # Deleting the current version makes the next one current; the last one, the key gone.
    third = put(s3, bucket, "k", b"three")
    s3.delete_object(Bucket=bucket, Key="k", VersionId=third)
    assert read(s3, bucket, "k") == b"two"
    s3.delete_object(Bucket=bucket, Key="k", VersionId=second)
    expect_error(s3.get_object, "NoSuchKey", 404, Bucket=bucket, Key="k")
    assert "Versions" not in s3.list_object_versions(Bucket=bucket)


def test_malformed_version_ids_are_refused(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    put(s3, bucket, "k", b"data")
    for call in (s3.get_object, s3.delete_object):
        expect_error(
            call,
            "InvalidArgument",
            400,
            "Invalid version id specified",
            Bucket=bucket,
            Key="k",
            VersionId="not-a-version",
        )


def test_delete_objects_by_version_and_with_markers(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    a1 = put(s3, bucket, "a", b"a1")
    put(s3, bucket, "a", b"a2")
    put(s3, bucket, "b", b"b1")
    marker = s3.delete_object(Bucket=bucket, Key="c")["VersionId"]
    result = s3.delete_objects(
        Bucket=bucket,
        Delete={
            "Objects": [
                {"Key": "a", "VersionId": a1},
                {"Key": "b"},
                {"Key": "c", "VersionId": marker},
                {"Key": "d", "VersionId": "bogus"},
            ]
        },
    )
    deleted = {d["Key"]: d for d in result["Deleted"]}
    assert deleted["a"]["VersionId"] == a1 and "DeleteMarker" not in deleted["a"]
    assert deleted["b"]["DeleteMarker"] is True and deleted["b"]["DeleteMarkerVersionId"]
    assert deleted["c"]["DeleteMarker"] is True
    assert deleted["c"]["DeleteMarkerVersionId"] == marker
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [("d", "NoSuchVersion")]
    assert [v["VersionId"] for v in versions_of(s3, bucket, "a")] != [a1]
    assert versions_of(s3, bucket, "b")[0]["Marker"] is True
    assert versions_of(s3, bucket, "c") == []


def test_bucket_with_only_old_versions_is_not_empty(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    put(s3, bucket, "k", b"data")
    s3.delete_object(Bucket=bucket, Key="k")
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    expect_error(s3.delete_bucket, "BucketNotEmpty", 409, Bucket=bucket)


def test_conditional_create_succeeds_over_a_delete_marker(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    put(s3, bucket, "k", b"one")
    s3.delete_object(Bucket=bucket, Key="k")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two", IfNoneMatch="*")
    expect_error(
        s3.put_object, "PreconditionFailed", 412, Bucket=bucket, Key="k", Body=b"x", IfNoneMatch="*"
    )


# -- ListObjectVersions ----------------------------------------------------------------


def _listing_entries(page: dict[str, Any]) -> list[tuple[str, str, bool, bool]]:
    entries = [(v["Key"], v["VersionId"], v["IsLatest"], False) for v in page.get("Versions", [])]
    entries += [
        (m["Key"], m["VersionId"], m["IsLatest"], True) for m in page.get("DeleteMarkers", [])
    ]
    return entries


def test_list_object_versions_orders_and_pages(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    a = [put(s3, bucket, "a", f"a{i}".encode()) for i in range(3)]
    b = put(s3, bucket, "b", b"b0")
    marker = s3.delete_object(Bucket=bucket, Key="b")["VersionId"]
    c = [put(s3, bucket, "c", f"c{i}".encode()) for i in range(2)]
    # Keys in order; each key's versions newest first, the newest marked latest.
    expected = [
        ("a", a[2], True, False),
        ("a", a[1], False, False),
        ("a", a[0], False, False),
        ("b", marker, True, True),
        ("b", b, False, False),
        ("c", c[1], True, False),
        ("c", c[0], False, False),
    ]
    full = s3.list_object_versions(Bucket=bucket)
    assert sorted(_listing_entries(full)) == sorted(expected)
    assert full["IsTruncated"] is False

    seen: list[tuple[str, str | None, bool, bool]] = []
    kwargs: dict[str, Any] = {}
    pages = 0
    while True:
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=2, **kwargs)
        pages += 1
        entries = _listing_entries(page)
        assert len(entries) <= 2
        seen += sorted(entries, key=expected.index)
        if not page["IsTruncated"]:
            break
        kwargs = {
            "KeyMarker": page["NextKeyMarker"],
            "VersionIdMarker": page["NextVersionIdMarker"],
        }
    assert seen == expected
    assert pages == 4


def test_list_object_versions_key_marker_alone_skips_the_key(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    for key in ("a", "a", "b"):
        put(s3, bucket, key, b"x")
    page = s3.list_object_versions(Bucket=bucket, KeyMarker="a")
    assert [v["Key"] for v in page["Versions"]] == ["b"]
    assert page["KeyMarker"] == "a"


def test_list_object_versions_prefix_and_delimiter(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    for key in ("logs/2024/a", "logs/2024/b", "logs/2025/a", "logs/top", "other"):
        put(s3, bucket, key, b"1")
        put(s3, bucket, key, b"2")
    page = s3.list_object_versions(Bucket=bucket, Prefix="logs/", Delimiter="/")
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["logs/2024/", "logs/2025/"]
    assert [v["Key"] for v in page["Versions"]] == ["logs/top", "logs/top"]
    assert page["Prefix"] == "logs/" and page["Delimiter"] == "/"
    first = s3.list_object_versions(Bucket=bucket, Prefix="logs/", Delimiter="/", MaxKeys=1)
    assert first["IsTruncated"] is True
    assert [p["Prefix"] for p in first["CommonPrefixes"]] == ["logs/2024/"]
    rest = s3.list_object_versions(
        Bucket=bucket, Prefix="logs/", Delimiter="/", KeyMarker=first["NextKeyMarker"]
    )
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["logs/2025/"]


def test_version_id_marker_needs_a_key_marker(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    expect_error(
        s3.list_object_versions,
        "InvalidArgument",
        400,
        "A version-id marker cannot be specified without a key marker.",
        Bucket=bucket,
        VersionIdMarker="null",
    )


def test_paginator_walks_every_version(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    for i in range(7):
        put(s3, bucket, f"k{i % 3}", str(i).encode())
    pages = s3.get_paginator("list_object_versions").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 2}
    )
    ids = [v["VersionId"] for page in pages for v in page.get("Versions", [])]
    assert len(ids) == len(set(ids)) == 7


# -- copy, multipart, tagging ------------------------------------------------------------


def test_copy_a_version_and_restore_an_old_version_in_place(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    first = put(s3, bucket, "k", b"one")
    put(s3, bucket, "k", b"two")
    copied = s3.copy_object(
        Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k", "VersionId": first}
    )
    assert copied["CopySourceVersionId"] == first
    assert copied["VersionId"] and copied["VersionId"] != first
    assert read(s3, bucket, "copy") == b"one"
    restored = s3.copy_object(
        Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k", "VersionId": first}
    )
    assert read(s3, bucket, "k") == b"one"
    assert len(versions_of(s3, bucket, "k")) == 3
    assert restored["VersionId"] == s3.head_object(Bucket=bucket, Key="k")["VersionId"]


def test_copy_from_a_delete_marker(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    put(s3, bucket, "k", b"one")
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    expect_error(
        s3.copy_object,
        "InvalidRequest",
        400,
        "The source of a copy request may not specifically refer to a delete marker by version id.",
        Bucket=bucket,
        Key="copy",
        CopySource={"Bucket": bucket, "Key": "k", "VersionId": marker},
    )
    expect_error(
        s3.copy_object,
        "NoSuchKey",
        404,
        Bucket=bucket,
        Key="copy",
        CopySource={"Bucket": bucket, "Key": "k"},
    )


def test_multipart_upload_creates_a_version(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    old = put(s3, bucket, "big", b"old")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")
    part = s3.upload_part(
        Bucket=bucket, Key="big", UploadId=upload["UploadId"], PartNumber=1, Body=b"new"
    )
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert done["VersionId"] and done["VersionId"] != old
    assert read(s3, bucket, "big") == b"new"
    assert read(s3, bucket, "big", VersionId=old) == b"old"
    assert upload_multipart(s3, bucket, "big", [b"newest"])
    assert len(versions_of(s3, bucket, "big")) == 3


def test_tags_belong_to_a_version(s3: Any, make: Maker) -> None:
    bucket = make(versioning="Enabled")
    first = put(s3, bucket, "k", b"one")
    second = put(s3, bucket, "k", b"two")
    tagged = s3.put_object_tagging(
        Bucket=bucket, Key="k", VersionId=first, Tagging={"TagSet": [{"Key": "v", "Value": "1"}]}
    )
    assert tagged["VersionId"] == first
    assert s3.get_object_tagging(Bucket=bucket, Key="k", VersionId=first)["TagSet"] == [
        {"Key": "v", "Value": "1"}
    ]
    current = s3.get_object_tagging(Bucket=bucket, Key="k")
    assert (current["TagSet"], current["VersionId"]) == ([], second)


# -- persistence and the aws CLI ---------------------------------------------------------


def test_versions_survive_a_restart(own_server: Server) -> None:
    from ..conftest import make_client

    own_server.start()
    client = make_client(own_server.endpoint, "s3")
    client.create_bucket(Bucket="keep")
    client.put_bucket_versioning(Bucket="keep", VersioningConfiguration={"Status": "Enabled"})
    first = put(client, "keep", "k", b"one")
    put(client, "keep", "k", b"two")
    marker = client.delete_object(Bucket="keep", Key="k")["VersionId"]
    own_server.restart()
    client = make_client(own_server.endpoint, "s3")
    assert read(client, "keep", "k", VersionId=first) == b"one"
    assert versions_of(client, "keep", "k")[0]["VersionId"] == marker


def test_data_dir_from_before_versioning_upgrades(own_server: Server) -> None:
    """A data directory made by the first schema gains the versions table on start."""
    from cloudlet.core.store import Store
    from cloudlet.services.s3.schema import MIGRATIONS

    from ..conftest import make_client

    root: Path = own_server.data_dir / "s3"
    root.mkdir(parents=True)
    old = Store(root / "s3.db", MIGRATIONS[:1])
    with old.write() as conn:
        conn.execute(
            "INSERT INTO buckets (name, account_id, region, created) VALUES (?,?,?,?)",
            ("legacy", "000000000000", "us-east-1", 0.0),
        )
    del old
    own_server.start()
    client = make_client(own_server.endpoint, "s3")
    client.put_bucket_versioning(Bucket="legacy", VersioningConfiguration={"Status": "Enabled"})
    assert put(client, "legacy", "k", b"one")
    with sqlite3.connect(root / "s3.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_aws_cli_versioning(aws: AwsCli, s3: Any, make: Maker, tmp_path: Path) -> None:
    bucket = make()
    aws(
        "s3api",
        "put-bucket-versioning",
        "--bucket",
        bucket,
        "--versioning-configuration",
        "Status=Enabled",
    )
    assert aws.json("s3api", "get-bucket-versioning", "--bucket", bucket)["Status"] == "Enabled"
    source = tmp_path / "f.txt"
    for text in ("one", "two"):
        source.write_text(text)
        aws("s3", "cp", str(source), f"s3://{bucket}/f.txt")
    aws("s3", "rm", f"s3://{bucket}/f.txt")
    listed = aws.json("s3api", "list-object-versions", "--bucket", bucket)
    assert len(listed["Versions"]) == 2
    assert [m["IsLatest"] for m in listed["DeleteMarkers"]] == [True]
    oldest = min(listed["Versions"], key=lambda v: v["LastModified"])["VersionId"]
    target = tmp_path / "out.txt"
    aws(
        "s3api",
        "get-object",
        "--bucket",
        bucket,
        "--key",
        "f.txt",
        "--version-id",
        oldest,
        str(target),
    )
    assert target.read_text() == "one"
    assert (
        json.loads(
            aws("s3api", "list-objects-v2", "--bucket", bucket, "--output", "json").stdout or "{}"
        ).get("Contents")
        is None
    )


def test_reading_an_old_version_needs_get_object_version(
    server: Server, s3: Any, client_factory: Callable[..., Any], make: Maker
) -> None:
    from ..conftest import make_client

    bucket = make(versioning="Enabled")
    old = put(s3, bucket, "k", b"old")
    put(s3, bucket, "k", b"new")
    iam = client_factory("iam")
    user = f"versions-{uuid.uuid4().hex[:10]}"
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    allow = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="read", PolicyDocument=json.dumps(allow))
    try:
        user_s3 = make_client(
            server.endpoint, "s3", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"]
        )
        assert read(user_s3, bucket, "k") == b"new"
        expect_error(user_s3.get_object, "AccessDenied", 403, Bucket=bucket, Key="k", VersionId=old)
        allow["Statement"][0]["Action"] = ["s3:GetObject", "s3:GetObjectVersion"]
        iam.put_user_policy(UserName=user, PolicyName="read", PolicyDocument=json.dumps(allow))
        assert read(user_s3, bucket, "k", VersionId=old) == b"old"
    finally:
        iam.delete_user_policy(UserName=user, PolicyName="read")
        iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName=user)
