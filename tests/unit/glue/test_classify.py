"""The built-in and custom classifiers on tricky files."""

from __future__ import annotations

import bz2
import gzip
import io
import json

import fastavro
import pyarrow as pa
import pyarrow.orc as orc
import pyarrow.parquet as pq

from cloudlet.services.glue.classify import Classification, classify
from cloudlet.services.glue.classify.types import columns


def run(data: bytes, custom: list[dict] | None = None) -> Classification | None:
    return classify(io.BytesIO(data), len(data), custom)


def cols(found: Classification | None) -> list[tuple[str, str]]:
    assert found is not None
    return [(c["Name"], c["Type"]) for c in columns(found.fields)]


def test_csv_with_header_and_mixed_numbers() -> None:
    found = run(b"id,Name,amount\n1,a,2\n2,b,3.5\n3,c,\n")
    assert found is not None and found.classification == "csv"
    assert cols(found) == [("id", "bigint"), ("name", "string"), ("amount", "double")]
    assert found.parameters["skip.header.line.count"] == "1"
    assert found.parameters["delimiter"] == ","
    assert found.serde == {
        "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        "Parameters": {"field.delim": ","},
    }
    assert found.records == 3


def test_csv_without_header_gets_numbered_columns() -> None:
    found = run(b"1,alpha,2.5\n2,beta,3\n")
    assert cols(found) == [("col0", "bigint"), ("col1", "string"), ("col2", "double")]
    assert found is not None and "skip.header.line.count" not in found.parameters


def test_csv_all_strings_has_no_header() -> None:
    # AWS: a header must differ from the data; all-string rows cannot tell.
    found = run(b"name,city\nbob,paris\nann,rome\n")
    assert cols(found) == [("col0", "string"), ("col1", "string")]


def test_csv_quoted_fields_with_delimiters() -> None:
    found = run(b'id,comment,price\n1,"hello, world",2.5\n2,"a ""quote""",3\n')
    assert cols(found) == [("id", "bigint"), ("comment", "string"), ("price", "double")]
    assert found is not None
    assert found.parameters["areColumnsQuoted"] == "true"
    assert found.serde["SerializationLibrary"] == "org.apache.hadoop.hive.serde2.OpenCSVSerde"
    assert found.serde["Parameters"]["separatorChar"] == ","


def test_csv_nulls_do_not_decide_types() -> None:
    found = run(b"a,b,c\n,1,x\n2,,y\n,3,\n")
    assert cols(found) == [("a", "bigint"), ("b", "bigint"), ("c", "string")]


def test_csv_all_null_column_is_string_and_dates_are_typed() -> None:
    found = run(b"day,at,none,ok\n2024-01-02,2024-01-02 10:00:00,,true\n2024-02-03,,,false\n")
    assert cols(found) == [
        ("day", "date"),
        ("at", "timestamp"),
        ("none", "string"),
        ("ok", "boolean"),
    ]


def test_csv_delimiter_inference() -> None:
    for delimiter in ("\t", "|", ";"):
        text = f"id{delimiter}v\n1{delimiter}2.5\n2{delimiter}3\n"
        found = run(text.encode())
        assert found is not None and found.parameters["delimiter"] == delimiter
        assert cols(found) == [("id", "bigint"), ("v", "double")]


def test_gzip_and_bzip2_are_detected_by_content() -> None:
    raw = b"id,v\n1,a\n2,b\n"
    for packed, name in ((gzip.compress(raw), "gzip"), (bz2.compress(raw), "bzip2")):
        found = run(packed)
        assert found is not None and found.compression == name
        assert cols(found) == [("id", "bigint"), ("v", "string")]


def test_single_column_text_is_unknown() -> None:
    assert run(b"just some words\nand more\n") is None
    assert run(b"") is None


