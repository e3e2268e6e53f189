"""Grants: stored permissions on a key for a grantee principal (recorded, not yet enforced)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from cloudlet.core.store import Store


@dataclass(frozen=True, slots=True)
class Grant:
    grant_id: str
    key_id: str
    account_id: str
    region: str
    name: str | None
    grantee: str
    retiring: str | None
    operations: list[str]
    constraints: dict[str, Any] | None
    created: float
    token: str

    def entry(self, key_arn: str) -> dict[str, Any]:
        """The ``GrantListEntry`` shape."""
        entry: dict[str, Any] = {
            "KeyId": key_arn,
            "GrantId": self.grant_id,
            "CreationDate": self.created,
            "GranteePrincipal": self.grantee,
            "IssuingAccount": f"arn:aws:iam::{self.account_id}:root",
            "Operations": self.operations,
        }
        if self.name:
            entry["Name"] = self.name
        if self.retiring:
            entry["RetiringPrincipal"] = self.retiring
        if self.constraints:
            entry["Constraints"] = self.constraints
        return entry


class Grants:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, grant: Grant) -> None:
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO grants VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    grant.grant_id,
                    grant.key_id,
                    grant.account_id,
                    grant.region,
                    grant.name,
                    grant.grantee,
                    grant.retiring,
                    json.dumps(grant.operations),
                    json.dumps(grant.constraints) if grant.constraints else None,
                    grant.created,
                    grant.token,
                ),
            )

    def get(self, grant_id: str) -> Grant | None:
        row = self.store.query_one("SELECT * FROM grants WHERE grant_id=?", (grant_id,))
        return _grant(row) if row else None

    def by_token(self, token: str) -> Grant | None:
        row = self.store.query_one("SELECT * FROM grants WHERE token=?", (token,))
        return _grant(row) if row else None

    def named(self, key_id: str, name: str) -> list[Grant]:
        rows = self.store.query("SELECT * FROM grants WHERE key_id=? AND name=?", (key_id, name))
        return [_grant(r) for r in rows]

    def for_key(
        self,
        key_id: str,
        after: str,
        limit: int,
        grant_id: str | None = None,
        grantee: str | None = None,
    ) -> list[Grant]:
        sql = "SELECT * FROM grants WHERE key_id=? AND grant_id > ?"
        args: list[Any] = [key_id, after]
        if grant_id is not None:
            sql += " AND grant_id=?"
            args.append(grant_id)
        if grantee is not None:
            sql += " AND grantee=?"
            args.append(grantee)
        rows = self.store.query(sql + " ORDER BY grant_id LIMIT ?", (*args, limit))
        return [_grant(r) for r in rows]

    def retirable_by(self, account_id: str, retiring: str, after: str, limit: int) -> list[Grant]:
        rows = self.store.query(
            "SELECT * FROM grants WHERE retiring=? AND account_id=? AND grant_id > ? "
            "ORDER BY grant_id LIMIT ?",
            (retiring, account_id, after, limit),
        )
        return [_grant(r) for r in rows]

    def delete(self, grant_id: str) -> None:
        with self.store.write() as conn:
            conn.execute("DELETE FROM grants WHERE grant_id=?", (grant_id,))


def _grant(row: sqlite3.Row) -> Grant:
    return Grant(
        grant_id=row["grant_id"],
        key_id=row["key_id"],
        account_id=row["account_id"],
        region=row["region"],
        name=row["name"],
        grantee=row["grantee"],
        retiring=row["retiring"],
        operations=json.loads(row["operations"]),
        constraints=json.loads(row["constraints"]) if row["constraints"] else None,
        created=row["created"],
        token=row["token"],
    )
