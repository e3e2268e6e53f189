"""The DuckDB engine over a catalog of local files: formats, pruning, bytes scanned, writes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cloudlet.engines.duckdb_engine import DuckDBEngine
from cloudlet.engines.formats import duckdb_type
from cloudlet.engines.sql import (
    Column,
    DataFile,
    PartitionDef,
    QueryError,
    TableDef,
    TextFormat,
)
from cloudlet.engines.types import result_column


class FakeCatalog:
    def __init__(self, tables: dict[str, TableDef], files: dict[str, list[DataFile]],
                 partitions: dict[str, list[PartitionDef]]) -> None:  # fmt: skip
        self.tables, self._files, self._partitions = tables, files, partitions

    def table(self, database: str, name: str) -> TableDef | None:
        return self.tables.get(name) if database == "db" else None

    def database_exists(self, database: str) -> bool:
        return database == "db"

    def partitions(self, table: TableDef) -> list[PartitionDef]:
        return self._partitions.get(table.name, [])

    def files(self, location: str) -> list[DataFile]:
        return self._files.get(location, [])


def write(path: Path, data: bytes) -> DataFile:
    path.write_bytes(data)
    return DataFile(str(path), len(data), path.name)


@pytest.fixture
def catalog(tmp_path: Path) -> FakeCatalog:
    files: dict[str, list[DataFile]] = {}
    parts = []
    for year, month, body in [("2024", "01", b"id,amount\n1,10\n2,x\n"),
                              ("2024", "02", b"id,amount\n3,5\n"),
                              ("2023", "12", b"id,amount\n4,1\n")]:  # fmt: skip
        location = f"s3://b/sales/year={year}/month={month}/"
        files[location] = [write(tmp_path / f"{year}{month}.csv", body)]
        parts.append(PartitionDef((year, month), location))
    events = [{"User": "a", "n": 1, "tags": ["x"]}, {"User": "b", "n": "bad"}]
    body = "\n".join(json.dumps(e) for e in events).encode()
    files["s3://b/events/"] = [write(tmp_path / "e.json.gz", gzip.compress(body))]
    tables = {
        "sales": TableDef(
            "db", "sales", (Column("id", "bigint"), Column("amount", "int")),
            (Column("year", "int"), Column("month", "string")), "s3://b/sales/", "csv",
            TextFormat(",", None, None, 1),
        ),
        "events": TableDef(
            "db", "events",
            (Column("user", "string"), Column("n", "int"), Column("tags", "array<string>")),
            location="s3://b/events/", format="json",
        ),
        "v": TableDef("db", "v", (), format="view",
                      view_sql="SELECT year, sum(amount) AS total FROM sales GROUP BY year"),
    }  # fmt: skip
    return FakeCatalog(tables, files, {"sales": parts})


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> DuckDBEngine:
    return DuckDBEngine(str(tmp_path_factory.mktemp("scratch")))


def rows(engine: DuckDBEngine, catalog: FakeCatalog, sql: str) -> tuple[list, list, int]:
    query = engine.prepare(sql, catalog, "db")
    try:
        columns, batches = query.rows()
        return (
            [(c.name, c.type) for c in columns],
            [r for b in batches for r in b],
            (query.scanned_bytes),
        )
    finally:
        query.close()


def test_csv_with_header_typed_partitions_and_bad_values(engine, catalog) -> None:
    columns, found, scanned = rows(
        engine, catalog, "SELECT year, month, id, amount FROM sales ORDER BY id"
    )
    assert columns == [("year", "integer"), ("month", "varchar"), ("id", "bigint"),
                       ("amount", "integer")]  # fmt: skip
    assert found == [(2024, "01", 1, 10), (2024, "01", 2, None), (2024, "02", 3, 5),
                     (2023, "12", 4, 1)]  # fmt: skip
    assert scanned == sum(f.size for fs in catalog._files.values() for f in fs if "sales" in f.path
                          or f.path.endswith(".csv"))  # fmt: skip


def test_pruning_reads_only_matching_partitions(engine, catalog) -> None:
    sizes = {p.values: catalog._files[p.location][0].size for p in catalog._partitions["sales"]}
    _, found, scanned = rows(engine, catalog, "SELECT count(*) FROM sales WHERE year = 2024")
    assert found == [(3,)]
    assert scanned == sizes[("2024", "01")] + sizes[("2024", "02")]
    _, found, scanned = rows(engine, catalog, "SELECT count(*) FROM sales WHERE month > '01'")
    assert (found, scanned) == ([(2,)], sizes[("2024", "02")] + sizes[("2023", "12")])


def test_json_gzip_case_insensitive_keys(engine, catalog) -> None:
    _, found, _ = rows(engine, catalog, "SELECT user, n, cardinality(tags) FROM events ORDER BY 1")
    assert found == [("a", 1, 1), ("b", None, None)]


def test_views_expand(engine, catalog) -> None:
    _, found, _ = rows(engine, catalog, "SELECT * FROM v ORDER BY year")
    assert found == [(2023, 1), (2024, 15)]


def test_missing_tables_and_schemas(engine, catalog) -> None:
    with pytest.raises(QueryError, match="TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.db.x'"):
        engine.prepare("SELECT * FROM x", catalog, "db")
    with pytest.raises(QueryError, match="SCHEMA_NOT_FOUND"):
        engine.prepare("SELECT * FROM nodb.x", catalog, "db")
    with pytest.raises(QueryError, match="CATALOG_NOT_FOUND"):
        engine.prepare("SELECT * FROM other.db.x", catalog, "db")


def test_write_partitioned_parquet(engine, catalog, tmp_path: Path) -> None:
    query = engine.prepare("SELECT id, amount, month FROM sales", catalog, "db")
    try:
        written = query.write(str(tmp_path / "out"), "parquet", ["month"])
    finally:
        query.close()
    assert written.rows == 4
    assert written.partitions == [("01",), ("02",), ("12",)]
    assert all(f.relative.startswith("month=") and f.relative.endswith(".parquet")
               for f in written.files)  # fmt: skip
    assert [(c.name, c.hive_type) for c in written.columns] == [
        ("id", "bigint"), ("amount", "int"), ("month", "string"),
    ]  # fmt: skip


def test_types() -> None:
    assert duckdb_type("array<struct<a:int,b:string>>") == "STRUCT(a INT, b TEXT)[]"
    assert duckdb_type("varchar(10)") == "VARCHAR"
    assert duckdb_type("decimal(10,2)") == "DECIMAL(10, 2)"
    assert duckdb_type("map<string,bigint>") == "MAP(TEXT, BIGINT)"
    column = result_column("c", "STRUCT(a INTEGER[], b MAP(VARCHAR, DOUBLE))")
    assert (column.type, column.hive_type) == ("row", "struct<a:array<int>,b:map<string,double>>")
    assert result_column("c", "HUGEINT").type == "bigint"
    decimal = result_column("c", "DECIMAL(12,3)")
    assert (decimal.type, decimal.precision, decimal.scale) == ("decimal", 12, 3)
