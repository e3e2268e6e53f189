"""Server settings, from the command line and ``CLOUDLET_*`` environment variables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 4566
DEFAULT_REGION = "us-east-1"


@dataclass(slots=True)
class Config:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data_dir: Path = Path(".cloudlet")
    region: str = DEFAULT_REGION
    #: Extra host names under which ``<bucket>.<base>`` is virtual-hosted S3.
    s3_base_hosts: tuple[str, ...] = ("localhost", "localhost.localstack.cloud")
    log_level: str = "info"
    #: Durability of acknowledged writes: "fsync" survives power loss, "process" only a crash.
    durability: str = "fsync"
    #: Evaluate IAM policies on every request (off: every signed request is allowed).
    enforce_iam: bool = True
    #: Seconds of clock time in one S3 lifecycle "day": lifecycle rules, restore delays and
    #: restored-copy expiry all scale with it (shorten it for demos and conformance runs).
    lifecycle_day_seconds: float = 86400.0
