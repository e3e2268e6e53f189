"""DDL through the Glue catalog: tables, partitions, views, CTAS, INSERT INTO, SHOW, DESCRIBE."""

from __future__ import annotations

import gzip
import io
from typing import Any

from .conftest import Lake


def test_ctas_writes_parquet_and_registers_the_table(sales_lake: Lake, glue: Any) -> None:
    location = f"s3://{sales_lake.bucket}/curated/by_item/"
    execution = sales_lake.run(
        "CREATE TABLE by_item WITH (format = 'PARQUET', external_location = "
        f"'{location}', partitioned_by = ARRAY['year']) AS "
        "SELECT item, sum(amount) AS total, year FROM sales GROUP BY item, year"
    )
    assert execution["StatementType"] == "DML"
    assert execution["SubstatementType"] == "CREATE_TABLE_AS_SELECT"
    table = glue.get_table(DatabaseName=sales_lake.database, Name="by_item")["Table"]
    storage = table["StorageDescriptor"]
    assert storage["Location"] == location
    assert storage["SerdeInfo"]["SerializationLibrary"].endswith("ParquetHiveSerDe")
    assert [(c["Name"], c["Type"]) for c in storage["Columns"]] == [
        ("item", "string"),
        ("total", "double"),
    ]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["year"]
    listed = sales_lake.s3.list_objects_v2(Bucket=sales_lake.bucket, Prefix="curated/by_item/")
    keys = [o["Key"] for o in listed["Contents"]]
    assert keys and all(k.endswith(".parquet") for k in keys)
    assert {k.split("/")[2] for k in keys} == {"year=2023", "year=2024"}
    body = sales_lake.s3.get_object(Bucket=sales_lake.bucket, Key=keys[0])["Body"].read()
    assert body[:4] == b"PAR1"
    rows = sales_lake.rows("SELECT item, total FROM by_item WHERE year = '2024' ORDER BY item")
    assert rows == [["desk", "120.0"], ["ink", "14.5"], ["lamp", "35.5"], ["pad", "4.0"],
                    ["pen", "2.5"]]  # fmt: skip
    page = sales_lake.athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])
    assert page["UpdateCount"] == 8

    sales_lake.run("INSERT INTO by_item SELECT 'chair', 99.5, '2025'")
    rows = sales_lake.rows("SELECT year, count(*) FROM by_item GROUP BY year ORDER BY year")
    assert rows == [["2023", "3"], ["2024", "5"], ["2025", "1"]]
    rows = sales_lake.rows("SHOW PARTITIONS by_item")
    assert sorted(r[0] for r in rows) == ["year=2023", "year=2024", "year=2025"]

    failed = sales_lake.fail(
        f"CREATE TABLE again WITH (external_location = '{location}') AS SELECT 1 AS a"
    )
    assert "HIVE_PATH_ALREADY_EXISTS" in failed["Status"]["StateChangeReason"]


def test_ctas_default_location_and_insert_into_csv(sales_lake: Lake) -> None:
    sales_lake.run("CREATE TABLE small AS SELECT id, amount FROM sales WHERE amount < 3")
    assert sales_lake.rows("SELECT count(*) FROM small") == [["4"]]
    sales_lake.put("extra/a.csv", b"1,x\n")
    sales_lake.run(
        "CREATE EXTERNAL TABLE extra (n int, s string) ROW FORMAT DELIMITED "
        f"FIELDS TERMINATED BY ',' LOCATION 's3://{sales_lake.bucket}/extra/'"
    )
    sales_lake.run("INSERT INTO extra VALUES (2, 'y'), (3, NULL)")
    rows = sales_lake.rows("SELECT n, s FROM extra ORDER BY n")
    assert rows == [["1", "x"], ["2", "y"], ["3", None]]


def test_views_show_and_describe(sales_lake: Lake, glue: Any) -> None:
    sales_lake.run(
        "CREATE VIEW monthly AS SELECT year, month, sum(amount) AS total FROM sales "
        "GROUP BY year, month"
    )
    table = glue.get_table(DatabaseName=sales_lake.database, Name="monthly")["Table"]
    assert table["TableType"] == "VIRTUAL_VIEW"
    assert table["ViewOriginalText"].startswith("/* Presto View: ")
    rows = sales_lake.rows("SELECT total FROM monthly WHERE year = '2023' ORDER BY month")
    assert rows == [["13.75"], ["5.0"]]
    sales_lake.run(
        "CREATE OR REPLACE VIEW monthly AS SELECT month, count(*) AS n FROM sales GROUP BY month"
    )
    assert sales_lake.rows("SELECT n FROM monthly WHERE month = '01'") == [["4"]]
    assert sales_lake.rows("SHOW TABLES") == [["monthly"], ["sales"]]
    assert sales_lake.rows("SHOW VIEWS") == [["monthly"]]
    assert [sales_lake.database] in sales_lake.rows("SHOW DATABASES")
    describe = sales_lake.rows("DESCRIBE sales")
    assert [line[0].split("\t")[0].strip() for line in describe[:5]] == [
        "id", "item", "amount", "year", "month",
    ]  # fmt: skip
    ddl = "\n".join(r[0] for r in sales_lake.rows("SHOW CREATE TABLE sales"))
    assert "CREATE EXTERNAL TABLE" in ddl and "PARTITIONED BY" in ddl
    assert f"'s3://{sales_lake.bucket}/sales/'" in ddl
    execution = sales_lake.run("SHOW TABLES")
    assert execution["StatementType"] == "UTILITY"
    sales_lake.run("DROP VIEW monthly")
    sales_lake.run("DROP TABLE IF EXISTS nothing_here")
    failed = sales_lake.fail("SELECT * FROM monthly")
    assert "TABLE_NOT_FOUND" in failed["Status"]["StateChangeReason"]


