"""Crawlers through boto3: configuration, errors, policies, classifiers, grouping."""

from __future__ import annotations

import gzip
import json
from typing import Any

from .conftest import ROLE, expect_error, last_crawl, unique, wait_ready


def _crawl(glue: Any, name: str) -> dict[str, Any]:
    glue.start_crawler(Name=name)
    crawler = wait_ready(glue, name)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED", last_crawl(crawler)
    return crawler


def _columns(glue: Any, database: str, table: str) -> list[tuple[str, str]]:
    found = glue.get_table(DatabaseName=database, Name=table)["Table"]
    return [(c["Name"], c["Type"]) for c in found["StorageDescriptor"]["Columns"]]


def _values(glue: Any, database: str, table: str) -> list[list[str]]:
    parts = glue.get_partitions(DatabaseName=database, TableName=table)["Partitions"]
    return sorted(p["Values"] for p in parts)


def test_crawler_configuration_and_errors(glue: Any, database: str, bucket: str) -> None:
    name = unique("cfg")
    targets = {"S3Targets": [{"Path": f"s3://{bucket}/data/"}]}
    glue.create_crawler(
        Name=name, Role=ROLE, DatabaseName=database, Targets=targets,
        Schedule="cron(0 12 * * ? *)", Tags={"team": "lake"},
    )  # fmt: skip
    crawler = glue.get_crawler(Name=name)["Crawler"]
    assert crawler["State"] == "READY" and crawler["Version"] == 1
    assert crawler["Schedule"] == {"ScheduleExpression": "cron(0 12 * * ? *)", "State": "SCHEDULED"}
    assert crawler["SchemaChangePolicy"] == {
        "UpdateBehavior": "UPDATE_IN_DATABASE",
        "DeleteBehavior": "DEPRECATE_IN_DATABASE",
    }
    assert crawler["RecrawlPolicy"] == {"RecrawlBehavior": "CRAWL_EVERYTHING"}
    assert crawler["Targets"]["S3Targets"] == [{"Path": f"s3://{bucket}/data/", "Exclusions": []}]
    assert "LastCrawl" not in crawler
    expect_error(
        lambda: glue.create_crawler(Name=name, Role=ROLE, Targets=targets),
        "AlreadyExistsException",
    )
    expect_error(
        lambda: glue.get_crawler(Name="ghost"),
        "EntityNotFoundException",
        message="Crawler entry with name ghost does not exist",
    )
    expect_error(
        lambda: glue.create_crawler(
            Name=unique("bad"), Role=ROLE, Targets=targets, Schedule="cron(0 12 * * * *)"
        ),
        "InvalidInputException",
    )
    expect_error(
        lambda: glue.create_crawler(Name=unique("bad"), Role=ROLE, Targets={}),
        "InvalidInputException",
    )
    expect_error(
        lambda: glue.create_crawler(
            Name=unique("bad"),
            Role=ROLE,
            Targets=targets,
            RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
        ),  # fmt: skip
        "InvalidInputException",
    )
    expect_error(lambda: glue.stop_crawler(Name=name), "CrawlerNotRunningException")
    expect_error(lambda: glue.start_crawler_schedule(CrawlerName=name), "SchedulerRunningException")
    glue.stop_crawler_schedule(CrawlerName=name)
    expect_error(
        lambda: glue.stop_crawler_schedule(CrawlerName=name), "SchedulerNotRunningException"
    )
    glue.update_crawler_schedule(CrawlerName=name, Schedule="cron(0/30 * * * ? *)")
    glue.update_crawler(Name=name, Description="nightly", TablePrefix="raw_")
    crawler = glue.get_crawler(Name=name)["Crawler"]
    assert crawler["Description"] == "nightly" and crawler["TablePrefix"] == "raw_"
    assert crawler["Version"] == 2
    assert crawler["Schedule"] == {
        "ScheduleExpression": "cron(0/30 * * * ? *)",
        "State": "NOT_SCHEDULED",
    }
    assert name in glue.list_crawlers(Tags={"team": "lake"})["CrawlerNames"]
    assert name not in glue.list_crawlers(Tags={"team": "other"})["CrawlerNames"]
    found = glue.batch_get_crawlers(CrawlerNames=[name, "ghost"])
    assert [c["Name"] for c in found["Crawlers"]] == [name]
    assert found["CrawlersNotFound"] == ["ghost"]
    glue.delete_crawler(Name=name)
    expect_error(lambda: glue.delete_crawler(Name=name), "EntityNotFoundException")


