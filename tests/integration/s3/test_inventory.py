"""S3 Inventory: configurations as S3 validates them, and reports written on the clock
(a server of this module's own for those, since the tests move its clock)."""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pyarrow.orc as orc
import pyarrow.parquet as pq
import pytest

from ..conftest import AwsCli, Server, make_client
from .conftest import expect_error, upload_multipart
from .versioned import advance, bucket_maker, delete_everything, start_server

Maker = Callable[..., str]
MIB = 1024 * 1024


@pytest.fixture
def make(s3: Any) -> Iterator[Maker]:
    with bucket_maker(s3) as maker:
        yield maker


@pytest.fixture(scope="module")
def clocked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Any]]:
    server, client = start_server(tmp_path_factory.mktemp("inventory"))
    yield server, client
    server.stop()


@pytest.fixture
def clocked_make(clocked: tuple[Server, Any]) -> Iterator[Maker]:
    with bucket_maker(clocked[1]) as maker:
        yield maker


def configuration(config_id: str, target: str, **fields: Any) -> dict[str, Any]:
    """A Daily CSV configuration of current versions into ``target``; ``destination=``
    adds members of S3BucketDestination, other keywords replace the configuration's."""
    s3_destination = {"Bucket": f"arn:aws:s3:::{target}", "Format": "CSV"}
    s3_destination.update(fields.pop("destination", {}))
    return {
        "Id": config_id,
        "IsEnabled": True,
        "Destination": {"S3BucketDestination": s3_destination},
        "IncludedObjectVersions": "Current",
        "Schedule": {"Frequency": "Daily"},
        **fields,
    }


def put(s3: Any, bucket: str, config: dict[str, Any], config_id: str | None = None) -> Any:
    return s3.put_bucket_inventory_configuration(
        Bucket=bucket, Id=config_id or config["Id"], InventoryConfiguration=config
    )


# -- configurations ------------------------------------------------------------------------


FULL = {
    "Id": "full",
    "IsEnabled": False,
    "Destination": {
        "S3BucketDestination": {
            "AccountId": "000000000000",
            "Bucket": "arn:aws:s3:::somewhere",
            "Format": "Parquet",
            "Prefix": "inventories",
            "Encryption": {"SSEKMS": {"KeyId": "arn:aws:kms:us-east-1:000000000000:key/abc"}},
        }
    },
    "Filter": {"Prefix": "logs/"},
    "IncludedObjectVersions": "All",
    "OptionalFields": ["Size", "StorageClass", "ReplicationStatus", "EncryptionStatus"],
    "Schedule": {"Frequency": "Weekly"},
}


def test_configuration_round_trip(s3: Any, make: Maker) -> None:
    bucket = make()
    expect_error(
        s3.get_bucket_inventory_configuration,
        "NoSuchConfiguration",
        404,
        "The specified configuration does not exist.",
        Bucket=bucket,
        Id="full",
    )
    assert "InventoryConfigurationList" not in s3.list_bucket_inventory_configurations(
        Bucket=bucket
    )
    put(s3, bucket, FULL)
    got = s3.get_bucket_inventory_configuration(Bucket=bucket, Id="full")
    assert got["InventoryConfiguration"] == FULL
    sse_s3 = configuration("sse-s3", "elsewhere", destination={"Encryption": {"SSES3": {}}})
    put(s3, bucket, sse_s3)
    got = s3.get_bucket_inventory_configuration(Bucket=bucket, Id="sse-s3")
    assert got["InventoryConfiguration"] == sse_s3
    listed = s3.list_bucket_inventory_configurations(Bucket=bucket)
    assert listed["IsTruncated"] is False
    assert [c["Id"] for c in listed["InventoryConfigurationList"]] == ["full", "sse-s3"]
    answer = s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="full")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(
        s3.get_bucket_inventory_configuration, "NoSuchConfiguration", 404, Bucket=bucket, Id="full"
    )
    expect_error(
        s3.delete_bucket_inventory_configuration,
        "NoSuchConfiguration",
        404,
        Bucket=bucket,
        Id="full",
    )


