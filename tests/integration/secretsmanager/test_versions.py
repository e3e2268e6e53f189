"""Versions and staging labels: AWSCURRENT / AWSPREVIOUS / AWSPENDING moved as AWS moves them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conftest import expect_error, token

Names = Callable[[str], str]


def test_put_moves_current_to_previous(sm: Any, secret: dict[str, Any]) -> None:
    name, first = secret["Name"], secret["VersionId"]
    second = sm.put_secret_value(SecretId=name, SecretString="second", ClientRequestToken=token())
    assert second["VersionStages"] == ["AWSCURRENT"]
    third = sm.put_secret_value(SecretId=name, SecretString="third", ClientRequestToken=token())
    stages = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    assert stages == {third["VersionId"]: ["AWSCURRENT"], second["VersionId"]: ["AWSPREVIOUS"]}
    assert sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")["SecretString"] == (
        "second"
    )
    # The first version lost its labels: deprecated, still readable by id.
    assert sm.get_secret_value(SecretId=name, VersionId=first)["SecretString"] == "first"
    listed = sm.list_secret_version_ids(SecretId=name)["Versions"]
    assert {v["VersionId"] for v in listed} == {second["VersionId"], third["VersionId"]}
    everything = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]
    assert len(everything) == 3
    expect_error(
        lambda: sm.get_secret_value(SecretId=name, VersionId=first, VersionStage="AWSCURRENT"),
        "InvalidRequestException",
    )
    missing = token()
    expect_error(
        lambda: sm.get_secret_value(SecretId=name, VersionId=missing),
        "ResourceNotFoundException",
        400,
        f"Secrets Manager can't find the specified secret value for VersionId: {missing}",
    )


def test_pending_version_and_stage_moves(sm: Any, secret: dict[str, Any]) -> None:
    name, current = secret["Name"], secret["VersionId"]
    pending = sm.put_secret_value(
        SecretId=name, SecretString="next", VersionStages=["AWSPENDING"], ClientRequestToken=token()
    )["VersionId"]
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "first"
    assert sm.get_secret_value(SecretId=name, VersionStage="AWSPENDING")["VersionId"] == pending

    expect_error(
        lambda: sm.update_secret_version_stage(
            SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=pending
        ),
        "InvalidParameterException",
        400,
        "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is "
        f"currently attached to version {current}, so you must explicitly reference that "
        "version in RemoveFromVersionId.",
    )
    sm.update_secret_version_stage(
        SecretId=name,
        VersionStage="AWSCURRENT",
        MoveToVersionId=pending,
        RemoveFromVersionId=current,
    )
    stages = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    assert stages == {pending: ["AWSCURRENT", "AWSPENDING"], current: ["AWSPREVIOUS"]}
    sm.update_secret_version_stage(
        SecretId=name, VersionStage="AWSPENDING", RemoveFromVersionId=pending
    )
    sm.update_secret_version_stage(SecretId=name, VersionStage="blue", MoveToVersionId=current)
    stages = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    assert stages == {pending: ["AWSCURRENT"], current: ["AWSPREVIOUS", "blue"]}
    assert sm.get_secret_value(SecretId=name, VersionStage="blue")["SecretString"] == "first"
    expect_error(
        lambda: sm.update_secret_version_stage(
            SecretId=name, VersionStage="AWSCURRENT", RemoveFromVersionId=pending
        ),
        "InvalidParameterException",
    )
    expect_error(
        lambda: sm.update_secret_version_stage(
            SecretId=name, VersionStage="blue", RemoveFromVersionId=pending
        ),
        "InvalidParameterException",
    )


def test_batch_get_secret_value(sm: Any, names: Names) -> None:
    prefix = names("batch")
    for index in range(3):
        sm.create_secret(Name=f"{prefix}-{index}", SecretString=f"value {index}")
    got = sm.batch_get_secret_value(SecretIdList=[f"{prefix}-0", f"{prefix}-2", "not-there"])
    assert [v["SecretString"] for v in got["SecretValues"]] == ["value 0", "value 2"]
    assert got["Errors"] == [
        {
            "SecretId": "not-there",
            "ErrorCode": "ResourceNotFoundException",
            "Message": "Secrets Manager can't find the specified secret.",
        }
    ]
    page = sm.batch_get_secret_value(Filters=[{"Key": "name", "Values": [prefix]}], MaxResults=2)
    assert len(page["SecretValues"]) == 2 and page["NextToken"]
    rest = sm.batch_get_secret_value(
        Filters=[{"Key": "name", "Values": [prefix]}], MaxResults=2, NextToken=page["NextToken"]
    )
    values = {v["SecretString"] for v in page["SecretValues"] + rest["SecretValues"]}
    assert values == {"value 0", "value 1", "value 2"}
    expect_error(
        lambda: sm.batch_get_secret_value(
            SecretIdList=[prefix], Filters=[{"Key": "name", "Values": [prefix]}]
        ),
        "InvalidParameterException",
    )
    for index in range(3):
        sm.delete_secret(SecretId=f"{prefix}-{index}", ForceDeleteWithoutRecovery=True)
