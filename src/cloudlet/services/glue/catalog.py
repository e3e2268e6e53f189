"""The Data Catalog's databases, tables and table versions: SQL, and the rules Glue applies.

Every entity is kept as its API shape (``Database``, ``Table``) with timestamps as epoch
seconds; names are lower-cased on the way in, as Glue (a Hive metastore) does. Each
UpdateTable archives the table's previous shape as a version unless ``SkipArchive``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from cloudlet.core.store import Store
from cloudlet.services.glue.common import hive_name, jsonable
from cloudlet.services.glue.errors import (
    AlreadyExistsException,
    ConcurrentModificationException,
    EntityNotFoundException,
    InvalidInputException,
)

_TABLE_INPUT = (
    "Description", "Owner", "LastAccessTime", "LastAnalyzedTime", "Retention",
    "StorageDescriptor", "PartitionKeys", "ViewOriginalText", "ViewExpandedText",
    "TableType", "Parameters", "TargetTable",
)  # fmt: skip
_DATABASE_INPUT = ("Description", "LocationUri", "Parameters", "TargetDatabase")
DEFAULT_PERMISSIONS = [
    {
        "Principal": {"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"},
        "Permissions": ["ALL"],
    }
]


def database_not_found(name: str) -> EntityNotFoundException:
    return EntityNotFoundException(f"Database {name} not found.")


def table_not_found(name: str) -> EntityNotFoundException:
    return EntityNotFoundException(f"Table {name} not found.")


class Catalog:
    def __init__(self, store: Store, now: Callable[[], float]) -> None:
        self.store = store
        self.now = now

    # -- databases ------------------------------------------------------------------------

    def database(self, account: str, region: str, name: str) -> dict[str, Any] | None:
        row = self.store.query_one(
            "SELECT doc FROM databases WHERE account_id=? AND region=? AND name=?",
            (account, region, name.lower()),
        )
        return json.loads(row[0]) if row else None

    def require_database(self, account: str, region: str, name: str) -> dict[str, Any]:
        found = self.database(account, region, name)
        if found is None:
            raise database_not_found(name.lower())
        return found

    def databases(self, account: str, region: str) -> list[dict[str, Any]]:
        rows = self.store.query(
            "SELECT doc FROM databases WHERE account_id=? AND region=? ORDER BY name",
            (account, region),
        )
        return [json.loads(r[0]) for r in rows]

    def create_database(self, account: str, region: str, data: dict[str, Any]) -> dict[str, Any]:
        name = hive_name(data.get("Name"), "Database name")
        doc = {"Name": name, **_pick(data, _DATABASE_INPUT)}
        doc.setdefault("Parameters", {})
        doc["CreateTime"] = self.now()
        doc["CreateTableDefaultPermissions"] = data.get(
            "CreateTableDefaultPermissions", DEFAULT_PERMISSIONS
        )
        doc["CatalogId"] = account
        with self.store.write() as conn:
            try:
                conn.execute(
                    "INSERT INTO databases VALUES (?,?,?,?)",
                    (account, region, name, json.dumps(jsonable(doc))),
                )
            except sqlite3.IntegrityError:
                raise AlreadyExistsException("Database already exists.") from None
        return doc

    def update_database(self, account: str, region: str, name: str, data: dict[str, Any]) -> None:
        old = self.require_database(account, region, name)
        new_name = hive_name(data.get("Name", name), "Database name")
        if new_name != old["Name"]:
            raise InvalidInputException("Database name cannot be changed by UpdateDatabase.")
        doc = {"Name": new_name, **_pick(data, _DATABASE_INPUT)}
        doc.setdefault("Parameters", {})
        for kept in ("CreateTime", "CatalogId", "CreateTableDefaultPermissions"):
            doc[kept] = old.get(kept)
        self._put("databases", (account, region, old["Name"]), doc)

    def delete_database(self, account: str, region: str, name: str) -> None:
        name = name.lower()
        with self.store.write() as conn:
            cursor = conn.execute(
                "DELETE FROM databases WHERE account_id=? AND region=? AND name=?",
                (account, region, name),
            )
            if cursor.rowcount == 0:
                raise database_not_found(name)
            for table in ("tables", "table_versions", "partitions", "column_statistics"):
                conn.execute(
                    f"DELETE FROM {table} WHERE account_id=? AND region=? AND database=?",
                    (account, region, name),
                )

    # -- tables ---------------------------------------------------------------------------

    def table(self, account: str, region: str, database: str, name: str) -> dict[str, Any] | None:
        row = self.store.query_one(
            "SELECT doc FROM tables WHERE account_id=? AND region=? AND database=? AND name=?",
            (account, region, database.lower(), name.lower()),
        )
        return json.loads(row[0]) if row else None

    def require_table(self, account: str, region: str, database: str, name: str) -> dict[str, Any]:
        self.require_database(account, region, database)
        found = self.table(account, region, database, name)
        if found is None:
            raise table_not_found(name.lower())
        return found

    def tables(self, account: str, region: str, database: str | None) -> list[dict[str, Any]]:
        sql = "SELECT doc FROM tables WHERE account_id=? AND region=?"
        args: list[Any] = [account, region]
        if database is not None:
            sql += " AND database=?"
            args.append(database.lower())
        rows = self.store.query(sql + " ORDER BY database, name", args)
        return [json.loads(r[0]) for r in rows]

    def create_table(
        self, account: str, region: str, database: str, data: dict[str, Any], created_by: str = ""
    ) -> dict[str, Any]:
        db = self.require_database(account, region, database)
        name = hive_name(data.get("Name"), "Table name")
        now = self.now()
        doc = _table_doc(data, name, db["Name"], account)
        doc.update(CreateTime=now, UpdateTime=now, VersionId="0")
        if created_by:
            doc["CreatedBy"] = created_by
        with self.store.write() as conn:
            try:
                conn.execute(
                    "INSERT INTO tables VALUES (?,?,?,?,?,?)",
                    (account, region, db["Name"], name, 0, json.dumps(jsonable(doc))),
                )
            except sqlite3.IntegrityError:
                raise AlreadyExistsException("Table already exists.") from None
        return doc

    def update_table(
        self,
        account: str,
        region: str,
        database: str,
        data: dict[str, Any],
        skip_archive: bool = False,
        expected_version: str | None = None,
    ) -> dict[str, Any]:
        name = hive_name(data.get("Name"), "Table name")
        old = self.require_table(account, region, database, name)
        if expected_version is not None and expected_version != old.get("VersionId"):
            raise ConcurrentModificationException(
                "The table version does not match the expected version."
            )
        version = int(old.get("VersionId") or 0) + 1
        doc = _table_doc(data, name, old["DatabaseName"], account)
        doc.update(CreateTime=old["CreateTime"], UpdateTime=self.now(), VersionId=str(version))
        for kept in ("CreatedBy",):
            if kept in old:
                doc[kept] = old[kept]
        key = (account, region, old["DatabaseName"], name)
        with self.store.write() as conn:
            if not skip_archive:
                conn.execute(
                    "INSERT OR REPLACE INTO table_versions VALUES (?,?,?,?,?,?)",
                    (*key, int(old.get("VersionId") or 0), json.dumps(old)),
                )
            conn.execute(
                "UPDATE tables SET version=?, doc=? "
                "WHERE account_id=? AND region=? AND database=? AND name=?",
                (version, json.dumps(jsonable(doc)), *key),
            )
        return doc

    def delete_table(self, account: str, region: str, database: str, name: str) -> None:
        self.require_database(account, region, database)
        key = (account, region, database.lower(), name.lower())
        with self.store.write() as conn:
            cursor = conn.execute(
                "DELETE FROM tables WHERE account_id=? AND region=? AND database=? AND name=?", key
            )
            if cursor.rowcount == 0:
                raise table_not_found(name.lower())
            conn.execute(
                "DELETE FROM table_versions "
                "WHERE account_id=? AND region=? AND database=? AND name=?",
                key,
            )
            for table in ("partitions", "column_statistics"):
                conn.execute(
                    f"DELETE FROM {table} "
                    "WHERE account_id=? AND region=? AND database=? AND table_name=?",
                    key,
                )

    # -- versions -------------------------------------------------------------------------

    def versions(self, account: str, region: str, database: str, name: str) -> list[dict[str, Any]]:
        """Every version, the current one included, newest first (as GetTableVersions)."""
        current = self.require_table(account, region, database, name)
        rows = self.store.query(
            "SELECT doc FROM table_versions "
            "WHERE account_id=? AND region=? AND database=? AND name=? ORDER BY version DESC",
            (account, region, database.lower(), name.lower()),
        )
        return [current, *(json.loads(r[0]) for r in rows)]

    def delete_version(
        self, account: str, region: str, database: str, name: str, version: str
    ) -> bool:
        current = self.require_table(account, region, database, name)
        if current.get("VersionId") == version:
            raise InvalidInputException("Cannot delete the current version of a table.")
        try:
            number = int(version)
        except ValueError:
            return False
        with self.store.write() as conn:
            cursor = conn.execute(
                "DELETE FROM table_versions "
                "WHERE account_id=? AND region=? AND database=? AND name=? AND version=?",
                (account, region, database.lower(), name.lower(), number),
            )
        return cursor.rowcount > 0

    # -- helpers --------------------------------------------------------------------------

    def _put(self, table: str, key: tuple[str, ...], doc: dict[str, Any]) -> None:
        with self.store.write() as conn:
            conn.execute(
                f"UPDATE {table} SET doc=? WHERE account_id=? AND region=? AND name=?",
                (json.dumps(jsonable(doc)), *key),
            )


def _pick(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: jsonable(data[name]) for name in names if data.get(name) is not None}


def _table_doc(data: dict[str, Any], name: str, database: str, account: str) -> dict[str, Any]:
    doc: dict[str, Any] = {"Name": name, "DatabaseName": database, **_pick(data, _TABLE_INPUT)}
    doc.setdefault("PartitionKeys", [])
    doc.setdefault("Retention", 0)
    doc["IsRegisteredWithLakeFormation"] = False
    doc["CatalogId"] = account
    for column in doc.get("StorageDescriptor", {}).get("Columns", []) + doc["PartitionKeys"]:
        if not column.get("Name"):
            raise InvalidInputException("A column name must not be empty.")
    return doc
