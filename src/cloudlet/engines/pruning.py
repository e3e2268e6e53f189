"""Partition pruning: which partitions of each table reference a query can possibly read.

From each SELECT's WHERE clause (and the ON clauses of its inner joins) the conjuncts that
mention only one table's partition keys become that table reference's partition
predicate; the catalog's partitions are then filtered by evaluating it on their values.
A table on the null-supplying side of an outer join is never pruned: a predicate such as
``b.year IS NULL`` would then keep rows the pruned read loses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

#: Functions whose value changes from call to call: a conjunct using one is never pushed.
_VOLATILE = {"rand", "random", "uuid", "shuffle"}


def partition_predicates(
    tree: exp.Expression, keys_of: Callable[[exp.Table], Sequence[str]]
) -> dict[int, exp.Expression]:
    """``id(table node)`` -> the predicate on that reference's partition keys (unqualified).

    ``keys_of`` gives a catalog table reference's partition key names (empty for other
    tables); only references with keys and a usable conjunct appear in the answer.
    """
    found: dict[int, list[exp.Expression]] = {}
    try:
        scopes = traverse_scope(tree)
    except Exception:  # sqlglot cannot scope this query: read everything
        return {}
    for scope in scopes:
        select = scope.expression
        if not isinstance(select, exp.Select):
            continue
        tables = {
            alias: source
            for alias, source in scope.sources.items()
            if isinstance(source, exp.Table) and keys_of(source)
        }
        if not tables:
            continue
        nullable = _nullable_aliases(select)
        for conjunct in _conjuncts(select):
            owner = _owner(conjunct, tables, keys_of)
            if owner is None or owner in nullable:
                continue
            found.setdefault(id(tables[owner]), []).append(_unqualified(conjunct))
    return {key: exp.and_(*parts) for key, parts in found.items()}


def _conjuncts(select: exp.Select) -> list[exp.Expression]:
    parts: list[exp.Expression] = []
    where = select.args.get("where")
    if where is not None:
        parts.extend(_split_and(where.this))
    for join in select.args.get("joins") or []:
        on = join.args.get("on")
        if on is not None and not join.side and join.kind in ("", "INNER", None):
            parts.extend(_split_and(on))
    return parts


def _split_and(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, exp.Paren):
        return _split_and(node.this)
    if isinstance(node, exp.And):
        return _split_and(node.this) + _split_and(node.expression)
    return [node]


def _nullable_aliases(select: exp.Select) -> set[str]:
    """Aliases of sources that an outer join may extend with NULLs."""
    nullable: set[str] = set()
    seen: list[str] = []
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is not None:
        seen.append(from_.this.alias_or_name)
    for join in select.args.get("joins") or []:
        name = join.this.alias_or_name
        side = (join.side or "").upper()
        if side in ("LEFT", "FULL"):
            nullable.add(name)
        if side in ("RIGHT", "FULL"):
            nullable.update(seen)
        seen.append(name)
    return nullable


def _owner(
    conjunct: exp.Expression,
    tables: dict[str, exp.Table],
    keys_of: Callable[[exp.Table], Sequence[str]],
) -> str | None:
    """The one table alias whose partition keys are all the conjunct's columns, if any."""
    if conjunct.find(exp.Subquery, exp.Select, exp.AggFunc, exp.Window) is not None:
        return None
    for func in conjunct.find_all(exp.Func):
        if func.sql_name().lower() in _VOLATILE or (
            isinstance(func, exp.Anonymous) and func.name.lower() in _VOLATILE
        ):
            return None
    columns = list(conjunct.find_all(exp.Column))
    if not columns:
        return None
    owner: str | None = None
    for column in columns:
        name = column.name.lower()
        if column.table:
            candidates = [column.table] if column.table in tables else []
            candidates = [a for a in candidates if name in _lower(keys_of(tables[a]))]
        else:
            candidates = [a for a, t in tables.items() if name in _lower(keys_of(t))]
        if len(candidates) != 1 or (owner is not None and candidates[0] != owner):
            return None
        owner = candidates[0]
    return owner


def _lower(names: Sequence[str]) -> set[str]:
    return {n.lower() for n in names}


def _unqualified(conjunct: exp.Expression) -> exp.Expression:
    copy = conjunct.copy()
    for column in copy.find_all(exp.Column):
        column.set("table", None)
        column.set("db", None)
        column.set("catalog", None)
    return copy
