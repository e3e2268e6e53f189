"""The lifecycle runner: S3's day-by-day background work, driven by the one clock.

Once per lifecycle day (and whenever the clock is moved past a day boundary) it applies
every enabled lifecycle rule, clears restored copies that have expired, and moves
INTELLIGENT_TIERING objects between access tiers. S3 rounds every due time up to the next
midnight UTC, so running once after each day boundary misses nothing.

Two workers may run it at once (the primary's scheduler and the worker that served a clock
change): every action re-reads its version inside its own write transaction and is skipped
if the version changed meanwhile, so each happens once.
"""

from __future__ import annotations

import json
import logging
import math
from typing import TYPE_CHECKING, Any

from cloudlet.services.s3.buckets import Bucket
from cloudlet.services.s3.lifecycle import Scope, enabled_rules, scope_of
from cloudlet.services.s3.lock import retained
from cloudlet.services.s3.objects import ObjectRecord
from cloudlet.services.s3.storage import (
    ARCHIVED,
    RANK,
    SMALL_OBJECT,
    after_days,
)
from cloudlet.services.s3.versions import new_version_id

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

log = logging.getLogger("cloudlet.s3.lifecycle")

BATCH = 500
#: Intelligent-Tiering's automatic tiers: days without access before an object moves.
AUTOMATIC_TIERS = (("ARCHIVE_INSTANT_ACCESS", 90), ("INFREQUENT_ACCESS", 30))
TIER_ORDER = {
    None: 0,
    "INFREQUENT_ACCESS": 1,
    "ARCHIVE_INSTANT_ACCESS": 2,
    "ARCHIVE_ACCESS": 3,
    "DEEP_ARCHIVE_ACCESS": 4,
}


