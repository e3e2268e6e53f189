"""What a service is: a set of handlers bound to operation names, plus its lifecycle."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from cloudlet.auth.authorize import Check

if TYPE_CHECKING:
    from botocore.model import OperationModel

    from cloudlet.core.accounts import Principal
    from cloudlet.core.cloud import Cloud
    from cloudlet.protocol.http import HttpRequest

F = TypeVar("F", bound=Callable[..., Any])


def operation(name: str, inline: bool = False) -> Callable[[F], F]:
    """Bind a handler method to an AWS operation name, so ``grep CreateSecret`` finds it.

    ``inline`` handlers are blocking but cheap (an indexed SQLite read, no fsync): they run
    on the event loop, saving the thread hop that costs more than the work itself.
    """

    def mark(fn: F) -> F:
        fn._operation = name  # type: ignore[attr-defined]
        fn._inline = inline  # type: ignore[attr-defined]
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
    """Base of every service: collects ``@operation`` handlers; may be async or blocking.

    Handlers are methods of the service, or functions ``fn(service, ctx, params)`` in the
    topic modules listed in ``handler_modules`` (so a big service splits by topic, not by
    mixins).
    """

    name = ""
    handler_modules: tuple[ModuleType, ...] = ()

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.handlers: dict[str, Callable[..., Any]] = {}
        for attr in dir(type(self)):
            fn = getattr(type(self), attr, None)
            op = getattr(fn, "_operation", None)
            if op:
                self.handlers[op] = getattr(self, attr)
        for module in self.handler_modules:
            for fn in vars(module).values():
                op = getattr(fn, "_operation", None)
                if op and callable(fn):
                    self.handlers[op] = _bind(fn, self)

    def close(self) -> None:
        """Release files and connections on shutdown."""

    #: The IAM action prefix of this service's operations (``kms:Decrypt``).
    iam_prefix = ""

    def authorization(self, ctx: RequestContext) -> list[Check]:
        """What IAM must allow for this request: by default the action named like the
        operation on any resource. Services with resource ARNs and resource policies say
        more; an empty list means the operation needs no permission (GetCallerIdentity)."""
        return [Check(f"{self.iam_prefix or self.name}:{ctx.operation_name}")]

    def invalidate(self) -> None:
        """Drop caches of shared state: another worker process changed some of it.

        A service that caches must call ``self.cloud.generation.bump()`` after each change
        that other workers' caches depend on, and clear those caches here.
        """


def _bind(fn: Callable[..., Any], service: Service) -> Callable[..., Any]:
    """Bind a module-level handler to its service, keeping it recognisably async or not."""
    if inspect.iscoroutinefunction(fn):

        async def bound_async(ctx: RequestContext, params: dict[str, Any]) -> Any:
            return await fn(service, ctx, params)

        return bound_async

    def bound(ctx: RequestContext, params: dict[str, Any]) -> Any:
        return fn(service, ctx, params)

    bound._inline = getattr(fn, "_inline", False)  # type: ignore[attr-defined]
    return bound