def test_missing_bucket_fails_the_crawl(glue: Any, database: str) -> None:
    name = unique("fail")
    glue.create_crawler(
        Name=name, Role=ROLE, DatabaseName=database,
        Targets={"S3Targets": [{"Path": "s3://no-such-bucket-cloudlet/x/"}]},
    )  # fmt: skip
    glue.start_crawler(Name=name)
    crawler = wait_ready(glue, name)
    assert crawler["LastCrawl"]["Status"] == "FAILED", last_crawl(crawler)
    assert "no-such-bucket-cloudlet" in crawler["LastCrawl"]["ErrorMessage"], last_crawl(crawler)
    glue.delete_crawler(Name=name)


def test_schema_changes_and_deletions(glue: Any, s3: Any, database: str, bucket: str) -> None:
    for day in ("1", "2"):
        s3.put_object(Bucket=bucket, Key=f"t/day={day}/a.csv", Body=b"id,v\n1,2\n2,3\n")
    s3.put_object(Bucket=bucket, Key="gone/a.json", Body=b'{"k": 1}\n{"k": 2}\n')
    name = unique("policy")
    glue.create_crawler(
        Name=name, Role=ROLE, DatabaseName=database,
        Targets={"S3Targets": [{"Path": f"s3://{bucket}/"}]},
        SchemaChangePolicy={
            "UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "DELETE_FROM_DATABASE"
        },
    )  # fmt: skip
    _crawl(glue, name)
    assert sorted(t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]) == [
        "gone",
        "t",
    ]
    assert _values(glue, database, "t") == [["1"], ["2"]]
    # New data: a column more (drift) and a float, day=1 removed, the JSON table removed.
    s3.put_object(Bucket=bucket, Key="t/day=3/a.csv", Body=b"id,v,note\n3,4.5,x\n")
    s3.delete_objects(
        Bucket=bucket,
        Delete={"Objects": [{"Key": "t/day=1/a.csv"}, {"Key": "gone/a.json"}]},
    )
    _crawl(glue, name)
    assert _columns(glue, database, "t") == [("id", "bigint"), ("v", "double"), ("note", "string")]
    assert _values(glue, database, "t") == [["2"], ["3"]]
    assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == ["t"]
    versions = glue.get_table_versions(DatabaseName=database, TableName="t")["TableVersions"]
    assert len(versions) == 2
    day3 = glue.get_partition(DatabaseName=database, TableName="t", PartitionValues=["3"])
    columns = day3["Partition"]["StorageDescriptor"]["Columns"]
    assert [c["Name"] for c in columns] == ["id", "v", "note"]
    metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"][0]
    assert (metrics["TablesCreated"], metrics["TablesUpdated"], metrics["TablesDeleted"]) == (
        0,
        1,
        1,
    )
    # LOG: further changes are not applied; DEPRECATE marks instead of deleting.
    glue.update_crawler(
        Name=name,
        SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "DEPRECATE_IN_DATABASE"},
    )
    s3.put_object(Bucket=bucket, Key="t/day=4/a.csv", Body=b"id,v,note,more\n3,4.5,x,y\n")
    _crawl(glue, name)
    assert [n for n, _ in _columns(glue, database, "t")] == ["id", "v", "note"]
    assert _values(glue, database, "t") == [["2"], ["3"], ["4"]]
    glue.delete_crawler(Name=name)