class LifecycleRunner:
    def __init__(self, s3: S3) -> None:
        self.s3 = s3
        self.day = s3.cloud.config.lifecycle_day_seconds
        self._last_day: int | None = None

    @property
    def interval(self) -> float:
        """How often (real seconds) the scheduler asks whether a new day has begun."""
        return max(1.0, min(60.0, self.day / 4))

    def tick(self) -> None:
        """The scheduled job: run once per lifecycle day of the clock."""
        clock = self.s3.cloud.clock
        clock.reload()  # another worker may have moved it
        now = clock.time()
        today = math.floor(now / self.day)
        if today == self._last_day:
            return
        self._last_day = today
        self.run(now)

    def run(self, now: float) -> None:
        for bucket, config in self.s3.buckets.with_config("lifecycle"):
            minimum = config.get("TransitionDefaultMinimumObjectSize") or ""
            for rule in enabled_rules(config):
                try:
                    self._apply(bucket, rule, minimum, now)
                except Exception:
                    log.exception("lifecycle rule %s of %s failed", rule.get("ID"), bucket.name)
        self._finish_restores(now)
        self._tier(now)

    # -- one rule ---------------------------------------------------------------------

    def _apply(self, bucket: Bucket, rule: dict[str, Any], minimum: str, now: float) -> None:
        scope = scope_of(rule)
        if rule.get("Expiration") or rule.get("Transitions"):
            after = b""
            while batch := self.s3.objects.records_under(bucket.name, scope.prefix, after, BATCH):
                for record in batch:
                    self._current(bucket, rule, scope, minimum, record, now)
                after = batch[-1].key.encode()
        if rule.get("NoncurrentVersionExpiration") or rule.get("NoncurrentVersionTransitions"):
            after = b""
            versions = self.s3.versions
            while keys := versions.keys_with_noncurrent(bucket.name, scope.prefix, after, BATCH):
                for key in keys:
                    self._noncurrent(bucket, rule, scope, minimum, key, now)
                after = keys[-1].encode()
        abort = rule.get("AbortIncompleteMultipartUpload")
        if abort:
            for upload in self.s3.uploads.list(bucket.name, scope.prefix, "", "", 10**9):
                if now >= after_days(upload.initiated, abort["DaysAfterInitiation"], self.day):
                    self.s3.blobs.delete(self.s3.uploads.remove(upload.upload_id))

    def _current(
        self,
        bucket: Bucket,
        rule: dict[str, Any],
        scope: Scope,
        minimum: str,
        record: ObjectRecord,
        now: float,
    ) -> None:
        expiration = rule.get("Expiration") or {}
        if record.delete_marker:
            # A marker has no tags or size: only a prefix-only rule can reach it.
            plain = not scope.tags and not scope.sized
            if plain and self._marker_expires(expiration, record, now):
                self._remove_lone_marker(record)
            return
        if not scope.matches(record):
            return
        due = self._due(expiration, record.last_modified)
        if due is not None and now >= due:
            self._expire(bucket, record, now)
            return
        target = self._target(rule.get("Transitions") or [], "Days", record, scope, minimum, now)
        if target is not None:
            self._transition(record, target, now)

    def _due(self, action: dict[str, Any], start: float, unit: str = "Days") -> float | None:
        if unit in action:
            return after_days(start, action[unit], self.day)
        if "Date" in action:
            return float(action["Date"])
        return None

    def _marker_expires(self, expiration: dict[str, Any], marker: ObjectRecord, now: float) -> bool:
        """An expired object delete marker: removed by ExpiredObjectDeleteMarker, or by an
        Expiration by days or date once it is due, as for an object."""
        if expiration.get("ExpiredObjectDeleteMarker"):
            return True
        due = self._due(expiration, marker.last_modified)
        return due is not None and now >= due

    def _target(
        self,
        transitions: list[dict[str, Any]],
        unit: str,
        record: ObjectRecord,
        scope: Scope,
        minimum: str,
        now: float,
        since: float | None = None,
    ) -> str | None:
        """The coldest class whose transition is due, if colder than the record's class."""
        best: str | None = None
        start = record.last_modified if since is None else since
        for transition in transitions:
            target = transition["StorageClass"]
            due = self._due(transition, start, unit)
            if due is None or now < due or RANK[target] <= RANK.get(record.storage_class, 0):
                continue
            if not _size_allows(record.size, target, scope, minimum):
                continue
            if best is None or RANK[target] > RANK[best]:
                best = target
        return best

    def _noncurrent(
        self,
        bucket: Bucket,
        rule: dict[str, Any],
        scope: Scope,
        minimum: str,
        key: str,
        now: float,
    ) -> None:
        expiration = rule.get("NoncurrentVersionExpiration") or {}
        transitions = rule.get("NoncurrentVersionTransitions") or []
        for index, (record, since) in enumerate(
            self.s3.versions.noncurrent_since(bucket.name, key)
        ):
            if not scope.matches(record):
                continue
            protected = record.lock and (record.lock.get("hold") or retained(record.lock, now))
            if (
                "NoncurrentDays" in expiration
                and index >= expiration.get("NewerNoncurrentVersions", 0)
                and not protected  # lifecycle never deletes a locked version
            ):
                due = after_days(since, expiration["NoncurrentDays"], self.day)
                if now >= due:
                    removed = self.s3.versions.remove_noncurrent(
                        bucket.name, key, record.version_id
                    )
                    if removed is not None:
                        self.s3.blobs.delete(removed.blob_ids())
                    continue
            if record.delete_marker:
                continue
            eligible = [t for t in transitions if index >= t.get("NewerNoncurrentVersions", 0)]
            target = self._target(
                eligible, "NoncurrentDays", record, scope, minimum, now, since=since
            )
            if target is not None:
                self._transition(record, target, now)

    # -- actions ----------------------------------------------------------------------

    def _expire(self, bucket: Bucket, record: ObjectRecord, now: float) -> None:
        """Delete the current version: for good when the bucket was never versioned, else by
        adding a delete marker (the version stays, noncurrent)."""
        s3 = self.s3
        freed: list[ObjectRecord] = []
        with s3.store.write():
            current = s3.objects.get(record.bucket, record.key)
            if not _same(current, record):
                return
            status = _versioning(s3, bucket.name)
            if status is None:
                removed = s3.objects.delete(record.bucket, record.key)
                freed = [removed] if removed else []
            else:
                marker = ObjectRecord(
                    bucket=record.bucket,
                    key=record.key,
                    size=0,
                    etag="",
                    last_modified=now,
                    owner=record.owner,
                    version_id=new_version_id(status),
                    delete_marker=True,
                )
                # Delete markers made by lifecycle are not replicated, as on S3.
                freed = s3.versions.put(marker, status, now, replicate=False)
        for gone in freed:
            s3.blobs.delete(gone.blob_ids())

    def _remove_lone_marker(self, marker: ObjectRecord) -> None:
        s3 = self.s3
        with s3.store.write():
            current = s3.objects.get(marker.bucket, marker.key)
            if not _same(current, marker) or s3.versions.has_noncurrent(marker.bucket, marker.key):
                return
            s3.versions.remove(marker.bucket, marker.key, marker.version_id)

    def _transition(self, record: ObjectRecord, target: str, now: float) -> None:
        s3 = self.s3
        with s3.store.write():
            found = s3.versions.get(record.bucket, record.key, record.version_id)
            if not _same(found, record):
                return
            s3.versions.update_fields(
                record.bucket,
                record.key,
                record.version_id,
                storage_class=target,
                restore=None,
                tier=None,
                accessed=now if target == "INTELLIGENT_TIERING" else None,
            )

    # -- restores and Intelligent-Tiering -------------------------------------------------

    def _finish_restores(self, now: float) -> None:
        """Forget restored copies past their expiry; an archived Intelligent-Tiering object
        whose restore completed is back in the frequent access tier."""
        s3 = self.s3
        for table in ("objects", "versions"):
            rows = s3.store.query(
                f"SELECT bucket, key, version_id, storage_class, tier, restore FROM {table} "
                "WHERE restore IS NOT NULL"
            )
            for row in rows:
                restore = _json(row["restore"])
                key = bytes(row["key"]).decode()
                if row["storage_class"] in ARCHIVED:
                    expiry = restore.get("expiry")
                    if expiry is not None and now >= expiry:
                        s3.versions.update_fields(
                            row["bucket"], key, row["version_id"], restore=None
                        )
                elif now >= restore["ready"]:
                    s3.versions.update_fields(
                        row["bucket"],
                        key,
                        row["version_id"],
                        restore=None,
                        tier=None,
                        accessed=restore["ready"],
                    )

    def _tier(self, now: float) -> None:
        """Move INTELLIGENT_TIERING objects down the access tiers by days without access:
        30 to infrequent, 90 to archive instant, then the archive tiers a bucket's
        Intelligent-Tiering configurations ask for."""
        s3 = self.s3
        configs = {b.name: c for b, c in s3.buckets.with_config("intelligent-tiering")}
        for table in ("objects", "versions"):
            rows = s3.store.query(
                "SELECT bucket, key, version_id, size, tier, accessed, last_modified, tags, "
                f"restore FROM {table} WHERE storage_class='INTELLIGENT_TIERING'"
            )
            for row in rows:
                if row["size"] < SMALL_OBJECT or row["restore"]:
                    continue  # small objects stay frequent; a restoring one waits for it
                key = bytes(row["key"]).decode()
                idle = row["accessed"] if row["accessed"] is not None else row["last_modified"]
                archive = _archive_days(configs.get(row["bucket"]) or {}, key, _json(row["tags"]))
                tier = self._tier_for(idle, archive, now)
                if TIER_ORDER[tier] > TIER_ORDER[row["tier"]]:
                    s3.versions.update_fields(row["bucket"], key, row["version_id"], tier=tier)

    def _tier_for(self, idle: float, archive: dict[str, int], now: float) -> str | None:
        for tier in ("DEEP_ARCHIVE_ACCESS", "ARCHIVE_ACCESS"):
            if tier in archive and now >= after_days(idle, archive[tier], self.day):
                return tier
        for tier, days in AUTOMATIC_TIERS:
            if now >= after_days(idle, days, self.day):
                return tier
        return None


