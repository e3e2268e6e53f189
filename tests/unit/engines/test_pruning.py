"""Partition predicates derived from a query: what may prune, and what must not."""

from __future__ import annotations

from sqlglot import exp

from cloudlet.engines import dialect, pruning

KEYS = {"sales": ["year", "month"], "other": ["dt"]}


def predicates(sql: str) -> dict[str, str]:
    tree = dialect.parse(sql)
    found = pruning.partition_predicates(tree, lambda t: KEYS.get(t.name.lower(), []))
    tables = {id(t): t.alias_or_name for t in tree.find_all(exp.Table)}
    return {tables[key]: value.sql() for key, value in found.items()}


def test_conjuncts_on_partition_keys_only() -> None:
    got = predicates(
        "SELECT month, sum(amount) FROM sales "
        "WHERE year = '2024' AND month IN ('01', '02') AND amount > 3 GROUP BY month"
    )
    assert got == {"sales": "year = '2024' AND month IN ('01', '02')"}


def test_qualified_columns_and_inner_join_conditions() -> None:
    got = predicates(
        "SELECT * FROM sales s JOIN other o ON s.id = o.id AND o.dt = 'x' "
        "WHERE s.year = '2024' OR s.month = '01'"
    )
    assert got == {"s": "year = '2024' OR month = '01'", "o": "dt = 'x'"}


def test_outer_join_null_side_is_not_pruned() -> None:
    got = predicates(
        "SELECT * FROM sales s LEFT JOIN other o ON s.id = o.id "
        "WHERE o.dt IS NULL AND s.year > '2020'"
    )
    assert got == {"s": "year > '2020'"}
    assert predicates("SELECT * FROM sales s FULL JOIN other o ON s.id = o.id "
                      "WHERE s.year = '1'") == {}  # fmt: skip


def test_each_reference_gets_its_own_predicate() -> None:
    got = predicates(
        "WITH x AS (SELECT * FROM sales WHERE year = '2023') "
        "SELECT * FROM x JOIN sales s2 ON true WHERE s2.month = '05'"
    )
    assert got == {"sales": "year = '2023'", "s2": "month = '05'"}


def test_no_pruning_through_subqueries_or_volatile_functions() -> None:
    assert predicates("SELECT * FROM sales WHERE year = (SELECT max(year) FROM sales)") == {}
    assert predicates("SELECT * FROM sales WHERE year > CAST(rand() AS varchar)") == {}
    assert predicates("SELECT * FROM sales WHERE year = '2024' OR amount > 1") == {}
