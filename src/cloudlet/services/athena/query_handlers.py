"""StartQueryExecution and the operations that follow a query: Get, Results, Stop, List.

https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from cloudlet.services.athena import results
from cloudlet.services.athena.errors import InvalidRequestException, invalid
from cloudlet.services.athena.executions import UNFINISHED, Execution
from cloudlet.services.athena.paging import page
from cloudlet.services.athena.resources import ENGINE_VERSION, PRIMARY
from cloudlet.services.athena.statements import leading_words, strip_comments
from cloudlet.services.base import RequestContext, operation

if TYPE_CHECKING:
    from cloudlet.services.athena.handlers import Athena

MAX_QUERY = 262144
#: Athena's AthenaError.ErrorCategory: 1 system, 2 user.
_SYSTEM_ERRORS = {"GENERIC_INTERNAL_ERROR"}


@operation("StartQueryExecution")
def start_query_execution(
    athena: Athena, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    query = params.get("QueryString") or ""
    if not 1 <= len(query) <= MAX_QUERY:
        raise invalid("QueryString must be between 1 and 262144 characters", "INVALID_INPUT")
    name = params.get("WorkGroup") or PRIMARY
    group = athena.resources.workgroup(ctx.account_id, ctx.region, name)
    if group is None:
        raise invalid(f"WorkGroup {name} is not found.")
    if group["State"] != "ENABLED":
        raise invalid(f"WorkGroup {name} is disabled.")
    output, encryption = _result_configuration(group, params.get("ResultConfiguration") or {})
    context = params.get("QueryExecutionContext") or {}
    parameters = params.get("ExecutionParameters")
    execution = Execution(
        id=str(uuid.uuid4()),
        account_id=ctx.account_id,
        region=ctx.region,
        workgroup=name,
        query=query,
        submitted=athena.cloud.clock.time(),
        database=context.get("Database"),
        catalog=context.get("Catalog"),
        output_location=output,
        encryption=encryption,
        client_token=params.get("ClientRequestToken"),
        parameters=parameters,
        statement_type=statement_type(query),
        owner_pid=athena.runner_pid,
    )
    stored = athena.executions.insert(execution)
    if stored.id != execution.id:
        if stored.query != query or stored.workgroup != name:
            raise invalid("Idempotent parameters do not match", "INVALID_INPUT")
        return {"QueryExecutionId": stored.id}
    if parameters:
        execution.query = bind_parameters(query, parameters)
    athena.runner.submit(execution, lambda checks: athena.cloud.authorizer.check(ctx, checks))
    return {"QueryExecutionId": execution.id}


def _result_configuration(
    group: dict[str, Any], given: dict[str, Any]
) -> tuple[str, dict[str, Any] | None]:
    """The output folder: the workgroup's when it enforces its settings, else the request's."""
    configured = group["Configuration"].get("ResultConfiguration") or {}
    if group["Configuration"].get("EnforceWorkGroupConfiguration"):
        chosen = {**given, **configured}
    else:
        chosen = {**configured, **given}
    output = chosen.get("OutputLocation")
    if not output:
        raise invalid(
            "No output location provided. An output location is required either through the "
            "Workgroup result configuration setting or as an API input.",
            "INVALID_INPUT",
        )
    if not re.match(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$", output):
        raise invalid(f"outputLocation is not a valid S3 path: {output}", "INVALID_INPUT")
    folder = output if output.endswith("/") else output + "/"
    if re.search(r"/[^/]+\.(csv|txt)$", output):
        folder = output.rsplit("/", 1)[0] + "/"
    return folder, chosen.get("EncryptionConfiguration")


def statement_type(query: str) -> str:
    """DML, DDL or UTILITY, by the statement's first words (Athena knows it on submission)."""
    words = leading_words(strip_comments(query), 4)
    first = words[0] if words else ""
    if first in ("SELECT", "WITH", "VALUES", "INSERT", "TABLE", "UNLOAD", "EXPLAIN"):
        return "DML"
    if first in ("SHOW", "DESCRIBE", "DESC"):
        return "UTILITY"
    ctas = re.search(r"\bAS\s*\(?\s*(SELECT|WITH|VALUES)\b", query, re.I)
    if first == "CREATE" and ctas and "VIEW" not in words[:4]:
        return "DML"
    return "DDL"


