"""Lifecycle configurations: the rule grammar, validated as S3 validates it, and rule matching.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html

A configuration whose first rule has a ``Filter`` is "Lifecycle V2": its rules name objects
with ``Filter`` (a prefix, a tag, object sizes, or an ``And`` of them); an older
configuration names them with the rule's own ``Prefix``. The first fault found is the
answer, with S3's code and message. The configuration is stored as given (dates as epoch
seconds, missing IDs filled in) and executed by ``lifecycle_jobs``.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cloudlet.core.errors import InvalidArgument, InvalidRequest, MalformedXML
from cloudlet.services.s3.objects import ObjectRecord
from cloudlet.services.s3.storage import RANK, after_days, http_date

MAX_RULES = 1000
MAX_ID = 255
MAX_SIZE = 1099511627776000
TRANSITION_CLASSES = (
    "GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR",
)  # fmt: skip
#: Classes an object must stay in for a while: transitions out of them come this much later.
MINIMUM_DAYS = {"STANDARD_IA": 30, "ONEZONE_IA": 30, "GLACIER_IR": 90}
INFREQUENT = ("STANDARD_IA", "ONEZONE_IA")
MINIMUM_SIZES = ("all_storage_classes_128K", "varies_by_storage_class")
ACTIONS = (
    "Expiration",
    "Transitions",
    "NoncurrentVersionTransitions",
    "NoncurrentVersionExpiration",
    "AbortIncompleteMultipartUpload",
)


@dataclass(frozen=True, slots=True)
class Scope:
    """The objects a rule applies to."""

    prefix: str = ""
    tags: tuple[tuple[str, str], ...] = ()
    larger: int | None = None  # ObjectSizeGreaterThan
    smaller: int | None = None  # ObjectSizeLessThan

    def matches(self, record: ObjectRecord) -> bool:
        if not record.key.startswith(self.prefix):
            return False
        if self.larger is not None and not record.size > self.larger:
            return False
        if self.smaller is not None and not record.size < self.smaller:
            return False
        return all(tag in record.tags for tag in self.tags)

    def describe(self) -> str:
        """The filter as S3's messages quote it: ``(prefix=logs/ and objectsizelessthan=10)``."""
        parts = [f"prefix={self.prefix}"] if self.prefix or not (self.tags or self.sized) else []
        parts += [f"tag={{key={k}, value={v}}}" for k, v in self.tags]
        if self.larger is not None:
            parts.append(f"objectsizegreaterthan={self.larger}")
        if self.smaller is not None:
            parts.append(f"objectsizelessthan={self.smaller}")
        return "(" + " and ".join(parts) + ")"

    @property
    def sized(self) -> bool:
        return self.larger is not None or self.smaller is not None


def scope_of(rule: dict[str, Any]) -> Scope:
    if "Filter" not in rule:
        return Scope(prefix=rule.get("Prefix") or "")
    given = rule.get("Filter") or {}
    source = given.get("And") if "And" in given else given
    source = source or {}
    tags = [(t.get("Key", ""), t.get("Value", "")) for t in source.get("Tags") or []]
    if "Tag" in source:
        tags.append((source["Tag"].get("Key", ""), source["Tag"].get("Value", "")))
    return Scope(
        prefix=source.get("Prefix") or "",
        tags=tuple(tags),
        larger=source.get("ObjectSizeGreaterThan"),
        smaller=source.get("ObjectSizeLessThan"),
    )


# -- validation ---------------------------------------------------------------------


