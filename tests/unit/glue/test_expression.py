"""The GetPartitions Expression grammar, typed by the partition keys."""

from __future__ import annotations

import pytest

from cloudlet.services.glue.errors import InvalidInputException
from cloudlet.services.glue.expression import compile_expression

KEYS = [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "int"}]
ROWS = [
    {"year": "2023", "month": "12"},
    {"year": "2024", "month": "1"},
    {"year": "2024", "month": "9"},
    {"year": "2024", "month": "10"},
]


def select(expression: str) -> list[tuple[str, str]]:
    test = compile_expression(expression, KEYS)
    return [(r["year"], r["month"]) for r in ROWS if test(r)]


def test_comparisons_use_the_key_type() -> None:
    # month is an int: 10 > 9 numerically (as strings '10' < '9').
    assert select("month > 9") == [("2023", "12"), ("2024", "10")]
    assert select("year > '2023'") == [("2024", "1"), ("2024", "9"), ("2024", "10")]
    assert select("year = '2024' AND month <= 9") == [("2024", "1"), ("2024", "9")]
    assert select("month <> 1 and month != 12") == [("2024", "9"), ("2024", "10")]


def test_boolean_logic_and_parentheses() -> None:
    assert select("year = '2023' OR (year = '2024' AND month >= 10)") == [
        ("2023", "12"),
        ("2024", "10"),
    ]
    assert select("NOT year = '2024'") == [("2023", "12")]


def test_between_in_like() -> None:
    assert select("month BETWEEN 2 AND 10") == [("2024", "9"), ("2024", "10")]
    assert select("month NOT BETWEEN 2 AND 10") == [("2023", "12"), ("2024", "1")]
    assert select("month IN (1, 12)") == [("2023", "12"), ("2024", "1")]
    assert select("year LIKE '202%' AND month NOT IN (1, 9, 10)") == [("2023", "12")]
    assert select("year LIKE '2_23'") == [("2023", "12")]


def test_quoted_names_and_escaped_quotes() -> None:
    test = compile_expression("`Year` = 'it''s'", KEYS)
    assert test({"year": "it's", "month": "1"})


@pytest.mark.parametrize(
    "bad", ["colour = 'red'", "year = ", "year == '1'", "month = 'x'", "(year = '1'", "year"]
)
def test_bad_expressions(bad: str) -> None:
    with pytest.raises(InvalidInputException):
        compile_expression(bad, KEYS)