def test_put_replaces_a_configuration_of_the_same_id(s3: Any, make: Maker) -> None:
    bucket = make()
    put(s3, bucket, configuration("a", "d1"))
    put(s3, bucket, configuration("a", "d2", Schedule={"Frequency": "Weekly"}))
    got = s3.get_bucket_inventory_configuration(Bucket=bucket, Id="a")["InventoryConfiguration"]
    assert got["Schedule"] == {"Frequency": "Weekly"}
    assert got["Destination"]["S3BucketDestination"]["Bucket"] == "arn:aws:s3:::d2"
    assert (
        len(s3.list_bucket_inventory_configurations(Bucket=bucket)["InventoryConfigurationList"])
        == 1
    )


def test_id_must_match(s3: Any, make: Maker) -> None:
    bucket = make()
    expect_error(
        put,
        "InvalidArgument",
        400,
        s3=s3,
        bucket=bucket,
        config=configuration("in-body", "dest"),
        config_id="in-query",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"OptionalFields": ["Size", "Colour"]},
        {"IncludedObjectVersions": "Some"},
        {"Schedule": {"Frequency": "Hourly"}},
        {"destination": {"Format": "JSON"}},
        {"destination": {"Encryption": {"SSES3": {}, "SSEKMS": {"KeyId": "k"}}}},
    ],
    ids=["optional-field", "versions", "frequency", "format", "two-encryptions"],
)
def test_malformed_configurations(s3: Any, make: Maker, change: dict[str, Any]) -> None:
    bucket = make()
    expect_error(
        put, "MalformedXML", 400, s3=s3, bucket=bucket, config=configuration("c", "d", **change)
    )
    assert "InventoryConfigurationList" not in s3.list_bucket_inventory_configurations(
        Bucket=bucket
    )


def test_destination_must_be_a_bucket_arn(s3: Any, make: Maker) -> None:
    bucket = make()
    config = configuration("c", "d")
    config["Destination"]["S3BucketDestination"]["Bucket"] = "just-a-name"
    expect_error(put, "InvalidArgument", 400, s3=s3, bucket=bucket, config=config)


def test_list_pages_by_100_with_a_continuation_token(s3: Any, make: Maker) -> None:
    bucket = make()
    ids = [f"c{n:03d}" for n in range(205)]
    for config_id in ids:
        put(s3, bucket, configuration(config_id, "dest"))
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        page = s3.list_bucket_inventory_configurations(Bucket=bucket, **kwargs)
        pages += 1
        seen += [c["Id"] for c in page["InventoryConfigurationList"]]
        if token:
            assert page["ContinuationToken"] == token
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        assert len(page["InventoryConfigurationList"]) == 100
        token = page["NextContinuationToken"]
    assert pages == 3
    assert seen == ids


def test_unknown_bucket(s3: Any) -> None:
    expect_error(
        s3.list_bucket_inventory_configurations, "NoSuchBucket", 404, Bucket="no-such-bucket-inv"
    )


def test_aws_cli_inventory_configuration(aws: AwsCli, make: Maker, tmp_path: Path) -> None:
    bucket, destination = make(), make()
    config = configuration(
        "cli", destination, OptionalFields=["Size", "StorageClass", "EncryptionStatus"]
    )
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(config))
    aws(
        "s3api",
        "put-bucket-inventory-configuration",
        "--bucket",
        bucket,
        "--id",
        "cli",
        "--inventory-configuration",
        f"file://{path}",
    )
    got = aws.json("s3api", "get-bucket-inventory-configuration", "--bucket", bucket, "--id", "cli")
    assert got["InventoryConfiguration"] == config
    listed = aws.json("s3api", "list-bucket-inventory-configurations", "--bucket", bucket)
    assert [c["Id"] for c in listed["InventoryConfigurationList"]] == ["cli"]
    aws("s3api", "delete-bucket-inventory-configuration", "--bucket", bucket, "--id", "cli")
    failed = aws(
        "s3api",
        "get-bucket-inventory-configuration",
        "--bucket",
        bucket,
        "--id",
        "cli",
        check=False,
    )
    assert failed.returncode != 0 and "NoSuchConfiguration" in failed.stderr


