"""``smithy-rpc-v2-cbor``: routed by path ``/service/<Name>/operation/<Op>``.

No cloudlet service speaks it yet, so only routing and CBOR-encoded errors (which is all
``NotImplemented`` needs) are here.
"""

from __future__ import annotations

import struct
from typing import Any

from botocore.model import OperationModel, ServiceModel

from cloudlet.core.errors import NotImplementedOperation, ServiceError
from cloudlet.protocol.http import HttpRequest, HttpResponse


def _head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    if length < 256:
        return bytes([major << 5 | 24, length])
    if length < 65536:
        return bytes([major << 5 | 25]) + struct.pack(">H", length)
    return bytes([major << 5 | 26]) + struct.pack(">I", length)


def encode(value: Any) -> bytes:
    """A minimal CBOR encoder: text strings, maps, and non-negative integers."""
    if isinstance(value, str):
        data = value.encode()
        return _head(3, len(data)) + data
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    if isinstance(value, int) and value >= 0:
        return _head(0, value)
    raise TypeError(f"cannot CBOR-encode {type(value).__name__}")


class CborProtocol:
    name = "smithy-rpc-v2-cbor"

    def needs_body_to_route(self) -> bool:
        return False

    def find_operation(self, service: ServiceModel, request: HttpRequest) -> OperationModel | None:
        parts = request.path.strip("/").split("/")
        if (
            len(parts) == 4
            and parts[0] == "service"
            and parts[2] == "operation"
            and parts[3] in service.operation_names
        ):
            return service.operation_model(parts[3])
        return None

    def parse(self, op: OperationModel, request: HttpRequest) -> dict[str, Any]:
        raise NotImplementedOperation(
            f"The operation {op.name} of {op.service_model.service_name} is not implemented "
            "by cloudlet (the rpc-v2-cbor protocol is not supported yet)."
        )

    def serialize(
        self, op: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        raise NotImplementedOperation(f"{op.name} over rpc-v2-cbor is not implemented")

    def serialize_error(
        self,
        service: ServiceModel,
        op: OperationModel | None,
        error: ServiceError,
        request_id: str,
        request: HttpRequest | None = None,
    ) -> HttpResponse:
        body = encode({"__type": error.code, "message": error.message})
        return HttpResponse(
            error.status,
            [
                ("Content-Type", "application/cbor"),
                ("smithy-protocol", "rpc-v2-cbor"),
                ("x-amzn-RequestId", request_id),
            ],
            body,
        )
