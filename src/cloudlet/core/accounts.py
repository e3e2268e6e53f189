"""Accounts and the credentials that act in them.

Every AWS account here has a 12-digit id, its own S3 canonical user id and root keys.
IAM users' keys and STS session credentials are registered in the same table so that
signature verification has one place to look a key up.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cloudlet.core import arns, ids
from cloudlet.core.clock import Clock
from cloudlet.core.store import Store

DEFAULT_ROOT_ACCESS_KEY_ID = "test"
DEFAULT_ROOT_SECRET_ACCESS_KEY = "test"
#: The first account's id when none is configured: the one other emulators use, so
#: tutorials that hard-code it keep working.
DEFAULT_ACCOUNT_ID = "000000000000"

MIGRATIONS = [
    """
    CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        canonical_user_id TEXT NOT NULL UNIQUE,
        created REAL NOT NULL
    );
    CREATE TABLE credentials (
        access_key_id TEXT PRIMARY KEY,
        secret_access_key TEXT NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts(account_id),
        kind TEXT NOT NULL,
        principal_arn TEXT NOT NULL,
        user_id TEXT NOT NULL,
        session_token TEXT,
        expiration REAL,
        status TEXT NOT NULL DEFAULT 'Active',
        created REAL NOT NULL
    );
    """
]


@dataclass(frozen=True, slots=True)
class Account:
    account_id: str
    name: str
    canonical_user_id: str


@dataclass(frozen=True, slots=True)
class Principal:
    """Who signed a request: root of an account, an IAM user, or an STS session."""

    account_id: str
    arn: str
    user_id: str
    kind: str  # "root" | "user" | "assumed-role" | "federated-user"
    access_key_id: str
    canonical_user_id: str

    @property
    def is_root(self) -> bool:
        return self.kind == "root"


@dataclass(frozen=True, slots=True)
class Credential:
    access_key_id: str
    secret_access_key: str
    account_id: str
    kind: str
    principal_arn: str
    user_id: str
    session_token: str | None
    expiration: float | None
    status: str


class Accounts:
    def __init__(
        self, data_dir: Path, clock: Clock, on_change: Callable[[], None] | None = None
    ) -> None:
        self.clock = clock
        self.store = Store(data_dir / "accounts.db", MIGRATIONS)
        self._cache: dict[str, Credential] = {}
        self._canonical: dict[str, str] = {}
        self._on_change = on_change

    def invalidate(self) -> None:
        """Forget cached credentials (another worker may have deactivated or deleted one)."""
        self._cache = {}

    def _changed(self, access_key_id: str) -> None:
        self._cache.pop(access_key_id, None)
        if self._on_change is not None:
            self._on_change()

    def ensure_root_account(self) -> tuple[Account, Credential]:
        """Create the first account on first start; keys come from the environment."""
        key_id = os.environ.get("CLOUDLET_ROOT_ACCESS_KEY_ID", DEFAULT_ROOT_ACCESS_KEY_ID)
        secret = os.environ.get("CLOUDLET_ROOT_SECRET_ACCESS_KEY", DEFAULT_ROOT_SECRET_ACCESS_KEY)
        row = self.store.query_one("SELECT * FROM accounts ORDER BY created LIMIT 1")
        if row is None:
            account_id = os.environ.get("CLOUDLET_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
            account = self._insert_account(account_id, "default")
        else:
            account = _account(row)
        existing = self.credential(key_id)
        if existing is None:
            self._insert_root_key(account.account_id, key_id, secret)
        elif existing.secret_access_key != secret and existing.account_id == account.account_id:
            with self.store.write() as conn:
                conn.execute(
                    "UPDATE credentials SET secret_access_key=? WHERE access_key_id=?",
                    (secret, key_id),
                )
            self._cache.pop(key_id, None)
        cred = self.credential(key_id)
        assert cred is not None
        return account, cred

    def create_account(self, name: str) -> tuple[Account, Credential]:
        account = self._insert_account(ids.account_id(), name)
        key_id, secret = ids.access_key_id(), ids.secret_access_key()
        self._insert_root_key(account.account_id, key_id, secret)
        cred = self.credential(key_id)
        assert cred is not None
        return account, cred

    def list_accounts(self) -> list[Account]:
        return [_account(r) for r in self.store.query("SELECT * FROM accounts ORDER BY created")]

    def get_account(self, account_id: str) -> Account | None:
        row = self.store.query_one("SELECT * FROM accounts WHERE account_id=?", (account_id,))
        return _account(row) if row else None

    def canonical_user_id(self, account_id: str) -> str:
        cached = self._canonical.get(account_id)
        if cached is None:
            account = self.get_account(account_id)
            if account is None:
                raise KeyError(account_id)
            cached = self._canonical[account_id] = account.canonical_user_id
        return cached

    def credential(self, access_key_id: str) -> Credential | None:
        cached = self._cache.get(access_key_id)
        if cached is not None:
            return cached
        row = self.store.query_one(
            "SELECT * FROM credentials WHERE access_key_id=?", (access_key_id,)
        )
        if row is None:
            return None
        cred = Credential(
            row["access_key_id"],
            row["secret_access_key"],
            row["account_id"],
            row["kind"],
            row["principal_arn"],
            row["user_id"],
            row["session_token"],
            row["expiration"],
            row["status"],
        )
        self._cache[access_key_id] = cred
        return cred

    def principal(self, cred: Credential) -> Principal:
        return Principal(
            cred.account_id,
            cred.principal_arn,
            cred.user_id,
            cred.kind,
            cred.access_key_id,
            self.canonical_user_id(cred.account_id),
        )

    def add_credential(self, cred: Credential) -> None:
        """Register keys issued by IAM (users) or STS (sessions)."""
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO credentials VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    cred.access_key_id,
                    cred.secret_access_key,
                    cred.account_id,
                    cred.kind,
                    cred.principal_arn,
                    cred.user_id,
                    cred.session_token,
                    cred.expiration,
                    cred.status,
                    self.clock.time(),
                ),
            )

    def set_credential_status(self, access_key_id: str, status: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "UPDATE credentials SET status=? WHERE access_key_id=?", (status, access_key_id)
            )
        self._changed(access_key_id)

    def delete_credential(self, access_key_id: str) -> None:
        with self.store.write() as conn:
            conn.execute("DELETE FROM credentials WHERE access_key_id=?", (access_key_id,))
        self._changed(access_key_id)

    def _insert_account(self, account_id: str, name: str) -> Account:
        account = Account(account_id, name, ids.canonical_user_id())
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO accounts VALUES (?,?,?,?)",
                (account.account_id, account.name, account.canonical_user_id, self.clock.time()),
            )
        return account

    def _insert_root_key(self, account_id: str, key_id: str, secret: str) -> None:
        self.add_credential(
            Credential(
                key_id,
                secret,
                account_id,
                "root",
                arns.root(account_id),
                account_id,
                None,
                None,
                "Active",
            )
        )


def _account(row: object) -> Account:
    return Account(row["account_id"], row["name"], row["canonical_user_id"])  # type: ignore[index]
