"""Crawler schedules in AWS's cron syntax: ``cron(Minutes Hours Day-of-month Month
Day-of-week Year)``, evaluated in UTC with croniter.

AWS's form differs from Unix cron: six fields (a year last), ``?`` for "no specific
value" in one of the day fields, and days of the week numbered 1-7 from Sunday (Unix:
0-6). https://docs.aws.amazon.com/glue/latest/dg/monitor-data-warehouse-schedule.html
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from croniter import croniter

from cloudlet.services.glue.errors import InvalidInputException

_CRON = re.compile(r"^cron\((.*)\)$")
_NUMBER = re.compile(r"\d+")


def _unix_weekday(field: str) -> str:
    """1-7 (Sunday first) to 0-6; ``6L`` (last Friday) to croniter's ``L5``; ``#n`` kept."""
    field, _, nth = field.partition("#")
    last = field.endswith("L") and len(field) > 1
    if last:
        field = field[:-1]
    field = _NUMBER.sub(
        lambda m: str(int(m.group()) - 1) if 1 <= int(m.group()) <= 7 else "x", field
    )
    if last:
        field = "L" + field
    return field + ("#" + nth if nth else "")


def _years(field: str) -> set[int] | None:
    """The years a year field allows (None: any)."""
    if field in ("*", "?"):
        return None
    years: set[int] = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
        if part == "*":
            start, end = 1970, 2199
        elif "-" in part:
            start, end = (int(x) for x in part.split("-", 1))
        else:
            start = end = int(part)
        years.update(range(start, end + 1, step))
    return years


def parse(expression: str) -> tuple[str, set[int] | None]:
    """The Unix cron line and the allowed years; InvalidInputException when malformed."""
    match = _CRON.match((expression or "").strip())
    fields = match.group(1).split() if match else []
    if len(fields) != 6:
        raise InvalidInputException(f"Invalid schedule expression: {expression}")
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise InvalidInputException(
            f"Invalid schedule expression: {expression}. "
            "Exactly one of day-of-month and day-of-week must be '?'."
        )
    if dow != "?":
        dow = ",".join(_unix_weekday(part) for part in dow.split(","))
    line = " ".join((minute, hour, "*" if dom == "?" else dom, month, "*" if dow == "?" else dow))
    try:
        years = _years(year)
        if not croniter.is_valid(line):
            raise ValueError(line)
    except ValueError:
        raise InvalidInputException(f"Invalid schedule expression: {expression}") from None
    return line, years


def validate(expression: str) -> None:
    parse(expression)


def next_run(expression: str, after: float) -> float | None:
    """The first time strictly after ``after`` (epoch seconds) the schedule fires."""
    line, years = parse(expression)
    it = croniter(line, datetime.fromtimestamp(after, UTC))
    for _ in range(10000):
        when: datetime = it.get_next(datetime)
        if years is None or when.year in years:
            return when.timestamp()
        if years and when.year > max(years):
            return None
    return None
