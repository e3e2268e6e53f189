"""The botocore service models: loaded lazily, cached, and indexed for routing.

Loading all ~400 models takes seconds, so the small routing index (signing names,
JSON target prefixes, query API versions) is computed once per botocore version and
cached on disk; a full model is loaded only when a request for that service arrives.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import botocore
import botocore.loaders
from botocore.model import OperationModel, ServiceModel

_loader = botocore.loaders.Loader()
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    name: str  # botocore service name: "s3", "dynamodb", "lambda"
    signing_name: str
    endpoint_prefix: str
    target_prefix: str | None
    api_version: str
    protocols: tuple[str, ...]


@cache
def service_model(name: str) -> ServiceModel:
    with _lock:
        return ServiceModel(_loader.load_service_model(name, "service-2"), service_name=name)


def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


class ServiceIndex:
    """Which service a request is for, from the clues a request carries."""

    def __init__(self, services: list[ServiceInfo]) -> None:
        self.services = {s.name: s for s in services}
        self.by_signing_name: dict[str, list[ServiceInfo]] = {}
        self.by_target_prefix: dict[str, ServiceInfo] = {}
        self.by_endpoint_prefix: dict[str, list[ServiceInfo]] = {}
        for info in services:
            self.by_signing_name.setdefault(info.signing_name, []).append(info)
            self.by_endpoint_prefix.setdefault(info.endpoint_prefix, []).append(info)
            if info.target_prefix:
                self.by_target_prefix[info.target_prefix] = info
        for candidates in self.by_signing_name.values():
            # The service whose own name is the signing name comes first (s3 before s3control).
            candidates.sort(key=lambda s: (s.name != s.signing_name, s.name))

    @classmethod
    def load(cls, cache_dir: Path | None = None) -> ServiceIndex:
        cache = None
        if cache_dir is not None:
            cache = cache_dir / f"service-index-{botocore.__version__}.json"
            if cache.exists():
                try:
                    rows = json.loads(cache.read_text())
                    return cls(
                        [ServiceInfo(**{**r, "protocols": tuple(r["protocols"])}) for r in rows]
                    )  # noqa: E501
                except (ValueError, TypeError, KeyError):
                    pass
        services = [_info(name) for name in _loader.list_available_services("service-2")]
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp")
            tmp.write_text(json.dumps([_asdict(s) for s in services]))
            tmp.replace(cache)
        return cls(services)


def _asdict(info: ServiceInfo) -> dict[str, object]:
    return {f: getattr(info, f) for f in ServiceInfo.__slots__}


def _info(name: str) -> ServiceInfo:
    meta = _loader.load_service_model(name, "service-2")["metadata"]
    protocols = tuple(meta.get("protocols") or [meta["protocol"]])
    return ServiceInfo(
        name=name,
        signing_name=meta.get("signingName", meta["endpointPrefix"]),
        endpoint_prefix=meta["endpointPrefix"],
        target_prefix=meta.get("targetPrefix"),
        api_version=meta["apiVersion"],
        protocols=protocols,
    )
