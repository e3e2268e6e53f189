"""ListSecrets: filters, negation, pagination, planned deletions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import expect_error


@pytest.fixture(scope="module")
def family(sm: Any) -> Iterator[str]:
    """Four secrets sharing a unique prefix, with descriptions and tags to filter on."""
    prefix = f"list{uuid.uuid4().hex[:8]}"
    specs = [
        ("prod/db", "Warehouse database login", [{"Key": "env", "Value": "production"}]),
        ("prod/api", "Partner API token", [{"Key": "env", "Value": "production"}]),
        ("dev/db", "Scratch database", [{"Key": "env", "Value": "dev"}]),
        ("dev/cache", "Cache password", [{"Key": "owner", "Value": "ana"}]),
    ]
    for suffix, description, tags in specs:
        sm.create_secret(
            Name=f"{prefix}/{suffix}", SecretString="x", Description=description, Tags=tags
        )
    yield prefix
    for suffix, _, _ in specs:
        sm.delete_secret(SecretId=f"{prefix}/{suffix}", ForceDeleteWithoutRecovery=True)


def _names(
    sm: Any, prefix: str, *filters: dict[str, Any], under: str = "", **extra: Any
) -> set[str]:
    name_filter = {"Key": "name", "Values": [f"{prefix}/{under}" if under else prefix]}
    found = set()
    for page in sm.get_paginator("list_secrets").paginate(Filters=[name_filter, *filters], **extra):
        found |= {s["Name"].removeprefix(prefix + "/") for s in page["SecretList"]}
    return found


def test_name_prefix(sm: Any, family: str) -> None:
    assert _names(sm, family) == {"prod/db", "prod/api", "dev/db", "dev/cache"}
    assert _names(sm, family, under="prod") == {"prod/db", "prod/api"}


def test_description_tag_and_all_filters(sm: Any, family: str) -> None:
    assert _names(sm, family, {"Key": "description", "Values": ["database"]}) == {
        "prod/db",
        "dev/db",
    }
    assert _names(sm, family, {"Key": "tag-key", "Values": ["own"]}) == {"dev/cache"}
    assert _names(sm, family, {"Key": "tag-value", "Values": ["prod"]}) == {
        "prod/db",
        "prod/api",
    }
    assert _names(sm, family, {"Key": "all", "Values": ["PARTNER"]}) == {"prod/api"}
    assert _names(sm, family, {"Key": "primary-region", "Values": ["us-east-1"]}) == {
        "prod/db",
        "prod/api",
        "dev/db",
        "dev/cache",
    }


def test_negated_filter(sm: Any, family: str) -> None:
    assert _names(sm, family, {"Key": "tag-value", "Values": ["!production"]}) == {
        "dev/db",
        "dev/cache",
    }


def test_pagination_and_sorting(sm: Any, family: str) -> None:
    filters = [{"Key": "name", "Values": [family]}]
    first = sm.list_secrets(Filters=filters, MaxResults=3, SortBy="name", SortOrder="asc")
    assert len(first["SecretList"]) == 3 and first["NextToken"]
    rest = sm.list_secrets(
        Filters=filters, MaxResults=3, SortBy="name", SortOrder="asc", NextToken=first["NextToken"]
    )
    assert "NextToken" not in rest
    names = [s["Name"] for s in first["SecretList"] + rest["SecretList"]]
    assert names == sorted(names) and len(names) == 4
    entry = first["SecretList"][0]
    assert list(entry["SecretVersionsToStages"].values()) == [["AWSCURRENT"]]
    expect_error(lambda: sm.list_secrets(NextToken="not-a-token"), "InvalidNextTokenException")


def test_planned_deletions_are_listed_only_on_request(sm: Any, family: str) -> None:
    name = f"{family}/dev/cache"
    sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    try:
        assert "dev/cache" not in _names(sm, family)
        assert "dev/cache" in _names(sm, family, IncludePlannedDeletion=True)
    finally:
        sm.restore_secret(SecretId=name)
