"""The Athena service: SQL over the lake, through the Glue Data Catalog, run by DuckDB.

Handlers live in topic modules: ``query_handlers`` (StartQueryExecution and its kin),
``workgroup_handlers`` (workgroups, tags), ``named_query_handlers`` and
``catalog_handlers`` (data catalogs, databases and table metadata). Queries run in
``runner`` on this worker's threads; their state and results are shared through SQLite and
files, so any worker answers for any query.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cloudlet.auth.authorize import Check
from cloudlet.core.cloud import Cloud
from cloudlet.core.store import Store
from cloudlet.engines.sql import SqlEngine, create_engine
from cloudlet.services.athena import (
    authz,
    catalog_handlers,
    named_query_handlers,
    query_handlers,
    workgroup_handlers,
)
from cloudlet.services.athena.executions import Executions
from cloudlet.services.athena.resources import Resources
from cloudlet.services.athena.runner import Runner
from cloudlet.services.athena.schema import MIGRATIONS
from cloudlet.services.base import RequestContext, Service

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

log = logging.getLogger("cloudlet.athena")


class Athena(Service):
    name = "athena"
    handler_modules = (
        query_handlers,
        workgroup_handlers,
        named_query_handlers,
        catalog_handlers,
    )

    def __init__(self, cloud: Cloud) -> None:
        super().__init__(cloud)
        root = cloud.data_dir / "athena"
        fsync = cloud.config.durability == "fsync"
        self.root = root
        for folder in ("results", "scratch", "cache"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        self.store = Store(
            root / "athena.db", MIGRATIONS, synchronous="FULL" if fsync else "NORMAL"
        )
        self.executions = Executions(self.store)
        self.resources = Resources(self.store, cloud.clock.time)
        self.results_dir = str(root / "results")
        self.cache_dir = str(root / "cache")
        self.scratch_dir = str(root / "scratch" / str(os.getpid()))
        _clear_scratch(root / "scratch")
        Path(self.scratch_dir).mkdir(parents=True, exist_ok=True)
        self._engine: SqlEngine | None = None
        #: Marks the queries this process runs (a query whose process died has failed).
        self.runner_pid = os.getpid()
        self.runner = Runner(self)
        if cloud.primary and cloud.first_start:
            now = cloud.clock.time()
            failed = self.executions.fail_orphans(now, before=now)
            if failed:
                log.info("marked %d queries left running by an earlier server FAILED", failed)

    @property
    def engine(self) -> SqlEngine:
        """The SQL engine, started on first use (DuckDB is not loaded until a query runs)."""
        if self._engine is None:
            self._engine = create_engine(self.scratch_dir)
        return self._engine

    @property
    def glue(self) -> Any:
        glue = self.cloud.service("glue")
        if glue is None:
            from cloudlet.engines.sql import QueryError

            raise QueryError("The Glue Data Catalog is not available", "HIVE_METASTORE_ERROR")
        return glue

    @property
    def s3(self) -> S3:
        return cast("S3", self.cloud.service("s3"))

    def authorization(self, ctx: RequestContext) -> list[Check]:
        return authz.checks_for(self, ctx)

    def close(self) -> None:
        self.runner.shutdown()
        if self._engine is not None:
            self._engine.close()  # type: ignore[attr-defined]
        self.store.close()


def _clear_scratch(root: Path) -> None:
    """Remove the scratch folders of processes that are gone (left by a crash)."""
    for folder in root.iterdir():
        if folder.name.isdigit() and not _alive(int(folder.name)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def create(cloud: Cloud) -> Athena:
    return Athena(cloud)