def test_alter_table_partitions(lake: Lake) -> None:
    lake.put("logs/2024/01/a.csv", b"1\n2\n")
    lake.put("logs/2024/02/b.csv", b"3\n")
    lake.run(
        "CREATE EXTERNAL TABLE logs (n int) PARTITIONED BY (y string, m string) "
        f"LOCATION 's3://{lake.bucket}/logs/'"
    )
    lake.run(
        f"ALTER TABLE logs ADD PARTITION (y = '2024', m = '01') LOCATION "
        f"'s3://{lake.bucket}/logs/2024/01/' PARTITION (y = '2024', m = '02') "
        f"LOCATION 's3://{lake.bucket}/logs/2024/02/'"
    )
    lake.run("ALTER TABLE logs ADD IF NOT EXISTS PARTITION (y = '2024', m = '01')")
    assert lake.rows("SELECT m, sum(n) FROM logs GROUP BY m ORDER BY m") == [
        ["01", "3"],
        ["02", "3"],
    ]
    lake.run("ALTER TABLE logs DROP PARTITION (y = '2024', m = '01')")
    assert lake.rows("SELECT sum(n) FROM logs") == [["3"]]
    failed = lake.fail("ALTER TABLE logs ADD PARTITION (y = '2024', m = '02')")
    assert "already exists" in failed["Status"]["StateChangeReason"]


def test_text_formats(lake: Lake) -> None:
    lake.put("quoted/a.csv", b'"id","name","note"\n"1","Smith, J","says ""hi"""\n"2","Lee",""\n')
    lake.run(
        "CREATE EXTERNAL TABLE quoted (id int, name string, note string) "
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' "
        "WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '\"') "
        f"LOCATION 's3://{lake.bucket}/quoted/' TBLPROPERTIES ('skip.header.line.count'='1')"
    )
    assert lake.rows("SELECT id, name, note FROM quoted ORDER BY id") == [
        ["1", "Smith, J", 'says "hi"'],
        ["2", "Lee", ""],
    ]
    lake.put("zipped/a.tsv.gz", gzip.compress(b"a\t1\nb\tnot-a-number\n"))
    lake.put("zipped/b.tsv", b"c\t3\n")
    lake.run(
        "CREATE EXTERNAL TABLE zipped (k string, v int) ROW FORMAT DELIMITED "
        f"FIELDS TERMINATED BY '\\t' LOCATION 's3://{lake.bucket}/zipped/'"
    )
    assert lake.rows("SELECT k, v FROM zipped ORDER BY k") == [["a", "1"], ["b", None], ["c", "3"]]


def test_parquet_and_avro_files(lake: Lake) -> None:
    import fastavro
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": [1, 2, 3], "city": ["Oslo", "Lima", "Pune"]}), buffer)
    lake.put("pq/part-0.parquet", buffer.getvalue())
    lake.run(
        f"CREATE EXTERNAL TABLE cities (id bigint, city string, missing string) "
        f"STORED AS PARQUET LOCATION 's3://{lake.bucket}/pq/'"
    )
    assert lake.rows("SELECT city, missing FROM cities WHERE id >= 2 ORDER BY id") == [
        ["Lima", None],
        ["Pune", None],
    ]
    schema = {
        "type": "record",
        "name": "r",
        "fields": [{"name": "k", "type": "string"}, {"name": "v", "type": "long"}],
    }
    avro = io.BytesIO()
    fastavro.writer(avro, schema, [{"k": "a", "v": 1}, {"k": "b", "v": 2}])
    lake.put("avro/part-0.avro", avro.getvalue())
    lake.run(f"CREATE EXTERNAL TABLE kv (k string, v bigint) STORED AS AVRO "
             f"LOCATION 's3://{lake.bucket}/avro/'")  # fmt: skip
    assert lake.rows("SELECT sum(v) FROM kv") == [["3"]]


def test_drop_database(lake: Lake) -> None:
    lake.put("t/a.csv", b"1\n")
    lake.run(f"CREATE EXTERNAL TABLE t (n int) LOCATION 's3://{lake.bucket}/t/'")
    failed = lake.fail(f"DROP DATABASE {lake.database}")
    assert "is not empty" in failed["Status"]["StateChangeReason"]
    lake.run(f"DROP DATABASE {lake.database} CASCADE")
    failed = lake.fail("SELECT * FROM t")
    assert "SCHEMA_NOT_FOUND" in failed["Status"]["StateChangeReason"]
