"""Replication: Put/Get/DeleteBucketReplication as S3 validates them, and new versions, tags
and delete markers copied to the destination (same region, another region), surviving a
restart of the server."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from ..conftest import AwsCli, Server, make_client
from .conftest import expect_error, upload_multipart
from .versioned import bucket_maker, delete_everything

Maker = Callable[..., str]
ROLE = "arn:aws:iam::000000000000:role/replication"


@pytest.fixture
def make(s3: Any) -> Iterator[Maker]:
    with bucket_maker(s3) as maker:
        yield maker


def arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def rule(destination: str, **fields: Any) -> dict[str, Any]:
    """A V2 rule for the whole bucket; ``fields`` override or add members."""
    return {
        "ID": "all",
        "Priority": 1,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "DeleteMarkerReplication": {"Status": "Disabled"},
        "Destination": {"Bucket": arn(destination)},
        **fields,
    }


def configure(s3: Any, source: str, *rules: dict[str, Any]) -> None:
    s3.put_bucket_replication(
        Bucket=source, ReplicationConfiguration={"Role": ROLE, "Rules": list(rules)}
    )


def pair(make: Maker) -> tuple[str, str]:
    """A versioned source and a versioned destination."""
    return make("src", "Enabled"), make("dst", "Enabled")


def wait_status(
    s3: Any, bucket: str, key: str, version_id: str, expected: str, timeout: float = 15.0
) -> dict[str, Any]:
    """Poll HEAD until the version's ReplicationStatus is ``expected``; the HEAD response."""
    deadline = time.time() + timeout
    head: dict[str, Any] = {}
    while time.time() < deadline:
        head = s3.head_object(Bucket=bucket, Key=key, VersionId=version_id)
        if head.get("ReplicationStatus") == expected:
            return head
        time.sleep(0.05)
    raise AssertionError(f"{bucket}/{key} is {head.get('ReplicationStatus')}, not {expected}")


