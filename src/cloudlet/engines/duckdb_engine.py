"""The embedded SQL engine: DuckDB, one database per process, one connection per query.

Each query gets its own cursor (a connection to the shared in-memory database: one buffer
pool and one thread pool per process) on which its tables are temporary views over their
files; a stopped query is interrupted on that cursor. Settings bring DuckDB closer to
Trino: ``/`` of two integers is integer division and times are shown in UTC.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import unquote

import duckdb
from sqlglot import exp

from cloudlet.engines import dialect, formats, pruning, types
from cloudlet.engines.formats import HIVE_NULL, ScanFile
from cloudlet.engines.sql import (
    Catalog,
    PartitionDef,
    QueryCancelled,
    QueryError,
    ResultColumn,
    TableDef,
    TextFormat,
    WriteResult,
    WrittenFile,
)

#: The catalog name Athena gives the Glue Data Catalog.
DEFAULT_CATALOG = "awsdatacatalog"
MAX_VIEW_DEPTH = 16


class DuckDBEngine:
    def __init__(self, scratch_dir: str, memory_limit: str | None = None) -> None:
        self.scratch_dir = scratch_dir
        os.makedirs(scratch_dir, exist_ok=True)
        config: dict[str, Any] = {"temp_directory": os.path.join(scratch_dir, "spill")}
        if memory_limit:
            config["memory_limit"] = memory_limit
        self.db = duckdb.connect(":memory:", config=config)
        self.db.execute("SET GLOBAL integer_division = true")
        self.db.execute("SET GLOBAL TimeZone = 'UTC'")
        for macro in dialect.MACROS:
            self.db.execute(macro)
        self._lock = threading.Lock()

    def prepare(self, sql: str, catalog: Catalog, database: str) -> DuckDBQuery:
        tree = dialect.parse(sql)
        if isinstance(tree, exp.Values):
            tree = exp.select("*").from_(exp.Subquery(this=tree, alias="__values"))
        if not isinstance(tree, exp.Query):
            raise QueryError(f"Statement is not a query: {sql.strip()[:60]}", "NOT_SUPPORTED")
        with self._lock:
            cursor = self.db.cursor()
        folder = tempfile.mkdtemp(prefix="q-", dir=self.scratch_dir)
        query = DuckDBQuery(cursor, folder)
        try:
            query.plan(tree, catalog, database)
        except BaseException:
            query.close()
            raise
        return query

    def close(self) -> None:
        self.db.close()


class DuckDBQuery:
    """One planned query on its own cursor; its views and linked files live until close."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, folder: str) -> None:
        self.cursor = cursor
        self.folder = folder
        self.sql = ""
        self.scanned_bytes = 0
        self._interrupted = False

    # -- planning ---------------------------------------------------------------------------

    def plan(self, tree: exp.Expression, catalog: Catalog, database: str) -> None:
        resolved = resolve_tables(tree, catalog, database)
        by_id = {id(node): table for node, table in resolved}
        predicates = pruning.partition_predicates(
            tree,
            lambda node: (
                [k.name for k in by_id[id(node)].partition_keys] if id(node) in by_id else []
            ),
        )
        for index, (node, table) in enumerate(resolved):
            view = f"__t{index}"
            scan = self._scan(table, catalog, predicates.get(id(node)), view)
            self._run(f"CREATE TEMP VIEW {view} AS {scan}")
            alias = node.alias or node.name
            node.replace(exp.Table(this=exp.to_identifier(view)).as_(alias, quoted=True))
        dialect.name_outputs(tree)
        self.sql = dialect.to_duckdb(tree)

    def _scan(
        self, table: TableDef, catalog: Catalog, predicate: exp.Expression | None, view: str
    ) -> str:
        files: list[ScanFile] = []
        if table.partition_keys:
            partitions = catalog.partitions(table)
            if predicate is not None and partitions:
                partitions = self._prune(table, partitions, predicate)
            for partition in partitions:
                values = tuple(partition.values)
                files.extend(ScanFile(f, values) for f in catalog.files(partition.location))
        else:
            files = [ScanFile(f) for f in catalog.files(table.location)]
        self.scanned_bytes += sum(f.file.size for f in files)
        if table.format in ("avro", "orc"):
            if not files:
                return formats.empty_scan(table)
            source = f"__src_{view}"
            self.cursor.register(source, formats.read_arrow(table, files))
            return formats.typed_projection(table, source, self._describe(source))
        paths = formats.link_files(os.path.join(self.folder, view), table, files)
        return formats.scan_sql(table, paths, self._describe)

    def _describe(self, reader: str) -> list[tuple[str, str]]:
        rows = self._run(f"DESCRIBE SELECT * FROM {reader}").fetchall()
        return [(row[0], row[1]) for row in rows]

    def _prune(
        self, table: TableDef, partitions: list[PartitionDef], predicate: exp.Expression
    ) -> list[PartitionDef]:
        """Evaluate the predicate over the partitions' typed values; on any doubt keep all."""
        keys = table.partition_keys
        rows = []
        for index, partition in enumerate(partitions):
            values = [
                "NULL" if v == HIVE_NULL else formats.quote_str(v)
                for v in partition.values[: len(keys)]
            ]
            values += ["NULL"] * (len(keys) - len(values))
            rows.append(f"({index}, {', '.join(values)})")
        raw = ", ".join(f"__v{i}" for i in range(len(keys)))
        typed = ", ".join(
            f"{formats.cast(f'__v{i}', k.type)} AS {formats.quote_ident(k.name)}"
            for i, k in enumerate(keys)
        )
        sql = (
            f"SELECT __i FROM (SELECT __i, {typed} FROM (VALUES {', '.join(rows)}) "
            f"AS __p(__i, {raw})) WHERE {dialect.to_duckdb(predicate)}"
        )
        try:
            keep = {row[0] for row in self.cursor.execute(sql).fetchall()}
        except duckdb.Error:
            return partitions
        return [p for i, p in enumerate(partitions) if i in keep]

    # -- running ----------------------------------------------------------------------------

    def rows(self, batch_size: int = 1000) -> tuple[list[ResultColumn], Iterator[list[tuple]]]:
        result = self._run(self.sql)
        columns = [types.result_column(d[0].lower(), d[1]) for d in result.description or []]

        def batches() -> Iterator[list[tuple]]:
            while True:
                try:
                    batch = result.fetchmany(batch_size)
                except duckdb.InterruptException:
                    raise QueryCancelled() from None
                except duckdb.Error as exc:
                    raise QueryError(_message(exc), _error_type(exc)) from None
                if not batch:
                    return
                yield batch

        return columns, batches()

    def explain(self) -> list[str]:
        rows = self._run(f"EXPLAIN {self.sql}").fetchall()
        return [line for row in rows for line in str(row[-1]).split("\n")]

    def describe(self) -> list[ResultColumn]:
        rows = self._run(f"DESCRIBE {self.sql}").fetchall()
        return [types.result_column(row[0].lower(), row[1]) for row in rows]

    def write(
        self,
        directory: str,
        format: str,
        partition_by: Sequence[str] = (),
        text: TextFormat | None = None,
        compression: str | None = None,
    ) -> WriteResult:
        """COPY the result to files under ``directory`` (Hive-style partition folders)."""
        columns = self.describe()
        names = {c.name for c in columns}
        missing = [p for p in partition_by if p not in names]
        if missing:
            raise QueryError(
                f"Partition column(s) {missing} not present in the query", "COLUMN_NOT_FOUND"
            )
        os.makedirs(directory, exist_ok=True)
        options = _copy_options(format, text, compression)
        ordered = [c.name for c in columns if c.name not in partition_by] + list(partition_by)
        select = ", ".join(formats.quote_ident(n) for n in ordered)
        source = f"SELECT {select} FROM ({self.sql})"
        if partition_by:
            keys = ", ".join(formats.quote_ident(p) for p in partition_by)
            target = directory
            options += f", PARTITION_BY ({keys}), FILENAME_PATTERN 'part-{{uuid}}'"
        else:
            target = os.path.join(directory, f"part-{os.urandom(8).hex()}{_suffix(format)}")
        row = self._run(f"COPY ({source}) TO {formats.quote_str(target)} ({options})").fetchone()
        files, partitions = _written(directory, len(partition_by))
        by_name = {c.name: c for c in columns}
        return WriteResult(
            columns=[by_name[n] for n in ordered],
            files=files,
            rows=int(row[0]) if row else 0,
            partitions=partitions,
        )

    def interrupt(self) -> None:
        self._interrupted = True
        self.cursor.interrupt()

    def close(self) -> None:
        try:
            self.cursor.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, sql: str) -> duckdb.DuckDBPyConnection:
        if self._interrupted:
            raise QueryCancelled()
        try:
            return self.cursor.execute(sql)
        except duckdb.InterruptException:
            raise QueryCancelled() from None
        except duckdb.Error as exc:
            raise QueryError(_message(exc), _error_type(exc)) from None


