"""The last phase of a crawl: tables and partitions into the catalog, as the crawler's
SchemaChangePolicy says (https://docs.aws.amazon.com/glue/latest/dg/crawler-configure-changes.html).

UPDATE_IN_DATABASE merges the new schema into an existing table (columns are added or
retyped, never dropped); LOG leaves existing tables alone but still adds new tables and
partitions. Tables this crawler made whose data is gone are deleted, marked
``DEPRECATED_BY_CRAWLER`` or only logged, per DeleteBehavior. CRAWL_NEW_FOLDERS_ONLY
crawls only folders no earlier run saw and never deletes.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from cloudlet.services.glue.errors import EntityNotFoundException
from cloudlet.services.glue.grouping import TablePlan, parameters, storage

if TYPE_CHECKING:
    from cloudlet.services.glue.crawl import Crawl


class CrawlFailure(Exception):
    """The crawl ends FAILED with this message."""


_VOLATILE = ("CreateTime", "UpdateTime", "CreationTime", "VersionId", "LastAccessTime")


class CatalogWriter:
    def __init__(self, crawl: Crawl, plans: list[TablePlan]) -> None:
        self.crawl = crawl
        self.glue = crawl.glue
        self.account, self.region = crawl.account, crawl.region
        self.plans = plans
        crawler = crawl.crawler
        policy = crawler.get("SchemaChangePolicy") or {}
        self.update_behavior = policy.get("UpdateBehavior") or "UPDATE_IN_DATABASE"
        self.delete_behavior = policy.get("DeleteBehavior") or "DEPRECATE_IN_DATABASE"
        recrawl = (crawler.get("RecrawlPolicy") or {}).get("RecrawlBehavior")
        self.incremental = recrawl == "CRAWL_NEW_FOLDERS_ONLY"
        self.prefix = crawler.get("TablePrefix") or ""
        config = _configuration(crawler.get("Configuration"))
        partitions = (config.get("CrawlerOutput") or {}).get("Partitions") or {}
        self.inherit = partitions.get("AddOrUpdateBehavior") == "InheritFromTable"
        role = (crawler.get("Role") or "").rsplit("/", 1)[-1]
        self.created_by = f"arn:aws:sts::{self.account}:assumed-role/{role}/AWS-Crawler"
        self.counts = dict.fromkeys(
            ("TablesCreated", "TablesUpdated", "TablesDeleted", "PartitionsCreated",
             "PartitionsUpdated", "PartitionsDeleted"), 0)  # fmt: skip

    def write(self) -> dict[str, Any]:
        produced: set[tuple[str, str]] = set()
        for plan, name in self.named():
            database = plan.database
            if not database:
                raise CrawlFailure("The crawler has no DatabaseName to write tables to.")
            self.ensure_database(database)
            self.write_table(database, name, plan)
            produced.add((database, name))
        if not self.incremental:
            self.remove_missing(produced)
        crawlers = self.glue.crawlers
        crawlers.add_folders(self.account, self.region, self.crawl.name, self.crawl.folders)
        return dict(self.counts)

    def named(self) -> list[tuple[TablePlan, str]]:
        """Catalog names: the table prefix, and a hash suffix when two plans collide."""
        used: set[tuple[str | None, str]] = set()
        result = []
        for plan in self.plans:
            name = plan.name if plan.catalog_table else (self.prefix + plan.name).lower()
            if (plan.database, name) in used:
                name = f"{name}_{hashlib.md5(plan.location.encode()).hexdigest()[:8]}"
            used.add((plan.database, name))
            result.append((plan, name))
        return result

    def ensure_database(self, name: str) -> None:
        if self.glue.catalog.database(self.account, self.region, name) is None:
            self.glue.catalog.create_database(self.account, self.region, {"Name": name})
            self.crawl.log("INFO", f"Created database {name}")

    # -- tables -------------------------------------------------------------------------------

    def table_input(
        self, name: str, plan: TablePlan, existing: dict[str, Any] | None
    ) -> dict[str, Any]:
        fields = plan.fields()
        params = parameters(plan, plan.files, self.crawl.name)
        sd = storage(plan, plan.location, fields, params)
        keys = [{"Name": k, "Type": "string"} for k in plan.keys]
        table_params = dict(params)
        if existing is not None:
            old_sd = existing.get("StorageDescriptor") or {}
            sd["Columns"] = _merge_columns(old_sd.get("Columns") or [], sd["Columns"])
            table_params = {**(existing.get("Parameters") or {}), **params}
            table_params.pop("DEPRECATED_BY_CRAWLER", None)
            old_keys = existing.get("PartitionKeys") or []
            if plan.catalog_table and len(old_keys) == len(keys):
                keys = old_keys
        return {
            "Name": name,
            "Owner": "owner",
            "Retention": 0,
            "TableType": "EXTERNAL_TABLE",
            "PartitionKeys": keys,
            "Parameters": table_params,
            "StorageDescriptor": sd,
        }

    def write_table(self, database: str, name: str, plan: TablePlan) -> None:
        catalog = self.glue.catalog
        existing = catalog.table(self.account, self.region, database, name)
        wanted = self.table_input(name, plan, existing)
        if existing is None:
            catalog.create_table(self.account, self.region, database, wanted, self.created_by)
            self.counts["TablesCreated"] += 1
            self.crawl.log("INFO", f"Created table {name} in database {database}")
            table = catalog.require_table(self.account, self.region, database, name)
        elif _changed(existing, wanted):
            if self.update_behavior == "LOG":
                self.crawl.log(
                    "INFO",
                    f"Schema change detected for table {name} in database {database}; "
                    "not applied (UpdateBehavior LOG)",
                )
                table = existing
            else:
                table = catalog.update_table(self.account, self.region, database, wanted)
                self.counts["TablesUpdated"] += 1
                self.crawl.log("INFO", f"Table {name} in database {database} has been updated")
        else:
            table = existing
        self.write_partitions(table, plan)

    def write_partitions(self, table: dict[str, Any], plan: TablePlan) -> None:
        store = self.glue.partitions
        if len(table.get("PartitionKeys") or []) != len(plan.keys):
            self.crawl.log("WARN", f"Partition keys of table {table['Name']} differ; skipped")
            return
        existing = {tuple(p["Values"]): p for p in store.list(self.account, self.region, table)}
        table_fields = plan.fields()
        new: list[dict[str, Any]] = []
        for values, part in plan.partitions.items():
            fields = table_fields if self.inherit else plan.fields(part.files)
            params = parameters(plan, part.files, self.crawl.name)
            wanted = {
                "Values": list(values),
                "StorageDescriptor": storage(plan, part.location, fields, params),
                "Parameters": params,
            }
            old = existing.get(values)
            if old is None:
                new.append(wanted)
            elif self.update_behavior != "LOG" and _changed(old, wanted):
                store.update(self.account, self.region, table, list(values), wanted)
                self.counts["PartitionsUpdated"] += 1
        for start in range(0, len(new), 100):
            batch = new[start : start + 100]
            store.create_many(self.account, self.region, table, batch)
            self.counts["PartitionsCreated"] += len(batch)
            shown = ", ".join("[" + ", ".join(p["Values"]) + "]" for p in batch[:10])
            self.crawl.log(
                "INFO", f"Created partitions with values [{shown}] for table {table['Name']}"
            )
        if self.incremental:
            return
        for values in set(existing) - set(plan.partitions):
            if self.delete_behavior == "DELETE_FROM_DATABASE":
                store.delete(self.account, self.region, table, list(values))
                self.counts["PartitionsDeleted"] += 1
                self.crawl.log("INFO", f"Deleted partition {list(values)} of {table['Name']}")
            else:
                self.crawl.log("INFO", f"Partition {list(values)} of {table['Name']} has no data")

    # -- tables whose data is gone --------------------------------------------------------------

    def remove_missing(self, produced: set[tuple[str, str]]) -> None:
        database = self.crawl.crawler.get("DatabaseName")
        if not database or self.glue.catalog.database(self.account, self.region, database) is None:
            return
        roots = [t["Path"].rstrip("/") for t in (self.crawl.crawler.get("Targets") or {}).get(
            "S3Targets") or []]  # fmt: skip
        for table in self.glue.catalog.tables(self.account, self.region, database):
            params = table.get("Parameters") or {}
            location = (table.get("StorageDescriptor") or {}).get("Location") or ""
            if (
                params.get("UPDATED_BY_CRAWLER") != self.crawl.name
                or (database, table["Name"]) in produced
                or not any(location.startswith(root) for root in roots)
            ):
                continue
            self.retire(database, table)

    def retire(self, database: str, table: dict[str, Any]) -> None:
        name = table["Name"]
        if self.delete_behavior == "DELETE_FROM_DATABASE":
            try:
                self.glue.catalog.delete_table(self.account, self.region, database, name)
            except EntityNotFoundException:
                return
            self.counts["TablesDeleted"] += 1
            self.crawl.log("INFO", f"Deleted table {name} in database {database}")
        elif self.delete_behavior == "DEPRECATE_IN_DATABASE":
            params = table.get("Parameters") or {}
            if "DEPRECATED_BY_CRAWLER" in params:
                return
            data = {k: v for k, v in table.items() if k not in _VOLATILE}
            data["Parameters"] = {**params, "DEPRECATED_BY_CRAWLER": "1"}
            self.glue.catalog.update_table(self.account, self.region, database, data)
            self.counts["TablesDeleted"] += 1
            self.crawl.log("INFO", f"Table {name} in database {database} marked deprecated")
        else:
            self.crawl.log("INFO", f"Table {name} in database {database} has no data (LOG)")


def _configuration(text: str | None) -> dict[str, Any]:
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _merge_columns(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Existing columns first (retyped as now inferred), then the new ones."""
    inferred = {c["Name"].lower(): c for c in new}
    merged = [{**c, "Type": inferred.get(c["Name"].lower(), c)["Type"]} for c in old]
    known = {c["Name"].lower() for c in old}
    return merged + [c for c in new if c["Name"].lower() not in known]


def _changed(old: dict[str, Any], wanted: dict[str, Any]) -> bool:
    for key, value in wanted.items():
        if key in _VOLATILE or key == "Name":
            continue
        if old.get(key) != value:
            return True
    return False
