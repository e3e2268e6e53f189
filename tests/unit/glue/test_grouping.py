"""How classified files become tables and partitions."""

from __future__ import annotations

import io

from cloudlet.services.glue.classify import classify
from cloudlet.services.glue.grouping import FileInfo, plan_tables, statistics


def file(rel: str, data: bytes) -> FileInfo:
    found = classify(io.BytesIO(data), len(data))
    return FileInfo("root/" + rel, tuple(rel.split("/")), len(data), found)


SALES = b"id,amount\n1,2.5\n2,3\n"


def test_hive_partitions_make_one_table() -> None:
    files = [
        file("year=2024/month=01/a.csv", SALES),
        file("year=2024/month=02/a.csv", SALES),
        file("year=2023/month=12/a.csv", SALES),
    ]
    [table] = plan_tables("b", "sales/", files, False, "sales")
    assert table.name == "sales" and table.location == "s3://b/sales/"
    assert table.keys == ["year", "month"]
    assert sorted(table.partitions) == [("2023", "12"), ("2024", "01"), ("2024", "02")]
    assert table.partitions[("2024", "01")].location == "s3://b/sales/year=2024/month=01/"


def test_unnamed_partitions() -> None:
    files = [file("2024/01/a.csv", SALES), file("2024/02/b.csv", SALES)]
    [table] = plan_tables("b", "", files, False, "b")
    assert table.keys == ["partition_0", "partition_1"] and table.name == "b"


def test_schema_drift_between_partitions_merges() -> None:
    files = [
        file("day=1/a.csv", b"id,amount,note\n1,2,x\n"),
        file("day=2/a.csv", b"id,amount,note,extra\n1,2.5,y,7\n"),
    ]
    [table] = plan_tables("b", "t/", files, False, "t")
    assert [(n, k) for n, k in table.fields()] == [
        ("id", "bigint"),
        ("amount", "double"),
        ("note", "string"),
        ("extra", "bigint"),
    ]
    first = table.partitions[("1",)]
    assert [n for n, _ in table.fields(first.files)] == ["id", "amount", "note"]


def test_different_schemas_become_separate_tables() -> None:
    files = [
        file("sales/a.csv", SALES),
        file("customers/a.json", b'{"name": "x", "email": "y"}\n'),
    ]
    tables = plan_tables("b", "", files, False, "b")
    assert sorted(t.name for t in tables) == ["customers", "sales"]
    assert {t.location for t in tables} == {"s3://b/sales/", "s3://b/customers/"}


def test_dissimilar_csv_files_split_unless_combined() -> None:
    files = [
        file("x-data/a.csv", b"a,b,c,d\n1,2,3,4\n"),
        file("y.data/a.csv", b"e,f,g,h\n1,2,3,4\n"),
    ]
    assert sorted(t.name for t in plan_tables("b", "", files, False, "b")) == ["x_data", "y_data"]
    [combined] = plan_tables("b", "", files, True, "b")
    assert combined.keys == ["partition_0"]
    assert len(combined.fields()) == 8


def test_files_of_different_formats_in_one_folder() -> None:
    files = [file("a.csv", SALES), file("b.json", b'{"k": 1}\n')]
    assert sorted(t.name for t in plan_tables("b", "mixed/", files, False, "mixed")) == [
        "a_csv",
        "b_json",
    ]


def test_partition_key_named_like_a_column_gets_a_suffix() -> None:
    files = [file("id=1/a.csv", SALES), file("id=2/a.csv", SALES)]
    [table] = plan_tables("b", "t/", files, False, "t")
    assert table.keys == ["id_1"]


def test_statistics_extrapolate_unsampled_files() -> None:
    sampled = file("a.csv", SALES)
    unsampled = FileInfo("root/b.csv", ("b.csv",), sampled.size, sampled.cls, sampled=False)
    stats = statistics([sampled, unsampled])
    assert stats["objectCount"] == "2" and stats["recordCount"] == "4"
    assert stats["sizeKey"] == str(2 * len(SALES))