def resolve_tables(
    tree: exp.Expression, catalog: Catalog, database: str
) -> list[tuple[exp.Table, TableDef]]:
    """Every catalog table the query reads, views expanded in place (their SQL inlined)."""
    for _ in range(MAX_VIEW_DEPTH):
        ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
        resolved: list[tuple[exp.Table, TableDef]] = []
        expanded = False
        for node in list(tree.find_all(exp.Table)):
            if not isinstance(node.this, exp.Identifier):
                continue
            if not node.args.get("db") and node.name.lower() in ctes:
                continue
            table = _lookup(node, catalog, database)
            if table.format == "view":
                node.replace(_view_subquery(node, table))
                expanded = True
            else:
                resolved.append((node, table))
        if not expanded:
            return resolved
    raise QueryError("View nesting is too deep", "NOT_SUPPORTED")


def _lookup(node: exp.Table, catalog: Catalog, database: str) -> TableDef:
    catalog_name = (node.catalog or DEFAULT_CATALOG).lower()
    where = _position(node)
    if catalog_name != DEFAULT_CATALOG:
        raise QueryError(f"{where}Catalog '{catalog_name}' does not exist", "CATALOG_NOT_FOUND")
    db = (node.db or database).lower()
    name = node.name.lower()
    table = catalog.table(db, name)
    if table is not None:
        return table
    if not catalog.database_exists(db):
        raise QueryError(f"{where}Schema '{db}' does not exist", "SCHEMA_NOT_FOUND")
    raise QueryError(
        f"{where}Table '{DEFAULT_CATALOG}.{db}.{name}' does not exist", "TABLE_NOT_FOUND"
    )


