"""Workgroups, named queries, data catalogs and tags: rows kept as their API shapes.

Every account and region has the ``primary`` workgroup and the ``AwsDataCatalog`` data
catalog (the Glue Data Catalog) without creating them; ``primary`` is stored the first
time it is read, so that updates to it persist like any other workgroup's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cloudlet.core.store import Store

PRIMARY = "primary"
AWS_DATA_CATALOG = "AwsDataCatalog"
ENGINE_VERSION = {
    "SelectedEngineVersion": "AUTO",
    "EffectiveEngineVersion": "Athena engine version 3",
}


def default_configuration() -> dict[str, Any]:
    return {
        "ResultConfiguration": {},
        "EnforceWorkGroupConfiguration": False,
        "PublishCloudWatchMetricsEnabled": False,
        "RequesterPaysEnabled": False,
        "EngineVersion": dict(ENGINE_VERSION),
    }


class Resources:
    def __init__(self, store: Store, now: Callable[[], float]) -> None:
        self.store = store
        self.now = now

    # -- workgroups -------------------------------------------------------------------------

    def workgroup(self, account: str, region: str, name: str) -> dict[str, Any] | None:
        row = self.store.query_one(
            "SELECT * FROM workgroups WHERE account_id=? AND region=? AND name=?",
            (account, region, name),
        )
        if row is None and name == PRIMARY:
            return self.create_workgroup(
                account, region, PRIMARY, None, None, self.now(), quiet=True
            )
        return _workgroup(row) if row else None

    def workgroups(self, account: str, region: str) -> list[dict[str, Any]]:
        self.workgroup(account, region, PRIMARY)
        rows = self.store.query(
            "SELECT * FROM workgroups WHERE account_id=? AND region=? ORDER BY name",
            (account, region),
        )
        return [_workgroup(row) for row in rows]

    def create_workgroup(
        self,
        account: str,
        region: str,
        name: str,
        configuration: dict[str, Any] | None,
        description: str | None,
        created: float,
        quiet: bool = False,
    ) -> dict[str, Any] | None:
        """The new workgroup; None if the name is taken (``quiet``: the existing one)."""
        config = default_configuration()
        config.update(configuration or {})
        with self.store.write() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO workgroups VALUES (?, ?, ?, 'ENABLED', ?, ?, ?)",
                (account, region, name, description, json.dumps(config), created),
            )
        if cursor.rowcount == 0:
            return self.workgroup(account, region, name) if quiet else None
        return self.workgroup(account, region, name)

    def save_workgroup(self, account: str, region: str, group: dict[str, Any]) -> None:
        with self.store.write() as conn:
            conn.execute(
                "UPDATE workgroups SET state=?, description=?, configuration=? "
                "WHERE account_id=? AND region=? AND name=?",
                (
                    group["State"],
                    group.get("Description"),
                    json.dumps(group["Configuration"]),
                    account,
                    region,
                    group["Name"],
                ),
            )

    def delete_workgroup(self, account: str, region: str, name: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "DELETE FROM workgroups WHERE account_id=? AND region=? AND name=?",
                (account, region, name),
            )
            conn.execute(
                "DELETE FROM named_queries WHERE account_id=? AND region=? AND workgroup=?",
                (account, region, name),
            )

    # -- named queries ----------------------------------------------------------------------

    def add_named_query(
        self, account: str, region: str, query: dict[str, Any], token: str | None
    ) -> str:
        """The query's id (an earlier one's, for a repeated client token)."""
        with self.store.write() as conn:
            if token:
                row = conn.execute(
                    "SELECT id FROM named_queries WHERE account_id=? AND region=? "
                    "AND client_token=?",
                    (account, region, token),
                ).fetchone()
                if row is not None:
                    return str(row["id"])
            conn.execute(
                "INSERT INTO named_queries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    query["NamedQueryId"],
                    account,
                    region,
                    query["Name"],
                    query.get("Description"),
                    query["Database"],
                    query["QueryString"],
                    query["WorkGroup"],
                    token,
                    self.now(),
                ),
            )
        return str(query["NamedQueryId"])

    def named_query(self, account: str, region: str, query_id: str) -> dict[str, Any] | None:
        row = self.store.query_one(
            "SELECT * FROM named_queries WHERE account_id=? AND region=? AND id=?",
            (account, region, query_id),
        )
        return _named_query(row) if row else None

    def named_query_ids(self, account: str, region: str, workgroup: str) -> list[str]:
        rows = self.store.query(
            "SELECT id FROM named_queries WHERE account_id=? AND region=? AND workgroup=? "
            "ORDER BY created, id",
            (account, region, workgroup),
        )
        return [row["id"] for row in rows]

    def update_named_query(self, account: str, region: str, query: dict[str, Any]) -> None:
        with self.store.write() as conn:
            conn.execute(
                "UPDATE named_queries SET name=?, description=?, query=? "
                "WHERE account_id=? AND region=? AND id=?",
                (
                    query["Name"],
                    query.get("Description"),
                    query["QueryString"],
                    account,
                    region,
                    query["NamedQueryId"],
                ),
            )

    def delete_named_query(self, account: str, region: str, query_id: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "DELETE FROM named_queries WHERE account_id=? AND region=? AND id=?",
                (account, region, query_id),
            )

    # -- data catalogs ----------------------------------------------------------------------

    def data_catalog(self, account: str, region: str, name: str) -> dict[str, Any] | None:
        if name.lower() == AWS_DATA_CATALOG.lower():
            return aws_data_catalog(account)
        row = self.store.query_one(
            "SELECT * FROM data_catalogs WHERE account_id=? AND region=? AND name=?",
            (account, region, name),
        )
        return _data_catalog(row) if row else None

    def data_catalogs(self, account: str, region: str) -> list[dict[str, Any]]:
        rows = self.store.query(
            "SELECT * FROM data_catalogs WHERE account_id=? AND region=? ORDER BY name",
            (account, region),
        )
        return [aws_data_catalog(account), *(_data_catalog(row) for row in rows)]

    def put_data_catalog(
        self, account: str, region: str, catalog: dict[str, Any], created: float, new: bool
    ) -> bool:
        """Store (``new``: add, False if the name is taken; else replace) a data catalog."""
        verb = "INSERT OR IGNORE" if new else "INSERT OR REPLACE"
        with self.store.write() as conn:
            cursor = conn.execute(
                f"{verb} INTO data_catalogs VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    account,
                    region,
                    catalog["Name"],
                    catalog["Type"],
                    catalog.get("Description"),
                    json.dumps(catalog.get("Parameters") or {}),
                    created,
                ),
            )
        return cursor.rowcount > 0

    def delete_data_catalog(self, account: str, region: str, name: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "DELETE FROM data_catalogs WHERE account_id=? AND region=? AND name=?",
                (account, region, name),
            )

    # -- tags -------------------------------------------------------------------------------

    def tags(self, arn: str) -> list[dict[str, str]]:
        rows = self.store.query("SELECT * FROM tags WHERE arn=? ORDER BY tag_key", (arn,))
        return [{"Key": row["tag_key"], "Value": row["tag_value"]} for row in rows]

    def tag(self, arn: str, tags: list[dict[str, str]]) -> None:
        with self.store.write() as conn:
            for tag in tags:
                conn.execute(
                    "INSERT OR REPLACE INTO tags VALUES (?, ?, ?)",
                    (arn, tag["Key"], tag.get("Value", "")),
                )

    def untag(self, arn: str, keys: list[str]) -> None:
        with self.store.write() as conn:
            for key in keys:
                conn.execute("DELETE FROM tags WHERE arn=? AND tag_key=?", (arn, key))

    def drop_tags(self, arn: str) -> None:
        with self.store.write() as conn:
            conn.execute("DELETE FROM tags WHERE arn=?", (arn,))


def aws_data_catalog(account: str) -> dict[str, Any]:
    return {
        "Name": AWS_DATA_CATALOG,
        "Description": "AWS Glue Data Catalog",
        "Type": "GLUE",
        "Parameters": {"catalog-id": account},
        "Status": "CREATE_COMPLETE",
    }


def _workgroup(row: Any) -> dict[str, Any]:
    group = {
        "Name": row["name"],
        "State": row["state"],
        "Configuration": json.loads(row["configuration"]),
        "CreationTime": row["created"],
    }
    if row["description"] is not None:
        group["Description"] = row["description"]
    return group


def _named_query(row: Any) -> dict[str, Any]:
    query = {
        "NamedQueryId": row["id"],
        "Name": row["name"],
        "Database": row["database"],
        "QueryString": row["query"],
        "WorkGroup": row["workgroup"],
    }
    if row["description"] is not None:
        query["Description"] = row["description"]
    return query


def _data_catalog(row: Any) -> dict[str, Any]:
    catalog = {
        "Name": row["name"],
        "Type": row["type"],
        "Parameters": json.loads(row["parameters"]),
        "Status": "CREATE_COMPLETE",
    }
    if row["description"] is not None:
        catalog["Description"] = row["description"]
    return catalog