def test_permissions(server: Server, s3: Any, make: Maker) -> None:
    """Get and List need s3:GetInventoryConfiguration, Put and Delete
    s3:PutInventoryConfiguration."""
    bucket = make()
    put(s3, bucket, configuration("c", "dest"))
    iam = make_client(server.endpoint, "iam")
    user = f"inventory-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    statement = {"Effect": "Allow", "Action": ["s3:GetInventoryConfiguration"]}
    policy = {"Version": "2012-10-17", "Statement": [{**statement, "Resource": "*"}]}
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(policy))
    user_s3 = make_client(
        server.endpoint, "s3", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"]
    )
    assert user_s3.get_bucket_inventory_configuration(Bucket=bucket, Id="c")
    assert user_s3.list_bucket_inventory_configurations(Bucket=bucket)["IsTruncated"] is False
    expect_error(
        put, "AccessDenied", 403, s3=user_s3, bucket=bucket, config=configuration("d", "x")
    )
    expect_error(
        user_s3.delete_bucket_inventory_configuration, "AccessDenied", 403, Bucket=bucket, Id="c"
    )
    policy["Statement"][0]["Action"] = ["s3:PutInventoryConfiguration"]
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(policy))
    put(user_s3, bucket, configuration("d", "x"))
    user_s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="c")
    expect_error(user_s3.list_bucket_inventory_configurations, "AccessDenied", 403, Bucket=bucket)


# -- reports ---------------------------------------------------------------------------------


def manifests(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return sorted(o["Key"] for o in listing if o["Key"].endswith("/manifest.json"))


def read(s3: Any, bucket: str, key: str) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def only_report(s3: Any, bucket: str) -> tuple[str, dict[str, Any], bytes]:
    """The destination's one report: (manifest key, manifest, data file bytes), checked
    against its checksum and the data file's size and MD5."""
    keys = manifests(s3, bucket)
    assert len(keys) == 1, keys
    body = read(s3, bucket, keys[0])
    checksum = read(s3, bucket, keys[0].replace("manifest.json", "manifest.checksum"))
    assert checksum.decode() == hashlib.md5(body).hexdigest()
    manifest = json.loads(body)
    [entry] = manifest["files"]
    data = read(s3, bucket, entry["key"])
    assert entry["size"] == len(data)
    assert entry["MD5checksum"] == hashlib.md5(data).hexdigest()
    return keys[0], manifest, data


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(gzip.decompress(data).decode())))