def wait_for(condition: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def version_ids(s3: Any, bucket: str) -> dict[str, list[tuple[str, bool]]]:
    """key -> [(version id, is delete marker)], newest first."""
    listing = s3.list_object_versions(Bucket=bucket)
    entries = [(v, False) for v in listing.get("Versions", [])]
    entries += [(m, True) for m in listing.get("DeleteMarkers", [])]
    entries.sort(
        key=lambda e: (e[0]["Key"], not e[0]["IsLatest"], -e[0]["LastModified"].timestamp())
    )
    result: dict[str, list[tuple[str, bool]]] = {}
    for entry, marker in entries:
        result.setdefault(entry["Key"], []).append((entry["VersionId"], marker))
    return result


# -- configuration ----------------------------------------------------------------------


def test_get_without_configuration(s3: Any, make: Maker) -> None:
    bucket = make("src", "Enabled")
    expect_error(
        s3.get_bucket_replication,
        "ReplicationConfigurationNotFoundError",
        404,
        "The replication configuration was not found",
        Bucket=bucket,
    )


def test_put_get_delete(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    rules = [
        rule(
            destination,
            ID="logs",
            Priority=2,
            Filter={"And": {"Prefix": "logs/", "Tags": [{"Key": "k", "Value": "v"}]}},
            Destination={"Bucket": arn(destination), "StorageClass": "STANDARD_IA"},
            SourceSelectionCriteria={"ReplicaModifications": {"Status": "Disabled"}},
        ),
        {k: v for k, v in rule(destination, Priority=1).items() if k != "ID"},
    ]
    configure(s3, source, *rules)
    config = s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]
    assert config["Role"] == ROLE
    assert config["Rules"][0] == rules[0]
    generated = config["Rules"][1]
    assert generated["ID"] and generated["Priority"] == 1
    assert generated["Destination"] == {"Bucket": arn(destination)}
    s3.delete_bucket_replication(Bucket=source)
    expect_error(
        s3.get_bucket_replication, "ReplicationConfigurationNotFoundError", 404, Bucket=source
    )


def test_legacy_prefix_rule(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    legacy = {
        "ID": "v1",
        "Prefix": "docs/",
        "Status": "Enabled",
        "Destination": {"Bucket": arn(destination)},
    }
    configure(s3, source, legacy)
    assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"] == [legacy]
    version = s3.put_object(Bucket=source, Key="docs/a", Body=b"a")["VersionId"]
    wait_status(s3, source, "docs/a", version, "COMPLETED")
    # V1 rules replicate delete markers.
    marker = s3.delete_object(Bucket=source, Key="docs/a")["VersionId"]
    wait_for(lambda: version_ids(s3, destination).get("docs/a", [None])[0] == (marker, True))


def test_versioning_required_on_both_sides(s3: Any, make: Maker) -> None:
    plain, versioned, suspended = make("plain"), make("dst", "Enabled"), make("susp", "Enabled")
    s3.put_bucket_versioning(Bucket=suspended, VersioningConfiguration={"Status": "Suspended"})
    config = {"Role": ROLE, "Rules": [rule(versioned)]}
    message = "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
    for source in (plain, suspended):
        expect_error(
            s3.put_bucket_replication,
            "InvalidRequest",
            400,
            message,
            Bucket=source,
            ReplicationConfiguration=config,
        )
    for destination in (plain, suspended):
        expect_error(
            s3.put_bucket_replication,
            "InvalidRequest",
            400,
            "Destination bucket must have versioning enabled.",
            Bucket=versioned,
            ReplicationConfiguration={"Role": ROLE, "Rules": [rule(destination)]},
        )


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        (
            {"Destination": {"Bucket": "arn:aws:s3:::no-such-bucket-" + uuid.uuid4().hex[:8]}},
            "InvalidRequest",
            "Destination bucket must exist.",
        ),
        ({"Destination": {"Bucket": "not-an-arn"}}, "InvalidArgument", None),
        (
            {"Priority": None},
            "InvalidRequest",
            "Priority must be specified for this version of Cross Region Replication "
            "configuration schema. Please refer to S3 Developer Guide for more information.",
        ),
        (
            {"DeleteMarkerReplication": None},
            "InvalidRequest",
            "DeleteMarkerReplication must be specified for this version of Cross Region "
            "Replication configuration schema. Please refer to S3 Developer Guide for more "
            "information.",
        ),
        (
            {
                "Filter": {"Tag": {"Key": "k", "Value": "v"}},
                "DeleteMarkerReplication": {"Status": "Enabled"},
            },
            "InvalidRequest",
            "Delete marker replication is not supported if any Tag filter is specified. "
            "Please refer to S3 Developer Guide for more information.",
        ),
        (
            {"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}}},
            "InvalidRequest",
            "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present.",
        ),
        ({"Status": "Maybe"}, "MalformedXML", None),
    ],
)
def test_invalid_rules(
    s3: Any, make: Maker, change: dict[str, Any], code: str, message: str | None
) -> None:
    source, destination = pair(make)
    bad = {k: v for k, v in {**rule(destination), **change}.items() if v is not None}
    expect_error(
        s3.put_bucket_replication,
        code,
        400,
        message,
        Bucket=source,
        ReplicationConfiguration={"Role": ROLE, "Rules": [bad]},
    )


def test_invalid_rule_sets(s3: Any, make: Maker) -> None:
    source, destination = pair(make)

    def put(*rules: dict[str, Any]) -> Callable[..., Any]:
        return lambda: configure(s3, source, *rules)

    expect_error(
        put(rule(source)),
        "InvalidRequest",
        400,
        "Destination bucket cannot be the same as the source bucket.",
    )
    expect_error(put(rule(destination), rule(destination, Priority=2)), "InvalidArgument", 400)
    expect_error(
        put(rule(destination), rule(destination, ID="other")),
        "InvalidRequest",
        400,
        "Found overlapping priority 1 in replication configuration.",
    )


def test_versioning_cannot_be_suspended_while_replicating(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    configure(s3, source, rule(destination))
    expect_error(
        s3.put_bucket_versioning,
        "InvalidBucketState",
        409,
        Bucket=source,
        VersioningConfiguration={"Status": "Suspended"},
    )
    s3.delete_bucket_replication(Bucket=source)
    s3.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Suspended"})


def test_iam_actions(server: Server, s3: Any, make: Maker) -> None:
    """GetBucketReplication needs s3:GetReplicationConfiguration; Put and Delete need
    s3:PutReplicationConfiguration."""
    source, destination = pair(make)
    configure(s3, source, rule(destination))
    iam = make_client(server.endpoint, "iam")
    user = f"repl-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:GetReplicationConfiguration"],
                "Resource": arn(source),
            }
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(policy))
    user_s3 = make_client(
        server.endpoint, "s3", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"]
    )
    assert user_s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"]
    config = {"Role": ROLE, "Rules": [rule(destination)]}
    expect_error(
        user_s3.put_bucket_replication,
        "AccessDenied",
        403,
        Bucket=source,
        ReplicationConfiguration=config,
    )
    expect_error(user_s3.delete_bucket_replication, "AccessDenied", 403, Bucket=source)
    policy["Statement"][0]["Action"].append("s3:PutReplicationConfiguration")
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(policy))
    user_s3.delete_bucket_replication(Bucket=source)


