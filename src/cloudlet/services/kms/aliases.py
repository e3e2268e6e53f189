"""Aliases: friendly names (``alias/...``) for keys, per account and region."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from cloudlet.core import arns
from cloudlet.core.store import Store
from cloudlet.services.kms.errors import InvalidAliasNameException, NotAuthorizedException

_NAME = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")
MANAGED_PREFIX = "alias/aws/"


@dataclass(frozen=True, slots=True)
class Alias:
    account_id: str
    region: str
    name: str
    key_id: str
    created: float
    updated: float

    @property
    def arn(self) -> str:
        return arns.build("kms", self.region, self.account_id, self.name)

    def entry(self) -> dict[str, object]:
        return {
            "AliasName": self.name,
            "AliasArn": self.arn,
            "TargetKeyId": self.key_id,
            "CreationDate": self.created,
            "LastUpdatedDate": self.updated,
        }


def validate_name(name: str, *, customer: bool = True) -> None:
    """https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html (AliasName)."""
    if not name.startswith("alias/"):
        raise InvalidAliasNameException('Alias must start with the prefix "alias/".')
    if not _NAME.match(name) or len(name) > 256:
        raise InvalidAliasNameException(
            f"Alias {name} must contain only alphanumeric characters, forward slashes (/), "
            "underscores (_), and dashes (-) after the prefix alias/."
        )
    if customer and name.startswith(MANAGED_PREFIX):
        # Names under alias/aws/ belong to AWS managed keys.
        raise NotAuthorizedException()


class Aliases:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, account_id: str, region: str, name: str) -> Alias | None:
        row = self.store.query_one(
            "SELECT * FROM aliases WHERE account_id=? AND region=? AND name=?",
            (account_id, region, name),
        )
        return _alias(row) if row else None

    def insert(self, conn: sqlite3.Connection, alias: Alias) -> None:
        conn.execute(
            "INSERT INTO aliases VALUES (?,?,?,?,?,?)",
            (
                alias.account_id,
                alias.region,
                alias.name,
                alias.key_id,
                alias.created,
                alias.updated,
            ),
        )

    def retarget(self, alias: Alias, key_id: str, now: float) -> None:
        with self.store.write() as conn:
            conn.execute(
                "UPDATE aliases SET key_id=?, updated=? WHERE account_id=? AND region=? AND name=?",
                (key_id, now, alias.account_id, alias.region, alias.name),
            )

    def delete(self, alias: Alias) -> None:
        with self.store.write() as conn:
            conn.execute(
                "DELETE FROM aliases WHERE account_id=? AND region=? AND name=?",
                (alias.account_id, alias.region, alias.name),
            )

    def list(
        self, account_id: str, region: str, key_id: str | None, after: str, limit: int
    ) -> list[Alias]:
        sql = "SELECT * FROM aliases WHERE account_id=? AND region=? AND name > ?"
        args: list[object] = [account_id, region, after]
        if key_id is not None:
            sql += " AND key_id=?"
            args.append(key_id)
        rows = self.store.query(sql + " ORDER BY name LIMIT ?", (*args, limit))
        return [_alias(r) for r in rows]


def _alias(row: sqlite3.Row) -> Alias:
    return Alias(
        row["account_id"], row["region"], row["name"], row["key_id"], row["created"], row["updated"]
    )
