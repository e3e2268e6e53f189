"""The SQL engine interface: run an Athena (Trino/Presto) query over catalog tables.

A service asks for "run this SQL over these tables", never for DuckDB by name. The tables
come from a ``Catalog`` the caller implements (Athena: the Glue Data Catalog over S3
objects); the engine resolves the query's table references through it, asks only for the
partitions the query's predicates can match, and reports the bytes of the files it read.

    service ──sql──▶ SqlEngine.prepare ──table()/partitions()/files()──▶ Catalog
                          │
                          ▼
                    PreparedQuery.rows()  /  PreparedQuery.write()   (interruptible)

The embedded implementation is DuckDB (``engines.duckdb_engine``); a Trino cluster using
cloudlet's Glue catalog is the path when one machine is not enough.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Column:
    """A column as the Hive metastore describes it: a name and a Hive type string."""

    name: str
    type: str
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class TextFormat:
    """How a delimited text table splits rows into fields (LazySimpleSerDe / OpenCSVSerde).

    LazySimpleSerDe has no quoting, ``\\N`` for null and Ctrl-A as its default delimiter;
    OpenCSVSerde quotes with ``"`` and escapes with ``\\``.
    """

    delimiter: str = "\x01"
    quote: str | None = None
    escape: str | None = None
    header_lines: int = 0
    null_string: str = "\\N"


@dataclass(frozen=True, slots=True)
class TableDef:
    """What the engine needs to know about a catalog table (or view)."""

    database: str
    name: str
    columns: tuple[Column, ...]
    partition_keys: tuple[Column, ...] = ()
    location: str = ""
    #: csv | json | parquet | avro | orc | view
    format: str = "parquet"
    text: TextFormat | None = None
    #: The Trino SQL of a view (format "view").
    view_sql: str | None = None


@dataclass(frozen=True, slots=True)
class PartitionDef:
    values: tuple[str, ...]
    location: str


@dataclass(frozen=True, slots=True)
class DataFile:
    """One object's bytes as a local file; ``name`` keeps the key's suffix (``.gz``)."""

    path: str
    size: int
    name: str


class Catalog(Protocol):
    """Where tables, their partitions and their files come from."""

    def table(self, database: str, name: str) -> TableDef | None: ...

    def database_exists(self, database: str) -> bool: ...

    def partitions(self, table: TableDef) -> list[PartitionDef]: ...

    def files(self, location: str) -> list[DataFile]: ...


class QueryError(Exception):
    """The query cannot run as written: its message is the reason Athena would give.

    ``error_type`` is Athena's error name (SYNTAX_ERROR, TABLE_NOT_FOUND, ...), which
    prefixes the message as it does in Athena's StateChangeReason.
    """

    def __init__(self, message: str, error_type: str = "GENERIC_USER_ERROR") -> None:
        self.error_type = error_type
        super().__init__(f"{error_type}: {message}")


class QueryCancelled(Exception):
    """The query was interrupted (StopQueryExecution)."""


@dataclass(frozen=True, slots=True)
class ResultColumn:
    """An output column with Athena's type name (varchar, bigint, array, row, ...)."""

    name: str
    type: str
    precision: int = 0
    scale: int = 0
    #: The Hive type, for registering a CTAS table in the catalog.
    hive_type: str = "string"


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """A file a write produced: ``relative`` is its path under the target location."""

    relative: str
    path: str
    size: int


@dataclass(slots=True)
class WriteResult:
    columns: list[ResultColumn]
    files: list[WrittenFile]
    rows: int
    #: Partition values (in ``partition_by`` order) of each partition written.
    partitions: list[tuple[str, ...]] = field(default_factory=list)


class PreparedQuery(Protocol):
    """A planned query: tables resolved, partitions pruned, ready to run once."""

    #: Bytes of the files the query reads (DataScannedInBytes).
    scanned_bytes: int

    def rows(self, batch_size: int = 1000) -> tuple[list[ResultColumn], Iterator[list[tuple]]]:
        """Run it; the columns, then the rows in batches of Python values."""
        ...

    def describe(self) -> list[ResultColumn]:
        """The result's columns, without running it."""
        ...

    def explain(self) -> list[str]:
        """The engine's plan, as lines of text."""
        ...

    def write(
        self,
        directory: str,
        format: str,
        partition_by: Sequence[str] = (),
        text: TextFormat | None = None,
        compression: str | None = None,
    ) -> WriteResult:
        """Run it and write the result as files under ``directory`` (CTAS, INSERT INTO)."""
        ...

    def interrupt(self) -> None:
        """Stop it from another thread: the running call raises QueryCancelled."""
        ...

    def close(self) -> None: ...


class SqlEngine(Protocol):
    def prepare(self, sql: str, catalog: Catalog, database: str) -> PreparedQuery:
        """Parse, resolve and plan ``sql``; raises QueryError for a query that cannot run."""
        ...


def create_engine(scratch_dir: str) -> SqlEngine:
    """The embedded engine: one per worker process, shared by its queries."""
    from cloudlet.engines.duckdb_engine import DuckDBEngine

    return DuckDBEngine(scratch_dir)
