"""Replication configurations: validated as S3 validates them, and which rules a version matches.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html

A rule with a ``Filter`` is a "V2" rule: it needs a ``Priority`` and a
``DeleteMarkerReplication``, and replicates delete markers only when that says
``Enabled`` (never for a tag filter). A rule with only the legacy ``Prefix`` is "V1" and
replicates delete markers always. When several enabled rules send a version to the same
destination bucket, the one with the highest priority decides (storage class, owner,
encryption); a version may go to several destinations.

The configuration is stored as given (missing IDs filled in) with ``since``, the clock time
it was put: versions older than that are not replicated (S3 Batch Replication's job),
except when a tag change makes a version written since then match a rule.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import InvalidArgument, InvalidRequest, MalformedXML
from cloudlet.services.s3.objects import ObjectRecord
from cloudlet.services.s3.versions import ENABLED

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

MAX_RULES = 1000
MAX_ID = 255
BUCKET_ARN = "arn:aws:s3:::"
STORAGE_CLASSES = (
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR",
)  # fmt: skip
#: The statuses a source version can have; a copy made by replication says REPLICA.
SOURCE_STATUSES = ("PENDING", "COMPLETED", "FAILED")
REPLICA = "REPLICA"
_SCHEMA_HINT = "Please refer to S3 Developer Guide for more information."


@dataclass(frozen=True, slots=True)
class Target:
    """Where one matching rule sends a version: what the replication worker needs."""

    rule_id: str
    bucket: str
    storage_class: str | None
    owner_override: bool
    account: str | None
    kms_key: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "bucket": self.bucket,
            "storage_class": self.storage_class,
            "owner_override": self.owner_override,
            "account": self.account,
            "kms_key": self.kms_key,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Target:
        return Target(
            data["rule"],
            data["bucket"],
            data.get("storage_class"),
            bool(data.get("owner_override")),
            data.get("account"),
            data.get("kms_key"),
        )


# -- rule matching --------------------------------------------------------------------


def filter_of(rule: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """(prefix, tags) a rule selects by."""
    if "Filter" not in rule:
        return rule.get("Prefix") or "", []
    given = rule.get("Filter") or {}
    source = (given.get("And") if "And" in given else given) or {}
    tags = [(t.get("Key", ""), t.get("Value", "")) for t in source.get("Tags") or []]
    if source.get("Tag"):
        tags.append((source["Tag"].get("Key", ""), source["Tag"].get("Value", "")))
    return source.get("Prefix") or "", tags


def is_v2(rule: dict[str, Any]) -> bool:
    return "Filter" in rule


def rule_matches(rule: dict[str, Any], record: ObjectRecord) -> bool:
    """Whether an enabled rule replicates this version (an object or a delete marker)."""
    if rule.get("Status") != "Enabled":
        return False
    prefix, tags = filter_of(rule)
    if not record.key.startswith(prefix):
        return False
    if record.delete_marker:
        if not is_v2(rule):
            return True  # V1 rules replicate delete markers
        enabled = (rule.get("DeleteMarkerReplication") or {}).get("Status") == "Enabled"
        return enabled and not tags
    if record.encryption and record.encryption.get("algorithm", "").startswith("aws:kms"):
        # SSE-KMS objects only when the rule opts in (SourceSelectionCriteria).
        criteria = (rule.get("SourceSelectionCriteria") or {}).get("SseKmsEncryptedObjects")
        if (criteria or {}).get("Status") != "Enabled":
            return False
    return all(tag in record.tags for tag in tags)


def targets_for(config: dict[str, Any], record: ObjectRecord) -> list[Target]:
    """The destinations a version goes to: per destination, the highest-priority matching rule."""
    chosen: dict[str, tuple[int, Target]] = {}
    for index, rule in enumerate(config.get("Rules") or []):
        if not rule_matches(rule, record):
            continue
        destination = rule.get("Destination") or {}
        bucket = destination.get("Bucket", "").removeprefix(BUCKET_ARN)
        # V1 rules have no priority: the first listed wins.
        priority = rule.get("Priority", 0) if is_v2(rule) else -index
        owner = (destination.get("AccessControlTranslation") or {}).get("Owner")
        encryption = destination.get("EncryptionConfiguration") or {}
        target = Target(
            rule_id=rule.get("ID", ""),
            bucket=bucket,
            storage_class=destination.get("StorageClass"),
            owner_override=owner == "Destination",
            account=destination.get("Account"),
            kms_key=encryption.get("ReplicaKmsKeyID"),
        )
        if bucket not in chosen or priority > chosen[bucket][0]:
            chosen[bucket] = (priority, target)
    return [target for _, target in chosen.values()]


# -- validation -----------------------------------------------------------------------


def validate(s3: S3, source: str, config: dict[str, Any] | None) -> dict[str, Any]:
    """The configuration to store, or S3's error for its first fault."""
    bucket = s3.buckets.get(source)
    if bucket.versioning != ENABLED:
        raise InvalidRequest(
            "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
        )
    if not config or not config.get("Rules"):
        raise MalformedXML()
    rules = [dict(rule) for rule in config["Rules"]]
    if len(rules) > MAX_RULES:
        raise InvalidRequest("Number of replication rules exceeds the maximum of 1000.")
    if len({is_v2(rule) for rule in rules}) > 1:
        raise InvalidRequest(
            "Replication configuration cannot mix rules with Filter and rules with Prefix. "
            + _SCHEMA_HINT
        )
    seen_ids: set[str] = set()
    priorities: set[int] = set()
    for rule in rules:
        rule.setdefault("ID", uuid.uuid4().hex)
        if len(rule["ID"]) > MAX_ID:
            raise InvalidArgument("ID length should not exceed allowed limit of 255")
        if rule["ID"] in seen_ids:
            raise InvalidArgument("Rule Id must be unique")
        seen_ids.add(rule["ID"])
        _validate_rule(rule)
        if is_v2(rule):
            if rule["Priority"] in priorities:
                raise InvalidRequest(
                    f"Found overlapping priority {rule['Priority']} in replication configuration."
                )
            priorities.add(rule["Priority"])
        _validate_destination(s3, source, rule)
    stored: dict[str, Any] = {"Rules": rules}
    if config.get("Role") is not None:
        stored = {"Role": config["Role"], **stored}
    return stored