def validate(config: dict[str, Any] | None, minimum_size: str | None) -> dict[str, Any]:
    """The configuration to store, or S3's error for its first fault."""
    if minimum_size is not None and minimum_size not in MINIMUM_SIZES:
        raise InvalidRequest("Invalid TransitionDefaultMinimumObjectSize found")
    if config is None:
        raise MalformedXML()
    rules = config.get("Rules") or []
    if not rules:
        raise MalformedXML()
    if len(rules) > MAX_RULES:
        raise InvalidRequest(
            "The number of lifecycle rules must not exceed the allowed limit of 1000 rules."
        )
    seen: set[str] = set()
    for rule in rules:
        rule_id = rule.get("ID")
        if rule_id:
            if len(rule_id) > MAX_ID:
                raise InvalidArgument("ID length should not exceed allowed limit of 255")
            if rule_id in seen:
                raise InvalidArgument(
                    "Rule ID must be unique. Found same ID for more than one rule"
                )
            seen.add(rule_id)
    v2 = "Filter" in rules[0]
    stored = [_checked_rule(rule, v2) for rule in rules]
    if not v2:
        _check_overlaps(stored)
    for rule in stored:
        if not rule.get("ID"):
            rule["ID"] = base64.b64encode(str(uuid.uuid4()).encode()).decode().rstrip("=")
    return {
        "Rules": stored,
        "TransitionDefaultMinimumObjectSize": minimum_size or "all_storage_classes_128K",
    }


def _checked_rule(given: dict[str, Any], v2: bool) -> dict[str, Any]:
    rule = dict(given)
    if rule.get("Status") not in ("Enabled", "Disabled"):
        raise MalformedXML()
    has_filter, has_prefix = "Filter" in rule, "Prefix" in rule
    if not has_filter and not has_prefix:
        raise MalformedXML()
    if v2 and has_prefix:
        raise InvalidRequest(
            "Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in "
            "the Filter."
        )
    if not v2 and has_filter:
        raise InvalidRequest("Filter element can only be used in Lifecycle V2.")
    if has_filter:
        rule["Filter"] = _checked_filter(rule.get("Filter") or {})
    scope = scope_of(rule)
    if not any(rule.get(action) for action in ACTIONS):
        raise InvalidRequest("At least one action needs to be specified in a rule")
    if "Expiration" in rule:
        rule["Expiration"] = _checked_expiration(rule["Expiration"] or {}, scope)
    if "NoncurrentVersionExpiration" in rule:
        rule["NoncurrentVersionExpiration"] = _checked_noncurrent_expiration(
            rule["NoncurrentVersionExpiration"] or {}, v2
        )
    if "AbortIncompleteMultipartUpload" in rule:
        _check_abort(rule["AbortIncompleteMultipartUpload"] or {}, scope)
    if rule.get("Transitions"):
        rule["Transitions"] = _checked_transitions(rule, scope)
    if rule.get("NoncurrentVersionTransitions"):
        _check_noncurrent_transitions(rule, scope, v2)
    return rule


def _checked_filter(given: dict[str, Any]) -> dict[str, Any]:
    """Exactly one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan or And."""
    present = [k for k in ("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And")
               if k in given]  # fmt: skip
    if len(present) > 1:
        raise MalformedXML()
    source = given.get("And") if "And" in given else given
    source = source or {}
    tags = [t.get("Key") for t in source.get("Tags") or []]
    if "Tag" in source:
        tags.append(source["Tag"].get("Key"))
    if any(not key for key in tags):
        raise MalformedXML()
    if len(tags) != len(set(tags)):
        raise InvalidRequest("Duplicate Tag Keys are not allowed.")
    larger, smaller = source.get("ObjectSizeGreaterThan"), source.get("ObjectSizeLessThan")
    if larger is not None and not 0 <= larger <= MAX_SIZE:
        raise InvalidRequest(f"'ObjectSizeGreaterThan' should be between 0 and {MAX_SIZE}.")
    if smaller is not None and not 1 <= smaller <= MAX_SIZE:
        raise InvalidRequest(f"'ObjectSizeLessThan' should be between 1 and {MAX_SIZE}.")
    if larger is not None and smaller is not None and smaller <= larger:
        raise InvalidRequest(
            "'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'."
        )
    return given


def _midnight(value: Any) -> float:
    seconds = value.timestamp() if isinstance(value, datetime) else float(value)
    if seconds % 86400:
        raise InvalidArgument("'Date' must be at midnight GMT")
    return seconds


