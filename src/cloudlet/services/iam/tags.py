"""Tags on users, roles, policies and instance profiles (policies are keyed by ARN)."""

from __future__ import annotations

from typing import Any

from cloudlet.core.store import Store
from cloudlet.services.iam.errors import InvalidInput, LimitExceeded
from cloudlet.services.iam.paging import page, sorted_by

MAX_TAGS = 50


class Tags:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, account_id: str, kind: str, name: str) -> list[dict[str, str]]:
        rows = self.store.query(
            "SELECT key, value FROM tags WHERE account_id=? AND kind=? AND resource_name=? "
            "ORDER BY rowid",
            (account_id, kind, name),
        )
        return [{"Key": r[0], "Value": r[1]} for r in rows]

    def page(self, account_id: str, kind: str, name: str, params: dict[str, Any]) -> dict:
        """List*Tags: the tags sorted by key, one Marker/MaxItems page."""
        tags = sorted_by(self.get(account_id, kind, name), lambda t: t["Key"])
        chosen, paging = page(tags, params, lambda t: t["Key"])
        return {"Tags": chosen, **paging}

    def as_dict(self, account_id: str, kind: str, name: str) -> dict[str, str]:
        return {t["Key"]: t["Value"] for t in self.get(account_id, kind, name)}

    def add(self, account_id: str, kind: str, name: str, tags: list[dict[str, Any]]) -> None:
        check_tags(tags)
        with self.store.write() as conn:
            for tag in tags:
                conn.execute(
                    "INSERT OR REPLACE INTO tags VALUES (?,?,?,?,?)",
                    (account_id, kind, name, tag["Key"], tag.get("Value") or ""),
                )
            count = conn.execute(
                "SELECT count(*) FROM tags WHERE account_id=? AND kind=? AND resource_name=?",
                (account_id, kind, name),
            ).fetchone()[0]
            if count > MAX_TAGS:
                raise LimitExceeded("The number of tags has reached the maximum limit.")

    def remove(self, account_id: str, kind: str, name: str, keys: list[str]) -> None:
        with self.store.write() as conn:
            for key in keys:
                conn.execute(
                    "DELETE FROM tags WHERE account_id=? AND kind=? AND resource_name=? AND key=?",
                    (account_id, kind, name, key),
                )


def check_tags(tags: list[dict[str, Any]]) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating"""
    if len(tags) > MAX_TAGS:
        raise LimitExceeded("The number of tags has reached the maximum limit.")
    seen: set[str] = set()
    for tag in tags:
        key = tag["Key"]
        if key.lower() in seen:
            raise InvalidInput(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive."
            )
        seen.add(key.lower())
        if key.lower().startswith("aws:"):
            raise InvalidInput("User-defined tag keys can't start with 'aws:'.")
