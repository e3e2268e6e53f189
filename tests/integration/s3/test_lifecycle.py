"""Lifecycle configurations: the rule grammar as S3 validates it, and rules executed on the
clock (a server of this module's own, since the tests move its clock)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ..conftest import AwsCli, Server
from .conftest import expect_error
from .versioned import LARGE, advance, bucket_maker, start_server, versions_of

Maker = Callable[..., str]


@pytest.fixture
def make(s3: Any) -> Iterator[Maker]:
    with bucket_maker(s3) as maker:
        yield maker


@pytest.fixture(scope="module")
def clocked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Any]]:
    server, client = start_server(tmp_path_factory.mktemp("lifecycle"))
    yield server, client
    server.stop()


@pytest.fixture
def clocked_make(clocked: tuple[Server, Any]) -> Iterator[Maker]:
    with bucket_maker(clocked[1]) as maker:
        yield maker


def put_rules(s3: Any, bucket: str, *rules: dict[str, Any], **kwargs: Any) -> Any:
    return s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)}, **kwargs
    )


def rule(**fields: Any) -> dict[str, Any]:
    return {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, **fields}


def storage_class(s3: Any, bucket: str, key: str) -> str:
    return s3.head_object(Bucket=bucket, Key=key).get("StorageClass", "STANDARD")


def exists(s3: Any, bucket: str, key: str) -> bool:
    return any(o["Key"] == key for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


# -- configuration round trip -----------------------------------------------------------


FULL = [
    {
        "ID": "logs",
        "Status": "Enabled",
        "Filter": {"Prefix": "logs/"},
        "Transitions": [
            {"Days": 30, "StorageClass": "STANDARD_IA"},
            {"Days": 90, "StorageClass": "GLACIER"},
        ],
        "Expiration": {"Days": 365},
        "NoncurrentVersionTransitions": [
            {"NoncurrentDays": 30, "StorageClass": "GLACIER", "NewerNoncurrentVersions": 2}
        ],
        "NoncurrentVersionExpiration": {"NoncurrentDays": 60, "NewerNoncurrentVersions": 3},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    },
    {
        "ID": "tagged-and-sized",
        "Status": "Disabled",
        "Filter": {
            "And": {
                "Prefix": "data/",
                "Tags": [{"Key": "tier", "Value": "cold"}, {"Key": "team", "Value": "a"}],
                "ObjectSizeGreaterThan": 1024,
                "ObjectSizeLessThan": 10485760,
            }
        },
        "Transitions": [{"Days": 0, "StorageClass": "DEEP_ARCHIVE"}],
    },
    {
        "ID": "markers",
        "Status": "Enabled",
        "Filter": {},
        "Expiration": {"ExpiredObjectDeleteMarker": True},
    },
    {
        "ID": "dated",
        "Status": "Enabled",
        "Filter": {"Tag": {"Key": "project", "Value": "old"}},
        "Expiration": {"Date": datetime(2030, 1, 1, tzinfo=UTC)},
    },
]


def test_configuration_round_trip(s3: Any, make: Maker) -> None:
    bucket = make()
    expect_error(
        s3.get_bucket_lifecycle_configuration,
        "NoSuchLifecycleConfiguration",
        404,
        "The lifecycle configuration does not exist",
        Bucket=bucket,
    )
    answer = put_rules(s3, bucket, *FULL)
    assert answer["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["Rules"] == FULL
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    s3.delete_bucket_lifecycle(Bucket=bucket)
    expect_error(
        s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration", 404, Bucket=bucket
    )


def test_rules_without_an_id_get_one_and_v1_prefix_rules_work(s3: Any, make: Maker) -> None:
    bucket = make()
    put_rules(
        s3,
        bucket,
        {"Status": "Enabled", "Prefix": "a/", "Expiration": {"Days": 1}},
        {"Status": "Enabled", "Prefix": "b/", "Expiration": {"Days": 2}},
    )
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["Prefix"] for r in rules] == ["a/", "b/"]
    assert all(r["ID"] for r in rules) and rules[0]["ID"] != rules[1]["ID"]


def test_minimum_object_size_setting(s3: Any, make: Maker) -> None:
    bucket = make()
    answer = put_rules(
        s3,
        bucket,
        rule(Transitions=[{"Days": 1, "StorageClass": "GLACIER"}]),
        TransitionDefaultMinimumObjectSize="varies_by_storage_class",
    )
    assert answer["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"


# -- validation ------------------------------------------------------------------------------

INVALID = [
    pytest.param(
        [rule(Transitions=[{"Days": 10, "StorageClass": "STANDARD_IA"}])],
        "InvalidArgument",
        "'Days' in Transition action must be greater than or equal to 30 for storageClass "
        "'STANDARD_IA'",
        id="standard-ia-before-30-days",
    ),
    pytest.param(
        [rule(Transitions=[{"Days": 29, "StorageClass": "ONEZONE_IA"}])],
        "InvalidArgument",
        "'Days' in Transition action must be greater than or equal to 30 for storageClass "
        "'ONEZONE_IA'",
        id="onezone-ia-before-30-days",
    ),
    pytest.param(
        [rule(Expiration={"Days": 0})],
        "InvalidArgument",
        "'Days' for Expiration action must be a positive integer",
        id="expiration-days-zero",
    ),
    pytest.param(
        [rule(Expiration={"Days": 1}), rule(Expiration={"Days": 2})],
        "InvalidArgument",
        "Rule ID must be unique. Found same ID for more than one rule",
        id="duplicate-ids",
    ),
    pytest.param(
        [
            rule(
                Transitions=[
                    {"Days": 30, "StorageClass": "GLACIER"},
                    {"Days": 60, "StorageClass": "STANDARD_IA"},
                ]
            )
        ],
        "InvalidArgument",
        "'Days' in the Transition action for StorageClass 'GLACIER' for filter '(prefix=logs/)' "
        "must be greater than 'Days' in the Transition action for StorageClass 'STANDARD_IA' "
        "for filter '(prefix=logs/)'",
        id="standard-ia-after-glacier",
    ),
    pytest.param(
        [
            rule(
                Transitions=[
                    {"Days": 30, "StorageClass": "STANDARD_IA"},
                    {"Days": 40, "StorageClass": "GLACIER"},
                ]
            )
        ],
        "InvalidArgument",
        "'Days' in the Transition action for StorageClass 'GLACIER' for filter '(prefix=logs/)' "
        "must be 30 days more than 'filter '(prefix=logs/)'' in the Transition action for "
        "StorageClass 'STANDARD_IA'",
        id="glacier-too-soon-after-standard-ia",
    ),
    pytest.param(
        [
            rule(
                Transitions=[{"Days": 90, "StorageClass": "GLACIER"}],
                Expiration={"Days": 90},
            )
        ],
        "InvalidArgument",
        "'Days' in the Expiration action for filter '(prefix=logs/)' must be greater than "
        "'Days' in the Transition action",
        id="expiration-not-after-transition",
    ),
    pytest.param(
        [rule(Expiration={"Date": datetime(2030, 1, 1, 12, tzinfo=UTC)})],
        "InvalidArgument",
        "'Date' must be at midnight GMT",
        id="date-not-midnight",
    ),
    pytest.param(
        [rule(Transitions=[{"Days": -1, "StorageClass": "GLACIER"}])],
        "InvalidArgument",
        "'Days' in Transition action must be nonnegative",
        id="negative-transition-days",
    ),
    pytest.param(
        [
            rule(
                Transitions=[
                    {"Days": 30, "StorageClass": "GLACIER"},
                    {"Days": 90, "StorageClass": "GLACIER"},
                ]
            )
        ],
        "InvalidRequest",
        "'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter "
        "'(prefix=logs/)'",
        id="same-class-twice",
    ),
    pytest.param(
        [rule(NoncurrentVersionExpiration={"NoncurrentDays": 0})],
        "InvalidArgument",
        "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
        id="noncurrent-days-zero",
    ),
    pytest.param(
        [rule(AbortIncompleteMultipartUpload={"DaysAfterInitiation": 0})],
        "InvalidArgument",
        "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive "
        "integer",
        id="abort-days-zero",
    ),
    pytest.param(
        [
            {
                "ID": "r",
                "Status": "Enabled",
                "Filter": {"Tag": {"Key": "k", "Value": "v"}},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            }
        ],
        "InvalidRequest",
        "AbortIncompleteMultipartUpload cannot be specified with Tags.",
        id="abort-with-tags",
    ),
    pytest.param(
        [
            {
                "ID": "r",
                "Status": "Enabled",
                "Filter": {"ObjectSizeGreaterThan": 10},
                "Expiration": {"ExpiredObjectDeleteMarker": True},
            }
        ],
        "InvalidRequest",
        "ExpiredObjectDeleteMarker cannot be specified with Object Size.",
        id="marker-with-size",
    ),
    pytest.param(
        [rule(Expiration={"Days": 1, "ExpiredObjectDeleteMarker": True})],
        "MalformedXML",
        None,
        id="marker-with-days",
    ),
    pytest.param(
        [
            {
                "ID": "r",
                "Status": "Enabled",
                "Filter": {"Prefix": "a", "ObjectSizeLessThan": 5},
                "Expiration": {"Days": 1},
            }
        ],  # fmt: skip
        "MalformedXML",
        None,
        id="two-conditions-without-and",
    ),
    pytest.param(
        [{"ID": "r", "Status": "Enabled", "Expiration": {"Days": 1}}],
        "MalformedXML",
        None,
        id="neither-filter-nor-prefix",
    ),
    pytest.param(
        [rule()],
        "InvalidRequest",
        "At least one action needs to be specified in a rule",
        id="no-action",
    ),
    pytest.param(
        [
            {
                "ID": "r",
                "Status": "Enabled",
                "Filter": {"And": {"ObjectSizeGreaterThan": 100, "ObjectSizeLessThan": 50}},
                "Expiration": {"Days": 1},
            }
        ],
        "InvalidRequest",
        "'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.",
        id="sizes-crossed",
    ),
    pytest.param(
        [
            {"ID": "a", "Status": "Enabled", "Prefix": "logs/", "Expiration": {"Days": 1}},
            {"ID": "b", "Status": "Enabled", "Filter": {"Prefix": "x"}, "Expiration": {"Days": 1}},
        ],
        "InvalidRequest",
        "Filter element can only be used in Lifecycle V2.",
        id="filter-in-v1",
    ),
    pytest.param(
        [
            {"ID": "a", "Status": "Enabled", "Prefix": "logs/", "Expiration": {"Days": 1}},
            {"ID": "b", "Status": "Enabled", "Prefix": "logs/old/", "Expiration": {"Days": 2}},
        ],
        "InvalidRequest",
        "Found overlapping prefixes 'logs/' and 'logs/old/' for same action type 'Expiration'",
        id="overlapping-v1-prefixes",
    ),
]


@pytest.mark.parametrize(("rules", "code", "message"), INVALID)
def test_invalid_configurations(
    s3: Any, bucket: str, rules: list[dict[str, Any]], code: str, message: str | None
) -> None:
    expect_error(put_rules_kw, code, 400, message, s3=s3, bucket=bucket, rules=rules)


def put_rules_kw(s3: Any, bucket: str, rules: list[dict[str, Any]]) -> Any:
    return put_rules(s3, bucket, *rules)


def test_unknown_minimum_object_size_is_refused(s3: Any, bucket: str) -> None:
    expect_error(
        s3.put_bucket_lifecycle_configuration,
        "InvalidRequest",
        400,
        "Invalid TransitionDefaultMinimumObjectSize found",
        Bucket=bucket,
        LifecycleConfiguration={"Rules": [rule(Expiration={"Days": 1})]},
        TransitionDefaultMinimumObjectSize="huge",
    )


# -- x-amz-expiration --------------------------------------------------------------------


def test_expiration_header_on_put_get_and_head(s3: Any, make: Maker) -> None:
    bucket = make()
    put_rules(s3, bucket, rule(ID="expire-logs", Expiration={"Days": 3}))
    written = s3.put_object(Bucket=bucket, Key="logs/a", Body=b"x")
    head = s3.head_object(Bucket=bucket, Key="logs/a")
    expected = head["LastModified"].timestamp() + 3 * 86400
    midnight = (int(expected // 86400) + 1) * 86400
    text = datetime.fromtimestamp(midnight, UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    header = f'expiry-date="{text}", rule-id="expire-logs"'
    assert head["Expiration"] == header
    assert written["Expiration"] == header
    assert s3.get_object(Bucket=bucket, Key="logs/a")["Expiration"] == header
    s3.put_object(Bucket=bucket, Key="other", Body=b"x")
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="other")


# -- rules on the clock ------------------------------------------------------------------


def test_logs_move_to_standard_ia_then_glacier_then_expire(
    clocked: tuple[Server, Any], clocked_make: Maker
) -> None:
    """The issue's rule: logs/ to STANDARD_IA at 30 days, GLACIER at 90, gone at 365."""
    server, s3 = clocked
    bucket = clocked_make()
    s3.put_object(Bucket=bucket, Key="logs/app.log", Body=LARGE)
    s3.put_object(Bucket=bucket, Key="logs/small.log", Body=b"tiny")
    s3.put_object(Bucket=bucket, Key="data/keep.csv", Body=LARGE)
    put_rules(
        s3,
        bucket,
        rule(
            ID="logs",
            Transitions=[
                {"Days": 30, "StorageClass": "STANDARD_IA"},
                {"Days": 90, "StorageClass": "GLACIER"},
            ],
            Expiration={"Days": 365},
        ),
    )
    # Due times are rounded up to the next midnight UTC, so each check leaves a day's margin.
    steps = [
        (1, "STANDARD"),
        (28, "STANDARD"),  # day 29
        (2, "STANDARD_IA"),  # day 31
        (58, "STANDARD_IA"),  # day 89
        (2, "GLACIER"),  # day 91
        (273, "GLACIER"),  # day 364
    ]
    for days, expected in steps:
        advance(server, days=days)
        assert storage_class(s3, bucket, "logs/app.log") == expected
        # Under 128 KB nothing transitions by default; the rule's expiration still applies.
        assert storage_class(s3, bucket, "logs/small.log") == "STANDARD"
        assert storage_class(s3, bucket, "data/keep.csv") == "STANDARD"
    listed = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed["logs/app.log"] == "GLACIER"
    advance(server, days=2)  # day 366
    assert not exists(s3, bucket, "logs/app.log")
    assert not exists(s3, bucket, "logs/small.log")
    assert exists(s3, bucket, "data/keep.csv")


