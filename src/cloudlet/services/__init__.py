"""The registry of services cloudlet implements: botocore service name -> handler module.

Modules are imported on first use. Every other botocore service is still routed and
parsed, and answers ``NotImplemented`` (HTTP 501) naming the operation.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cloudlet.core.cloud import Cloud
    from cloudlet.services.base import Service

REGISTRY: dict[str, str] = {
    "sts": "cloudlet.services.sts.handlers",
    "s3": "cloudlet.services.s3.handlers",
    "iam": "cloudlet.services.iam.handlers",
    "kms": "cloudlet.services.kms.handlers",
    "secretsmanager": "cloudlet.services.secretsmanager.handlers",
    "glue": "cloudlet.services.glue.handlers",
    "athena": "cloudlet.services.athena.handlers",
}


def load(name: str, cloud: Cloud) -> Service:
    module = importlib.import_module(REGISTRY[name])
    return module.create(cloud)


def implemented_operations(name: str) -> set[str]:
    """Operation names a service has handlers for, found without starting it (docs, tests)."""
    from cloudlet.services.base import Service

    module = importlib.import_module(REGISTRY[name])
    found: set[str] = set()
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Service) and value is not Service:
            for attr in dir(value):
                op = getattr(getattr(value, attr, None), "_operation", None)
                if op:
                    found.add(op)
            for handlers in value.handler_modules:
                found.update(
                    fn._operation for fn in vars(handlers).values() if hasattr(fn, "_operation")
                )
    return found
