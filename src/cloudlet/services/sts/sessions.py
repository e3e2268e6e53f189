"""Temporary credentials: the sessions STS issued, with what enforcement needs of them.

Each row keeps the session's policies (the inline ``Policy`` and the documents of
``PolicyArns``, resolved when the session starts, as AWS packs them into the token) and its
tags. The credential itself lives in ``core.accounts`` so signature verification finds it.
"""

from __future__ import annotations

import base64
import json
import secrets
import sqlite3
from dataclasses import dataclass

from cloudlet.core import ids
from cloudlet.core.accounts import Accounts, Credential
from cloudlet.core.store import Store

MIGRATIONS = [
    """
    CREATE TABLE sessions (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        arn TEXT NOT NULL,
        user_id TEXT NOT NULL,
        source_arn TEXT NOT NULL,
        role_arn TEXT,
        session_name TEXT,
        policies TEXT NOT NULL,
        tags TEXT NOT NULL,
        source_identity TEXT,
        expiration REAL NOT NULL,
        created REAL NOT NULL
    );
    """
]


@dataclass(frozen=True, slots=True)
class Session:
    access_key_id: str
    account_id: str
    kind: str  # "assumed-role" | "user" | "root"
    arn: str
    user_id: str
    source_arn: str  # who asked for it
    role_arn: str | None
    session_name: str | None
    policies: tuple[str, ...]
    tags: dict[str, str]
    source_identity: str | None
    expiration: float
    created: float


@dataclass(frozen=True, slots=True)
class Issued:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: float


def session_token() -> str:
    return base64.b64encode(secrets.token_bytes(300)).decode()


class Sessions:
    def __init__(self, store: Store, accounts: Accounts) -> None:
        self.store = store
        self.accounts = accounts
        self._cache: dict[str, Session] = {}

    def issue(self, session: Session) -> Issued:
        """Register ``session`` (its ``access_key_id`` is ignored) and its credential."""
        issued = Issued(
            ids.access_key_id("ASIA"),
            ids.secret_access_key(),
            session_token(),
            session.expiration,
        )
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    issued.access_key_id,
                    session.account_id,
                    session.kind,
                    session.arn,
                    session.user_id,
                    session.source_arn,
                    session.role_arn,
                    session.session_name,
                    json.dumps(list(session.policies)),
                    json.dumps(session.tags),
                    session.source_identity,
                    session.expiration,
                    session.created,
                ),
            )
            self.accounts.add_credential(
                Credential(
                    issued.access_key_id,
                    issued.secret_access_key,
                    session.account_id,
                    session.kind,
                    session.arn,
                    session.user_id,
                    issued.session_token,
                    session.expiration,
                    "Active",
                )
            )
        return issued

    def get(self, access_key_id: str) -> Session | None:
        """Sessions never change once issued, so a found one is cached for good."""
        found = self._cache.get(access_key_id)
        if found is not None:
            return found
        row = self.store.query_one("SELECT * FROM sessions WHERE access_key_id=?", (access_key_id,))
        if row is None:
            return None
        found = self._cache[access_key_id] = _session(row)
        return found


def _session(row: sqlite3.Row) -> Session:
    return Session(
        row["access_key_id"],
        row["account_id"],
        row["kind"],
        row["arn"],
        row["user_id"],
        row["source_arn"],
        row["role_arn"],
        row["session_name"],
        tuple(json.loads(row["policies"])),
        json.loads(row["tags"]),
        row["source_identity"],
        row["expiration"],
        row["created"],
    )
