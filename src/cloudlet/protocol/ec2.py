"""The ``ec2`` protocol: query-style input with ``Name.N`` lists, XML output with ``<item>``.

Member names on the wire are ``queryName``, else ``locationName`` with its first letter
upper-cased, else the member name (botocore's ``EC2Serializer``).
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from cloudlet.core.errors import ServiceError
from cloudlet.protocol import xml_codec
from cloudlet.protocol.http import HttpRequest, HttpResponse
from cloudlet.protocol.query import XML_CONTENT_TYPE, QueryProtocol


class Ec2Protocol(QueryProtocol):
    name = "ec2"
    ec2 = True

    def member_key(self, name: str, member: Shape) -> str:
        if "queryName" in member.serialization:
            return member.serialization["queryName"]
        if "name" in member.serialization:
            location = member.serialization["name"]
            return location[0].upper() + location[1:]
        return name

    def namespace(self, service: ServiceModel) -> str:
        return f"http://ec2.amazonaws.com/doc/{service.metadata['apiVersion']}/"

    def serialize(
        self, op: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<{op.name}Response xmlns="{self.namespace(op.service_model)}">',
            f"<requestId>{request_id}</requestId>",
        ]
        if op.output_shape is not None:
            xml_codec.encode_members(op.output_shape, output, out)
        out.append(f"</{op.name}Response>")
        return HttpResponse(200, [("Content-Type", XML_CONTENT_TYPE)], "".join(out).encode())

    def serialize_error(
        self,
        service: ServiceModel,
        op: OperationModel | None,
        error: ServiceError,
        request_id: str,
        request: HttpRequest | None = None,
    ) -> HttpResponse:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{xml_codec.escape(error.code)}</Code>"
            f"<Message>{xml_codec.escape(error.message)}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
        return HttpResponse(error.status, [("Content-Type", XML_CONTENT_TYPE)], body.encode())
