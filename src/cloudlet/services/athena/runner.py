"""Running queries in the background of the worker that accepted them.

StartQueryExecution stores the execution (QUEUED) and hands it to this worker's pool; a
pool thread moves it to RUNNING, runs the statement, writes the result files and records
SUCCEEDED or FAILED. Either worker may receive StopQueryExecution: it marks the row
CANCELLED, and a watcher thread here, polling the rows of the queries this process runs,
interrupts the engine. Every state change is a conditional update, so a stop and a finish
that race leave exactly one outcome.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from cloudlet.auth.authorize import Check
from cloudlet.core.errors import AccessDenied
from cloudlet.engines import dialect
from cloudlet.engines.sql import QueryCancelled, QueryError
from cloudlet.services.athena import ddl, results, show, writes
from cloudlet.services.athena.catalog import GlueCatalog, split_location
from cloudlet.services.athena.executions import Execution
from cloudlet.services.athena.statements import Outcome, Statement, leading_words, strip_comments
from cloudlet.services.s3.authz import bucket_check

if TYPE_CHECKING:
    from cloudlet.services.athena.handlers import Athena

log = logging.getLogger("cloudlet.athena")

#: Queries one worker runs at once; more wait in QUEUED.
CONCURRENCY = 4
WATCH_INTERVAL = 0.1


class Runner:
    def __init__(self, athena: Athena) -> None:
        self.athena = athena
        self.pool = ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="athena-query")
        self._running: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def submit(self, execution: Execution, authorize: Callable[[list[Check]], None]) -> None:
        self.pool.submit(self._run, execution, authorize)

    def interrupt(self, execution_id: str) -> None:
        """Interrupt the query if this process runs it (the row is already CANCELLED)."""
        with self._lock:
            query = self._running.get(execution_id)
        if query is not None:
            query.interrupt()

    def shutdown(self) -> None:
        self._stop.set()
        with self._lock:
            for query in self._running.values():
                if query is not None:
                    query.interrupt()
        self.pool.shutdown(wait=True, cancel_futures=True)

    # -- one execution ------------------------------------------------------------------------

    def _run(self, execution: Execution, authorize: Callable[[list[Check]], None]) -> None:
        executions = self.athena.executions
        now = self.athena.cloud.clock.time
        if not executions.update(execution.id, ("QUEUED",), state="RUNNING", started=now()):
            return  # stopped while queued
        with self._lock:
            self._running[execution.id] = None
        self._ensure_watcher()
        try:
            self._execute(execution, authorize)
        except QueryCancelled:
            pass
        except QueryError as exc:
            self._fail(execution, str(exc), exc.error_type)
        except AccessDenied as exc:
            self._fail(execution, exc.message, "PERMISSION_DENIED")
        except Exception:
            log.exception("query %s failed unexpectedly", execution.id)
            self._fail(
                execution, "GENERIC_INTERNAL_ERROR: internal error", "GENERIC_INTERNAL_ERROR"
            )
        finally:
            with self._lock:
                self._running.pop(execution.id, None)

    def _fail(self, execution: Execution, reason: str, error_type: str) -> None:
        self.athena.executions.update(
            execution.id,
            ("RUNNING",),
            state="FAILED",
            state_reason=reason,
            error_type=error_type,
            completed=self.athena.cloud.clock.time(),
        )

    def _execute(self, execution: Execution, authorize: Callable[[list[Check]], None]) -> None:
        athena = self.athena
        output = execution.output_location or ""
        bucket, prefix = split_location(output)
        s3 = athena.s3
        try:
            authorize([bucket_check(s3, "s3:PutObject", bucket, prefix + execution.id)])
        except AccessDenied:
            raise QueryError(
                f"Access denied when writing output to url: {output}{execution.id}.csv",
                "PERMISSION_DENIED",
            ) from None
        if s3.buckets.find(bucket) is None:
            raise QueryError(
                f"Unable to verify/create output bucket {bucket}", "GENERIC_USER_ERROR"
            )
        if (execution.catalog or "AwsDataCatalog").lower() != "awsdatacatalog":
            raise QueryError(
                f"Catalog '{execution.catalog}' cannot be queried by cloudlet yet", "NOT_SUPPORTED"
            )
        catalog = GlueCatalog(athena, execution.account_id, execution.region, authorize)
        statement = Statement(athena, execution, catalog, execution.query)
        statement.on_query = self._track(execution, statement)
        outcome = run_statement(statement)
        planned = statement.planned or athena.cloud.clock.time()
        self._store_results(execution, outcome, bucket, prefix, planned)

    def _track(self, execution: Execution, statement: Statement) -> Callable[[Any], None]:
        def track(query: Any) -> None:
            statement.planned = self.athena.cloud.clock.time()
            with self._lock:
                self._running[execution.id] = query
            current = self.athena.executions.by_id(execution.id)
            if current is not None and current.state == "CANCELLED":
                query.interrupt()

        return track

    def _store_results(
        self, execution: Execution, outcome: Outcome, bucket: str, prefix: str, planned: float
    ) -> None:
        """Write the rows (JSON lines for paging, CSV or text in S3), then SUCCEEDED."""
        athena = self.athena
        suffix = ".csv" if outcome.has_header else ".txt"
        rows_path = os.path.join(athena.results_dir, f"{execution.id}.jsonl")
        data_path = os.path.join(athena.scratch_dir, f"{execution.id}{suffix}")
        try:
            with (
                open(rows_path, "w", encoding="utf-8") as rows_file,
                open(data_path, "w", encoding="utf-8", newline="") as data_file,
            ):
                writer = results.ResultWriter(rows_file, data_file, outcome.has_header)
                if outcome.has_header:
                    writer.header([c["Name"] for c in outcome.columns])
                for row in outcome.rows:
                    writer.add(row)
                executed = athena.cloud.clock.time()
            current = athena.executions.by_id(execution.id)
            if current is None or current.state != "RUNNING":
                raise QueryCancelled()  # stopped meanwhile: leave no result behind
            key = prefix + execution.id + suffix
            athena.s3.put_file(execution.account_id, bucket, key, data_path, "text/csv")
            if outcome.has_header:
                metadata = os.path.join(athena.scratch_dir, f"{execution.id}.metadata")
                with open(metadata, "w") as handle:
                    json.dump({"ColumnInfo": outcome.columns}, handle)
                athena.s3.put_file(
                    execution.account_id, bucket, key + ".metadata", metadata, "application/json"
                )
                os.unlink(metadata)
        except BaseException:
            if os.path.exists(rows_path):
                os.unlink(rows_path)
            raise
        finally:
            if os.path.exists(data_path):
                os.unlink(data_path)
        done = athena.executions.update(
            execution.id,
            ("RUNNING",),
            state="SUCCEEDED",
            statement_type=outcome.statement_type,
            substatement_type=outcome.substatement_type,
            planned=planned,
            executed=executed,
            completed=athena.cloud.clock.time(),
            scanned_bytes=outcome.scanned_bytes,
            result_columns=outcome.columns,
            result_rows=writer.count,
            result_file=rows_path,
            has_header=outcome.has_header,
            update_count=outcome.update_count,
        )
        if not done and os.path.exists(rows_path):
            os.unlink(rows_path)

    # -- stops from any worker ----------------------------------------------------------------

    def _ensure_watcher(self) -> None:
        if self._watcher is None:
            with self._lock:
                if self._watcher is None:
                    self._watcher = threading.Thread(
                        target=self._watch, name="athena-stop-watcher", daemon=True
                    )
                    self._watcher.start()

    def _watch(self) -> None:
        while not self._stop.wait(WATCH_INTERVAL):
            with self._lock:
                ids = [i for i, q in self._running.items() if q is not None]
            for execution_id in ids:
                current = self.athena.executions.by_id(execution_id)
                if current is not None and current.state == "CANCELLED":
                    self.interrupt(execution_id)


def run_statement(st: Statement) -> Outcome:
    """Run one statement: Hive DDL against Glue, anything else as a query."""
    sql = strip_comments(st.sql)
    words = leading_words(sql)
    first = words[0] if words else ""
    if first in ("SHOW", "DESCRIBE", "DESC"):
        return show.run(st, sql)
    if words[:2] == ["MSCK", "REPAIR"]:
        return ddl.msck_repair(st, sql)
    if first == "ALTER":
        return ddl.alter_partitions(st, sql)
    if first == "EXPLAIN":
        return _explain(st, sql)
    tree = dialect.parse(sql)
    if isinstance(tree, exp.Create):
        kind = (tree.args.get("kind") or "").upper()
        if kind in ("DATABASE", "SCHEMA"):
            return ddl.create_database(st, tree)
        if kind == "VIEW":
            return ddl.create_view(st, tree)
        if kind == "TABLE" and tree.expression is not None:
            return writes.ctas(st, tree)
        if kind == "TABLE":
            return ddl.create_table(st, tree)
    if isinstance(tree, exp.Drop):
        return ddl.drop(st, tree)
    if isinstance(tree, exp.Insert):
        return writes.insert_into(st, tree)
    if isinstance(tree, exp.Query | exp.Values):
        return select(st, sql)
    raise QueryError(f"line 1:1: statement not supported: {sql[:60]}", "NOT_SUPPORTED")


def select(st: Statement, sql: str) -> Outcome:
    athena = st.athena
    query = athena.engine.prepare(sql, st.catalog, st.database)
    st.on_query(query)
    limit = _scan_limit(st)
    if limit is not None and query.scanned_bytes > limit:
        query.close()
        raise QueryError(
            f"Query exhausted the data scanned limit ({limit} bytes) of the workgroup",
            "EXCEEDED_DATA_SCANNED_LIMIT",
        )
    try:
        columns, batches = query.rows(results.MAX_PAGE)
    except BaseException:
        query.close()
        raise
    kinds = [c.type for c in columns]

    def rows() -> Any:
        try:
            for batch in batches:
                for row in batch:
                    yield [results.format_value(v, k) for v, k in zip(row, kinds, strict=True)]
        finally:
            query.close()

    return Outcome(
        "DML",
        "SELECT",
        columns=[results.column_info(c) for c in columns],
        rows=rows(),
        has_header=True,
        scanned_bytes=query.scanned_bytes,
    )


def _explain(st: Statement, sql: str) -> Outcome:
    inner = sql.split(None, 1)[1] if len(sql.split(None, 1)) > 1 else ""
    query = st.athena.engine.prepare(inner, st.catalog, st.database)
    st.on_query(query)
    try:
        lines = query.explain()
    finally:
        query.close()
    return Outcome(
        "DML",
        "EXPLAIN",
        columns=[results.text_column("Query Plan")],
        rows=[[line] for line in lines],
        has_header=True,
    )


def _scan_limit(st: Statement) -> int | None:
    group = st.athena.resources.workgroup(st.account_id, st.region, st.execution.workgroup)
    if group is None:
        return None
    limit = group["Configuration"].get("BytesScannedCutoffPerQuery")
    return int(limit) if limit else None
