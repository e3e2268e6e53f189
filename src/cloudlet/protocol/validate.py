"""Required input members: a request without one gets the service's validation error.

boto3 and the CLI check required members before sending; other clients may not, and a
handler must never see a half-formed request (it would fail with a 500). The message is
AWS's: ``1 validation error detected: Value null at 'keyId' failed to satisfy constraint:
Member must not be null``; the code is ``ValidationException`` for JSON protocols and
``ValidationError`` for Query ones.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel

from cloudlet.core.errors import MalformedXML, ServiceError, error


def check_required(op: OperationModel, params: dict[str, Any]) -> None:
    shape = op.input_shape
    if shape is None:
        return
    missing = [name for name in shape.required_members if params.get(name) is None]
    if not missing:
        return
    if op.service_model.protocol == "rest-xml" and shape.serialization.get("payload") in missing:
        raise MalformedXML()  # S3: a document was required and none came
    details = "; ".join(
        f"Value null at '{name[0].lower()}{name[1:]}' failed to satisfy constraint: "
        "Member must not be null"
        for name in missing
    )
    count = len(missing)
    raise validation_error(
        op, f"{count} validation error{'s' if count > 1 else ''} detected: {details}"
    )


def validation_error(op: OperationModel, message: str) -> ServiceError:
    protocol = op.service_model.protocol
    if protocol in ("query", "ec2"):
        return error("ValidationError", message)
    if protocol == "rest-xml":
        return error("InvalidRequest", message)
    return error("ValidationException", message)
