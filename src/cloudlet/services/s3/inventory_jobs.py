"""The inventory runner: writes each enabled S3 Inventory report when it is due on the clock.

A Daily configuration reports once per lifecycle day, a Weekly one every seventh day, the
first report one day (seven days) after the configuration was put. The runner is a sibling
of the lifecycle job, registered after it so a report sees that day's transitions.

Two workers may run it at once (the primary's scheduler and the worker that served a clock
change): each (configuration, day) report is claimed in a write transaction on the bucket's
``inventory-runs`` document before it is written, so it is written once.

The report is laid out as S3 lays it out in the destination bucket::

    <prefix>/<source>/<id>/data/<uuid>.csv.gz (.parquet, .orc)
    <prefix>/<source>/<id>/<YYYY-MM-DDTHH-MMZ>/manifest.json, manifest.checksum
    <prefix>/<source>/<id>/hive/dt=<YYYY-MM-DD-HH-MM>/symlink.txt

https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.services.s3 import inventory
from cloudlet.services.s3.buckets import Bucket

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

log = logging.getLogger("cloudlet.s3.inventory")

#: Bucket configuration kinds: the configurations ({id: config}) and their schedule state
#: ({id: {"since": day put, "last": day of the last report}}), days counted on the clock.
CONFIGS = "inventory"
RUNS = "inventory-runs"
MANIFEST_VERSION = "2016-11-30"


def today(s3: S3) -> int:
    return math.floor(s3.cloud.clock.time() / s3.day)


def due(frequency: str, state: dict[str, Any], day: int) -> bool:
    last = state.get("last", state["since"])
    return day >= last + inventory.FREQUENCIES[frequency]


class InventoryRunner:
    def __init__(self, s3: S3) -> None:
        self.s3 = s3
        self._last_day: int | None = None

    @property
    def interval(self) -> float:
        """How often (real seconds) the scheduler asks whether a new day has begun."""
        return max(1.0, min(60.0, self.s3.day / 4))

    def tick(self) -> None:
        """The scheduled job: look for due reports once per lifecycle day of the clock."""
        clock = self.s3.cloud.clock
        clock.reload()  # another worker may have moved it
        now = clock.time()
        day = math.floor(now / self.s3.day)
        if day == self._last_day:
            return
        self._last_day = day
        self.run(now)

    def run(self, now: float) -> None:
        day = math.floor(now / self.s3.day)
        for bucket, configs in self.s3.buckets.with_config(CONFIGS):
            for config_id, config in sorted(configs.items()):
                if not config.get("IsEnabled"):
                    continue
                try:
                    if self._claim(bucket.name, config_id, config, day):
                        self.report(bucket, config, now)
                except Exception:
                    log.exception("inventory %s of %s failed", config_id, bucket.name)

    def _claim(self, bucket: str, config_id: str, config: dict[str, Any], day: int) -> bool:
        """Mark today's report as taken, if it is due and no other worker took it."""
        buckets = self.s3.buckets
        with self.s3.store.write():
            runs = dict(buckets.fresh_config(bucket, RUNS) or {})
            state = runs.get(config_id) or {"since": day}
            if not due(config["Schedule"]["Frequency"], state, day):
                if config_id not in runs:
                    runs[config_id] = state
                    buckets.put_config(bucket, RUNS, runs)
                return False
            runs[config_id] = {**state, "last": day}
            buckets.put_config(bucket, RUNS, runs)
        return True

    # -- one report -----------------------------------------------------------------------

    def report(self, source: Bucket, config: dict[str, Any], now: float) -> str | None:
        """Write one report into the destination bucket; returns the manifest's key."""
        destination = config["Destination"]["S3BucketDestination"]
        target = self.s3.buckets.find(inventory.destination_bucket(destination) or "")
        if target is None:
            log.warning("inventory %s of %s: no destination bucket", config["Id"], source.name)
            return None
        if destination.get("AccountId") and destination["AccountId"] != target.account_id:
            log.warning("inventory %s of %s: destination owner differs", config["Id"], source.name)
            return None
        prefix = destination.get("Prefix")
        base = f"{source.name}/{config['Id']}"
        base = f"{prefix}/{base}" if prefix else base
        with tempfile.TemporaryDirectory(prefix="inventory-") as tmp:
            writer = _Writer(self.s3, target, _encryption_params(destination), tmp)
            fmt = destination["Format"]
            names = inventory.columns(config)
            data_key = f"{base}/data/{uuid.uuid4()}.{inventory.EXTENSIONS[fmt]}"
            size, md5 = writer.data(data_key, self._rows(source, config, names), names, fmt)
            manifest = {
                "sourceBucket": source.name,
                "destinationBucket": arns.s3_bucket(target.name),
                "version": MANIFEST_VERSION,
                "creationTimestamp": str(int(now * 1000)),
                "fileFormat": fmt,
                "fileSchema": inventory.file_schema(fmt, names),
                "files": [{"key": data_key, "size": size, "MD5checksum": md5}],
            }
            body = json.dumps(manifest, indent=4).encode()
            moment = datetime.fromtimestamp(now, UTC)
            folder = f"{base}/{moment.strftime('%Y-%m-%dT%H-%MZ')}"
            hive = f"{base}/hive/dt={moment.strftime('%Y-%m-%d-%H-%M')}/symlink.txt"
            writer.put(hive, f"s3://{target.name}/{data_key}\n".encode(), "text/plain")
            writer.put(f"{folder}/manifest.json", body, "application/json")
            # Last: its arrival says the report is complete, as on S3.
            checksum = hashlib.md5(body).hexdigest().encode()
            writer.put(f"{folder}/manifest.checksum", checksum, "text/plain")
        return f"{folder}/manifest.json"

    def _rows(self, source: Bucket, config: dict[str, Any], names: list[str]) -> Iterator[Any]:
        maker = inventory.RowMaker(self.s3, source.name, names)
        prefix = (config.get("Filter") or {}).get("Prefix") or ""
        everything = config["IncludedObjectVersions"] == "All"
        for entry in inventory.entries(self.s3, source.name, prefix, everything):
            yield maker.row(entry)