def test_daily_csv_report_of_current_objects(clocked: tuple[Server, Any], clocked_make: Maker):
    server, s3 = clocked
    source, destination = clocked_make("src"), clocked_make("dst")
    s3.put_object(Bucket=source, Key="a/plain.txt", Body=b"hello")
    s3.put_object(Bucket=source, Key="a/with space+plus.txt", Body=b"x", StorageClass="GLACIER")
    s3.put_object(Bucket=source, Key="b/ia.txt", Body=b"12345678", StorageClass="STANDARD_IA")
    s3.put_object(Bucket=source, Key="b/sse-s3", Body=b"s", ServerSideEncryption="AES256")
    s3.put_object(Bucket=source, Key="b/sse-kms", Body=b"k", ServerSideEncryption="aws:kms")
    upload_multipart(s3, source, "c/multi", [b"m" * (5 * MIB), b"tail"])
    fields = [
        "ObjectOwner",
        "EncryptionStatus",
        "Size",
        "StorageClass",
        "ETag",
        "LastModifiedDate",
        "IsMultipartUploaded",
        "ReplicationStatus",
        "ChecksumAlgorithm",
    ]
    config = configuration(
        "daily",
        destination,
        OptionalFields=fields,
        destination={"Prefix": "reports", "Encryption": {"SSES3": {}}},
    )
    put(s3, source, config)
    assert manifests(s3, destination) == []
    advance(server, days=1)

    key, manifest, data = only_report(s3, destination)
    assert key.startswith(f"reports/{source}/daily/") and key.count("/") == 4
    assert manifest["sourceBucket"] == source
    assert manifest["destinationBucket"] == f"arn:aws:s3:::{destination}"
    assert manifest["version"] == "2016-11-30"
    assert manifest["fileFormat"] == "CSV"
    assert manifest["fileSchema"] == (
        "Bucket, Key, Size, LastModifiedDate, ETag, StorageClass, IsMultipartUploaded, "
        "ReplicationStatus, EncryptionStatus, ChecksumAlgorithm, ObjectOwner"
    )
    assert manifest["creationTimestamp"].isdigit()
    [entry] = manifest["files"]
    assert entry["key"].startswith(f"reports/{source}/daily/data/")
    assert entry["key"].endswith(".csv.gz")
    head = s3.head_object(Bucket=destination, Key=entry["key"])
    assert head["ServerSideEncryption"] == "AES256"

    rows = csv_rows(data)
    by_key = {unquote_plus(r[1]): r for r in rows}
    assert [unquote_plus(r[1]) for r in rows] == [
        "a/plain.txt",
        "a/with space+plus.txt",
        "b/ia.txt",
        "b/sse-kms",
        "b/sse-s3",
        "c/multi",
    ]
    assert by_key["a/with space+plus.txt"][1] == "a/with+space%2Bplus.txt"
    owner = s3.list_objects_v2(Bucket=source, FetchOwner=True)["Contents"][0]["Owner"]["ID"]
    plain = by_key["a/plain.txt"]
    listed = s3.list_objects_v2(Bucket=source, Prefix="a/plain.txt")["Contents"][0]
    assert plain[0] == source
    assert plain[2] == "5"
    modified = listed["LastModified"]
    assert (
        plain[3] == modified.strftime("%Y-%m-%dT%H:%M:%S.") + f"{modified.microsecond // 1000:03d}Z"
    )
    assert plain[4] == hashlib.md5(b"hello").hexdigest()
    head = s3.head_object(Bucket=source, Key="a/plain.txt", ChecksumMode="ENABLED")
    [algorithm] = [k[len("Checksum") :] for k in head if k.startswith("ChecksumCRC")]
    assert plain[5:10] == ["STANDARD", "false", "", "NOT-SSE", algorithm]
    assert plain[10] == owner
    assert by_key["a/with space+plus.txt"][5] == "GLACIER"
    assert by_key["b/ia.txt"][5] == "STANDARD_IA"
    assert by_key["b/sse-s3"][8] == "SSE-S3"
    assert by_key["b/sse-kms"][8] == "SSE-KMS"
    assert by_key["c/multi"][6] == "true"
    assert by_key["c/multi"][4].endswith("-2")
    assert by_key["c/multi"][2] == str(5 * MIB + 4)

    symlinks = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket=destination, Prefix=f"reports/{source}/daily/hive/")[
            "Contents"
        ]
    ]
    assert len(symlinks) == 1 and symlinks[0].endswith("/symlink.txt")
    assert "/hive/dt=" in symlinks[0]
    symlink = read(s3, destination, symlinks[0]).decode()
    assert symlink == f"s3://{destination}/{entry['key']}\n"

    # Once a day: running the jobs again the same day writes nothing more.
    advance(server, seconds=0)
    assert len(manifests(s3, destination)) == 1
    advance(server, days=1)
    assert len(manifests(s3, destination)) == 2


