"""The Glue service: the Data Catalog and crawlers, plus the Python API Athena uses.

Handlers live in topic modules: ``database_handlers``, ``table_handlers`` (tables, versions,
SearchTables), ``partition_handlers``, ``statistics_handlers`` (column statistics),
``connection_handlers``, ``classifier_handlers``, ``crawler_handlers`` and ``tag_handlers``.
Crawls run in ``crawl.py`` on a thread of their own; classifiers in ``classify/``.

The Python API (``get_table``, ``get_partitions``, ...) speaks the API shapes as dicts
(timestamps as epoch seconds) and raises the same typed errors as the handlers.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from cloudlet.auth.authorize import Check
from cloudlet.core.cloud import Cloud
from cloudlet.core.store import Store
from cloudlet.services.base import RequestContext, Service
from cloudlet.services.glue import (
    authz,
    classifier_handlers,
    connection_handlers,
    crawler_handlers,
    database_handlers,
    partition_handlers,
    statistics_handlers,
    table_handlers,
    tag_handlers,
)
from cloudlet.services.glue.catalog import Catalog
from cloudlet.services.glue.classifiers import Classifiers
from cloudlet.services.glue.crawl import CrawlRunner
from cloudlet.services.glue.crawlers import Crawlers
from cloudlet.services.glue.errors import EntityNotFoundException
from cloudlet.services.glue.partitions import NOT_FOUND, Partitions
from cloudlet.services.glue.schema import MIGRATIONS

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

log = logging.getLogger("cloudlet.glue")


class Glue(Service):
    name = "glue"
    handler_modules = (
        database_handlers,
        table_handlers,
        partition_handlers,
        statistics_handlers,
        connection_handlers,
        classifier_handlers,
        crawler_handlers,
        tag_handlers,
    )

    def __init__(self, cloud: Cloud) -> None:
        super().__init__(cloud)
        root = cloud.data_dir / "glue"
        root.mkdir(parents=True, exist_ok=True)
        fsync = cloud.config.durability == "fsync"
        self.store = Store(root / "glue.db", MIGRATIONS, synchronous="FULL" if fsync else "NORMAL")
        now = cloud.clock.time
        self.catalog = Catalog(self.store, now)
        self.partitions = Partitions(self.store, now)
        self.classifiers = Classifiers(self.store, now)
        self.crawlers = Crawlers(self.store, now)
        self.runner = CrawlRunner(self)
        if cloud.primary and cloud.first_start:
            # Runs from before this server started were cut short. The other workers may
            # already serve (and start crawls) while this one starts: those are left alone.
            self.crawlers.recover_interrupted(since=cloud.started + cloud.clock.offset)
        cloud.scheduler.every(15, "glue-crawler-schedules", self.runner.run_due)

    def authorization(self, ctx: RequestContext) -> list[Check]:
        return authz.checks_for(ctx)

    @property
    def s3(self) -> S3:
        return cast("S3", self.cloud.service("s3"))

    def account_of(self, ctx: RequestContext, params: dict[str, Any]) -> str:
        """The catalog a request names (``CatalogId``), by default the caller's account."""
        return str(params.get("CatalogId") or ctx.account_id)

    def close(self) -> None:
        self.runner.shutdown()
        self.store.close()

    # -- Python API for other services (Athena) ---------------------------------------------

    def get_database(self, account_id: str, region: str, name: str) -> dict[str, Any] | None:
        return self.catalog.database(account_id, region, name)

    def list_databases(self, account_id: str, region: str) -> list[dict[str, Any]]:
        return self.catalog.databases(account_id, region)

    def create_database(
        self, account_id: str, region: str, database_input: dict[str, Any]
    ) -> dict[str, Any]:
        """Raises AlreadyExistsException when the database exists."""
        return self.catalog.create_database(account_id, region, database_input)

    def delete_database(self, account_id: str, region: str, name: str) -> None:
        """Deletes the database with its tables and partitions (EntityNotFoundException)."""
        self.catalog.delete_database(account_id, region, name)

    def get_table(
        self, account_id: str, region: str, database: str, name: str
    ) -> dict[str, Any] | None:
        """The GetTable ``Table`` shape; None when the database or table does not exist."""
        return self.catalog.table(account_id, region, database, name)

    def list_tables(self, account_id: str, region: str, database: str) -> list[dict[str, Any]]:
        """Raises EntityNotFoundException when the database does not exist."""
        self.catalog.require_database(account_id, region, database)
        return self.catalog.tables(account_id, region, database)

    def create_table(
        self, account_id: str, region: str, database: str, table_input: dict[str, Any]
    ) -> dict[str, Any]:
        """Raises EntityNotFoundException (no database) or AlreadyExistsException."""
        return self.catalog.create_table(account_id, region, database, table_input)

    def update_table(
        self, account_id: str, region: str, database: str, table_input: dict[str, Any]
    ) -> dict[str, Any]:
        return self.catalog.update_table(account_id, region, database, table_input)

    def delete_table(self, account_id: str, region: str, database: str, name: str) -> None:
        """Deletes the table with its partitions (EntityNotFoundException if missing)."""
        self.catalog.delete_table(account_id, region, database, name)

    def get_partitions(
        self,
        account_id: str,
        region: str,
        database: str,
        table: str,
        expression: str | None = None,
    ) -> list[dict[str, Any]]:
        """Partitions (``Partition`` shapes) the GetPartitions ``Expression`` selects."""
        doc = self.catalog.require_table(account_id, region, database, table)
        return self.partitions.list(account_id, region, doc, expression)

    def get_partition(
        self, account_id: str, region: str, database: str, table: str, values: list[str]
    ) -> dict[str, Any] | None:
        doc = self.catalog.require_table(account_id, region, database, table)
        return self.partitions.get(account_id, region, doc, [str(v) for v in values])

    def create_partitions(
        self,
        account_id: str,
        region: str,
        database: str,
        table: str,
        partition_inputs: list[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        """Creates what it can; returns BatchCreatePartition's ``Errors`` for the rest
        (an existing partition: ErrorDetail.ErrorCode ``AlreadyExistsException``)."""
        doc = self.catalog.require_table(account_id, region, database, table)
        return self.partitions.create_many(account_id, region, doc, partition_inputs)

    def delete_partition(
        self, account_id: str, region: str, database: str, table: str, values: list[str]
    ) -> None:
        """Raises EntityNotFoundException when the partition does not exist."""
        doc = self.catalog.require_table(account_id, region, database, table)
        if not self.partitions.delete(account_id, region, doc, [str(v) for v in values]):
            raise EntityNotFoundException(NOT_FOUND)

    def crawl_log(self, account_id: str, region: str, crawler: str) -> list[dict[str, Any]]:
        """The crawler's log events, oldest first: ``{"timestamp": epoch seconds, "message"}``.

        As AWS writes them to CloudWatch Logs group ``/aws-glue/crawlers``, stream = crawler
        name; each message starts with the run's ``MessagePrefix`` in brackets.
        """
        if self.crawlers.get(account_id, region, crawler) is None:
            raise EntityNotFoundException(f"Crawler entry with name {crawler} does not exist")
        return self.crawlers.log(account_id, region, crawler)


def create(cloud: Cloud) -> Glue:
    return Glue(cloud)
