"""Storage classes on PUT, COPY, multipart and listings; Glacier restores and Intelligent-Tiering
on the clock (a server of this module's own, since the tests move its clock)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ..conftest import Server
from .conftest import expect_error
from .versioned import LARGE, advance, bucket_maker, start_server

Maker = Callable[..., str]
CLASSES = (
    "STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER",
    "DEEP_ARCHIVE",
)  # fmt: skip
NOT_VALID = "The operation is not valid for the object's storage class"


@pytest.fixture
def make(s3: Any) -> Iterator[Maker]:
    with bucket_maker(s3) as maker:
        yield maker


@pytest.fixture(scope="module")
def clocked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Any]]:
    server, client = start_server(tmp_path_factory.mktemp("storage-classes"))
    yield server, client
    server.stop()


@pytest.fixture
def clocked_make(clocked: tuple[Server, Any]) -> Iterator[Maker]:
    with bucket_maker(clocked[1]) as maker:
        yield maker


# -- classes on writes and in listings ----------------------------------------------------


def test_every_class_on_put_head_and_listings(s3: Any, make: Maker) -> None:
    bucket = make()
    for storage_class in CLASSES:
        s3.put_object(Bucket=bucket, Key=storage_class, Body=b"x", StorageClass=storage_class)
        head = s3.head_object(Bucket=bucket, Key=storage_class)
        # S3 leaves x-amz-storage-class out for STANDARD.
        assert head.get("StorageClass", "STANDARD") == storage_class
    listed = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed == {c: c for c in CLASSES}
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert {v["Key"]: v["StorageClass"] for v in versions} == listed


def test_unknown_storage_class_is_refused(s3: Any, bucket: str) -> None:
    expect_error(
        s3.put_object,
        "InvalidStorageClass",
        400,
        "The storage class you specified is not valid",
        Bucket=bucket,
        Key="k",
        Body=b"x",
        StorageClass="COLD_AS_ICE",
    )


def test_copy_and_multipart_set_the_class(s3: Any, make: Maker) -> None:
    bucket = make()
    s3.put_object(Bucket=bucket, Key="src", Body=b"data")
    s3.copy_object(Bucket=bucket, Key="ia", CopySource=f"{bucket}/src", StorageClass="STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="ia")["StorageClass"] == "STANDARD_IA"
    # Changing the class in place is a copy onto itself.
    s3.copy_object(Bucket=bucket, Key="src", CopySource=f"{bucket}/src", StorageClass="GLACIER_IR")
    assert s3.head_object(Bucket=bucket, Key="src")["StorageClass"] == "GLACIER_IR"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", StorageClass="ONEZONE_IA")
    listed = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [u["StorageClass"] for u in listed] == ["ONEZONE_IA"]
    part = s3.upload_part(
        Bucket=bucket, Key="mp", UploadId=upload["UploadId"], PartNumber=1, Body=b"p"
    )
    assert (
        s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload["UploadId"])["StorageClass"]
        == "ONEZONE_IA"
    )
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="mp",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert s3.head_object(Bucket=bucket, Key="mp")["StorageClass"] == "ONEZONE_IA"


def test_archived_objects_cannot_be_read_until_restored(s3: Any, make: Maker) -> None:
    bucket = make()
    for storage_class in ("GLACIER", "DEEP_ARCHIVE"):
        s3.put_object(Bucket=bucket, Key=storage_class, Body=b"cold", StorageClass=storage_class)
        response = expect_error(
            s3.get_object, "InvalidObjectState", 403, NOT_VALID, Bucket=bucket, Key=storage_class
        )
        assert response["Error"]["StorageClass"] == storage_class
        head = s3.head_object(Bucket=bucket, Key=storage_class)  # HEAD still answers
        assert head["StorageClass"] == storage_class and "Restore" not in head
    for readable in ("GLACIER_IR", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING"):
        s3.put_object(Bucket=bucket, Key=readable, Body=b"warm", StorageClass=readable)
        assert s3.get_object(Bucket=bucket, Key=readable)["Body"].read() == b"warm"


def test_archived_source_cannot_be_copied(s3: Any, make: Maker) -> None:
    bucket = make()
    s3.put_object(Bucket=bucket, Key="cold", Body=b"x", StorageClass="GLACIER")
    expect_error(
        s3.copy_object,
        "InvalidObjectState",
        403,
        "Operation is not valid for the source object's storage class",
        Bucket=bucket,
        Key="copy",
        CopySource=f"{bucket}/cold",
    )


def test_restore_needs_an_archived_object(s3: Any, make: Maker) -> None:
    bucket = make()
    s3.put_object(Bucket=bucket, Key="warm", Body=b"x", StorageClass="STANDARD_IA")
    expect_error(
        s3.restore_object,
        "InvalidObjectState",
        403,
        "Restore is not allowed for the object's current storage class",
        Bucket=bucket,
        Key="warm",
        RestoreRequest={"Days": 1},
    )
    expect_error(
        s3.restore_object, "NoSuchKey", 404, Bucket=bucket, Key="nope", RestoreRequest={"Days": 1}
    )


def test_deep_archive_has_no_expedited_retrieval(s3: Any, make: Maker) -> None:
    bucket = make()
    s3.put_object(Bucket=bucket, Key="deep", Body=b"x", StorageClass="DEEP_ARCHIVE")
    expect_error(
        s3.restore_object,
        "InvalidArgument",
        400,
        Bucket=bucket,
        Key="deep",
        RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}},
    )


# -- restores on the clock ------------------------------------------------------------------


def test_glacier_restore_runs_completes_and_expires(
    clocked: tuple[Server, Any], clocked_make: Maker
) -> None:
    server, s3 = clocked
    bucket = clocked_make()
    s3.put_object(Bucket=bucket, Key="k", Body=b"cold bytes", StorageClass="GLACIER")
    started = s3.restore_object(
        Bucket=bucket,
        Key="k",
        RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}},
    )
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.head_object(Bucket=bucket, Key="k")["Restore"] == 'ongoing-request="true"'
    expect_error(
        s3.restore_object,
        "RestoreAlreadyInProgress",
        409,
        "Object restore is already in progress",
        Bucket=bucket,
        Key="k",
        RestoreRequest={"Days": 2},
    )
    expect_error(s3.get_object, "InvalidObjectState", 403, Bucket=bucket, Key="k")
    advance(server, seconds=6 * 60)  # Expedited: minutes
    restore = s3.head_object(Bucket=bucket, Key="k")["Restore"]
    assert restore.startswith('ongoing-request="false", expiry-date="')
    assert restore.endswith(' 00:00:00 GMT"')  # a restored copy expires at midnight UTC
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"cold bytes"
    # Restoring a restored object extends its copy (200, not 202).
    again = s3.restore_object(Bucket=bucket, Key="k", RestoreRequest={"Days": 3})
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    advance(server, days=4)
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="k")
    expect_error(s3.get_object, "InvalidObjectState", 403, Bucket=bucket, Key="k")


@pytest.mark.parametrize(
    ("storage_class", "tier", "hours"),
    [("GLACIER", "Standard", 5), ("GLACIER", "Bulk", 12), ("DEEP_ARCHIVE", "Standard", 12)],
)
def test_restore_takes_the_tiers_time(
    clocked: tuple[Server, Any], clocked_make: Maker, storage_class: str, tier: str, hours: int
) -> None:
    server, s3 = clocked
    bucket = clocked_make()
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass=storage_class)
    s3.restore_object(Bucket=bucket, Key="k", RestoreRequest={"Days": 1, "Tier": tier})
    advance(server, seconds=(hours - 1) * 3600)
    assert s3.head_object(Bucket=bucket, Key="k")["Restore"] == 'ongoing-request="true"'
    advance(server, seconds=2 * 3600)
    assert 'ongoing-request="false"' in s3.head_object(Bucket=bucket, Key="k")["Restore"]


def test_restore_status_in_version_listing(
    clocked: tuple[Server, Any], clocked_make: Maker
) -> None:
    server, s3 = clocked
    bucket = clocked_make()
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="GLACIER")
    s3.restore_object(Bucket=bucket, Key="k", RestoreRequest={"Days": 1})
    listed = s3.list_object_versions(Bucket=bucket, OptionalObjectAttributes=["RestoreStatus"])
    assert listed["Versions"][0]["RestoreStatus"] == {"IsRestoreInProgress": True}
    advance(server, days=0.5)
    status = s3.list_object_versions(Bucket=bucket, OptionalObjectAttributes=["RestoreStatus"])[
        "Versions"
    ][0]["RestoreStatus"]
    assert status["IsRestoreInProgress"] is False and "RestoreExpiryDate" in status


def test_restore_a_noncurrent_version(clocked: tuple[Server, Any], clocked_make: Maker) -> None:
    server, s3 = clocked
    bucket = clocked_make(versioning="Enabled")
    old = s3.put_object(Bucket=bucket, Key="k", Body=b"old", StorageClass="GLACIER")["VersionId"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    s3.restore_object(
        Bucket=bucket,
        Key="k",
        VersionId=old,
        RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}},
    )
    advance(server, seconds=600)
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=old)["Body"].read() == b"old"


# -- Intelligent-Tiering ------------------------------------------------------------------


def _tiering(config_id: str, archive: int = 90, deep: int | None = None) -> dict[str, Any]:
    tierings = [{"Days": archive, "AccessTier": "ARCHIVE_ACCESS"}]
    if deep is not None:
        tierings.append({"Days": deep, "AccessTier": "DEEP_ARCHIVE_ACCESS"})
    return {
        "Id": config_id,
        "Status": "Enabled",
        "Filter": {"Prefix": "archive/"},
        "Tierings": tierings,
    }


def test_intelligent_tiering_configurations(s3: Any, make: Maker) -> None:
    bucket = make()
    expect_error(
        s3.get_bucket_intelligent_tiering_configuration,
        "NoSuchConfiguration",
        404,
        Bucket=bucket,
        Id="one",
    )
    for config_id in ("one", "two"):
        s3.put_bucket_intelligent_tiering_configuration(
            Bucket=bucket, Id=config_id, IntelligentTieringConfiguration=_tiering(config_id)
        )
    got = s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="one")
    assert got["IntelligentTieringConfiguration"] == _tiering("one")
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket)
    assert [c["Id"] for c in listed["IntelligentTieringConfigurationList"]] == ["one", "two"]
    assert listed["IsTruncated"] is False
    s3.delete_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="one")
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket)
    assert [c["Id"] for c in listed["IntelligentTieringConfigurationList"]] == ["two"]
    expect_error(
        s3.delete_bucket_intelligent_tiering_configuration,
        "NoSuchConfiguration",
        404,
        Bucket=bucket,
        Id="one",
    )


def test_intelligent_tiering_days_are_checked(s3: Any, make: Maker) -> None:
    bucket = make()
    expect_error(
        s3.put_bucket_intelligent_tiering_configuration,
        "InvalidArgument",
        400,
        Bucket=bucket,
        Id="short",
        IntelligentTieringConfiguration=_tiering("short", archive=10),
    )
    expect_error(
        s3.put_bucket_intelligent_tiering_configuration,
        "InvalidArgument",
        400,
        Bucket=bucket,
        Id="deep-first",
        IntelligentTieringConfiguration=_tiering("deep-first", archive=200, deep=180),
    )


def test_intelligent_tiering_archives_idle_objects(
    clocked: tuple[Server, Any], clocked_make: Maker
) -> None:
    server, s3 = clocked
    bucket = clocked_make()
    s3.put_bucket_intelligent_tiering_configuration(
        Bucket=bucket, Id="a", IntelligentTieringConfiguration=_tiering("a", archive=90, deep=180)
    )
    for key in ("archive/idle", "archive/busy", "archive/small", "elsewhere"):
        body = b"tiny" if key.endswith("small") else LARGE
        s3.put_object(Bucket=bucket, Key=key, Body=body, StorageClass="INTELLIGENT_TIERING")
    for _ in range(3):
        advance(server, days=31)
        s3.get_object(Bucket=bucket, Key="archive/busy")["Body"].read()  # keeps it frequent
    advance(server, days=1)
    idle = s3.head_object(Bucket=bucket, Key="archive/idle")
    assert idle["ArchiveStatus"] == "ARCHIVE_ACCESS"
    assert idle["StorageClass"] == "INTELLIGENT_TIERING"
    response = expect_error(
        s3.get_object, "InvalidObjectState", 403, Bucket=bucket, Key="archive/idle"
    )
    assert response["Error"]["AccessTier"] == "ARCHIVE_ACCESS"
    for key in ("archive/busy", "archive/small", "elsewhere"):
        assert "ArchiveStatus" not in s3.head_object(Bucket=bucket, Key=key), key
    advance(server, days=90)
    assert s3.head_object(Bucket=bucket, Key="archive/idle")["ArchiveStatus"] == (
        "DEEP_ARCHIVE_ACCESS"
    )
    # An archived Intelligent-Tiering object is restored without Days, back to frequent access.
    expect_error(
        s3.restore_object,
        "InvalidArgument",
        400,
        Bucket=bucket,
        Key="archive/idle",
        RestoreRequest={"Days": 1},
    )
    s3.restore_object(Bucket=bucket, Key="archive/idle", RestoreRequest={})
    head = s3.head_object(Bucket=bucket, Key="archive/idle")
    assert head["Restore"] == 'ongoing-request="true"'
    advance(server, seconds=13 * 3600)
    assert s3.get_object(Bucket=bucket, Key="archive/idle")["Body"].read() == LARGE
    time.sleep(0.2)  # the access is recorded without holding up the read
    assert "ArchiveStatus" not in s3.head_object(Bucket=bucket, Key="archive/idle")


# -- a shorter lifecycle day -------------------------------------------------------------


def test_lifecycle_day_seconds_scales_restores(tmp_path_factory: pytest.TempPathFactory) -> None:
    server, s3 = start_server(
        tmp_path_factory.mktemp("short-day"), "--lifecycle-day-seconds", "240"
    )
    try:
        s3.create_bucket(Bucket="short")
        s3.put_object(Bucket="short", Key="k", Body=b"x", StorageClass="GLACIER")
        s3.restore_object(Bucket="short", Key="k", RestoreRequest={"Days": 1})
        # Standard is 5 hours of a 24-hour day: 50 seconds when a day lasts 240.
        advance(server, seconds=45)
        assert s3.head_object(Bucket="short", Key="k")["Restore"] == 'ongoing-request="true"'
        advance(server, seconds=10)
        assert s3.get_object(Bucket="short", Key="k")["Body"].read() == b"x"
        # The copy lasts one (240-second) day, ending at a day boundary.
        advance(server, seconds=2 * 240)
        expect_error(s3.get_object, "InvalidObjectState", 403, Bucket="short", Key="k")
    finally:
        server.stop()