def _validate_rule(rule: dict[str, Any]) -> None:
    if rule.get("Status") not in ("Enabled", "Disabled"):
        raise MalformedXML()
    if not is_v2(rule):
        if "Prefix" not in rule:
            raise MalformedXML()
        return
    if "Prefix" in rule:
        raise MalformedXML()
    given = rule.get("Filter") or {}
    if len([k for k in ("Prefix", "Tag", "And") if k in given]) > 1:
        raise MalformedXML()
    if rule.get("Priority") is None:
        raise InvalidRequest(
            "Priority must be specified for this version of Cross Region Replication "
            "configuration schema. " + _SCHEMA_HINT
        )
    marker = rule.get("DeleteMarkerReplication")
    if marker is None:
        raise InvalidRequest(
            "DeleteMarkerReplication must be specified for this version of Cross Region "
            "Replication configuration schema. " + _SCHEMA_HINT
        )
    if marker.get("Status") not in ("Enabled", "Disabled"):
        raise MalformedXML()
    _, tags = filter_of(rule)
    if marker["Status"] == "Enabled" and tags:
        raise InvalidRequest(
            "Delete marker replication is not supported if any Tag filter is specified. "
            + _SCHEMA_HINT
        )
    existing = rule.get("ExistingObjectReplication")
    if existing is not None and existing.get("Status") not in ("Enabled", "Disabled"):
        raise MalformedXML()


def _validate_destination(s3: S3, source: str, rule: dict[str, Any]) -> None:
    destination = rule.get("Destination") or {}
    arn = destination.get("Bucket") or ""
    name = arn.removeprefix(BUCKET_ARN)
    if not arn.startswith(BUCKET_ARN) or not name or "/" in name:
        raise InvalidArgument(
            "Invalid Destination bucket ARN", ArgumentName="Bucket", ArgumentValue=arn
        )
    if name == source:
        raise InvalidRequest("Destination bucket cannot be the same as the source bucket.")
    target = s3.buckets.find(name)
    if target is None:
        raise InvalidRequest("Destination bucket must exist.")
    if target.versioning != ENABLED:
        raise InvalidRequest("Destination bucket must have versioning enabled.")
    storage_class = destination.get("StorageClass")
    if storage_class is not None and storage_class not in STORAGE_CLASSES:
        raise InvalidArgument(
            "Invalid storage class.", ArgumentName="StorageClass", ArgumentValue=storage_class
        )
    translation = destination.get("AccessControlTranslation")
    if translation is not None:
        if translation.get("Owner") != "Destination":
            raise MalformedXML()
        if not destination.get("Account"):
            raise InvalidRequest(
                "Destination Account must be specified when AccessControlTranslation is specified."
            )
    kms = ((rule.get("SourceSelectionCriteria") or {}).get("SseKmsEncryptedObjects") or {}).get(
        "Status"
    )
    replica_key = (destination.get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID")
    if kms == "Enabled" and not replica_key:
        raise InvalidRequest(
            "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present."
        )
    if replica_key and kms != "Enabled":
        raise InvalidRequest(
            "SseKmsEncryptedObjects must be specified if EncryptionConfiguration is present."
        )