def _archive_days(configs: dict[str, Any], key: str, tags: list[list[str]]) -> dict[str, int]:
    """The fewest days after which an enabled configuration archives this object, per tier."""
    found: dict[str, int] = {}
    pairs = {(k, v) for k, v in tags}
    for config in configs.values():
        if config.get("Status") != "Enabled":
            continue
        scope = scope_of({"Filter": config.get("Filter") or {}})
        if not key.startswith(scope.prefix) or not set(scope.tags) <= pairs:
            continue
        for tiering in config.get("Tierings") or []:
            tier, days = tiering["AccessTier"], tiering["Days"]
            found[tier] = min(days, found.get(tier, days))
    return found


def _size_allows(size: int, target: str, scope: Scope, minimum: str) -> bool:
    """Objects under 128 KB stay put unless the rule's filter names sizes itself, or the
    configuration's minimum varies by class and the target is GLACIER or DEEP_ARCHIVE."""
    if scope.sized or size >= SMALL_OBJECT:
        return True
    return minimum == "varies_by_storage_class" and target in ARCHIVED


def _same(found: ObjectRecord | None, seen: ObjectRecord) -> bool:
    return (
        found is not None
        and found.version_id == seen.version_id
        and found.last_modified == seen.last_modified
        and found.storage_class == seen.storage_class
        and found.delete_marker == seen.delete_marker
    )


def _versioning(s3: S3, bucket: str) -> str | None:
    row = s3.store.query_one("SELECT versioning FROM buckets WHERE name=?", (bucket,))
    return row["versioning"] if row else None


def _json(text: str | None) -> Any:
    return json.loads(text) if text else {}