def test_prefix_exclusions_sampling_gzip_and_custom_classifier(
    glue: Any, s3: Any, database: str, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="logs/app/a.log", Body=b"INFO 200 ok\nWARN 404 missing\n")
    s3.put_object(Bucket=bucket, Key="logs/app/skip.tmp", Body=b"garbage,1\n2,3\n")
    s3.put_object(Bucket=bucket, Key="zipped/data/a.csv.gz", Body=gzip.compress(b"k,n\na,1\nb,2\n"))
    for index in range(3):
        s3.put_object(Bucket=bucket, Key=f"zipped/data/x{index}.csv.gz", Body=b"\x1f\x8bbad")
    classifier = unique("applog")
    glue.create_classifier(
        GrokClassifier={
            "Name": classifier,
            "Classification": "applog",
            "GrokPattern": "%{LOGLEVEL:level} %{INT:status:int} %{GREEDYDATA:message}",
        }
    )
    got = glue.get_classifier(Name=classifier)["Classifier"]["GrokClassifier"]
    assert got["Classification"] == "applog" and got["Version"] == 1
    expect_error(
        lambda: glue.create_classifier(
            GrokClassifier={"Name": unique("bad"), "Classification": "x", "GrokPattern": "%{NOPE}"}
        ),
        "InvalidInputException",
    )
    name = unique("custom")
    glue.create_crawler(
        Name=name, Role=ROLE, DatabaseName=database, TablePrefix="raw_",
        Classifiers=[classifier],
        Targets={"S3Targets": [
            {"Path": f"s3://{bucket}/logs/", "Exclusions": ["**.tmp"]},
            {"Path": f"s3://{bucket}/zipped/", "SampleSize": 1},
        ]},
    )  # fmt: skip
    _crawl(glue, name)
    names = sorted(t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"])
    assert names == ["raw_logs", "raw_zipped"]
    logs = glue.get_table(DatabaseName=database, Name="raw_logs")["Table"]
    assert logs["Parameters"]["classification"] == "applog"
    assert logs["Parameters"]["objectCount"] == "1"
    assert _columns(glue, database, "raw_logs") == [
        ("level", "string"),
        ("status", "int"),
        ("message", "string"),
    ]
    assert logs["PartitionKeys"] == [{"Name": "partition_0", "Type": "string"}]
    zipped = glue.get_table(DatabaseName=database, Name="raw_zipped")["Table"]
    assert zipped["Parameters"]["compressionType"] == "gzip"
    assert zipped["Parameters"]["objectCount"] == "4"  # sampled one file, counted all
    assert zipped["StorageDescriptor"]["Compressed"] is True
    glue.update_classifier(GrokClassifier={"Name": classifier, "Classification": "applog2"})
    assert glue.get_classifier(Name=classifier)["Classifier"]["GrokClassifier"]["Version"] == 2
    assert classifier in [
        c["GrokClassifier"]["Name"]
        for c in glue.get_classifiers()["Classifiers"]
        if "GrokClassifier" in c
    ]
    glue.delete_crawler(Name=name)
    glue.delete_classifier(Name=classifier)
    expect_error(lambda: glue.get_classifier(Name=classifier), "EntityNotFoundException")


def test_grouping_policy_and_incremental_crawls(
    glue: Any, s3: Any, database: str, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="mix/a/x.csv", Body=b"a,b,c\n1,2,3\n")
    s3.put_object(Bucket=bucket, Key="mix/b/x.csv", Body=b"d,e,f\n1,2,3\n")
    split, combined = unique("split"), unique("combined")
    targets = {"S3Targets": [{"Path": f"s3://{bucket}/mix/"}]}
    glue.create_crawler(Name=split, Role=ROLE, DatabaseName=database, Targets=targets)
    _crawl(glue, split)
    assert sorted(t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]) == [
        "a",
        "b",
    ]
    other = unique("db2")
    glue.create_database(DatabaseInput={"Name": other})
    try:
        config = {"Version": 1.0, "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}}
        glue.create_crawler(
            Name=combined, Role=ROLE, DatabaseName=other, Targets=targets,
            Configuration=json.dumps(config),
            RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
            SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"},
        )  # fmt: skip
        _crawl(glue, combined)
        assert [t["Name"] for t in glue.get_tables(DatabaseName=other)["TableList"]] == ["mix"]
        assert _values(glue, other, "mix") == [["a"], ["b"]]
        assert len(_columns(glue, other, "mix")) == 6
        s3.put_object(Bucket=bucket, Key="mix/c/x.csv", Body=b"a,b,c\n1,2,3\n")
        s3.delete_object(Bucket=bucket, Key="mix/a/x.csv")
        _crawl(glue, combined)
        # Only the new folder was crawled; nothing is deleted in this mode.
        assert _values(glue, other, "mix") == [["a"], ["b"], ["c"]]
        metrics = glue.get_crawler_metrics(CrawlerNameList=[combined])["CrawlerMetricsList"][0]
        assert metrics["TablesCreated"] == 0
    finally:
        glue.delete_crawler(Name=combined)
        glue.delete_crawler(Name=split)
        glue.delete_database(Name=other)


def test_catalog_target(glue: Any, s3: Any, database: str, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="known/k=1/a.json", Body=b'{"x": 1}\n')
    s3.put_object(Bucket=bucket, Key="known/k=2/a.json", Body=b'{"x": 2, "y": "z"}\n')
    glue.create_table(
        DatabaseName=database,
        TableInput={
            "Name": "known",
            "StorageDescriptor": {"Location": f"s3://{bucket}/known/", "Columns": []},
            "PartitionKeys": [{"Name": "k", "Type": "string"}],
        },
    )
    name = unique("catalog")
    glue.create_crawler(
        Name=name, Role=ROLE,
        Targets={"CatalogTargets": [{"DatabaseName": database, "Tables": ["known"]}]},
        SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"},
    )  # fmt: skip
    _crawl(glue, name)
    assert _columns(glue, database, "known") == [("x", "bigint"), ("y", "string")]
    assert _values(glue, database, "known") == [["1"], ["2"]]
    glue.delete_crawler(Name=name)
