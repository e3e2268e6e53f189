"""AWS cron expressions for crawler schedules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cloudlet.services.glue.errors import InvalidInputException
from cloudlet.services.glue.schedule import next_run

MONDAY_1PM = datetime(2024, 1, 1, 13, 0, tzinfo=UTC).timestamp()


def at(expression: str) -> datetime:
    found = next_run(expression, MONDAY_1PM)
    assert found is not None
    return datetime.fromtimestamp(found, UTC)


def test_daily_at_noon() -> None:
    assert at("cron(0 12 * * ? *)") == datetime(2024, 1, 2, 12, 0, tzinfo=UTC)


def test_days_of_week_count_from_sunday() -> None:
    assert at("cron(0 8 ? * 2 *)").weekday() == 0  # 2 is Monday in AWS's numbering
    assert at("cron(0 8 ? * MON-FRI *)") == datetime(2024, 1, 2, 8, 0, tzinfo=UTC)
    assert at("cron(15 10 ? * 6L 2025)") == datetime(2025, 1, 31, 10, 15, tzinfo=UTC)


def test_every_five_minutes() -> None:
    assert at("cron(0/5 * * * ? *)") == datetime(2024, 1, 1, 13, 5, tzinfo=UTC)


def test_past_years_never_fire() -> None:
    assert next_run("cron(0 12 * * ? 2020)", MONDAY_1PM) is None


@pytest.mark.parametrize(
    "bad", ["cron(0 12 * * * *)", "rate(5 minutes)", "cron(0 12 * *)", "cron(99 12 * * ? *)"]
)
def test_invalid(bad: str) -> None:
    with pytest.raises(InvalidInputException):
        next_run(bad, MONDAY_1PM)
