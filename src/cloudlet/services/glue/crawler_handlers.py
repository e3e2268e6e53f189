"""Crawlers: Create/Get/Update/Delete, GetCrawlers, BatchGetCrawlers, ListCrawlers,
Start/StopCrawler, GetCrawlerMetrics, ListCrawls and the schedule operations.

https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-crawling.html
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.glue import schedule
from cloudlet.services.glue.common import hive_name, jsonable, page
from cloudlet.services.glue.crawl import median_runtime
from cloudlet.services.glue.crawlers import LOG_GROUP, READY
from cloudlet.services.glue.errors import (
    InvalidInputException,
    NoScheduleException,
    SchedulerNotRunningException,
    SchedulerRunningException,
)

if TYPE_CHECKING:
    from cloudlet.services.glue.handlers import Glue

TARGET_KINDS = ("S3Targets", "JdbcTargets", "MongoDBTargets", "DynamoDBTargets",
                "CatalogTargets", "DeltaTargets", "IcebergTargets", "HudiTargets")  # fmt: skip
_CONFIG = ("Role", "DatabaseName", "Description", "Targets", "Classifiers", "TablePrefix",
           "SchemaChangePolicy", "RecrawlPolicy", "LineageConfiguration",
           "LakeFormationConfiguration", "Configuration",
           "CrawlerSecurityConfiguration")  # fmt: skip
_LIST_STATES = {"SUCCEEDED": "COMPLETED", "CANCELLED": "STOPPED", "FAILED": "FAILED",
                "RUNNING": "RUNNING"}  # fmt: skip


def crawler_arn(ctx: RequestContext, name: str) -> str:
    return arns.build("glue", ctx.region, ctx.account_id, f"crawler/{name}")


def _validate(doc: dict[str, Any]) -> None:
    targets = doc["Targets"]
    if not any(targets.get(kind) for kind in TARGET_KINDS):
        raise InvalidInputException("At least one target is required.")
    for target in targets.get("S3Targets") or []:
        if not str(target.get("Path", "")).startswith(("s3://", "s3a://")):
            raise InvalidInputException(f"Invalid S3 target path: {target.get('Path')}")
        size = target.get("SampleSize")
        if size is not None and not 1 <= size <= 249:
            raise InvalidInputException("SampleSize must be between 1 and 249.")
    policy = doc["SchemaChangePolicy"]
    if doc["RecrawlPolicy"]["RecrawlBehavior"] == "CRAWL_NEW_FOLDERS_ONLY" and (
        policy.get("UpdateBehavior") != "LOG" or policy.get("DeleteBehavior") != "LOG"
    ):
        raise InvalidInputException(
            "The SchemaChangePolicy for a crawler with RecrawlBehavior CRAWL_NEW_FOLDERS_ONLY "
            "must have UpdateBehavior and DeleteBehavior LOG."
        )
    if targets.get("CatalogTargets") and policy.get("DeleteBehavior") not in ("LOG", None):
        raise InvalidInputException("A crawler with catalog targets must have DeleteBehavior LOG.")
    if doc.get("Configuration"):
        try:
            json.loads(doc["Configuration"])
        except ValueError:
            raise InvalidInputException("Configuration is not valid JSON.") from None
    if doc.get("Schedule"):
        schedule.validate(doc["Schedule"]["ScheduleExpression"])


def _defaults(doc: dict[str, Any]) -> dict[str, Any]:
    targets = doc.get("Targets") or {}
    doc["Targets"] = {kind: targets.get(kind) or [] for kind in TARGET_KINDS}
    for target in doc["Targets"]["S3Targets"]:
        target.setdefault("Exclusions", [])
    catalog = bool(doc["Targets"]["CatalogTargets"])
    doc.setdefault("Classifiers", [])
    policy = doc.get("SchemaChangePolicy") or {}
    policy.setdefault("UpdateBehavior", "UPDATE_IN_DATABASE")
    policy.setdefault("DeleteBehavior", "LOG" if catalog else "DEPRECATE_IN_DATABASE")
    doc["SchemaChangePolicy"] = policy
    doc["RecrawlPolicy"] = doc.get("RecrawlPolicy") or {"RecrawlBehavior": "CRAWL_EVERYTHING"}
    doc["LineageConfiguration"] = doc.get("LineageConfiguration") or {
        "CrawlerLineageSettings": "DISABLE"
    }
    doc["LakeFormationConfiguration"] = doc.get("LakeFormationConfiguration") or {
        "UseLakeFormationCredentials": False,
        "AccountId": "",
    }
    return doc


def _next_run(glue: Glue, doc: dict[str, Any]) -> float | None:
    sched = doc.get("Schedule")
    if not sched or sched.get("State") != "SCHEDULED":
        return None
    return schedule.next_run(sched["ScheduleExpression"], glue.cloud.clock.time())


@operation("CreateCrawler")
def create_crawler(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    hive_name(name, "Crawler name")
    now = glue.cloud.clock.time()
    doc = {"Name": name, **{k: jsonable(params[k]) for k in _CONFIG if k in params}}
    if params.get("DatabaseName"):
        doc["DatabaseName"] = params["DatabaseName"].lower()
    if params.get("Schedule"):
        doc["Schedule"] = {"ScheduleExpression": params["Schedule"], "State": "SCHEDULED"}
    doc.update(CreationTime=now, LastUpdated=now, Version=1)
    _validate(_defaults(doc))
    glue.crawlers.create(ctx.account_id, ctx.region, doc, _next_run(glue, doc))
    if params.get("Tags"):
        glue.crawlers.put_tags(crawler_arn(ctx, name), params["Tags"])
    return {}


def shape(glue: Glue, account: str, region: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The ``Crawler`` shape: configuration, state, elapsed time and the last crawl."""
    out = {k: v for k, v in doc.items() if not k.startswith("_")}
    out["State"] = doc["_state"]
    crawls = glue.crawlers.crawls(account, region, doc["Name"])
    out["CrawlElapsedTime"] = 0
    if doc["_state"] != READY and crawls:
        out["CrawlElapsedTime"] = int((glue.cloud.clock.time() - crawls[0]["started"]) * 1000)
    last = next((c for c in crawls if c["ended"] is not None), None)
    if last is not None:
        info = {
            "Status": last["state"],
            "LogGroup": LOG_GROUP,
            "LogStream": doc["Name"],
            "MessagePrefix": last["crawl_id"],
            "StartTime": last["started"],
        }
        if last["error"]:
            info["ErrorMessage"] = last["error"]
        out["LastCrawl"] = info
    return out