def bind_parameters(query: str, parameters: list[str]) -> str:
    """Replace each ``?`` outside quotes with the next execution parameter (SQL literals)."""
    out, index, quote = [], 0, None
    for char in query:
        if quote:
            quote = None if char == quote else quote
            out.append(char)
        elif char in ("'", '"'):
            quote = char
            out.append(char)
        elif char == "?" and index < len(parameters):
            out.append(parameters[index])
            index += 1
        else:
            out.append(char)
    return "".join(out)


def find_execution(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> Execution:
    execution_id = params.get("QueryExecutionId") or ""
    execution = athena.executions.get(ctx.account_id, ctx.region, execution_id)
    if execution is None:
        raise invalid(f"QueryExecution {execution_id} was not found", "INVALID_INPUT")
    orphan = execution.state in UNFINISHED and execution.owner_pid != athena.runner_pid
    if orphan and athena.executions.fail_orphans(athena.cloud.clock.time()):
        execution = athena.executions.get(ctx.account_id, ctx.region, execution_id)
        assert execution is not None
    return execution


def describe(athena: Athena, execution: Execution) -> dict[str, Any]:
    """The QueryExecution shape."""
    now = athena.cloud.clock.time()
    status: dict[str, Any] = {"State": execution.state, "SubmissionDateTime": execution.submitted}
    if execution.completed is not None:
        status["CompletionDateTime"] = execution.completed
    if execution.state_reason:
        status["StateChangeReason"] = execution.state_reason
    if execution.state == "FAILED":
        system = (execution.error_type or "") in _SYSTEM_ERRORS
        status["AthenaError"] = {
            "ErrorCategory": 1 if system else 2,
            "ErrorType": 1000 if system else 1100,
            "Retryable": system,
            "ErrorMessage": execution.state_reason or "",
        }
    if execution.state == "SUCCEEDED":
        suffix = ".csv" if execution.has_header else ".txt"
    else:  # not written (yet): what a statement of this type writes
        suffix = ".csv" if execution.statement_type == "DML" else ".txt"
    result_configuration: dict[str, Any] = {
        "OutputLocation": f"{execution.output_location}{execution.id}{suffix}"
    }
    if execution.encryption:
        result_configuration["EncryptionConfiguration"] = execution.encryption
    context = {
        key: value
        for key, value in (("Database", execution.database), ("Catalog", execution.catalog))
        if value
    }
    shape: dict[str, Any] = {
        "QueryExecutionId": execution.id,
        "Query": execution.query,
        "StatementType": execution.statement_type or "DML",
        "ResultConfiguration": result_configuration,
        "ResultReuseConfiguration": {"ResultReuseByAgeConfiguration": {"Enabled": False}},
        "QueryExecutionContext": context,
        "Status": status,
        "Statistics": statistics(execution, now),
        "WorkGroup": execution.workgroup,
        "EngineVersion": dict(ENGINE_VERSION),
    }
    if execution.parameters:
        shape["ExecutionParameters"] = execution.parameters
    if execution.substatement_type:
        shape["SubstatementType"] = execution.substatement_type
    return shape


def _ms(start: float | None, end: float | None) -> int:
    if start is None or end is None:
        return 0
    return max(0, round((end - start) * 1000))


def timeline(execution: Execution, now: float) -> dict[str, int]:
    started = execution.started
    end = execution.completed or now
    return {
        "QueryQueueTimeInMillis": _ms(execution.submitted, started or end),
        "ServicePreProcessingTimeInMillis": 0,
        "QueryPlanningTimeInMillis": _ms(started, execution.planned),
        "EngineExecutionTimeInMillis": _ms(started, execution.executed or (started and end)),
        "ServiceProcessingTimeInMillis": _ms(execution.executed, execution.completed),
        "TotalExecutionTimeInMillis": _ms(execution.submitted, end),
    }


def statistics(execution: Execution, now: float) -> dict[str, Any]:
    return {
        **timeline(execution, now),
        "DataScannedInBytes": execution.scanned_bytes,
        "ResultReuseInformation": {"ReusedPreviousResult": False},
    }


@operation("GetQueryExecution")
def get_query_execution(
    athena: Athena, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    return {"QueryExecution": describe(athena, find_execution(athena, ctx, params))}


@operation("BatchGetQueryExecution")
def batch_get_query_execution(
    athena: Athena, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    found, missing = [], []
    for execution_id in params.get("QueryExecutionIds") or []:
        execution = athena.executions.get(ctx.account_id, ctx.region, execution_id)
        if execution is None:
            missing.append(
                {
                    "QueryExecutionId": execution_id,
                    "ErrorCode": "INVALID_INPUT",
                    "ErrorMessage": f"QueryExecution {execution_id} was not found",
                }
            )
        else:
            found.append(describe(athena, execution))
    return {"QueryExecutions": found, "UnprocessedQueryExecutionIds": missing}


@operation("ListQueryExecutions")
def list_query_executions(
    athena: Athena, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    name = params.get("WorkGroup") or PRIMARY
    if athena.resources.workgroup(ctx.account_id, ctx.region, name) is None:
        raise invalid(f"WorkGroup {name} is not found.")
    ids, token = page(
        lambda offset, limit: athena.executions.list_ids(
            ctx.account_id, ctx.region, name, offset, limit
        ),
        params,
        50,
    )
    out: dict[str, Any] = {"QueryExecutionIds": ids}
    if token:
        out["NextToken"] = token
    return out


@operation("StopQueryExecution")
def stop_query_execution(
    athena: Athena, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    execution = find_execution(athena, ctx, params)
    stopped = athena.executions.update(
        execution.id,
        UNFINISHED,
        state="CANCELLED",
        state_reason="Query cancelled by user",
        completed=athena.cloud.clock.time(),
    )
    if stopped:
        athena.runner.interrupt(execution.id)
    return {}


@operation("GetQueryResults")
def get_query_results(
    athena: Athena, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    execution = find_execution(athena, ctx, params)
    if execution.state in UNFINISHED:
        raise invalid(f"Query has not yet finished. Current state: {execution.state}")
    if execution.state != "SUCCEEDED":
        reason = f"\n{execution.state_reason}" if execution.state_reason else ""
        raise InvalidRequestException(
            f"Query did not finish successfully. Final query state: {execution.state}{reason}"
        )
    limit = params.get("MaxResults") or results.MAX_PAGE
    if not 1 <= limit <= results.MAX_PAGE:
        raise invalid("MaxResults must be between 1 and 1000", "INVALID_INPUT")
    token = params.get("NextToken")
    offset = 0
    rows: list[dict[str, Any]] = []
    if token:
        decoded = results.decode_token(token)
        if decoded is None:
            raise invalid("NextToken is not valid", "INVALID_INPUT")
        offset = decoded
    elif execution.has_header and execution.result_columns:
        rows.append(results.row_shape(c["Name"] for c in execution.result_columns))
    following = None
    want = limit - len(rows)
    if execution.result_file and want > 0:
        try:
            values, following = results.read_page(execution.result_file, offset, want)
        except FileNotFoundError:
            values = []
        rows.extend(results.row_shape(v) for v in values)
    elif want == 0 and execution.result_rows:
        following = offset
    out: dict[str, Any] = {
        "UpdateCount": execution.update_count or 0,
        "ResultSet": {
            "Rows": rows,
            "ResultSetMetadata": {"ColumnInfo": execution.result_columns},
        },
    }
    if following is not None:
        out["NextToken"] = results.encode_token(following)
    return out


@operation("GetQueryRuntimeStatistics")
def get_query_runtime_statistics(
    athena: Athena, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    execution = find_execution(athena, ctx, params)
    stats: dict[str, Any] = {"Timeline": timeline(execution, athena.cloud.clock.time())}
    if execution.state == "SUCCEEDED":
        stats["Rows"] = {
            "InputBytes": execution.scanned_bytes,
            "OutputRows": execution.result_rows or 0,
        }
    return {"QueryRuntimeStatistics": stats}
