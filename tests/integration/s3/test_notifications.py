"""Bucket notification configurations: stored and validated as S3 does (no delivery yet)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import expect_error

TOPIC = "arn:aws:sns:us-east-1:000000000000:uploads"
QUEUE = "arn:aws:sqs:us-east-1:000000000000:jobs"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:thumbnail"
OVERLAP = (
    "Configurations overlap. Configurations on the same bucket cannot share a common event type."
)


def key_filter(**rules: str) -> dict[str, Any]:
    return {"Key": {"FilterRules": [{"Name": n, "Value": v} for n, v in rules.items()]}}


def test_round_trip_with_generated_ids(s3: Any, bucket: str) -> None:
    assert "TopicConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
    config = {
        "TopicConfigurations": [
            {
                "Id": "images",
                "TopicArn": TOPIC,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": key_filter(prefix="images/", suffix=".jpg"),
            }
        ],
        "QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectRemoved:Delete"]}],
        "LambdaFunctionConfigurations": [
            {
                "LambdaFunctionArn": FUNCTION,
                "Events": ["s3:ObjectCreated:Put"],
                "Filter": key_filter(prefix="videos/"),
            }
        ],
        "EventBridgeConfiguration": {},
    }
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert got["TopicConfigurations"] == [
        {
            "Id": "images",
            "TopicArn": TOPIC,
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {
                "Key": {
                    "FilterRules": [
                        {"Name": "Prefix", "Value": "images/"},
                        {"Name": "Suffix", "Value": ".jpg"},
                    ]
                }
            },
        }
    ]
    [queue] = got["QueueConfigurations"]
    assert queue["QueueArn"] == QUEUE and queue["Events"] == ["s3:ObjectRemoved:Delete"]
    assert len(queue["Id"]) > 0  # generated
    [function] = got["LambdaFunctionConfigurations"]
    assert function["LambdaFunctionArn"] == FUNCTION and function["Id"] != queue["Id"]
    assert got["EventBridgeConfiguration"] == {}
    # An empty configuration turns notifications off.
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert {k for k in got if k != "ResponseMetadata"} == set()


def test_aws_cli_round_trip(aws: Any, bucket: str) -> None:
    aws(
        "s3api", "put-bucket-notification-configuration", "--bucket", bucket,
        "--notification-configuration",
        f'{{"QueueConfigurations": [{{"Id": "q", "QueueArn": "{QUEUE}", '
        '"Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]}',
    )  # fmt: skip
    got = aws.json("s3api", "get-bucket-notification-configuration", "--bucket", bucket)
    assert got == {
        "QueueConfigurations": [
            {"Id": "q", "QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}
        ]
    }


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            {"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:Rename"]},
            "The event is not supported for notifications",
        ),
        (
            {"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"], "Filter": key_filter(name="a")},
            "filter rule name must be either prefix or suffix",
        ),
        (
            {
                "QueueArn": QUEUE,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {
                    "Key": {
                        "FilterRules": [
                            {"Name": "prefix", "Value": "a/"},
                            {"Name": "Prefix", "Value": "b/"},
                        ]
                    }
                },
            },
            "Cannot specify more than one prefix rule in a filter.",
        ),
        (
            {"QueueArn": "not-an-arn", "Events": ["s3:ObjectCreated:*"]},
            "Unable to validate the following destination configurations",
        ),
        (
            {"QueueArn": TOPIC, "Events": ["s3:ObjectCreated:*"]},
            "Unable to validate the following destination configurations",
        ),
    ],
)
def test_invalid_configurations(s3: Any, bucket: str, entry: dict[str, Any], message: str) -> None:
    expect_error(
        s3.put_bucket_notification_configuration,
        "InvalidArgument",
        400,
        message,
        Bucket=bucket,
        NotificationConfiguration={"QueueConfigurations": [entry]},
    )
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)


@pytest.mark.parametrize(
    "first, second, overlaps",
    [
        # the same event, no filters
        (("s3:ObjectCreated:Put", {}), ("s3:ObjectCreated:Put", {}), True),
        # a wildcard covers its events
        (("s3:ObjectCreated:*", {}), ("s3:ObjectCreated:Copy", {}), True),
        # nested prefixes may match the same key
        (("s3:ObjectCreated:*", {"prefix": "logs/"}), ("s3:ObjectCreated:Put", {}), True),
        (
            ("s3:ObjectCreated:*", {"suffix": ".jpg"}),
            ("s3:ObjectCreated:*", {"suffix": "a.jpg"}),
            True,
        ),
        # different events, or filters no key can satisfy both: allowed
        (("s3:ObjectCreated:*", {}), ("s3:ObjectRemoved:*", {}), False),
        (
            ("s3:ObjectCreated:*", {"prefix": "images/"}),
            ("s3:ObjectCreated:*", {"prefix": "videos/"}),
            False,
        ),
        (
            ("s3:ObjectCreated:*", {"suffix": ".jpg"}),
            ("s3:ObjectCreated:*", {"suffix": ".png"}),
            False,
        ),
    ],
)
def test_overlapping_configurations(
    s3: Any, bucket: str, first: tuple[str, dict[str, str]], second: tuple[str, dict[str, str]],
    overlaps: bool,
) -> None:  # fmt: skip
    config = {
        "QueueConfigurations": [
            {"QueueArn": QUEUE, "Events": [first[0]], **_filter(first[1])},
        ],
        "TopicConfigurations": [
            {"TopicArn": TOPIC, "Events": [second[0]], **_filter(second[1])},
        ],
    }
    if overlaps:
        expect_error(
            s3.put_bucket_notification_configuration,
            "InvalidArgument",
            400,
            OVERLAP,
            Bucket=bucket,
            NotificationConfiguration=config,
        )
    else:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
        got = s3.get_bucket_notification_configuration(Bucket=bucket)
        assert len(got["QueueConfigurations"]) == len(got["TopicConfigurations"]) == 1


def _filter(rules: dict[str, str]) -> dict[str, Any]:
    return {"Filter": key_filter(**rules)} if rules else {}


def test_no_such_bucket(s3: Any) -> None:
    expect_error(
        s3.get_bucket_notification_configuration,
        "NoSuchBucket",
        404,
        Bucket="no-such-bucket-notifications-x1",
    )
    expect_error(
        s3.put_bucket_notification_configuration,
        "NoSuchBucket",
        404,
        Bucket="no-such-bucket-notifications-x1",
        NotificationConfiguration={},
    )
