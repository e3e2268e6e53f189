"""Users, groups, roles and instance profiles: one table, one shape, and their relations.

All four have a name unique per account, a path, a unique id, an ARN and a creation date;
roles add a trust policy, a description and a maximum session duration; users and roles may
carry a permissions boundary. Group membership and instance-profile roles live here too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from cloudlet.core import arns, ids
from cloudlet.core.clock import Clock
from cloudlet.core.store import Store
from cloudlet.services.iam.errors import EntityAlreadyExists, NoSuchEntity
from cloudlet.services.iam.paging import sorted_by

#: kind -> (unique id prefix, how AWS's messages name it)
KINDS: dict[str, tuple[str, str]] = {
    "user": ("AIDA", "user"),
    "group": ("AGPA", "group"),
    "role": ("AROA", "role"),
    "instance-profile": ("AIPA", "Instance Profile"),
}


@dataclass(frozen=True, slots=True)
class Entity:
    account_id: str
    kind: str
    name: str
    path: str
    id: str
    arn: str
    created: float
    description: str | None = None
    trust_policy: str | None = None
    max_session_duration: int | None = None
    boundary_arn: str | None = None
    last_used: float | None = None
    last_used_region: str | None = None


def entity_arn(account_id: str, kind: str, path: str, name: str) -> str:
    return arns.build("iam", "", account_id, f"{kind}{path}{name}")


def not_found(kind: str, name: str) -> NoSuchEntity:
    label = KINDS[kind][1]
    if kind == "instance-profile":
        return NoSuchEntity(f"{label} {name} cannot be found.")
    return NoSuchEntity(f"The {label} with name {name} cannot be found.")


class Entities:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # -- the entities themselves ------------------------------------------------

    def create(self, account_id: str, kind: str, name: str, path: str, **extra: Any) -> Entity:
        entity = Entity(
            account_id,
            kind,
            name,
            path,
            ids.unique_id(KINDS[kind][0]),
            entity_arn(account_id, kind, path, name),
            self.clock.time(),
            **extra,
        )
        try:
            with self.store.write() as conn:
                conn.execute(
                    "INSERT INTO entities VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        entity.account_id,
                        entity.kind,
                        entity.name,
                        entity.path,
                        entity.id,
                        entity.arn,
                        entity.created,
                        entity.description,
                        entity.trust_policy,
                        entity.max_session_duration,
                        entity.boundary_arn,
                        entity.last_used,
                        entity.last_used_region,
                    ),
                )
        except sqlite3.IntegrityError:
            label = KINDS[kind][1]
            if kind == "instance-profile":
                raise EntityAlreadyExists(f"{label} {name} already exists.") from None
            raise EntityAlreadyExists(
                f"{label.capitalize()} with name {name} already exists."
            ) from None
        return entity

    def find(self, account_id: str, kind: str, name: str) -> Entity | None:
        row = self.store.query_one(
            "SELECT * FROM entities WHERE account_id=? AND kind=? AND name=?",
            (account_id, kind, name),
        )
        return _entity(row) if row is not None else None

    def get(self, account_id: str, kind: str, name: str) -> Entity:
        found = self.find(account_id, kind, name)
        if found is None:
            raise not_found(kind, name)
        return found

    def list(self, account_id: str, kind: str, path_prefix: str = "/") -> list[Entity]:
        rows = self.store.query(
            "SELECT * FROM entities WHERE account_id=? AND kind=? AND substr(path,1,?)=?",
            (account_id, kind, len(path_prefix), path_prefix),
        )
        return sorted_by([_entity(r) for r in rows], lambda e: e.name)

    def update(self, account_id: str, kind: str, name: str, **fields: Any) -> None:
        columns = ", ".join(f"{column}=?" for column in fields)
        with self.store.write() as conn:
            conn.execute(
                f"UPDATE entities SET {columns} WHERE account_id=? AND kind=? AND name=?",
                (*fields.values(), account_id, kind, name),
            )

    def rename(self, entity: Entity, new_name: str, new_path: str) -> Entity:
        """UpdateUser / UpdateGroup: a new name or path is a new ARN; relations follow."""
        old, acct = entity.name, entity.account_id
        arn = entity_arn(acct, entity.kind, new_path, new_name)
        try:
            with self.store.write() as conn:
                conn.execute(
                    "UPDATE entities SET name=?, path=?, arn=? "
                    "WHERE account_id=? AND kind=? AND name=?",
                    (new_name, new_path, arn, acct, entity.kind, old),
                )
                for table, column in _NAMED_BY[entity.kind]:
                    conn.execute(
                        f"UPDATE {table} SET {column}=? WHERE account_id=? AND {column}=?",
                        (new_name, acct, old),
                    )
                for table, column in _KIND_RELATIONS:
                    conn.execute(
                        f"UPDATE {table} SET {column}=? "
                        f"WHERE account_id=? AND kind=? AND {column}=?",
                        (new_name, acct, entity.kind, old),
                    )
        except sqlite3.IntegrityError:
            label = KINDS[entity.kind][1].capitalize()
            raise EntityAlreadyExists(f"{label} with name {new_name} already exists.") from None
        return self.get(acct, entity.kind, new_name)

    def delete(self, account_id: str, kind: str, name: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "DELETE FROM entities WHERE account_id=? AND kind=? AND name=?",
                (account_id, kind, name),
            )
            conn.execute(
                "DELETE FROM tags WHERE account_id=? AND kind=? AND resource_name=?",
                (account_id, kind, name),
            )

    # -- group membership -------------------------------------------------------

    def add_member(self, account_id: str, group: str, user: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO group_members VALUES (?,?,?,?)",
                (account_id, group, user, self.clock.time()),
            )

    def remove_member(self, account_id: str, group: str, user: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "DELETE FROM group_members WHERE account_id=? AND group_name=? AND user_name=?",
                (account_id, group, user),
            )

    def groups_of(self, account_id: str, user: str) -> list[Entity]:
        rows = self.store.query(
            "SELECT e.* FROM entities e JOIN group_members m ON m.account_id=e.account_id "
            "AND m.group_name=e.name WHERE e.account_id=? AND e.kind='group' AND m.user_name=?",
            (account_id, user),
        )
        return sorted_by([_entity(r) for r in rows], lambda e: e.name)

    def members_of(self, account_id: str, group: str) -> list[Entity]:
        rows = self.store.query(
            "SELECT e.* FROM entities e JOIN group_members m ON m.account_id=e.account_id "
            "AND m.user_name=e.name WHERE e.account_id=? AND e.kind='user' AND m.group_name=?",
            (account_id, group),
        )
        return sorted_by([_entity(r) for r in rows], lambda e: e.name)

    # -- instance profiles and their role ---------------------------------------

    def add_profile_role(self, account_id: str, profile: str, role: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO profile_roles VALUES (?,?,?)", (account_id, profile, role)
            )

    def remove_profile_role(self, account_id: str, profile: str, role: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "DELETE FROM profile_roles WHERE account_id=? AND profile_name=? AND role_name=?",
                (account_id, profile, role),
            )

    def roles_of_profile(self, account_id: str, profile: str) -> list[Entity]:
        rows = self.store.query(
            "SELECT e.* FROM entities e JOIN profile_roles p ON p.account_id=e.account_id "
            "AND p.role_name=e.name WHERE e.account_id=? AND e.kind='role' AND p.profile_name=?",
            (account_id, profile),
        )
        return [_entity(r) for r in rows]

    def profiles_of_role(self, account_id: str, role: str) -> list[Entity]:
        rows = self.store.query(
            "SELECT e.* FROM entities e JOIN profile_roles p ON p.account_id=e.account_id "
            "AND p.profile_name=e.name "
            "WHERE e.account_id=? AND e.kind='instance-profile' AND p.role_name=?",
            (account_id, role),
        )
        return sorted_by([_entity(r) for r in rows], lambda e: e.name)


#: Relation columns that hold an entity's name, by kind (for renames).
_NAMED_BY: dict[str, tuple[tuple[str, str], ...]] = {
    "user": (("group_members", "user_name"), ("access_keys", "user_name")),
    "group": (("group_members", "group_name"),),
    "role": (("profile_roles", "role_name"),),
    "instance-profile": (("profile_roles", "profile_name"),),
}


#: Relations keyed by (kind, name).
_KIND_RELATIONS = (
    ("attachments", "entity_name"),
    ("inline_policies", "entity_name"),
    ("tags", "resource_name"),
)


def _entity(row: sqlite3.Row) -> Entity:
    return Entity(
        row["account_id"],
        row["kind"],
        row["name"],
        row["path"],
        row["entity_id"],
        row["arn"],
        row["created"],
        row["description"],
        row["trust_policy"],
        row["max_session_duration"],
        row["boundary_arn"],
        row["last_used"],
        row["last_used_region"],
    )


def using_boundary(entities: Entities, account_id: str, arn: str) -> list[Entity]:
    """Users and roles whose permissions boundary is the policy ``arn``."""
    rows = entities.store.query(
        "SELECT * FROM entities WHERE account_id=? AND boundary_arn=?", (account_id, arn)
    )
    return sorted_by([_entity(r) for r in rows], lambda e: e.name)
