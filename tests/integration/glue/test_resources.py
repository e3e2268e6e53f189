"""What a server holds open does not grow with the work it has done."""

from __future__ import annotations

import time

from ..conftest import Server, make_client
from .conftest import ROLE, last_crawl, unique, wait_ready

CRAWLS = 12


def settled_fds(server: Server) -> int:
    """The server's open file descriptors once the last run's threads are gone."""
    time.sleep(0.3)
    return server.open_fds()


def test_crawls_do_not_leak_file_descriptors(own_server: Server) -> None:
    """Each crawl runs on a thread of its own, which opens SQLite connections (a database,
    its WAL and shared memory: three or four descriptors); they close when the run ends."""
    own_server.start()
    glue = make_client(own_server.endpoint, "glue")
    s3 = make_client(own_server.endpoint, "s3")
    bucket = f"fds-{unique('b').replace('_', '-')}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="t/a.csv", Body=b"id,v\n1,2\n2,3\n")
    database = unique("fds")
    glue.create_database(DatabaseInput={"Name": database})
    name = unique("fds")
    targets = {"S3Targets": [{"Path": f"s3://{bucket}/t/"}]}
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=database, Targets=targets)

    def crawl() -> None:
        glue.start_crawler(Name=name)
        crawler = wait_ready(glue, name)
        assert crawler["LastCrawl"]["Status"] == "SUCCEEDED", last_crawl(crawler)

    crawl()  # the first run opens what every run shares (pools, the catalog's files)
    crawl()
    before = settled_fds(own_server)
    for _ in range(CRAWLS):
        crawl()
    grown = settled_fds(own_server) - before
    assert grown < CRAWLS, f"{grown} more descriptors open after {CRAWLS} crawls"
