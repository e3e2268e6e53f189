"""SHOW and DESCRIBE: catalog contents as one-column text results, the way Athena prints them.

These results have no header row; each line of Athena's text output is one row (SHOW
CREATE TABLE answers one row per line of the DDL).
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from cloudlet.engines.sql import QueryError
from cloudlet.services.athena import catalog as hive
from cloudlet.services.athena.results import text_column
from cloudlet.services.athena.statements import Outcome, Statement, table_name

_PATTERN = r"(?:\s+(?:LIKE\s+)?'(?P<pattern>[^']*)')?"
_SHOW = [
    ("databases", re.compile(r"^SHOW\s+(DATABASES|SCHEMAS)" + _PATTERN + "$", re.I)),
    (
        "tables",
        re.compile(r"^SHOW\s+TABLES(?:\s+(?:IN|FROM)\s+(?P<db>\S+?))?" + _PATTERN + "$", re.I),
    ),
    (
        "views",
        re.compile(r"^SHOW\s+VIEWS(?:\s+(?:IN|FROM)\s+(?P<db>\S+?))?" + _PATTERN + "$", re.I),
    ),
    ("partitions", re.compile(r"^SHOW\s+PARTITIONS\s+(?P<table>\S+)$", re.I)),
    ("create", re.compile(r"^SHOW\s+CREATE\s+(TABLE|VIEW)\s+(?P<table>\S+)$", re.I)),
    (
        "columns",
        re.compile(
            r"^SHOW\s+COLUMNS\s+(?:IN|FROM)\s+(?P<table>\S+)(?:\s+(?:IN|FROM)\s+(?P<db>\S+))?$",
            re.I,
        ),
    ),
    ("tblproperties", re.compile(r"^SHOW\s+TBLPROPERTIES\s+(?P<table>[^\s(]+).*$", re.I)),
    (
        "describe",
        re.compile(
            r"^(?:DESCRIBE|DESC)\s+(?:(?P<style>FORMATTED|EXTENDED)\s+)?(?P<table>\S+)"
            r"(?:\s+(?P<column>\S+))?$",
            re.I,
        ),
    ),
]


def run(st: Statement, sql: str) -> Outcome:
    for kind, pattern in _SHOW:
        match = pattern.match(sql)
        if match is not None:
            return _HANDLERS[kind](st, match)
    raise QueryError(f"line 1:1: unsupported statement: {sql[:60]}", "NOT_SUPPORTED")


def _result(substatement: str, column: str, lines: list[str]) -> Outcome:
    return Outcome(
        "UTILITY", substatement, columns=[text_column(column)], rows=[[line] for line in lines]
    )


def _like(names: list[str], pattern: str | None) -> list[str]:
    """Hive's SHOW ... LIKE patterns: ``*`` for any characters, ``|`` between choices."""
    if not pattern:
        return names
    choices = [p.strip().lower() for p in pattern.split("|")]
    return [n for n in names if any(fnmatch.fnmatchcase(n, c) for c in choices)]


def _databases(st: Statement, match: re.Match[str]) -> Outcome:
    names = [d["Name"] for d in st.glue_call(st.glue.list_databases)]
    return _result("SHOW_DATABASES", "database_name", _like(sorted(names), match["pattern"]))


def _tables(st: Statement, match: re.Match[str], views: bool = False) -> Outcome:
    database = (match["db"] or st.database).strip('`"').lower()
    if st.glue.get_database(st.account_id, st.region, database) is None:
        raise QueryError(f"Database does not exist: {database}", "SCHEMA_NOT_FOUND")
    tables = st.glue_call(st.glue.list_tables, database)
    names = sorted(t["Name"] for t in tables if not views or t.get("TableType") == "VIRTUAL_VIEW")
    if views:
        return _result("SHOW_VIEWS", "views", _like(names, match["pattern"]))
    return _result("SHOW_TABLES", "tab_name", _like(names, match["pattern"]))


def _table(st: Statement, text: str, database: str | None = None) -> dict[str, Any]:
    db, name = table_name(text, st.database)
    if database:
        db = database.strip('`"').lower()
    found = st.glue.get_table(st.account_id, st.region, db, name)
    if found is None:
        if st.glue.get_database(st.account_id, st.region, db) is None:
            raise QueryError(f"Schema '{db}' does not exist", "SCHEMA_NOT_FOUND")
        raise QueryError(f"Table '{db}.{name}' does not exist", "TABLE_NOT_FOUND")
    return {"DatabaseName": db, **found}


def _partitions(st: Statement, match: re.Match[str]) -> Outcome:
    table = _table(st, match["table"])
    keys = [k["Name"] for k in table.get("PartitionKeys") or []]
    if not keys:
        raise QueryError(f"Table {table['Name']} is not partitioned", "NOT_SUPPORTED")
    found = st.glue_call(st.glue.get_partitions, table["DatabaseName"], table["Name"])
    lines = sorted(
        "/".join(f"{k}={v}" for k, v in zip(keys, p.get("Values") or [], strict=False))
        for p in found
    )
    return _result("SHOW_PARTITIONS", "partition", lines)