def test_small_objects_transition_when_the_filter_names_a_size(
    clocked: tuple[Server, Any], clocked_make: Maker
) -> None:
    server, s3 = clocked
    bucket = clocked_make()
    s3.put_object(Bucket=bucket, Key="logs/tiny", Body=b"tiny")
    put_rules(
        s3,
        bucket,
        {
            "ID": "any-size",
            "Status": "Enabled",
            "Filter": {"And": {"Prefix": "logs/", "ObjectSizeGreaterThan": 0}},
            "Transitions": [{"Days": 1, "StorageClass": "GLACIER_IR"}],
        },
    )
    advance(server, days=3)
    assert storage_class(s3, bucket, "logs/tiny") == "GLACIER_IR"


def test_varies_by_storage_class_lets_small_objects_reach_glacier(
    clocked: tuple[Server, Any], clocked_make: Maker
) -> None:
    server, s3 = clocked
    bucket = clocked_make()
    s3.put_object(Bucket=bucket, Key="logs/tiny", Body=b"tiny")
    put_rules(
        s3,
        bucket,
        rule(Transitions=[{"Days": 1, "StorageClass": "GLACIER"}]),
        TransitionDefaultMinimumObjectSize="varies_by_storage_class",
    )
    advance(server, days=3)
    assert storage_class(s3, bucket, "logs/tiny") == "GLACIER"


