"""Which replication rules a version matches, and where it goes (pure rule logic)."""

from __future__ import annotations

from typing import Any

from cloudlet.services.s3.objects import ObjectRecord
from cloudlet.services.s3.replication import rule_matches, targets_for


def record(key: str = "logs/a", **fields: Any) -> ObjectRecord:
    return ObjectRecord(
        bucket="src", key=key, size=1, etag='"e"', last_modified=0, owner="1", **fields
    )


def v2(prefix: str = "", **fields: Any) -> dict[str, Any]:
    return {
        "ID": "r",
        "Priority": 1,
        "Status": "Enabled",
        "Filter": {"Prefix": prefix},
        "DeleteMarkerReplication": {"Status": "Disabled"},
        "Destination": {"Bucket": "arn:aws:s3:::dst"},
        **fields,
    }


def test_prefix_and_status() -> None:
    assert rule_matches(v2("logs/"), record())
    assert not rule_matches(v2("data/"), record())
    assert not rule_matches(v2(Status="Disabled"), record())


def test_tags_all_required() -> None:
    tagged = v2(Filter={"And": {"Prefix": "logs/", "Tags": [
        {"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}})  # fmt: skip
    assert rule_matches(tagged, record(tags=[("a", "1"), ("b", "2"), ("c", "3")]))
    assert not rule_matches(tagged, record(tags=[("a", "1")]))
    single = v2(Filter={"Tag": {"Key": "a", "Value": "1"}})
    assert rule_matches(single, record(tags=[("a", "1")]))
    assert not rule_matches(single, record(tags=[("a", "2")]))


def test_delete_markers() -> None:
    marker = record(delete_marker=True)
    assert not rule_matches(v2(), marker)
    assert rule_matches(v2(DeleteMarkerReplication={"Status": "Enabled"}), marker)
    legacy = {"ID": "v1", "Prefix": "", "Status": "Enabled", "Destination": {"Bucket": "x"}}
    assert rule_matches(legacy, marker)


def test_sse_kms_needs_source_selection() -> None:
    encrypted = record(encryption={"algorithm": "aws:kms"})
    assert not rule_matches(v2(), encrypted)
    opted = v2(SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}})
    assert rule_matches(opted, encrypted)
    assert rule_matches(v2(), record(encryption={"algorithm": "AES256"}))


def test_highest_priority_wins_per_destination() -> None:
    low = v2(ID="low", Priority=1, Destination={"Bucket": "arn:aws:s3:::dst"})
    high = v2(ID="high", Priority=5, Destination={
        "Bucket": "arn:aws:s3:::dst", "StorageClass": "GLACIER"})  # fmt: skip
    other = v2(ID="other", Priority=3, Destination={"Bucket": "arn:aws:s3:::two"})
    targets = targets_for({"Rules": [low, high, other]}, record())
    by_bucket = {t.bucket: t for t in targets}
    assert set(by_bucket) == {"dst", "two"}
    assert by_bucket["dst"].rule_id == "high" and by_bucket["dst"].storage_class == "GLACIER"


def test_first_legacy_rule_wins() -> None:
    first = {
        "ID": "1",
        "Prefix": "",
        "Status": "Enabled",
        "Destination": {"Bucket": "arn:aws:s3:::d"},
    }
    second = {**first, "ID": "2"}
    assert [t.rule_id for t in targets_for({"Rules": [first, second]}, record())] == ["1"]
