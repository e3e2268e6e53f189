"""S3 handlers (placeholder until the S3 issue lands)."""

from __future__ import annotations

from cloudlet.core.cloud import Cloud
from cloudlet.services.base import Service


class S3(Service):
    name = "s3"


def create(cloud: Cloud) -> S3:
    return S3(cloud)
