"""Custom classifiers: stored as their API shape plus ``Kind`` (Grok, XML, Json, Csv).

https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-classifiers.html
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from cloudlet.core.store import Store
from cloudlet.services.glue.classify import grok
from cloudlet.services.glue.errors import (
    AlreadyExistsException,
    EntityNotFoundException,
    InvalidInputException,
)

#: Request member -> kind, and kind -> the member of the ``Classifier`` shape.
KINDS = {"GrokClassifier": "Grok", "XMLClassifier": "XML", "JsonClassifier": "Json",
         "CsvClassifier": "Csv"}  # fmt: skip
MEMBERS = {kind: member for member, kind in KINDS.items()}
_REQUIRED = {"Grok": ("Classification", "GrokPattern"), "XML": ("Classification",),
             "Json": ("JsonPath",), "Csv": ()}  # fmt: skip


def not_found(name: str) -> EntityNotFoundException:
    return EntityNotFoundException(f"Unable to find classifier with name {name}")


def check(kind: str, doc: dict[str, Any]) -> None:
    for member in _REQUIRED[kind]:
        if not doc.get(member):
            raise InvalidInputException(f"{member} is required for a {kind} classifier.")
    if kind == "Grok":
        try:
            grok.compile_grok(doc["GrokPattern"], grok.parse_custom(doc.get("CustomPatterns")))
        except grok.GrokError as exc:
            raise InvalidInputException(str(exc)) from None
    if kind == "Json" and not doc["JsonPath"].startswith("$"):
        raise InvalidInputException(f"Invalid JsonPath: {doc['JsonPath']}")
    if kind == "Csv" and doc.get("Delimiter") and len(doc["Delimiter"]) != 1:
        raise InvalidInputException("Delimiter must be a single character.")


class Classifiers:
    def __init__(self, store: Store, now: Callable[[], float]) -> None:
        self.store = store
        self.now = now

    def get(self, account: str, region: str, name: str) -> dict[str, Any] | None:
        row = self.store.query_one(
            "SELECT doc FROM classifiers WHERE account_id=? AND region=? AND name=?",
            (account, region, name),
        )
        return json.loads(row[0]) if row else None

    def all(self, account: str, region: str) -> list[dict[str, Any]]:
        rows = self.store.query(
            "SELECT doc FROM classifiers WHERE account_id=? AND region=? ORDER BY name",
            (account, region),
        )
        return [json.loads(r[0]) for r in rows]

    def create(self, account: str, region: str, kind: str, data: dict[str, Any]) -> None:
        now = self.now()
        doc = {**data, "Kind": kind, "CreationTime": now, "LastUpdated": now, "Version": 1}
        check(kind, doc)
        with self.store.write() as conn:
            try:
                conn.execute(
                    "INSERT INTO classifiers VALUES (?,?,?,?,?)",
                    (account, region, data["Name"], kind, json.dumps(doc)),
                )
            except sqlite3.IntegrityError:
                raise AlreadyExistsException(
                    f"Classifier with name {data['Name']} already exists"
                ) from None

    def update(self, account: str, region: str, kind: str, data: dict[str, Any]) -> None:
        old = self.get(account, region, data["Name"])
        if old is None:
            raise not_found(data["Name"])
        if old["Kind"] != kind:
            raise InvalidInputException(
                f"Classifier {data['Name']} is a {old['Kind']} classifier, not {kind}."
            )
        doc = {**old, **data, "LastUpdated": self.now(), "Version": old["Version"] + 1}
        check(kind, doc)
        with self.store.write() as conn:
            conn.execute(
                "UPDATE classifiers SET doc=? WHERE account_id=? AND region=? AND name=?",
                (json.dumps(doc), account, region, data["Name"]),
            )

    def delete(self, account: str, region: str, name: str) -> None:
        with self.store.write() as conn:
            cursor = conn.execute(
                "DELETE FROM classifiers WHERE account_id=? AND region=? AND name=?",
                (account, region, name),
            )
        if cursor.rowcount == 0:
            raise not_found(name)


def shape(doc: dict[str, Any]) -> dict[str, Any]:
    """The ``Classifier`` union shape of a stored classifier."""
    return {MEMBERS[doc["Kind"]]: {k: v for k, v in doc.items() if k != "Kind"}}
