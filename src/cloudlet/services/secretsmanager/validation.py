"""Required members: a request without one answers a ValidationException, never a 500.

boto3 and the CLI check required members before sending; other clients may not. The
message is AWS's: ``1 validation error detected: Value null at 'keyId' failed to satisfy
constraint: Member must not be null``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudlet.core.errors import ServiceError
from cloudlet.protocol import specs
from cloudlet.services.base import Service


def require_members(service: Service, error: type[ServiceError]) -> None:
    """Wrap every handler of ``service`` so missing required input members raise ``error``."""
    model = specs.service_model(service.name)
    for name, handler in list(service.handlers.items()):
        shape = model.operation_model(name).input_shape
        required = tuple(shape.required_members) if shape is not None else ()
        if required:
            service.handlers[name] = _checked(handler, required, error)


def _checked(
    handler: Callable[..., Any], required: tuple[str, ...], error: type[ServiceError]
) -> Callable[..., Any]:
    def checked(ctx: Any, params: dict[str, Any]) -> Any:
        missing = [name for name in required if params.get(name) is None]
        if missing:
            details = "; ".join(
                f"Value null at '{name[0].lower()}{name[1:]}' failed to satisfy constraint: "
                "Member must not be null"
                for name in missing
            )
            count = len(missing)
            raise error(f"{count} validation error{'s' if count > 1 else ''} detected: {details}")
        return handler(ctx, params)

    return checked