def _checked_expiration(given: dict[str, Any], scope: Scope) -> dict[str, Any]:
    forms = [k for k in ("Date", "Days", "ExpiredObjectDeleteMarker") if k in given]
    if len(forms) != 1:
        raise MalformedXML()
    expiration = dict(given)
    if "Days" in given and given["Days"] <= 0:
        raise InvalidArgument("'Days' for Expiration action must be a positive integer")
    if "Date" in given:
        expiration["Date"] = _midnight(given["Date"])
    if "ExpiredObjectDeleteMarker" in given:
        if scope.tags:
            raise InvalidRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.")
        if scope.sized:
            raise InvalidRequest("ExpiredObjectDeleteMarker cannot be specified with Object Size.")
    return expiration


def _checked_noncurrent_expiration(given: dict[str, Any], v2: bool) -> dict[str, Any]:
    if "NoncurrentDays" not in given:
        raise MalformedXML()
    if given["NoncurrentDays"] <= 0:
        raise InvalidArgument(
            "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"
        )
    _check_newer(given, v2)
    return given


def _check_newer(given: dict[str, Any], v2: bool) -> None:
    if "NewerNoncurrentVersions" not in given:
        return
    if not v2:
        raise InvalidRequest("NewerNoncurrentVersions element can only be used in Lifecycle V2.")
    if given["NewerNoncurrentVersions"] <= 0:
        raise InvalidArgument("'NewerNoncurrentVersions' must be a positive integer")


def _check_abort(given: dict[str, Any], scope: Scope) -> None:
    if "DaysAfterInitiation" not in given:
        raise MalformedXML()
    if given["DaysAfterInitiation"] <= 0:
        raise InvalidArgument(
            "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a "
            "positive integer"
        )
    if scope.tags:
        raise InvalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.")
    if scope.sized:
        raise InvalidRequest("AbortIncompleteMultipartUpload cannot be specified with Object Size.")


def _checked_transitions(rule: dict[str, Any], scope: Scope) -> list[dict[str, Any]]:
    where = scope.describe()
    checked: list[dict[str, Any]] = []
    classes: set[str] = set()
    for given in rule["Transitions"]:
        transition = dict(given)
        storage_class = given.get("StorageClass")
        if storage_class not in TRANSITION_CLASSES or ("Days" in given) == ("Date" in given):
            raise MalformedXML()
        if "Date" in given:
            transition["Date"] = _midnight(given["Date"])
        elif given["Days"] < 0:
            raise InvalidArgument("'Days' in Transition action must be nonnegative")
        elif storage_class in INFREQUENT and given["Days"] < 30:
            raise InvalidArgument(
                "'Days' in Transition action must be greater than or equal to 30 for "
                f"storageClass '{storage_class}'"
            )
        if storage_class in classes:
            raise InvalidRequest(
                "'StorageClass' must be different for 'Transition' actions in same 'Rule' "
                f"with filter '{where}'"
            )
        classes.add(storage_class)
        checked.append(transition)
    by_days = {"Days" in t for t in checked}
    if len(by_days) > 1:
        raise InvalidRequest(
            f"Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for "
            f"filter '{where}'"
        )
    unit = "Days" if by_days == {True} else "Date"
    expiration = rule.get("Expiration") or {}
    other = "Days" if unit == "Date" else "Date"
    if other in expiration:
        raise InvalidRequest(
            "Found mixed 'Date' and 'Days' based Expiration and Transition actions in "
            f"lifecycle rule for filter '{where}'"
        )
    _check_order(checked, unit, "Transition", where)
    if unit in expiration and any(expiration[unit] <= t[unit] for t in checked):
        raise InvalidArgument(
            f"'{unit}' in the Expiration action for filter '{where}' must be greater than "
            f"'{unit}' in the Transition action"
        )
    return checked


