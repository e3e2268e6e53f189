"""Result types: DuckDB's type of a column as Athena names it, and as Hive/Glue spells it.

Athena's ColumnInfo.Type is the Trino type's base name (``varchar``, ``bigint``,
``array``, ``map``, ``row``, ``timestamp with time zone``); a CTAS table is registered in
the catalog with Hive types (``string``, ``array<struct<a:int>>``).
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from cloudlet.engines.sql import ResultColumn

T = exp.DataType.Type

#: DuckDB type -> (Athena type name, precision, Hive type).
_SCALARS: dict[Any, tuple[str, int, str]] = {
    T.BOOLEAN: ("boolean", 0, "boolean"),
    T.TINYINT: ("tinyint", 3, "tinyint"),
    T.SMALLINT: ("smallint", 5, "smallint"),
    T.INT: ("integer", 10, "int"),
    T.BIGINT: ("bigint", 19, "bigint"),
    # Trino's sum of bigints is a bigint; DuckDB widens it to a 128-bit integer.
    T.INT128: ("bigint", 19, "bigint"),
    T.UTINYINT: ("smallint", 5, "smallint"),
    T.USMALLINT: ("integer", 10, "int"),
    T.UINT: ("bigint", 19, "bigint"),
    T.UBIGINT: ("decimal", 20, "decimal(20,0)"),
    T.UINT128: ("decimal", 38, "decimal(38,0)"),
    T.FLOAT: ("float", 17, "float"),
    T.DOUBLE: ("double", 17, "double"),
    T.VARCHAR: ("varchar", 2147483647, "string"),
    T.TEXT: ("varchar", 2147483647, "string"),
    T.CHAR: ("char", 2147483647, "string"),
    T.JSON: ("json", 2147483647, "string"),
    T.UUID: ("uuid", 0, "string"),
    T.BLOB: ("varbinary", 1073741824, "binary"),
    T.VARBINARY: ("varbinary", 1073741824, "binary"),
    T.DATE: ("date", 0, "date"),
    T.TIME: ("time", 3, "string"),
    T.TIMESTAMP: ("timestamp", 3, "timestamp"),
    T.TIMESTAMPNTZ: ("timestamp", 3, "timestamp"),
    T.TIMESTAMP_S: ("timestamp", 3, "timestamp"),
    T.TIMESTAMP_MS: ("timestamp", 3, "timestamp"),
    T.TIMESTAMP_NS: ("timestamp", 3, "timestamp"),
    T.TIMESTAMPTZ: ("timestamp with time zone", 3, "timestamp"),
    T.INTERVAL: ("interval day to second", 0, "string"),
    T.NULL: ("unknown", 0, "string"),
    T.UNKNOWN: ("unknown", 0, "string"),
}


def parse_duckdb_type(text: str) -> exp.DataType:
    try:
        return exp.DataType.build(text, dialect="duckdb")
    except Exception:
        return exp.DataType.build("VARCHAR")


def result_column(name: str, duck_type: Any) -> ResultColumn:
    """A result column from DuckDB's description (name, type)."""
    built = parse_duckdb_type(str(duck_type))
    athena, precision, scale = athena_type(built)
    return ResultColumn(
        name=name, type=athena, precision=precision, scale=scale, hive_type=hive_type(built)
    )


def athena_type(built: exp.DataType) -> tuple[str, int, int]:
    kind = built.this
    if kind in (T.ARRAY, T.LIST):
        return "array", 0, 0
    if kind == T.MAP:
        return "map", 0, 0
    if kind == T.STRUCT:
        return "row", 0, 0
    if kind == T.DECIMAL:
        precision, scale = _decimal_args(built)
        return "decimal", precision, scale
    name, precision, _ = _SCALARS.get(kind, ("varchar", 2147483647, "string"))
    return name, precision, 0


def hive_type(built: exp.DataType) -> str:
    kind = built.this
    args = built.expressions
    if kind in (T.ARRAY, T.LIST):
        inner = args[0] if args else exp.DataType.build("VARCHAR")
        return f"array<{hive_type(_as_type(inner))}>"
    if kind == T.MAP:
        if len(args) == 2:
            return f"map<{hive_type(_as_type(args[0]))},{hive_type(_as_type(args[1]))}>"
        return "map<string,string>"
    if kind == T.STRUCT:
        fields = []
        for field in args:
            if isinstance(field, exp.ColumnDef):
                fields.append(f"{field.name}:{hive_type(_as_type(field.args['kind']))}")
        return f"struct<{','.join(fields)}>"
    if kind == T.DECIMAL:
        precision, scale = _decimal_args(built)
        return f"decimal({precision},{scale})"
    return _SCALARS.get(kind, ("varchar", 0, "string"))[2]


def _as_type(node: exp.Expression) -> exp.DataType:
    if isinstance(node, exp.DataType):
        return node
    if isinstance(node, exp.ColumnDef):
        return node.args["kind"]
    return exp.DataType.build("VARCHAR")


def _decimal_args(built: exp.DataType) -> tuple[int, int]:
    values = [int(e.this.this) if isinstance(e.this, exp.Literal) else 0 for e in built.expressions]
    precision = values[0] if values else 18
    scale = values[1] if len(values) > 1 else 0
    return precision, scale
