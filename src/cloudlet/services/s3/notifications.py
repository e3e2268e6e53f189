"""Bucket notification configurations: validated and stored as S3 validates them.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
Topics, queues and functions do not exist here yet, so destination ARNs are checked for
their form only: AWS also sends each new destination a test event and answers
"Unable to validate the following destination configurations" when one is not reachable.
Nothing is delivered yet.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from cloudlet.core.errors import InvalidArgument

#: Event names S3 accepts in a notification configuration (botocore's ``Event`` enum).
EVENTS = frozenset(
    {
        "s3:ReducedRedundancyLostObject",
        "s3:ObjectCreated:*",
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Post",
        "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload",
        "s3:ObjectRemoved:*",
        "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated",
        "s3:ObjectRestore:*",
        "s3:ObjectRestore:Post",
        "s3:ObjectRestore:Completed",
        "s3:ObjectRestore:Delete",
        "s3:Replication:*",
        "s3:Replication:OperationFailedReplication",
        "s3:Replication:OperationNotTracked",
        "s3:Replication:OperationMissedThreshold",
        "s3:Replication:OperationReplicatedAfterThreshold",
        "s3:LifecycleTransition",
        "s3:IntelligentTiering",
        "s3:ObjectAcl:Put",
        "s3:LifecycleExpiration:*",
        "s3:LifecycleExpiration:Delete",
        "s3:LifecycleExpiration:DeleteMarkerCreated",
        "s3:ObjectTagging:*",
        "s3:ObjectTagging:Put",
        "s3:ObjectTagging:Delete",
    }
)
#: configuration list -> (its ARN member, the service its ARNs must name).
KINDS = {
    "TopicConfigurations": ("TopicArn", "sns"),
    "QueueConfigurations": ("QueueArn", "sqs"),
    "LambdaFunctionConfigurations": ("LambdaFunctionArn", "lambda"),
}
_ARN = re.compile(r"^arn:aws[a-z-]*:(sns|sqs|lambda):[a-z0-9-]+:\d{12}:\S+$")
OVERLAP = (
    "Configurations overlap. Configurations on the same bucket cannot share a common event type."
)
UNVALIDATED = "Unable to validate the following destination configurations"


def validate(document: dict[str, Any] | None) -> dict[str, Any]:
    """The configuration to store: rules checked, filter names normalised, Ids filled in."""
    document = document or {}
    config: dict[str, Any] = {}
    flat: list[tuple[set[str], str, str]] = []
    for kind, (arn_member, service) in KINDS.items():
        entries = document.get(kind) or []
        if entries:
            config[kind] = [_entry(e, arn_member, service, flat) for e in entries]
    if "EventBridgeConfiguration" in document:
        config["EventBridgeConfiguration"] = {}
    _check_overlaps(flat)
    return config


def _entry(
    entry: dict[str, Any], arn_member: str, service: str, flat: list[tuple[set[str], str, str]]
) -> dict[str, Any]:
    arn = entry.get(arn_member) or ""
    match = _ARN.match(arn)
    if match is None or match.group(1) != service:
        raise InvalidArgument(UNVALIDATED, ArgumentName=arn, ArgumentValue="Invalid ARN")
    events = list(entry.get("Events") or [])
    if not events:
        raise InvalidArgument(
            "A specified event is not supported for notifications.",
            ArgumentName="Event",
            ArgumentValue="",
        )
    for event in events:
        if event not in EVENTS:
            raise InvalidArgument(
                "The event is not supported for notifications",
                ArgumentName="Event",
                ArgumentValue=event,
            )
    rules = _filter_rules(entry.get("Filter"))
    out: dict[str, Any] = {"Id": entry.get("Id") or str(uuid.uuid4()), arn_member: arn}
    out["Events"] = events
    if rules:
        out["Filter"] = {"Key": {"FilterRules": [{"Name": n, "Value": v} for n, v in rules]}}
    values = dict(rules)
    flat.append((set(events), values.get("Prefix", ""), values.get("Suffix", "")))
    return out


def _filter_rules(filter_: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The key filter as (Prefix | Suffix, value) pairs: one of each at most."""
    rules: list[tuple[str, str]] = []
    seen: set[str] = set()
    for rule in ((filter_ or {}).get("Key") or {}).get("FilterRules") or []:
        name = (rule.get("Name") or "").lower()
        if name not in ("prefix", "suffix"):
            raise InvalidArgument(
                "filter rule name must be either prefix or suffix",
                ArgumentName="FilterRule.Name",
                ArgumentValue=rule.get("Name") or "",
            )
        if name in seen:
            raise InvalidArgument(
                f"Cannot specify more than one {name} rule in a filter.",
                ArgumentName="FilterRule.Name",
                ArgumentValue=rule.get("Name") or "",
            )
        seen.add(name)
        rules.append((name.capitalize(), rule.get("Value") or ""))
    return rules


def _check_overlaps(flat: list[tuple[set[str], str, str]]) -> None:
    """Two configurations overlap when they share an event (wildcards included) and a key
    could match both filters: one prefix starts the other and one suffix ends the other."""
    for i, (events_a, prefix_a, suffix_a) in enumerate(flat):
        for events_b, prefix_b, suffix_b in flat[i + 1 :]:
            if (
                _share_event(events_a, events_b)
                and (prefix_a.startswith(prefix_b) or prefix_b.startswith(prefix_a))
                and (suffix_a.endswith(suffix_b) or suffix_b.endswith(suffix_a))
            ):
                raise InvalidArgument(OVERLAP, ArgumentName="Event", ArgumentValue="")


def _share_event(a: set[str], b: set[str]) -> bool:
    return any(_covers(x, y) or _covers(y, x) for x in a for y in b)


def _covers(general: str, specific: str) -> bool:
    if general == specific:
        return True
    return general.endswith(":*") and specific.startswith(general[:-1])
