"""What every wire protocol does: find the operation, parse input, render output and errors.

```
              find_operation        parse            serialize / serialize_error
HttpRequest ─────────────────▶ op ────────▶ params ─────▶ handler ─────────────▶ HttpResponse
```
"""

from __future__ import annotations

from typing import Any
from typing import Protocol as TypingProtocol

from botocore.model import OperationModel, ServiceModel

from cloudlet.core.errors import ServiceError
from cloudlet.protocol.http import HttpRequest, HttpResponse


class WireProtocol(TypingProtocol):
    name: str

    def find_operation(self, service: ServiceModel, request: HttpRequest) -> OperationModel | None:
        """The operation a request names; needs the buffered body for body-routed protocols."""

    def needs_body_to_route(self) -> bool: ...

    def parse(self, op: OperationModel, request: HttpRequest) -> dict[str, Any]:
        """Input shape as a dict. Streaming payloads stay a ``BodyStream`` in the dict."""

    def serialize(
        self, op: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse: ...

    def serialize_error(
        self,
        service: ServiceModel,
        op: OperationModel | None,
        error: ServiceError,
        request_id: str,
        request: HttpRequest | None = None,
    ) -> HttpResponse: ...