def test_tag_and_size_filters(clocked: tuple[Server, Any], clocked_make: Maker) -> None:
    server, s3 = clocked
    bucket = clocked_make()
    s3.put_object(Bucket=bucket, Key="a", Body=b"x", Tagging="retention=short")
    s3.put_object(Bucket=bucket, Key="b", Body=b"x", Tagging="retention=long")
    s3.put_object(Bucket=bucket, Key="c", Body=b"x" * 2000)
    s3.put_object(Bucket=bucket, Key="d", Body=b"x" * 10)
    put_rules(
        s3,
        bucket,
        {
            "ID": "tagged",
            "Status": "Enabled",
            "Filter": {"Tag": {"Key": "retention", "Value": "short"}},
            "Expiration": {"Days": 1},
        },
        {
            "ID": "big",
            "Status": "Enabled",
            "Filter": {"ObjectSizeGreaterThan": 1000},
            "Expiration": {"Days": 1},
        },
    )
    advance(server, days=3)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["b", "d"]


def test_disabled_rules_do_nothing(clocked: tuple[Server, Any], clocked_make: Maker) -> None:
    server, s3 = clocked
    bucket = clocked_make()
    s3.put_object(Bucket=bucket, Key="logs/a", Body=b"x")
    put_rules(s3, bucket, rule(Status="Disabled", Expiration={"Days": 1}))
    advance(server, days=3)
    assert exists(s3, bucket, "logs/a")