def test_all_versions_report_with_delete_marker(clocked: tuple[Server, Any], clocked_make: Maker):
    server, s3 = clocked
    source, destination = clocked_make("src", versioning="Enabled"), clocked_make("dst")
    first = s3.put_object(Bucket=source, Key="doc", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=source, Key="doc", Body=b"two!")["VersionId"]
    kept = s3.put_object(Bucket=source, Key="gone", Body=b"x")["VersionId"]
    marker = s3.delete_object(Bucket=source, Key="gone")["VersionId"]
    s3.put_object(Bucket=source, Key="other/skipped", Body=b"x")
    config = configuration(
        "versions",
        destination,
        IncludedObjectVersions="All",
        Filter={"Prefix": "d"},
        OptionalFields=["Size", "StorageClass"],
    )
    put(s3, source, config)
    everything = configuration("current", destination, OptionalFields=["Size"])
    put(s3, source, everything)
    advance(server, days=1)

    keys = manifests(s3, destination, f"{source}/versions/")
    assert len(keys) == 1
    manifest = json.loads(read(s3, destination, keys[0]))
    assert manifest["fileSchema"] == (
        "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, StorageClass"
    )
    rows = csv_rows(read(s3, destination, manifest["files"][0]["key"]))
    assert rows == [
        [source, "doc", second, "true", "false", "4", "STANDARD"],
        [source, "doc", first, "false", "false", "3", "STANDARD"],
    ]

    keys = manifests(s3, destination, f"{source}/current/")
    manifest = json.loads(read(s3, destination, keys[0]))
    rows = csv_rows(read(s3, destination, manifest["files"][0]["key"]))
    # The current view leaves out the key whose current version is a delete marker.
    assert rows == [[source, "doc", "4"], [source, "other/skipped", "1"]]

    put(
        s3,
        source,
        configuration("all", destination, IncludedObjectVersions="All", OptionalFields=["Size"]),
    )
    advance(server, days=1)
    keys = manifests(s3, destination, f"{source}/all/")
    manifest = json.loads(read(s3, destination, keys[0]))
    rows = csv_rows(read(s3, destination, manifest["files"][0]["key"]))
    assert [source, "gone", marker, "true", "true", ""] in rows
    assert [source, "gone", kept, "false", "false", "1"] in rows
    assert len(rows) == 5


def test_parquet_report(clocked: tuple[Server, Any], clocked_make: Maker, tmp_path: Path):
    server, s3 = clocked
    source, destination = clocked_make("src"), clocked_make("dst")
    s3.put_object(Bucket=source, Key="k1", Body=b"abc", StorageClass="INTELLIGENT_TIERING")
    s3.put_object(Bucket=source, Key="k 2", Body=b"de")
    fields = ["Size", "LastModifiedDate", "StorageClass", "IntelligentTieringAccessTier"]
    fields += ["IsMultipartUploaded", "EncryptionStatus", "ObjectLockLegalHoldStatus"]
    config = configuration(
        "pq", destination, OptionalFields=fields, destination={"Format": "Parquet"}
    )
    put(s3, source, config)
    advance(server, days=1)

    _, manifest, data = only_report(s3, destination)
    assert manifest["fileFormat"] == "Parquet"
    assert manifest["files"][0]["key"].endswith(".parquet")
    assert manifest["fileSchema"].startswith(
        "message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); "
        "optional int64 size; optional int64 last_modified_date (TIMESTAMP_MILLIS);"
    )
    path = tmp_path / "report.parquet"
    path.write_bytes(data)
    table = pq.read_table(path)
    assert table.schema.names == [
        "bucket",
        "key",
        "size",
        "last_modified_date",
        "storage_class",
        "is_multipart_uploaded",
        "encryption_status",
        "object_lock_legal_hold_status",
        "intelligent_tiering_access_tier",
    ]
    assert str(table.schema.field("size").type) == "int64"
    assert str(table.schema.field("last_modified_date").type) == "timestamp[ms, tz=UTC]"
    assert str(table.schema.field("is_multipart_uploaded").type) == "bool"
    rows = table.to_pylist()
    assert [r["key"] for r in rows] == ["k 2", "k1"]  # not URL-encoded in Parquet
    assert rows[1]["storage_class"] == "INTELLIGENT_TIERING"
    assert rows[1]["intelligent_tiering_access_tier"] == "FREQUENT"
    assert rows[0]["intelligent_tiering_access_tier"] is None
    assert rows[0]["size"] == 2 and rows[0]["is_multipart_uploaded"] is False
    assert rows[0]["object_lock_legal_hold_status"] == "OFF"
    head = s3.head_object(Bucket=source, Key="k1")
    assert rows[1]["last_modified_date"].replace(microsecond=0) == head["LastModified"]