def test_nested_json_lines_merge() -> None:
    lines = [
        {"id": 1, "user": {"name": "a", "tags": ["x"]}, "score": 1},
        {"id": 2, "user": {"name": "b", "age": 30}, "score": 2.5, "ok": True},
        {"id": 3, "user": None, "score": None},
    ]
    found = run("\n".join(json.dumps(x) for x in lines).encode())
    assert found is not None and found.classification == "json"
    assert cols(found) == [
        ("id", "bigint"),
        ("user", "struct<name:string,tags:array<string>,age:bigint>"),
        ("score", "double"),
        ("ok", "boolean"),
    ]
    assert found.serde["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"


def test_json_conflicting_types_become_string() -> None:
    found = run(b'{"a": 1, "b": [1, "x"]}\n{"a": "one", "b": []}\n')
    assert cols(found) == [("a", "string"), ("b", "array<string>")]


def test_pretty_printed_json_documents() -> None:
    found = run(b'{\n  "a": 1\n}\n{\n  "a": 2,\n  "b": "x"\n}\n')
    assert cols(found) == [("a", "bigint"), ("b", "string")]


def test_json_array_file_is_one_array_column() -> None:
    found = run(b'[{"a": 1}, {"a": 2}]')
    assert cols(found) == [("array", "array<struct<a:bigint>>")]


def test_custom_json_path_splits_the_array() -> None:
    spec = {"Kind": "Json", "Name": "j", "JsonPath": "$[*]"}
    found = run(b'[{"a": 1}, {"a": 2, "b": "x"}]', [spec])
    assert cols(found) == [("a", "bigint"), ("b", "string")]
    assert found is not None and found.parameters["jsonPath"] == "$[*]"


def test_xml_rows() -> None:
    doc = b'<rows><row id="1"><n>5</n><t>a</t><t>b</t></row><row id="2"><n>6.5</n></row></rows>'
    found = run(doc)
    assert found is not None and found.classification == "xml"
    assert found.parameters["rowTag"] == "row"
    assert cols(found) == [("_id", "bigint"), ("n", "double"), ("t", "array<string>")]


def test_combined_apache_log() -> None:
    line = (
        '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 '
        '"http://example.com/start.html" "Mozilla/4.08"\n'
    )
    found = run((line * 3).encode())
    assert found is not None and found.classification == "combinedapache"
    names = [c[0] for c in cols(found)]
    assert names[:3] == ["clientip", "ident", "auth"] and "agent" in names
    assert found.serde["SerializationLibrary"] == "com.amazonaws.glue.serde.GrokSerDe"


def test_custom_grok_is_tried_first() -> None:
    spec = {
        "Kind": "Grok",
        "Name": "g",
        "Classification": "applog",
        "GrokPattern": "%{LEVEL:level} %{INT:code:int} %{GREEDYDATA:msg}",
        "CustomPatterns": "LEVEL (?:INFO|WARN|ERROR)",
    }
    found = run(b"INFO 200 started\nERROR 500 failed, badly\n", [spec])
    assert found is not None and found.classification == "applog"
    assert cols(found) == [("level", "string"), ("code", "int"), ("msg", "string")]
    assert run(b"nope\n", [spec]) is None


def test_custom_csv_classifier() -> None:
    spec = {
        "Kind": "Csv",
        "Name": "c",
        "Delimiter": "#",
        "ContainsHeader": "ABSENT",
        "Header": ["k", "v"],
        "AllowSingleColumn": False,
    }
    found = run(b"a#1\nb#2\n", [spec])
    assert cols(found) == [("k", "string"), ("v", "bigint")]
    assert found is not None and found.parameters["delimiter"] == "#"


def test_parquet_orc_and_avro_read_their_own_schemas() -> None:
    table = pa.table(
        {
            "i": pa.array([1, 2], pa.int32()),
            "l": [1, 2],
            "f": [1.5, 2.0],
            "s": ["a", "b"],
            "d": pa.array([1, 2], pa.date32()),
            "tags": [["x"], []],
            "st": [{"a": 1}, {"a": 2}],
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    found = run(buffer.getvalue())
    assert found is not None and found.classification == "parquet" and found.records == 2
    assert cols(found) == [
        ("i", "int"),
        ("l", "bigint"),
        ("f", "double"),
        ("s", "string"),
        ("d", "date"),
        ("tags", "array<string>"),
        ("st", "struct<a:bigint>"),
    ]
    assert found.input_format.endswith("MapredParquetInputFormat")
    buffer = io.BytesIO()
    orc.write_table(pa.table({"x": [1, 2, 3], "y": ["a", "b", "c"]}), buffer)
    found = run(buffer.getvalue())
    assert found is not None and found.classification == "orc" and found.records == 3
    schema = {
        "type": "record",
        "name": "r",
        "fields": [
            {"name": "a", "type": "long"},
            {"name": "b", "type": ["null", "string"]},
            {"name": "when", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        ],
    }
    buffer = io.BytesIO()
    fastavro.writer(buffer, schema, [{"a": 1, "b": None, "when": 0}])
    found = run(buffer.getvalue())
    assert found is not None and found.classification == "avro" and found.records == 1
    assert cols(found) == [("a", "bigint"), ("b", "string"), ("when", "timestamp")]


def test_damaged_parquet_is_unknown() -> None:
    assert run(b"PAR1 not really parquet PAR1") is None


def test_custom_csv_without_value_trimming() -> None:
    spec = {"Kind": "Csv", "Name": "c", "Delimiter": ",", "DisableValueTrimming": True}
    found = run(b"k,n\na, 1\nb,2\n", [spec])
    assert cols(found) == [("k", "string"), ("n", "string")]
    trimmed = run(b"k,n\na, 1\nb,2\n")
    assert cols(trimmed) == [("k", "string"), ("n", "bigint")]