def test_expiration_by_date(clocked: tuple[Server, Any], clocked_make: Maker) -> None:
    server, s3 = clocked
    bucket = clocked_make()
    s3.put_object(Bucket=bucket, Key="logs/a", Body=b"x")
    # POST (not GET) answers the clock as the worker reloaded it: another may have moved it.
    now = server.admin("POST", "/_cloudlet/clock", {"advance_seconds": 0})["now"]
    midnight = (int(now // 86400) + 3) * 86400
    put_rules(s3, bucket, rule(Expiration={"Date": datetime.fromtimestamp(midnight, UTC)}))
    advance(server, days=1)
    assert exists(s3, bucket, "logs/a")
    advance(server, days=3)
    assert not exists(s3, bucket, "logs/a")


def test_expiring_in_a_versioned_bucket_adds_a_delete_marker_then_cleans_up(
    clocked: tuple[Server, Any], clocked_make: Maker
) -> None:
    server, s3 = clocked
    bucket = clocked_make(versioning="Enabled")
    version = s3.put_object(Bucket=bucket, Key="logs/a", Body=b"x")["VersionId"]
    put_rules(
        s3,
        bucket,
        rule(
            Expiration={"Days": 10},
            NoncurrentVersionExpiration={"NoncurrentDays": 5},
        ),
        {
            "ID": "markers",
            "Status": "Enabled",
            "Filter": {"Prefix": "logs/"},
            "Expiration": {"ExpiredObjectDeleteMarker": True},
        },
    )
    advance(server, days=12)
    entries = versions_of(s3, bucket, "logs/a")
    assert [(e["VersionId"], e["Marker"]) for e in entries][1:] == [(version, False)]
    assert entries[0]["Marker"] and entries[0]["IsLatest"]
    expect_error(s3.get_object, "NoSuchKey", 404, Bucket=bucket, Key="logs/a")
    # Five days later the noncurrent version expires; the delete marker, alone, goes next.
    advance(server, days=7)
    assert versions_of(s3, bucket, "logs/a") == []


def test_newer_noncurrent_versions_are_kept(
    clocked: tuple[Server, Any], clocked_make: Maker
) -> None:
    server, s3 = clocked
    bucket = clocked_make(versioning="Enabled")
    ids = [
        s3.put_object(Bucket=bucket, Key="logs/a", Body=str(i).encode())["VersionId"]
        for i in range(5)
    ]
    put_rules(
        s3,
        bucket,
        rule(NoncurrentVersionExpiration={"NoncurrentDays": 1, "NewerNoncurrentVersions": 2}),
    )
    advance(server, days=3)
    # The current version and the two newest noncurrent ones stay.
    assert [e["VersionId"] for e in versions_of(s3, bucket, "logs/a")] == ids[:1:-1]


def test_noncurrent_versions_transition(clocked: tuple[Server, Any], clocked_make: Maker) -> None:
    server, s3 = clocked
    bucket = clocked_make(versioning="Enabled")
    old = s3.put_object(Bucket=bucket, Key="logs/a", Body=LARGE)["VersionId"]
    s3.put_object(Bucket=bucket, Key="logs/a", Body=LARGE)
    put_rules(
        s3,
        bucket,
        rule(NoncurrentVersionTransitions=[{"NoncurrentDays": 30, "StorageClass": "GLACIER"}]),
    )
    advance(server, days=29)
    assert s3.head_object(Bucket=bucket, Key="logs/a", VersionId=old).get("StorageClass") is None
    advance(server, days=2)
    assert s3.head_object(Bucket=bucket, Key="logs/a", VersionId=old)["StorageClass"] == "GLACIER"
    assert storage_class(s3, bucket, "logs/a") == "STANDARD"  # the current one stays


def test_incomplete_uploads_are_aborted(clocked: tuple[Server, Any], clocked_make: Maker) -> None:
    server, s3 = clocked
    bucket = clocked_make()
    s3.create_multipart_upload(Bucket=bucket, Key="logs/big")
    s3.create_multipart_upload(Bucket=bucket, Key="other/big")
    put_rules(s3, bucket, rule(AbortIncompleteMultipartUpload={"DaysAfterInitiation": 7}))
    advance(server, days=6)
    assert len(s3.list_multipart_uploads(Bucket=bucket)["Uploads"]) == 2
    advance(server, days=2)
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket)["Uploads"]] == ["other/big"]