def _check_order(transitions: list[dict[str, Any]], unit: str, action: str, where: str) -> None:
    """Colder classes come later, and after an IA or Glacier IR class, its minimum stay."""
    ordered = sorted(transitions, key=lambda t: RANK[t["StorageClass"]])
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later[unit] <= earlier[unit]:
            raise InvalidArgument(
                f"'{unit}' in the {action} action for StorageClass '{later['StorageClass']}' "
                f"for filter '{where}' must be greater than '{unit}' in the {action} action "
                f"for StorageClass '{earlier['StorageClass']}' for filter '{where}'"
            )
        minimum = MINIMUM_DAYS.get(earlier["StorageClass"])
        if unit != "Date" and minimum and later[unit] - earlier[unit] < minimum:
            raise InvalidArgument(
                f"'{unit}' in the {action} action for StorageClass '{later['StorageClass']}' "
                f"for filter '{where}' must be {minimum} days more than 'filter '{where}'' in "
                f"the {action} action for StorageClass '{earlier['StorageClass']}'"
            )


def _check_noncurrent_transitions(rule: dict[str, Any], scope: Scope, v2: bool) -> None:
    where = scope.describe()
    classes: set[str] = set()
    transitions = rule["NoncurrentVersionTransitions"]
    for given in transitions:
        storage_class = given.get("StorageClass")
        if storage_class not in TRANSITION_CLASSES or "NoncurrentDays" not in given:
            raise MalformedXML()
        days = given["NoncurrentDays"]
        if days < 0:
            raise InvalidArgument(
                "'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative"
            )
        if storage_class in INFREQUENT and days < 30:
            raise InvalidArgument(
                "'NoncurrentDays' in NoncurrentVersionTransition action must be greater than "
                f"or equal to 30 for storageClass '{storage_class}'"
            )
        _check_newer(given, v2)
        if storage_class in classes:
            raise InvalidRequest(
                "'StorageClass' must be different for 'NoncurrentVersionTransition' actions in "
                f"same 'Rule' with filter '{where}'"
            )
        classes.add(storage_class)
    _check_order(transitions, "NoncurrentDays", "NoncurrentVersionTransition", where)
    expiration = rule.get("NoncurrentVersionExpiration") or {}
    if "NoncurrentDays" in expiration and any(
        expiration["NoncurrentDays"] <= t["NoncurrentDays"] for t in transitions
    ):
        raise InvalidArgument(
            "'NoncurrentDays' in the NoncurrentVersionExpiration action for filter "
            f"'{where}' must be greater than 'NoncurrentDays' in the "
            "NoncurrentVersionTransition action"
        )


def _check_overlaps(rules: list[dict[str, Any]]) -> None:
    """Before Lifecycle V2, two rules whose prefixes overlap may not take the same action."""
    for action in ACTIONS:
        prefixes = sorted(r.get("Prefix") or "" for r in rules if r.get(action))
        for first, second in zip(prefixes, prefixes[1:], strict=False):
            if second.startswith(first):
                name = action.rstrip("s")
                raise InvalidRequest(
                    f"Found overlapping prefixes '{first}' and '{second}' for same action type "
                    f"'{name}'"
                )


# -- reading a stored configuration ---------------------------------------------------


def enabled_rules(config: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not config:
        return []
    return [r for r in config.get("Rules") or [] if r.get("Status") == "Enabled"]


def expiration(
    config: dict[str, Any] | None, record: ObjectRecord, day: float
) -> tuple[float, str] | None:
    """(when, rule id) of the earliest expiration that applies to a current version."""
    best: tuple[float, str] | None = None
    for rule in enabled_rules(config):
        action = rule.get("Expiration") or {}
        if "Days" in action:
            due = after_days(record.last_modified, action["Days"], day)
        elif "Date" in action:
            due = float(action["Date"])
        else:
            continue
        if scope_of(rule).matches(record) and (best is None or due < best[0]):
            best = (due, rule["ID"])
    return best


def expiration_header(
    config: dict[str, Any] | None, record: ObjectRecord, day: float
) -> str | None:
    """``x-amz-expiration``: ``expiry-date="...", rule-id="..."``."""
    found = expiration(config, record, day)
    if found is None:
        return None
    return f'expiry-date="{http_date(found[0])}", rule-id="{found[1]}"'