def test_orc_report(clocked: tuple[Server, Any], clocked_make: Maker, tmp_path: Path):
    server, s3 = clocked
    source, destination = clocked_make("src"), clocked_make("dst")
    s3.put_object(Bucket=source, Key="k", Body=b"abc")
    config = configuration(
        "orc", destination, OptionalFields=["Size", "ETag"], destination={"Format": "ORC"}
    )
    put(s3, source, config)
    advance(server, days=1)
    _, manifest, data = only_report(s3, destination)
    assert manifest["fileSchema"] == "struct<bucket:string,key:string,size:bigint,e_tag:string>"
    assert manifest["files"][0]["key"].endswith(".orc")
    table = orc.ORCFile(io.BytesIO(data)).read()
    assert table.to_pylist() == [
        {"bucket": source, "key": "k", "size": 3, "e_tag": hashlib.md5(b"abc").hexdigest()}
    ]


def test_weekly_report_comes_after_seven_days(clocked: tuple[Server, Any], clocked_make: Maker):
    server, s3 = clocked
    source, destination = clocked_make("src"), clocked_make("dst")
    s3.put_object(Bucket=source, Key="k", Body=b"abc")
    put(s3, source, configuration("weekly", destination, Schedule={"Frequency": "Weekly"}))
    advance(server, days=1)
    assert manifests(s3, destination) == []
    advance(server, days=5)
    assert manifests(s3, destination) == []
    advance(server, days=1)
    assert len(manifests(s3, destination)) == 1
    advance(server, days=1)
    assert len(manifests(s3, destination)) == 1


def test_disabled_and_deleted_configurations_write_nothing(
    clocked: tuple[Server, Any], clocked_make: Maker
):
    server, s3 = clocked
    source, destination = clocked_make("src"), clocked_make("dst")
    s3.put_object(Bucket=source, Key="k", Body=b"abc")
    put(s3, source, configuration("off", destination, IsEnabled=False))
    put(s3, source, configuration("deleted", destination))
    s3.delete_bucket_inventory_configuration(Bucket=source, Id="deleted")
    advance(server, days=2)
    assert s3.list_objects_v2(Bucket=destination)["KeyCount"] == 0


def test_missing_destination_bucket_writes_nothing(
    clocked: tuple[Server, Any], clocked_make: Maker
):
    server, s3 = clocked
    source = clocked_make("src")
    s3.put_object(Bucket=source, Key="k", Body=b"abc")
    put(s3, source, configuration("nowhere", "no-such-destination-bucket-x"))
    advance(server, days=1)  # logged and skipped; the server carries on
    assert s3.list_objects_v2(Bucket=source)["KeyCount"] == 1