def test_a_day_can_last_seconds(tmp_path_factory: pytest.TempPathFactory) -> None:
    """With ``--lifecycle-day-seconds 1`` rules run on their own as real time passes."""
    server, s3 = start_server(tmp_path_factory.mktemp("fast-days"), "--lifecycle-day-seconds", "1")
    try:
        s3.create_bucket(Bucket="fast")
        s3.put_object(Bucket="fast", Key="logs/a", Body=b"x")
        s3.put_object(Bucket="fast", Key="keep", Body=b"x")
        put_rules(s3, "fast", rule(Expiration={"Days": 2}))
        deadline = time.time() + 30
        while exists(s3, "fast", "logs/a") and time.time() < deadline:
            time.sleep(0.5)
        assert not exists(s3, "fast", "logs/a")
        assert exists(s3, "fast", "keep")
    finally:
        server.stop()


# -- the aws CLI -----------------------------------------------------------------------------


def test_aws_cli_lifecycle(aws: AwsCli, make: Maker, tmp_path: Path) -> None:
    bucket = make()
    document = tmp_path / "lifecycle.json"
    document.write_text(json.dumps({"Rules": [rule(ID="cli", Expiration={"Days": 30})]}))
    aws(
        "s3api",
        "put-bucket-lifecycle-configuration",
        "--bucket",
        bucket,
        "--lifecycle-configuration",
        f"file://{document}",
    )
    got = aws.json("s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket)
    assert got["Rules"] == [rule(ID="cli", Expiration={"Days": 30})]
    document.write_text(
        json.dumps({"Rules": [rule(Transitions=[{"Days": 1, "StorageClass": "STANDARD_IA"}])]})
    )
    failed = aws(
        "s3api",
        "put-bucket-lifecycle-configuration",
        "--bucket",
        bucket,
        "--lifecycle-configuration",
        f"file://{document}",
        check=False,
    )
    assert failed.returncode != 0 and "InvalidArgument" in failed.stderr
    aws("s3api", "delete-bucket-lifecycle", "--bucket", bucket)
