"""What a service is: a set of handlers bound to operation names, plus its lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from botocore.model import OperationModel

    from cloudlet.core.accounts import Principal
    from cloudlet.core.cloud import Cloud
    from cloudlet.protocol.http import HttpRequest

F = TypeVar("F", bound=Callable[..., Any])


def operation(name: str) -> Callable[[F], F]:
    """Bind a handler method to an AWS operation name, so ``grep CreateSecret`` finds it."""

    def mark(fn: F) -> F:
        fn._operation = name  # type: ignore[attr-defined]
        return fn

    return mark


@dataclass(slots=True)
class RequestContext:
    """Everything known about one request, filled in step by step by the pipeline."""

    request: HttpRequest
    request_id: str
    service_name: str = ""
    operation: OperationModel | None = None
    region: str = ""
    principal: Principal | None = None
    params: dict[str, Any] = field(default_factory=dict)
    signing_key: bytes | None = None

    @property
    def account_id(self) -> str:
        assert self.principal is not None
        return self.principal.account_id

    @property
    def operation_name(self) -> str:
        return self.operation.name if self.operation is not None else "-"


class Service:
    """Base of every service: collects ``@operation`` handlers; may be async or blocking."""

    name = ""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.handlers: dict[str, Callable[..., Any]] = {}
        for attr in dir(type(self)):
            fn = getattr(type(self), attr, None)
            op = getattr(fn, "_operation", None)
            if op:
                self.handlers[op] = getattr(self, attr)

    def close(self) -> None:
        """Release files and connections on shutdown."""