def _columns(st: Statement, match: re.Match[str]) -> Outcome:
    table = _table(st, match["table"], match["db"])
    names = [c["Name"] for c in _all_columns(table)]
    return _result("SHOW_COLUMNS", "field", names)


def _tblproperties(st: Statement, match: re.Match[str]) -> Outcome:
    table = _table(st, match["table"])
    lines = [f"{k}\t{v}" for k, v in sorted((table.get("Parameters") or {}).items())]
    return _result("SHOW_TBLPROPERTIES", "prpt_name", lines)


def _all_columns(table: dict[str, Any]) -> list[dict[str, Any]]:
    storage = table.get("StorageDescriptor") or {}
    return list(storage.get("Columns") or []) + list(table.get("PartitionKeys") or [])


def _describe(st: Statement, match: re.Match[str]) -> Outcome:
    table = _table(st, match["table"])
    lines = []
    wanted = (match["column"] or "").lower()
    for column in _all_columns(table):
        if wanted and column["Name"].lower() != wanted:
            continue
        lines.append(_describe_line(column))
    keys = table.get("PartitionKeys") or []
    if keys and not wanted:
        lines += [
            "",
            "# Partition Information",
            _describe_line({"Name": "# col_name", "Type": "data_type", "Comment": "comment"}),
            "",
        ]
        lines += [_describe_line(k) for k in keys]
    if (match["style"] or "").upper() in ("FORMATTED", "EXTENDED") and not wanted:
        storage = table.get("StorageDescriptor") or {}
        serde = storage.get("SerdeInfo") or {}
        lines += [
            "",
            "# Detailed Table Information",
            f"Database:           \t{table['DatabaseName']}",
            f"Table Type:         \t{table.get('TableType', '')}",
            f"Location:           \t{storage.get('Location', '')}",
            f"SerDe Library:      \t{serde.get('SerializationLibrary', '')}",
            f"InputFormat:        \t{storage.get('InputFormat', '')}",
            f"OutputFormat:       \t{storage.get('OutputFormat', '')}",
        ]
    return _result("DESCRIBE_TABLE", "col_name", lines)


def _describe_line(column: dict[str, Any]) -> str:
    return f"{column['Name']:<20}\t{column.get('Type', ''):<20}\t{column.get('Comment') or ''}"


def _show_create(st: Statement, match: re.Match[str]) -> Outcome:
    table = _table(st, match["table"])
    if table.get("TableType") == "VIRTUAL_VIEW":
        sql = hive.view_sql(table)
        text = f'CREATE VIEW "{table["DatabaseName"]}"."{table["Name"]}" AS\n{sql}'
        return _result("SHOW_CREATE_VIEW", "createtab_stmt", text.split("\n"))
    return _result("SHOW_CREATE_TABLE", "createtab_stmt", create_table_text(table).split("\n"))


def create_table_text(table: dict[str, Any]) -> str:
    """The Hive DDL Athena answers to SHOW CREATE TABLE."""
    storage = table.get("StorageDescriptor") or {}
    serde = storage.get("SerdeInfo") or {}
    external = (table.get("Parameters") or {}).get("EXTERNAL", "").upper() == "TRUE"
    head = (
        "CREATE EXTERNAL TABLE"
        if external or table.get("TableType") == "EXTERNAL_TABLE"
        else "CREATE TABLE"
    )
    columns = ", \n".join(
        f"  `{c['Name']}` {c.get('Type', 'string')}" for c in storage.get("Columns") or []
    )
    lines = [f"{head} `{table['DatabaseName']}`.`{table['Name']}`(", columns + ")"]
    keys = table.get("PartitionKeys") or []
    if keys:
        lines.append("PARTITIONED BY ( ")
        lines.append(", \n".join(f"  `{k['Name']}` {k.get('Type', 'string')}" for k in keys) + ")")
    lines += ["ROW FORMAT SERDE ", f"  '{serde.get('SerializationLibrary', '')}' "]
    params = serde.get("Parameters") or {}
    if params:
        lines.append("WITH SERDEPROPERTIES ( ")
        lines.append(
            ", \n".join(f"  '{k}'='{_escape(v)}'" for k, v in sorted(params.items())) + ") "
        )
    lines += [
        "STORED AS INPUTFORMAT ",
        f"  '{storage.get('InputFormat', '')}' ",
        "OUTPUTFORMAT ",
        f"  '{storage.get('OutputFormat', '')}'",
        "LOCATION",
        f"  '{storage.get('Location', '')}'",
    ]
    props = {k: v for k, v in (table.get("Parameters") or {}).items() if k != "EXTERNAL"}
    if props:
        lines.append("TBLPROPERTIES (")
        lines.append(", \n".join(f"  '{k}'='{_escape(v)}'" for k, v in sorted(props.items())) + ")")
    return "\n".join(lines)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\t", "\\t")


_HANDLERS = {
    "databases": _databases,
    "tables": _tables,
    "views": lambda st, match: _tables(st, match, views=True),
    "partitions": _partitions,
    "create": _show_create,
    "columns": _columns,
    "tblproperties": _tblproperties,
    "describe": _describe,
}
