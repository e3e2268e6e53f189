"""Helpers for the versioning, storage-class and lifecycle tests: cleanup and the clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..conftest import Server, make_client

DAY = 86400
#: Big enough for lifecycle transitions and Intelligent-Tiering (objects under 128 KB stay).
LARGE = b"L" * (200 * 1024)


def delete_everything(client: Any, bucket: str) -> None:
    """Remove every version and delete marker (and uploads), then the bucket."""
    try:
        for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
            entries = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
            ]
            if entries:
                client.delete_objects(Bucket=bucket, Delete={"Objects": entries, "Quiet": True})
        for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
            client.abort_multipart_upload(
                Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            )
        client.delete_bucket(Bucket=bucket)
    except client.exceptions.NoSuchBucket:
        pass


@contextmanager
def bucket_maker(client: Any) -> Iterator[Callable[..., str]]:
    """Create buckets with unique names (``versioning="Enabled"`` to switch it on); every
    version in them is removed afterwards."""
    created: list[str] = []

    def make(prefix: str = "v", versioning: str | None = None) -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        client.create_bucket(Bucket=name)
        created.append(name)
        if versioning:
            client.put_bucket_versioning(
                Bucket=name, VersioningConfiguration={"Status": versioning}
            )
        return name

    try:
        yield make
    finally:
        for name in created:
            delete_everything(client, name)


def advance(server: Server, days: float = 0, seconds: float = 0) -> None:
    """Move the server's clock forward; its lifecycle work runs before this returns."""
    server.admin("POST", "/_cloudlet/clock", {"advance_seconds": days * DAY + seconds})


def start_server(root: Path, *extra: str) -> tuple[Server, Any]:
    """A server of this module's own (moving the clock would disturb the shared one)."""
    server = Server(root / "data")
    server.start(*extra)
    return server, make_client(server.endpoint, "s3")


def versions_of(client: Any, bucket: str, key: str) -> list[dict[str, Any]]:
    """The key's versions and delete markers, newest first, each marked with ``Marker``."""
    listing = client.list_object_versions(Bucket=bucket, Prefix=key)
    entries = [{**v, "Marker": False} for v in listing.get("Versions", [])]
    entries += [{**m, "Marker": True} for m in listing.get("DeleteMarkers", [])]
    entries = [e for e in entries if e["Key"] == key]
    return sorted(entries, key=lambda e: (not e["IsLatest"], -e["LastModified"].timestamp()))
