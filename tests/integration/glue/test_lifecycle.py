"""Run states over time on a server of the test's own: StopCrawler, schedules on the
cloud's clock, and a crawl cut short by ``kill -9``."""

from __future__ import annotations

import time

from ..conftest import Server, make_client
from .conftest import ROLE, expect_error, last_crawl, unique, wait_ready

DAY = 86400


def test_stop_schedule_and_crash(own_server: Server) -> None:
    own_server.env["CLOUDLET_GLUE_CRAWLER_MIN_SECONDS"] = "2"
    own_server.start()
    glue = make_client(own_server.endpoint, "glue")
    s3 = make_client(own_server.endpoint, "s3")
    bucket = f"life-{unique('b').replace('_', '-')}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="t/a.csv", Body=b"id,v\n1,2\n2,3\n")
    database = unique("life")
    glue.create_database(DatabaseInput={"Name": database})
    name = unique("life")
    targets = {"S3Targets": [{"Path": f"s3://{bucket}/t/"}]}
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=database, Targets=targets)

    # RUNNING: a second start, an update and a delete are refused; a stop cancels.
    glue.start_crawler(Name=name)
    crawler = glue.get_crawler(Name=name)["Crawler"]
    assert crawler["State"] == "RUNNING", last_crawl(crawler)
    metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"][0]
    assert metrics["StillEstimating"] is True
    expect_error(lambda: glue.start_crawler(Name=name), "CrawlerRunningException")
    expect_error(lambda: glue.update_crawler(Name=name, Description="x"), "CrawlerRunningException")
    expect_error(lambda: glue.delete_crawler(Name=name), "CrawlerRunningException")
    glue.stop_crawler(Name=name)
    assert glue.get_crawler(Name=name)["Crawler"]["State"] in ("STOPPING", "READY")
    crawler = wait_ready(glue, name)
    assert crawler["LastCrawl"]["Status"] == "CANCELLED", last_crawl(crawler)
    assert glue.get_tables(DatabaseName=database)["TableList"] == []

    # A schedule fires when the clock passes it.
    glue.update_crawler(Name=name, Schedule="cron(0 12 * * ? *)")
    before = crawler["LastCrawl"]["MessagePrefix"]
    own_server.admin("POST", "/_cloudlet/clock", {"advance_seconds": DAY + 60})
    deadline = time.time() + 20
    while time.time() < deadline:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        last = crawler.get("LastCrawl", {})
        if crawler["State"] == "READY" and last.get("MessagePrefix") != before:
            break
        time.sleep(0.1)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED", last_crawl(crawler)
    assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == ["t"]
    crawls = glue.list_crawls(CrawlerName=name)["Crawls"]
    assert [c["State"] for c in crawls] == ["COMPLETED", "STOPPED"]

    # kill -9 in the middle of a crawl: after the restart the crawler is READY, run FAILED.
    glue.update_crawler(Name=name, Schedule="")
    glue.start_crawler(Name=name)
    own_server.kill()
    own_server.start()
    glue = make_client(own_server.endpoint, "glue")
    crawler = glue.get_crawler(Name=name)["Crawler"]
    assert crawler["State"] == "READY", last_crawl(crawler)
    assert crawler["LastCrawl"]["Status"] == "FAILED", last_crawl(crawler)
    assert "interrupted" in crawler["LastCrawl"]["ErrorMessage"], last_crawl(crawler)
    assert glue.get_table(DatabaseName=database, Name="t")["Table"]["Name"] == "t"
