"""Which kind of statement a query string is, and what running one produces.

Athena runs Hive DDL (CREATE EXTERNAL TABLE, MSCK REPAIR, SHOW ...) against the Glue Data
Catalog and everything else as Trino SQL. Statements sqlglot keeps only as opaque
commands (SHOW, MSCK, ALTER TABLE ... ADD PARTITION) are recognised by their leading words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from cloudlet.core.errors import ServiceError
from cloudlet.engines import dialect
from cloudlet.engines.sql import QueryError

if TYPE_CHECKING:
    from cloudlet.services.athena.catalog import GlueCatalog
    from cloudlet.services.athena.executions import Execution
    from cloudlet.services.athena.handlers import Athena


@dataclass(slots=True)
class Outcome:
    """What a statement produced: Athena's statement type, and its result set."""

    statement_type: str
    substatement_type: str
    columns: list[dict[str, Any]] = field(default_factory=list)
    rows: Iterable[list[str | None]] = ()
    #: SELECT results start with a header row; SHOW and DESCRIBE results do not.
    has_header: bool = False
    scanned_bytes: int = 0
    update_count: int | None = None


@dataclass(slots=True)
class Statement:
    """One statement being run, with what it may use."""

    athena: Athena
    execution: Execution
    catalog: GlueCatalog
    sql: str
    #: Called with the running engine query, so a stop can interrupt it.
    on_query: Callable[[Any], None] = lambda query: None
    #: When planning ended (the engine query was prepared).
    planned: float | None = None

    @property
    def account_id(self) -> str:
        return self.execution.account_id

    @property
    def region(self) -> str:
        return self.execution.region

    @property
    def database(self) -> str:
        return (self.execution.database or "default").lower()

    @property
    def glue(self) -> Any:
        return self.athena.glue

    def glue_call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Call the Glue API; its errors become the query's failure reason."""
        try:
            return fn(self.account_id, self.region, *args)
        except ServiceError as exc:
            raise QueryError(f"{exc.code}: {exc.message}", "HIVE_METASTORE_ERROR") from None


_COMMENT = re.compile(r"^\s*(--[^\n]*\n|/\*.*?\*/)", re.S)


def strip_comments(sql: str) -> str:
    text = sql
    while True:
        match = _COMMENT.match(text)
        if match is None:
            return text.strip().rstrip(";").strip()
        text = text[match.end() :]


def leading_words(sql: str, count: int = 3) -> list[str]:
    return [w.upper() for w in re.findall(r"[A-Za-z_]+", sql)[:count]]


def table_name(text: str, default_database: str) -> tuple[str, str]:
    """``db.t``, ```db`.`t```, ``"db"."t"`` or ``t`` -> (database, table), lower case."""
    parts = [p.strip().strip('`"') for p in text.strip().split(".") if p.strip()]
    if len(parts) >= 3 and parts[-3].lower() != "awsdatacatalog":
        raise QueryError(f"Catalog '{parts[-3].lower()}' does not exist", "CATALOG_NOT_FOUND")
    if not parts:
        raise QueryError("line 1:1: missing table name", "SYNTAX_ERROR")
    if len(parts) == 1:
        return default_database, parts[0].lower()
    return parts[-2].lower(), parts[-1].lower()


def parse_hive(sql: str) -> exp.Expression:
    """Hive DDL and Trino DML both parse with sqlglot's Athena dialect."""
    return dialect.parse(sql)