@operation("GetCrawler", inline=True)
def get_crawler(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = glue.crawlers.require(ctx.account_id, ctx.region, params["Name"])
    return {"Crawler": shape(glue, ctx.account_id, ctx.region, doc)}


@operation("GetCrawlers")
def get_crawlers(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found = glue.crawlers.all(ctx.account_id, ctx.region)
    items, token = page(found, params, lambda c: c["Name"], default=100, maximum=1000)
    out: dict[str, Any] = {"Crawlers": [shape(glue, ctx.account_id, ctx.region, c) for c in items]}
    if token:
        out["NextToken"] = token
    return out


@operation("BatchGetCrawlers")
def batch_get_crawlers(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found, missing = [], []
    for name in params["CrawlerNames"]:
        doc = glue.crawlers.get(ctx.account_id, ctx.region, name)
        if doc is None:
            missing.append(name)
        else:
            found.append(shape(glue, ctx.account_id, ctx.region, doc))
    return {"Crawlers": found, "CrawlersNotFound": missing}


@operation("ListCrawlers")
def list_crawlers(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    names = [c["Name"] for c in glue.crawlers.all(ctx.account_id, ctx.region)]
    wanted = params.get("Tags") or {}
    if wanted:
        names = [
            n
            for n in names
            if all(glue.crawlers.tags(crawler_arn(ctx, n)).get(k) == v for k, v in wanted.items())
        ]
    items, token = page(names, params, lambda n: n, default=100, maximum=1000)
    out: dict[str, Any] = {"CrawlerNames": items}
    if token:
        out["NextToken"] = token
    return out


@operation("UpdateCrawler")
def update_crawler(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    old = glue.crawlers.require(ctx.account_id, ctx.region, params["Name"])
    doc = {k: v for k, v in old.items() if not k.startswith("_")}
    doc.update({k: jsonable(params[k]) for k in _CONFIG if k in params})
    if params.get("DatabaseName"):
        doc["DatabaseName"] = params["DatabaseName"].lower()
    if "Schedule" in params:
        if params["Schedule"]:
            doc["Schedule"] = {"ScheduleExpression": params["Schedule"], "State": "SCHEDULED"}
        else:
            doc.pop("Schedule", None)
    doc.update(LastUpdated=glue.cloud.clock.time(), Version=int(old.get("Version", 1)) + 1)
    _validate(_defaults(doc))
    glue.crawlers.replace(ctx.account_id, ctx.region, doc, _next_run(glue, doc))
    return {}


@operation("DeleteCrawler")
def delete_crawler(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    glue.crawlers.delete(ctx.account_id, ctx.region, params["Name"])
    return {}


@operation("StartCrawler")
def start_crawler(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    glue.runner.start(ctx.account_id, ctx.region, params["Name"])
    return {}


@operation("StopCrawler")
def stop_crawler(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    glue.crawlers.request_stop(ctx.account_id, ctx.region, params["Name"])
    return {}


def metrics(glue: Glue, account: str, region: str, doc: dict[str, Any]) -> dict[str, Any]:
    crawls = glue.crawlers.crawls(account, region, doc["Name"])
    done = [c for c in crawls if c["ended"] is not None]
    last = done[0]["summary"] if done else {}
    median = median_runtime(done)
    time_left, estimating = 0.0, False
    if doc["_state"] != READY and crawls:
        elapsed = glue.cloud.clock.time() - crawls[0]["started"]
        time_left, estimating = max(0.0, median - elapsed), not done
    return {
        "CrawlerName": doc["Name"],
        "TimeLeftSeconds": round(time_left, 3),
        "StillEstimating": estimating,
        "LastRuntimeSeconds": round(last.get("runtime", 0.0), 3),
        "MedianRuntimeSeconds": round(median, 3),
        "TablesCreated": last.get("TablesCreated", 0),
        "TablesUpdated": last.get("TablesUpdated", 0),
        "TablesDeleted": last.get("TablesDeleted", 0),
    }


@operation("GetCrawlerMetrics")
def get_crawler_metrics(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    names = params.get("CrawlerNameList")
    docs = glue.crawlers.all(ctx.account_id, ctx.region)
    if names:
        docs = [d for d in docs if d["Name"] in names]
    items, token = page(docs, params, lambda d: d["Name"], default=100, maximum=1000)
    out: dict[str, Any] = {
        "CrawlerMetricsList": [metrics(glue, ctx.account_id, ctx.region, d) for d in items]
    }
    if token:
        out["NextToken"] = token
    return out


def _summary(summary: dict[str, Any]) -> str:
    found: dict[str, dict[str, dict[str, int]]] = {}
    for entity, plural in (("TABLE", "Tables"), ("PARTITION", "Partitions")):
        for action, verb in (("ADD", "Created"), ("UPDATE", "Updated"), ("DELETE", "Deleted")):
            count = summary.get(f"{plural}{verb}", 0)
            if count:
                found.setdefault(entity, {})[action] = {"Count": count}
    return json.dumps(found)


_FILTER_OPS = {
    "GT": lambda a, b: a > b, "GE": lambda a, b: a >= b, "LT": lambda a, b: a < b,
    "LE": lambda a, b: a <= b, "EQ": lambda a, b: a == b, "NE": lambda a, b: a != b,
}  # fmt: skip


@operation("ListCrawls")
def list_crawls(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["CrawlerName"]
    glue.crawlers.require(ctx.account_id, ctx.region, name)
    history = []
    for crawl in glue.crawlers.crawls(ctx.account_id, ctx.region, name):
        entry = {
            "CrawlId": crawl["crawl_id"],
            "State": _LIST_STATES.get(crawl["state"], crawl["state"]),
            "StartTime": crawl["started"],
            "Summary": _summary(crawl["summary"]),
            "LogGroup": LOG_GROUP,
            "LogStream": name,
            "MessagePrefix": crawl["crawl_id"],
            "DPUHour": 0.0,
        }
        if crawl["ended"] is not None:
            entry["EndTime"] = crawl["ended"]
        if crawl["error"]:
            entry["ErrorMessage"] = crawl["error"]
        history.append(entry)
    for rule in params.get("Filters") or []:
        history = [h for h in history if _matches(h, rule)]
    keyed = [(f"{i:08d}", h) for i, h in enumerate(history)]
    items, token = page(keyed, params, lambda item: item[0], default=20, maximum=1000)
    out: dict[str, Any] = {"Crawls": [h for _, h in items]}
    if token:
        out["NextToken"] = token
    return out


def _matches(entry: dict[str, Any], rule: dict[str, Any]) -> bool:
    op = _FILTER_OPS.get(rule.get("FilterOperator") or "EQ")
    field, value = rule.get("FieldName"), rule.get("FieldValue")
    if op is None or field is None or value is None:
        raise InvalidInputException("Invalid crawl filter.")
    column = {"CRAWL_ID": "CrawlId", "STATE": "State", "START_TIME": "StartTime",
              "END_TIME": "EndTime", "DPU_HOUR": "DPUHour"}.get(field)  # fmt: skip
    if column is None:
        raise InvalidInputException(f"Invalid crawl filter field: {field}")
    have = entry.get(column)
    if have is None:
        return False
    if isinstance(have, float):
        try:
            return bool(op(have, float(value)))
        except ValueError:
            raise InvalidInputException(f"Invalid value for {field}: {value}") from None
    return bool(op(str(have), value))


# -- schedules ----------------------------------------------------------------------------


def _set_schedule(glue: Glue, ctx: RequestContext, name: str, state: str | None) -> None:
    doc = glue.crawlers.require(ctx.account_id, ctx.region, name)
    sched = doc.get("Schedule")
    if not sched:
        raise NoScheduleException(f"Crawler {name} has no schedule.")
    if state == "SCHEDULED" and sched.get("State") == "SCHEDULED":
        raise SchedulerRunningException(f"Schedule of crawler {name} is already running.")
    if state == "NOT_SCHEDULED" and sched.get("State") != "SCHEDULED":
        raise SchedulerNotRunningException(f"Schedule of crawler {name} is not running.")
    sched["State"] = state
    clean = {k: v for k, v in doc.items() if not k.startswith("_")}
    glue.crawlers.set_schedule(ctx.account_id, ctx.region, name, clean, _next_run(glue, clean))


@operation("StartCrawlerSchedule")
def start_crawler_schedule(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    _set_schedule(glue, ctx, params["CrawlerName"], "SCHEDULED")
    return {}


@operation("StopCrawlerSchedule")
def stop_crawler_schedule(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    _set_schedule(glue, ctx, params["CrawlerName"], "NOT_SCHEDULED")
    return {}


@operation("UpdateCrawlerSchedule")
def update_crawler_schedule(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    name = params["CrawlerName"]
    doc = glue.crawlers.require(ctx.account_id, ctx.region, name)
    clean = {k: v for k, v in doc.items() if not k.startswith("_")}
    expression = params.get("Schedule")
    if expression:
        schedule.validate(expression)
        state = (doc.get("Schedule") or {}).get("State", "SCHEDULED")
        clean["Schedule"] = {"ScheduleExpression": expression, "State": state}
    else:
        clean.pop("Schedule", None)
    glue.crawlers.set_schedule(ctx.account_id, ctx.region, name, clean, _next_run(glue, clean))
    return {}
