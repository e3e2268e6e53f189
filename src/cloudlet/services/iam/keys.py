"""Access keys of IAM users (and of an account's root), kept in step with ``core.accounts``.

IAM's table holds what IAM reports (owner, status, last use); the accounts' credentials
table holds what signature verification needs. Every change here changes both, so an
Inactive or deleted key stops working on the next request.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from cloudlet.core import ids
from cloudlet.core.accounts import Accounts, Credential
from cloudlet.core.clock import Clock
from cloudlet.core.store import Store
from cloudlet.services.iam.errors import LimitExceeded, NoSuchEntity

MAX_KEYS = 2


@dataclass(frozen=True, slots=True)
class AccessKey:
    access_key_id: str
    account_id: str
    user_name: str | None  # None: the account's root user
    status: str
    created: float
    last_used: float | None
    last_used_service: str | None
    last_used_region: str | None


class AccessKeys:
    def __init__(self, store: Store, clock: Clock, accounts: Accounts) -> None:
        self.store = store
        self.clock = clock
        self.accounts = accounts

    def create(
        self, account_id: str, user_name: str | None, principal_arn: str, user_id: str
    ) -> tuple[AccessKey, str]:
        """A new Active key and its secret; ``principal_arn``/``user_id`` identify the owner."""
        key = AccessKey(
            ids.access_key_id("AKIA"),
            account_id,
            user_name,
            "Active",
            self.clock.time(),
            None,
            None,
            None,
        )
        secret = ids.secret_access_key()
        with self.store.write() as conn:
            if len(self._rows(conn, account_id, user_name)) >= MAX_KEYS:
                raise LimitExceeded(f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}")
            conn.execute(
                "INSERT INTO access_keys VALUES (?,?,?,?,?,?,?,?)",
                (key.access_key_id, account_id, user_name, "Active", key.created, None, None, None),
            )
            kind = "root" if user_name is None else "user"
            self.accounts.add_credential(
                Credential(
                    key.access_key_id,
                    secret,
                    account_id,
                    kind,
                    principal_arn,
                    user_id,
                    None,
                    None,
                    "Active",
                )
            )
        return key, secret

    def list(self, account_id: str, user_name: str | None) -> list[AccessKey]:
        return self._rows(self.store.conn, account_id, user_name)

    def get(self, account_id: str, access_key_id: str) -> AccessKey:
        row = self.store.query_one(
            "SELECT * FROM access_keys WHERE account_id=? AND access_key_id=?",
            (account_id, access_key_id),
        )
        if row is None:
            raise NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.")
        return _key(row)

    def set_status(self, key: AccessKey, status: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "UPDATE access_keys SET status=? WHERE access_key_id=?",
                (status, key.access_key_id),
            )
            self.accounts.set_credential_status(key.access_key_id, status)

    def delete(self, key: AccessKey) -> None:
        self.accounts.delete_credential(key.access_key_id)
        with self.store.write() as conn:
            conn.execute("DELETE FROM access_keys WHERE access_key_id=?", (key.access_key_id,))

    def reissue(self, key: AccessKey, principal_arn: str) -> None:
        """A renamed user keeps its keys under its new ARN."""
        cred = self.accounts.credential(key.access_key_id)
        if cred is None:
            return
        self.accounts.delete_credential(key.access_key_id)
        self.accounts.add_credential(
            Credential(
                cred.access_key_id,
                cred.secret_access_key,
                cred.account_id,
                cred.kind,
                principal_arn,
                cred.user_id,
                None,
                None,
                cred.status,
            )
        )

    def record_use(self, access_key_id: str, service: str, region: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "UPDATE access_keys SET last_used=?, last_used_service=?, last_used_region=? "
                "WHERE access_key_id=?",
                (self.clock.time(), service, region, access_key_id),
            )

    def _rows(
        self, conn: sqlite3.Connection, account_id: str, user_name: str | None
    ) -> list[AccessKey]:
        if user_name is None:
            rows = conn.execute(
                "SELECT * FROM access_keys WHERE account_id=? AND user_name IS NULL "
                "ORDER BY created",
                (account_id,),
            ).fetchall()
        else:
            rows = conn.execute(
                "SELECT * FROM access_keys WHERE account_id=? AND user_name=? ORDER BY created",
                (account_id, user_name),
            ).fetchall()
        return [_key(r) for r in rows]


def _key(row: sqlite3.Row) -> AccessKey:
    return AccessKey(
        row["access_key_id"],
        row["account_id"],
        row["user_name"],
        row["status"],
        row["created"],
        row["last_used"],
        row["last_used_service"],
        row["last_used_region"],
    )
