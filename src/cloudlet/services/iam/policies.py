"""Managed policies (the account's own and AWS's catalog), their versions, attachments and
inline policies.

AWS managed policies are read-only data (``aws_managed.py``) with ARNs
``arn:aws:iam::aws:policy/<path><name>``; attaching one records only the attachment.
"""

from __future__ import annotations

import base64
import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from cloudlet.core import arns, ids
from cloudlet.core.clock import Clock
from cloudlet.core.store import Store
from cloudlet.services.iam.aws_managed import AWS_MANAGED_POLICIES
from cloudlet.services.iam.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
)
from cloudlet.services.iam.paging import sorted_by

AWS_ACCOUNT = "aws"
MAX_VERSIONS = 5
#: Managed policies attached to one user, group or role (the default quota).
MAX_ATTACHED = 10
QUOTA_NAME = {"user": "PoliciesPerUser", "group": "PoliciesPerGroup", "role": "PoliciesPerRole"}


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    account_id: str  # "aws" for AWS managed policies
    name: str
    path: str
    id: str
    arn: str
    description: str | None
    created: float
    updated: float
    default_version: str

    @property
    def aws_managed(self) -> bool:
        return self.account_id == AWS_ACCOUNT


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    version_id: str
    document: str
    created: float
    is_default: bool


def policy_arn(account_id: str, path: str, name: str) -> str:
    return arns.build("iam", "", account_id, f"policy{path}{name}")