# -- replication ------------------------------------------------------------------------


def test_new_version_is_replicated(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    s3.put_object(Bucket=source, Key="logs/before", Body=b"old")
    configure(
        s3,
        source,
        rule(
            destination,
            Filter={"Prefix": "logs/"},
            Destination={"Bucket": arn(destination), "StorageClass": "STANDARD_IA"},
        ),
    )
    put = s3.put_object(
        Bucket=source,
        Key="logs/a.txt",
        Body=b"hello replica",
        ContentType="text/plain",
        CacheControl="max-age=60",
        Metadata={"colour": "blue"},
        Tagging="team=data",
        ChecksumAlgorithm="SHA256",
    )
    other = s3.put_object(Bucket=source, Key="other/b", Body=b"b")
    head = wait_status(s3, source, "logs/a.txt", put["VersionId"], "COMPLETED")
    assert "StorageClass" not in head  # the source stays STANDARD

    got = s3.get_object(
        Bucket=destination, Key="logs/a.txt", VersionId=put["VersionId"], ChecksumMode="ENABLED"
    )
    assert got["Body"].read() == b"hello replica"
    assert got["ReplicationStatus"] == "REPLICA"
    assert got["VersionId"] == put["VersionId"]
    assert got["ETag"] == put["ETag"]
    assert got["ContentType"] == "text/plain"
    assert got["CacheControl"] == "max-age=60"
    assert got["Metadata"] == {"colour": "blue"}
    assert got["StorageClass"] == "STANDARD_IA"
    assert got["ChecksumSHA256"] == put["ChecksumSHA256"]
    assert got["LastModified"] == head["LastModified"]
    tags = s3.get_object_tagging(Bucket=destination, Key="logs/a.txt")["TagSet"]
    assert tags == [{"Key": "team", "Value": "data"}]

    # Keys outside the rule, and versions written before the configuration, stay behind.
    assert "ReplicationStatus" not in s3.head_object(Bucket=source, Key="other/b")
    assert "ReplicationStatus" not in s3.head_object(Bucket=source, Key="logs/before")
    assert set(version_ids(s3, destination)) == {"logs/a.txt"}
    assert other["VersionId"]


def test_versions_arrive_in_order(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    configure(s3, source, rule(destination))
    written = [s3.put_object(Bucket=source, Key="k", Body=b"%d" % i)["VersionId"] for i in range(5)]
    wait_status(s3, source, "k", written[-1], "COMPLETED")
    for version in written:
        wait_status(s3, source, "k", version, "COMPLETED")
    assert [v for v, _ in version_ids(s3, destination)["k"]] == written[::-1]
    assert s3.get_object(Bucket=destination, Key="k")["Body"].read() == b"4"


def test_concurrent_writes_are_each_copied_once(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    configure(s3, source, rule(destination))

    def put(index: int) -> tuple[str, str]:
        key = f"k{index % 5}"
        return key, s3.put_object(Bucket=source, Key=key, Body=b"%d" % index)["VersionId"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        written = list(pool.map(put, range(40)))
    for key, version in written:
        wait_status(s3, source, key, version, "COMPLETED")
    copied = version_ids(s3, destination)
    assert sorted(v for entries in copied.values() for v, _ in entries) == sorted(
        v for _, v in written
    )
    for key, entries in copied.items():
        current = s3.head_object(Bucket=source, Key=key)["VersionId"]
        assert entries[0][0] == current  # the newest version is current on both sides


def test_copy_and_multipart_are_replicated(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    configure(s3, source, rule(destination))
    parts = [b"a" * (5 * 1024 * 1024), b"b" * 1024]
    etag = upload_multipart(s3, source, "multi", parts)
    copied = s3.copy_object(
        Bucket=source, Key="copy", CopySource={"Bucket": source, "Key": "multi"}
    )
    multi_version = s3.head_object(Bucket=source, Key="multi")["VersionId"]
    wait_status(s3, source, "multi", multi_version, "COMPLETED")
    wait_status(s3, source, "copy", copied["VersionId"], "COMPLETED")
    replica = s3.head_object(Bucket=destination, Key="multi", PartNumber=2)
    assert replica["ETag"] == etag and replica["PartsCount"] == 2
    assert replica["ContentLength"] == 1024
    body = s3.get_object(Bucket=destination, Key="copy")["Body"].read()
    assert body == b"".join(parts)


def test_tag_changes_are_replicated(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    configure(s3, source, rule(destination))
    version = s3.put_object(Bucket=source, Key="t", Body=b"t")["VersionId"]
    wait_status(s3, source, "t", version, "COMPLETED")
    s3.put_object_tagging(
        Bucket=source, Key="t", Tagging={"TagSet": [{"Key": "stage", "Value": "final"}]}
    )

    def replica_tags() -> Any:
        tags = s3.get_object_tagging(Bucket=destination, Key="t", VersionId=version)["TagSet"]
        return tags == [{"Key": "stage", "Value": "final"}]

    wait_for(replica_tags)
    wait_status(s3, source, "t", version, "COMPLETED")


def test_tag_filter(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    configure(s3, source, rule(destination, Filter={"Tag": {"Key": "replicate", "Value": "yes"}}))
    tagged = s3.put_object(Bucket=source, Key="a", Body=b"a", Tagging="replicate=yes")
    plain = s3.put_object(Bucket=source, Key="b", Body=b"b")
    wait_status(s3, source, "a", tagged["VersionId"], "COMPLETED")
    assert "ReplicationStatus" not in s3.head_object(Bucket=source, Key="b")
    # Tagging a version written since the configuration makes it match: it is replicated.
    s3.put_object_tagging(
        Bucket=source, Key="b", Tagging={"TagSet": [{"Key": "replicate", "Value": "yes"}]}
    )
    wait_status(s3, source, "b", plain["VersionId"], "COMPLETED")
    assert set(version_ids(s3, destination)) == {"a", "b"}


def test_delete_markers_follow_delete_marker_replication(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    configure(
        s3,
        source,
        rule(destination, ID="on", Filter={"Prefix": "on/"}, Priority=2,
             DeleteMarkerReplication={"Status": "Enabled"}),
        rule(destination, ID="off", Filter={"Prefix": "off/"}),
    )  # fmt: skip
    for key in ("on/k", "off/k"):
        version = s3.put_object(Bucket=source, Key=key, Body=b"x")["VersionId"]
        wait_status(s3, source, key, version, "COMPLETED")
    on_marker = s3.delete_object(Bucket=source, Key="on/k")["VersionId"]
    s3.delete_object(Bucket=source, Key="off/k")
    wait_for(lambda: version_ids(s3, destination)["on/k"][0] == (on_marker, True))
    assert [m for _, m in version_ids(s3, destination)["off/k"]] == [False]
    assert s3.get_object(Bucket=destination, Key="off/k")["Body"].read() == b"x"
    expect_error(s3.head_object, "404", 404, Bucket=destination, Key="on/k")


def test_deleting_a_version_is_not_replicated(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    configure(s3, source, rule(destination, DeleteMarkerReplication={"Status": "Enabled"}))
    version = s3.put_object(Bucket=source, Key="k", Body=b"x")["VersionId"]
    wait_status(s3, source, "k", version, "COMPLETED")
    s3.delete_object(Bucket=source, Key="k", VersionId=version)
    probe = s3.put_object(Bucket=source, Key="probe", Body=b"p")["VersionId"]
    wait_status(s3, source, "probe", probe, "COMPLETED")
    assert version_ids(s3, destination)["k"] == [(version, False)]


def test_replicas_are_not_replicated_again(s3: Any, make: Maker) -> None:
    first, second, third = make("a", "Enabled"), make("b", "Enabled"), make("c", "Enabled")
    configure(s3, first, rule(second))
    configure(s3, second, rule(third))
    version = s3.put_object(Bucket=first, Key="k", Body=b"x")["VersionId"]
    wait_status(s3, first, "k", version, "COMPLETED")
    assert s3.head_object(Bucket=second, Key="k")["ReplicationStatus"] == "REPLICA"
    direct = s3.put_object(Bucket=second, Key="direct", Body=b"d")["VersionId"]
    wait_status(s3, second, "direct", direct, "COMPLETED")
    assert set(version_ids(s3, third)) == {"direct"}


def test_multiple_destinations(s3: Any, make: Maker) -> None:
    source, one, two = make("src", "Enabled"), make("one", "Enabled"), make("two", "Enabled")
    configure(s3, source, rule(one, ID="one"), rule(two, ID="two", Priority=2))
    version = s3.put_object(Bucket=source, Key="k", Body=b"x")["VersionId"]
    wait_status(s3, source, "k", version, "COMPLETED")
    for destination in (one, two):
        assert s3.head_object(Bucket=destination, Key="k")["VersionId"] == version


def test_missing_destination_fails(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    configure(s3, source, rule(destination))
    s3.delete_bucket(Bucket=destination)
    version = s3.put_object(Bucket=source, Key="k", Body=b"x")["VersionId"]
    wait_status(s3, source, "k", version, "FAILED")


def test_destination_no_longer_versioned_fails(s3: Any, make: Maker) -> None:
    source, destination = pair(make)
    configure(s3, source, rule(destination))
    s3.put_bucket_versioning(Bucket=destination, VersioningConfiguration={"Status": "Suspended"})
    version = s3.put_object(Bucket=source, Key="k", Body=b"x")["VersionId"]
    wait_status(s3, source, "k", version, "FAILED")
    assert "k" not in version_ids(s3, destination)


def test_owner_override_and_encryption(
    s3: Any, make: Maker, other_s3: Any, other_account: dict[str, Any]
) -> None:
    source = make("src", "Enabled")
    destination = f"xacct-{uuid.uuid4().hex[:12]}"
    other_s3.create_bucket(Bucket=destination)
    try:
        other_s3.put_bucket_versioning(
            Bucket=destination, VersioningConfiguration={"Status": "Enabled"}
        )
        account = other_s3.get_bucket_acl(Bucket=destination)["Owner"]["ID"]
        configure(
            s3,
            source,
            rule(
                destination,
                Destination={
                    "Bucket": arn(destination),
                    "Account": other_account["AccountId"],
                    "AccessControlTranslation": {"Owner": "Destination"},
                },
            ),
        )
        put = s3.put_object(Bucket=source, Key="k", Body=b"secret", ServerSideEncryption="AES256")
        wait_status(s3, source, "k", put["VersionId"], "COMPLETED")
        got = other_s3.get_object(Bucket=destination, Key="k")
        assert got["Body"].read() == b"secret"
        assert got["ServerSideEncryption"] == "AES256"
        assert other_s3.get_object_acl(Bucket=destination, Key="k")["Owner"]["ID"] == account
    finally:
        delete_everything(other_s3, destination)


def test_sse_kms_objects_need_opting_in(s3: Any, make: Maker, client_factory: Any) -> None:
    source, plain_dest, kms_dest = (
        make("src", "Enabled"),
        make("p", "Enabled"),
        make("k", "Enabled"),
    )
    kms = client_factory("kms")
    replica_key = kms.create_key()["KeyMetadata"]["Arn"]
    configure(
        s3,
        source,
        rule(plain_dest, ID="plain"),
        rule(
            kms_dest,
            ID="kms",
            Priority=2,
            SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}},
            Destination={
                "Bucket": arn(kms_dest),
                "EncryptionConfiguration": {"ReplicaKmsKeyID": replica_key},
            },
        ),
    )
    put = s3.put_object(Bucket=source, Key="k", Body=b"kms bytes", ServerSideEncryption="aws:kms")
    wait_status(s3, source, "k", put["VersionId"], "COMPLETED")
    got = s3.get_object(Bucket=kms_dest, Key="k")
    assert got["Body"].read() == b"kms bytes"
    assert got["SSEKMSKeyId"] == replica_key
    assert "k" not in version_ids(s3, plain_dest)


def test_cross_region(server: Server, s3: Any, make: Maker) -> None:
    source = make("src", "Enabled")
    eu = make_client(server.endpoint, "s3", region="eu-west-1")
    destination = f"eu-{uuid.uuid4().hex[:12]}"
    eu.create_bucket(
        Bucket=destination, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    try:
        eu.put_bucket_versioning(Bucket=destination, VersioningConfiguration={"Status": "Enabled"})
        configure(s3, source, rule(destination))
        version = s3.put_object(Bucket=source, Key="k", Body=b"far away")["VersionId"]
        wait_status(s3, source, "k", version, "COMPLETED")
        assert eu.get_bucket_location(Bucket=destination)["LocationConstraint"] == "eu-west-1"
        got = eu.get_object(Bucket=destination, Key="k")
        assert got["Body"].read() == b"far away" and got["ReplicationStatus"] == "REPLICA"
    finally:
        delete_everything(eu, destination)


def test_queue_survives_kill_9(own_server: Server) -> None:
    # Each queued version waits an hour of clock time, so it is still queued at the kill.
    own_server.env["CLOUDLET_S3_REPLICATION_DELAY"] = "3600"
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    for name in ("src", "dst"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    configure(s3, "src", rule("dst"))
    versions = [s3.put_object(Bucket="src", Key=f"k{i}", Body=b"x")["VersionId"] for i in range(3)]
    assert s3.head_object(Bucket="src", Key="k0")["ReplicationStatus"] == "PENDING"
    own_server.kill()

    own_server.env.pop("CLOUDLET_S3_REPLICATION_DELAY")
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    for index, version in enumerate(versions):
        wait_status(s3, "src", f"k{index}", version, "COMPLETED")
        assert s3.get_object(Bucket="dst", Key=f"k{index}")["VersionId"] == version


def test_aws_cli_replication(aws: AwsCli, s3: Any, make: Maker, tmp_path: Path) -> None:
    """As the course types it: s3api put-bucket-replication, s3 cp, s3api head-object."""
    source, destination = pair(make)
    config = tmp_path / "replication.json"
    config.write_text(json.dumps({"Role": ROLE, "Rules": [rule(destination)]}))
    aws(
        "s3api",
        "put-bucket-replication",
        "--bucket",
        source,
        "--replication-configuration",
        f"file://{config}",
    )
    got = aws.json("s3api", "get-bucket-replication", "--bucket", source)
    assert got["ReplicationConfiguration"]["Rules"][0]["Destination"]["Bucket"] == arn(destination)
    data = tmp_path / "report.csv"
    data.write_bytes(b"a,b\n1,2\n")
    aws("s3", "cp", str(data), f"s3://{source}/reports/report.csv")
    head = aws.json("s3api", "head-object", "--bucket", source, "--key", "reports/report.csv")
    wait_status(s3, source, "reports/report.csv", head["VersionId"], "COMPLETED")
    copy = aws.json("s3api", "head-object", "--bucket", destination, "--key", "reports/report.csv")
    assert copy["ReplicationStatus"] == "REPLICA"
    assert copy["VersionId"] == head["VersionId"]
    aws("s3api", "delete-bucket-replication", "--bucket", source)
    assert (
        "ReplicationConfigurationNotFoundError"
        in aws("s3api", "get-bucket-replication", "--bucket", source, check=False).stderr
    )