class _Writer:
    """Stores a report's files as objects of the destination bucket, owned by its owner."""

    def __init__(self, s3: S3, target: Bucket, sse: dict[str, Any], tmp: str) -> None:
        self.s3, self.target, self.sse, self.tmp = s3, target, sse, tmp

    def data(self, key: str, rows: Iterator[Any], names: list[str], fmt: str) -> tuple[int, str]:
        """Write the data file; returns its size and MD5 (hex) for the manifest."""
        path = os.path.join(self.tmp, "data")
        if fmt == "CSV":
            with open(path, "wb") as out:
                inventory.write_csv(rows, names, out)
        else:
            inventory.write_columnar(rows, names, fmt, path)
        self._store(key, path, "binary/octet-stream")
        digest = hashlib.md5()
        with open(path, "rb") as source:
            while chunk := source.read(1024 * 1024):
                digest.update(chunk)
        return os.path.getsize(path), digest.hexdigest()

    def put(self, key: str, content: bytes, content_type: str) -> None:
        path = os.path.join(self.tmp, "part")
        with open(path, "wb") as out:
            out.write(content)
        self._store(key, path, content_type)

    def _store(self, key: str, path: str, content_type: str) -> None:
        target = self.target
        self.s3.put_file(
            target.account_id, target.name, key, path, content_type, encryption_params=self.sse
        )


def _encryption_params(destination: dict[str, Any]) -> dict[str, Any]:
    """PutObject's SSE members for the destination's Encryption (SSE-S3 or SSE-KMS)."""
    encryption = destination.get("Encryption") or {}
    if encryption.get("SSEKMS"):
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": encryption["SSEKMS"]["KeyId"]}
    if encryption.get("SSES3") is not None:
        return {"ServerSideEncryption": "AES256"}
    return {}