def test_lock_acl_encryption_and_lifecycle_fields(
    clocked: tuple[Server, Any], clocked_make: Maker
) -> None:
    server, s3 = clocked
    source, destination = f"locked-{uuid.uuid4().hex[:12]}", clocked_make("dst")
    s3.create_bucket(Bucket=source, ObjectLockEnabledForBucket=True)
    s3.put_bucket_ownership_controls(
        Bucket=source, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.delete_public_access_block(Bucket=source)
    try:
        now = server.admin("GET", "/_cloudlet/clock")["now"]
        until = datetime.fromtimestamp(now + 3600, UTC)
        s3.put_object(
            Bucket=source,
            Key="held",
            Body=b"h",
            ObjectLockMode="GOVERNANCE",
            ObjectLockRetainUntilDate=until,
            ObjectLockLegalHoldStatus="ON",
            ACL="authenticated-read",
        )
        s3.put_object(
            Bucket=source,
            Key="kms",
            Body=b"k",
            ServerSideEncryption="aws:kms",
            BucketKeyEnabled=True,
            StorageClass="INTELLIGENT_TIERING",
        )
        s3.put_bucket_lifecycle_configuration(
            Bucket=source,
            LifecycleConfiguration={
                "Rules": [
                    {"ID": "r", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 30}}
                ]
            },
        )
        fields = [
            "LifecycleExpirationDate",
            "ObjectOwner",
            "ObjectAccessControlList",
            "BucketKeyStatus",
            "IntelligentTieringAccessTier",
            "ObjectLockLegalHoldStatus",
            "ObjectLockMode",
            "ObjectLockRetainUntilDate",
            "ReplicationStatus",
            "EncryptionStatus",
        ]
        put(s3, source, configuration("locks", destination, OptionalFields=fields))
        advance(server, days=1)
        _, manifest, data = only_report(s3, destination)
        assert manifest["fileSchema"] == (
            "Bucket, Key, ReplicationStatus, EncryptionStatus, ObjectLockRetainUntilDate, "
            "ObjectLockMode, ObjectLockLegalHoldStatus, IntelligentTieringAccessTier, "
            "BucketKeyStatus, ObjectAccessControlList, ObjectOwner, LifecycleExpirationDate"
        )
        held, kms = csv_rows(data)
        owner = s3.get_bucket_acl(Bucket=source)["Owner"]["ID"]
        expiry = s3.head_object(Bucket=source, Key="held")["Expiration"]
        expires = datetime.strptime(expiry.split('"')[1], "%a, %d %b %Y %H:%M:%S GMT")
        assert held[1] == "held"
        assert held[2:5] == ["", "NOT-SSE", until.strftime("%Y-%m-%dT%H:%M:%S.000Z")]
        assert held[5:9] == ["GOVERNANCE", "ON", "", "DISABLED"]
        grants = json.loads(base64.b64decode(held[9]))
        assert grants["status"] == "AVAILABLE"
        assert {"permission": "FULL_CONTROL", "type": "CanonicalUser", "canonicalId": owner} in (
            grants["grants"]
        )
        assert any(g.get("uri", "").endswith("/AuthenticatedUsers") for g in grants["grants"])
        assert held[10] == owner
        assert held[11] == expires.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert kms[2:9] == ["", "SSE-KMS", "", "", "OFF", "FREQUENT", "ENABLED"]
    finally:
        if s3.list_objects_v2(Bucket=source, Prefix="held")["KeyCount"]:
            s3.put_object_legal_hold(Bucket=source, Key="held", LegalHold={"Status": "OFF"})
        delete_everything(s3, source)


def test_replication_status(clocked: tuple[Server, Any], clocked_make: Maker) -> None:
    server, s3 = clocked
    source = clocked_make("src", versioning="Enabled")
    replica, destination = clocked_make("rep", versioning="Enabled"), clocked_make("dst")
    rule = {
        "ID": "all",
        "Priority": 1,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "DeleteMarkerReplication": {"Status": "Disabled"},
        "Destination": {"Bucket": f"arn:aws:s3:::{replica}"},
    }
    s3.put_bucket_replication(
        Bucket=source,
        ReplicationConfiguration={
            "Role": "arn:aws:iam::000000000000:role/replication",
            "Rules": [rule],
        },
    )
    s3.put_object(Bucket=replica, Key="before", Body=b"r")
    s3.put_object(Bucket=source, Key="copied", Body=b"c")
    deadline = time.time() + 15
    while s3.head_object(Bucket=source, Key="copied").get("ReplicationStatus") != "COMPLETED":
        assert time.time() < deadline, "not replicated in time"
        time.sleep(0.05)
    fields = ["ReplicationStatus"]
    put(s3, source, configuration("rep", destination, OptionalFields=fields))
    put(s3, replica, configuration("rep", destination, OptionalFields=fields))
    advance(server, days=1)
    reports = {}
    for key in manifests(s3, destination):
        manifest = json.loads(read(s3, destination, key))
        reports[manifest["sourceBucket"]] = csv_rows(
            read(s3, destination, manifest["files"][0]["key"])
        )
    assert reports[source] == [[source, "copied", "COMPLETED"]]
    assert reports[replica] == [[replica, "before", ""], [replica, "copied", "REPLICA"]]