def no_such_policy(arn: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")


@cache
def aws_catalog() -> dict[str, tuple[ManagedPolicy, str]]:
    """ARN -> (policy, document) for every AWS managed policy cloudlet knows."""
    found: dict[str, tuple[ManagedPolicy, str]] = {}
    for name, data in AWS_MANAGED_POLICIES.items():
        arn = policy_arn(AWS_ACCOUNT, data["path"], name)
        digest = base64.b32encode(hashlib.sha1(arn.encode()).digest()).decode()
        policy = ManagedPolicy(
            AWS_ACCOUNT,
            name,
            data["path"],
            "ANPA" + digest[:17],
            arn,
            data["description"],
            datetime.fromisoformat(data["created"]).timestamp(),
            datetime.fromisoformat(data["updated"]).timestamp(),
            data["version"],
        )
        found[arn] = (policy, data["document"])
    return found


class Policies:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # -- managed policies ---------------------------------------------------------

    def create(
        self, account_id: str, name: str, path: str, document: str, description: str | None
    ) -> ManagedPolicy:
        now = self.clock.time()
        arn = policy_arn(account_id, path, name)
        policy = ManagedPolicy(
            account_id, name, path, ids.unique_id("ANPA"), arn, description, now, now, "v1"
        )
        try:
            with self.store.write() as conn:
                conn.execute(
                    "INSERT INTO policies VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (account_id, name, path, policy.id, arn, description, now, now, "v1", 2),
                )
                conn.execute(
                    "INSERT INTO policy_versions VALUES (?,?,?,?,?)",
                    (account_id, arn, "v1", document, now),
                )
        except sqlite3.IntegrityError:
            raise EntityAlreadyExists(
                f"A policy called {name} already exists. Duplicate names are not allowed."
            ) from None
        return policy

    def find(self, account_id: str, arn: str) -> ManagedPolicy | None:
        """A policy the account may use: its own, or AWS managed."""
        if arn in aws_catalog():
            return aws_catalog()[arn][0]
        row = self.store.query_one(
            "SELECT * FROM policies WHERE account_id=? AND arn=?", (account_id, arn)
        )
        return _policy(row) if row is not None else None

    def get(self, account_id: str, arn: str) -> ManagedPolicy:
        found = self.find(account_id, arn)
        if found is None:
            raise no_such_policy(arn)
        return found

    def list_local(self, account_id: str) -> list[ManagedPolicy]:
        rows = self.store.query("SELECT * FROM policies WHERE account_id=?", (account_id,))
        return [_policy(r) for r in rows]

    def delete(self, policy: ManagedPolicy) -> None:
        if self.attachment_count(policy.account_id, policy.arn):
            raise DeleteConflict("Cannot delete a policy attached to entities.")
        if len(self.versions(policy)) > 1:
            raise DeleteConflict(
                "This policy has more than one version. Before you delete a policy, you must "
                "delete the policy's versions. The default version is deleted with the policy."
            )
        with self.store.write() as conn:
            conn.execute("DELETE FROM policy_versions WHERE policy_arn=?", (policy.arn,))
            conn.execute("DELETE FROM policies WHERE arn=?", (policy.arn,))
            conn.execute(
                "DELETE FROM tags WHERE account_id=? AND kind='policy' AND resource_name=?",
                (policy.account_id, policy.arn),
            )

    # -- versions -------------------------------------------------------------------

    def versions(self, policy: ManagedPolicy) -> list[PolicyVersion]:
        if policy.aws_managed:
            document = aws_catalog()[policy.arn][1]
            return [PolicyVersion(policy.default_version, document, policy.updated, True)]
        current = self._default_version(policy.arn)
        rows = self.store.query(
            "SELECT * FROM policy_versions WHERE policy_arn=? ORDER BY created, version_id",
            (policy.arn,),
        )
        return [
            PolicyVersion(r["version_id"], r["document"], r["created"], r["version_id"] == current)
            for r in rows
        ]

    def version(self, policy: ManagedPolicy, version_id: str) -> PolicyVersion:
        for version in self.versions(policy):
            if version.version_id == version_id:
                return version
        raise NoSuchEntity(f"Policy {policy.arn} version {version_id} does not exist.")

    def default_document(self, policy: ManagedPolicy) -> str:
        if policy.aws_managed:
            return aws_catalog()[policy.arn][1]
        return self.version(policy, self._default_version(policy.arn)).document

    def add_version(self, policy: ManagedPolicy, document: str, set_default: bool) -> str:
        now = self.clock.time()
        with self.store.write() as conn:
            count = conn.execute(
                "SELECT count(*) FROM policy_versions WHERE policy_arn=?", (policy.arn,)
            ).fetchone()[0]
            if count >= MAX_VERSIONS:
                raise LimitExceeded(
                    "A managed policy can have up to 5 versions. Before you create a new "
                    "version, you must delete an existing version."
                )
            number = conn.execute(
                "SELECT next_version FROM policies WHERE arn=?", (policy.arn,)
            ).fetchone()[0]
            version_id = f"v{number}"
            conn.execute(
                "INSERT INTO policy_versions VALUES (?,?,?,?,?)",
                (policy.account_id, policy.arn, version_id, document, now),
            )
            conn.execute(
                "UPDATE policies SET next_version=?, updated=? WHERE arn=?",
                (number + 1, now, policy.arn),
            )
            if set_default:
                conn.execute(
                    "UPDATE policies SET default_version=? WHERE arn=?", (version_id, policy.arn)
                )
        return version_id

    def set_default(self, policy: ManagedPolicy, version_id: str) -> None:
        self.version(policy, version_id)
        with self.store.write() as conn:
            conn.execute(
                "UPDATE policies SET default_version=?, updated=? WHERE arn=?",
                (version_id, self.clock.time(), policy.arn),
            )

    def delete_version(self, policy: ManagedPolicy, version_id: str) -> None:
        version = self.version(policy, version_id)
        if version.is_default:
            raise DeleteConflict("Cannot delete the default version of a policy.")
        with self.store.write() as conn:
            conn.execute(
                "DELETE FROM policy_versions WHERE policy_arn=? AND version_id=?",
                (policy.arn, version_id),
            )

    def _default_version(self, arn: str) -> str:
        row = self.store.query_one("SELECT default_version FROM policies WHERE arn=?", (arn,))
        if row is None:
            raise no_such_policy(arn)
        return str(row[0])

    # -- attachments ----------------------------------------------------------------

    def attach(self, account_id: str, kind: str, name: str, arn: str) -> None:
        with self.store.write() as conn:
            attached = conn.execute(
                "SELECT policy_arn FROM attachments WHERE account_id=? AND kind=? "
                "AND entity_name=?",
                (account_id, kind, name),
            ).fetchall()
            if arn in {r[0] for r in attached}:
                return
            if len(attached) >= MAX_ATTACHED:
                raise LimitExceeded(f"Cannot exceed quota for {QUOTA_NAME[kind]}: {MAX_ATTACHED}")
            conn.execute(
                "INSERT INTO attachments VALUES (?,?,?,?,?)",
                (account_id, kind, name, arn, self.clock.time()),
            )

    def detach(self, account_id: str, kind: str, name: str, arn: str) -> None:
        with self.store.write() as conn:
            gone = conn.execute(
                "DELETE FROM attachments WHERE account_id=? AND kind=? AND entity_name=? "
                "AND policy_arn=?",
                (account_id, kind, name, arn),
            ).rowcount
        if not gone:
            raise NoSuchEntity(f"Policy {arn} was not found.")

    def attached(self, account_id: str, kind: str, name: str) -> list[ManagedPolicy]:
        rows = self.store.query(
            "SELECT policy_arn FROM attachments WHERE account_id=? AND kind=? AND entity_name=?",
            (account_id, kind, name),
        )
        found = [self.find(account_id, r[0]) for r in rows]
        return sorted_by([p for p in found if p is not None], lambda p: p.name)

    def attachment_count(self, account_id: str, arn: str) -> int:
        row = self.store.query_one(
            "SELECT count(*) FROM attachments WHERE account_id=? AND policy_arn=?",
            (account_id, arn),
        )
        return int(row[0]) if row else 0

    def attached_arns(self, account_id: str) -> set[str]:
        rows = self.store.query(
            "SELECT DISTINCT policy_arn FROM attachments WHERE account_id=?", (account_id,)
        )
        return {r[0] for r in rows}

    def attachments_of(self, account_id: str, arn: str) -> list[tuple[str, str]]:
        """(kind, entity name) of everything the policy is attached to."""
        rows = self.store.query(
            "SELECT kind, entity_name FROM attachments WHERE account_id=? AND policy_arn=?",
            (account_id, arn),
        )
        return [(r[0], r[1]) for r in rows]

    def boundary_usage(self, account_id: str, arn: str) -> int:
        row = self.store.query_one(
            "SELECT count(*) FROM entities WHERE account_id=? AND boundary_arn=?",
            (account_id, arn),
        )
        return int(row[0]) if row else 0

    # -- inline policies ------------------------------------------------------------

    def put_inline(self, account_id: str, kind: str, name: str, policy: str, doc: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO inline_policies VALUES (?,?,?,?,?)",
                (account_id, kind, name, policy, doc),
            )

    def inline(self, account_id: str, kind: str, name: str) -> list[tuple[str, str]]:
        """(policy name, document) of an entity's inline policies, sorted by name."""
        rows = self.store.query(
            "SELECT policy_name, document FROM inline_policies "
            "WHERE account_id=? AND kind=? AND entity_name=?",
            (account_id, kind, name),
        )
        return sorted_by([(r[0], r[1]) for r in rows], lambda item: item[0])

    def get_inline(self, account_id: str, kind: str, name: str, policy: str) -> tuple[str, str]:
        row = self.store.query_one(
            "SELECT policy_name, document FROM inline_policies "
            "WHERE account_id=? AND kind=? AND entity_name=? AND policy_name=?",
            (account_id, kind, name, policy),
        )
        if row is None:
            raise NoSuchEntity(f"The {kind} policy with name {policy} cannot be found.")
        return row[0], row[1]

    def delete_inline(self, account_id: str, kind: str, name: str, policy: str) -> None:
        with self.store.write() as conn:
            gone = conn.execute(
                "DELETE FROM inline_policies "
                "WHERE account_id=? AND kind=? AND entity_name=? AND policy_name=?",
                (account_id, kind, name, policy),
            ).rowcount
        if not gone:
            raise NoSuchEntity(f"The {kind} policy with name {policy} cannot be found.")


def _policy(row: sqlite3.Row) -> ManagedPolicy:
    return ManagedPolicy(
        row["account_id"],
        row["name"],
        row["path"],
        row["policy_id"],
        row["arn"],
        row["description"],
        row["created"],
        row["updated"],
        row["default_version"],
    )