def _view_subquery(node: exp.Table, view: TableDef) -> exp.Expression:
    inner = dialect.parse(view.view_sql or "")
    for table in inner.find_all(exp.Table):
        if isinstance(table.this, exp.Identifier) and not table.args.get("db"):
            ctes = {c.alias_or_name.lower() for c in inner.find_all(exp.CTE)}
            if table.name.lower() not in ctes:
                table.set("db", exp.to_identifier(view.database))
    return exp.Subquery(this=inner).as_(node.alias or node.name, quoted=True)


def _position(node: exp.Expression) -> str:
    meta = node.this.meta if isinstance(node.this, exp.Expression) else {}
    line, col = meta.get("line"), meta.get("col")
    if line is None or col is None:
        return ""
    start = max(1, col - len(node.name) + 1)
    return f"line {line}:{start}: "


def _copy_options(format: str, text: TextFormat | None, compression: str | None) -> str:
    fmt = format.lower()
    if fmt == "parquet":
        return f"FORMAT parquet, COMPRESSION {(compression or 'snappy').lower()}"
    if fmt == "json":
        codec = ", COMPRESSION gzip" if (compression or "").lower() == "gzip" else ""
        return f"FORMAT json{codec}"
    if fmt in ("textfile", "csv", "text"):
        text = text or TextFormat()
        codec = ", COMPRESSION gzip" if (compression or "").lower() == "gzip" else ""
        return (
            f"FORMAT csv, HEADER false, DELIMITER {formats.quote_str(text.delimiter)}, "
            f"QUOTE {formats.quote_str(text.quote or '')}, "
            f"NULLSTR {formats.quote_str(text.null_string)}{codec}"
        )
    raise QueryError(f"Unsupported format for writing: {format}", "NOT_SUPPORTED")


def _suffix(format: str) -> str:
    return {"parquet": ".parquet", "json": ".json"}.get(format.lower(), "")


def _written(directory: str, depth: int) -> tuple[list[WrittenFile], list[tuple[str, ...]]]:
    files: list[WrittenFile] = []
    partitions: set[tuple[str, ...]] = set()
    for root, _dirs, names in os.walk(directory):
        for name in sorted(names):
            path = os.path.join(root, name)
            relative = os.path.relpath(path, directory)
            files.append(WrittenFile(relative, path, os.path.getsize(path)))
            if depth:
                folders = relative.split(os.sep)[:-1]
                values = tuple(unquote(f.split("=", 1)[1]) for f in folders[-depth:])
                partitions.add(values)
    return sorted(files, key=lambda f: f.relative), sorted(partitions)


_MISSING_COLUMN = re.compile(r'Referenced column "([^"]+)" not found')


def _message(exc: duckdb.Error) -> str:
    text = str(exc).strip()
    missing = _MISSING_COLUMN.search(text)
    if missing:
        return f"Column '{missing.group(1)}' cannot be resolved"
    for prefix in ("Binder Error: ", "Parser Error: ", "Catalog Error: ", "Conversion Error: "):
        if text.startswith(prefix):
            return text[len(prefix) :].split("\n\nLINE")[0].strip()
    return text.split("\n\nLINE")[0].strip()


def _error_type(exc: duckdb.Error) -> str:
    if isinstance(exc, duckdb.ParserException):
        return "SYNTAX_ERROR"
    if isinstance(exc, duckdb.BinderException):
        text = str(exc)
        if "column" in text.lower() and "not found" in text.lower():
            return "COLUMN_NOT_FOUND"
        return "SYNTAX_ERROR"
    if isinstance(exc, duckdb.CatalogException):
        return "FUNCTION_NOT_FOUND" if "Function" in str(exc) else "SYNTAX_ERROR"
    if isinstance(exc, duckdb.ConversionException | duckdb.InvalidInputException):
        return "INVALID_CAST_ARGUMENT"
    if isinstance(exc, duckdb.OutOfRangeException):
        return "NUMERIC_VALUE_OUT_OF_RANGE"
    if isinstance(exc, duckdb.IOException):
        return "HIVE_CANNOT_OPEN_SPLIT"
    return "GENERIC_INTERNAL_ERROR"
