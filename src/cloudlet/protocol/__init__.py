"""Spec-driven wire protocols: one parser/serializer per AWS protocol, chosen per request."""

from __future__ import annotations

from cloudlet.protocol.base import WireProtocol
from cloudlet.protocol.cbor import CborProtocol
from cloudlet.protocol.ec2 import Ec2Protocol
from cloudlet.protocol.http import HttpRequest
from cloudlet.protocol.json_ import JsonProtocol
from cloudlet.protocol.query import QueryProtocol, form_params
from cloudlet.protocol.rest import RestJsonProtocol, RestXmlProtocol
from cloudlet.protocol.s3 import S3Protocol
from cloudlet.protocol.specs import ServiceInfo

_PROTOCOLS: dict[str, WireProtocol] = {
    "query": QueryProtocol(),
    "ec2": Ec2Protocol(),
    "json": JsonProtocol(),
    "rest-json": RestJsonProtocol(),
    "rest-xml": RestXmlProtocol(),
    "smithy-rpc-v2-cbor": CborProtocol(),
    "s3": S3Protocol(),
}


def protocol_for(info: ServiceInfo, request: HttpRequest) -> WireProtocol:
    """The protocol this request speaks; a service may offer several (CloudWatch: cbor, json)."""
    if info.name == "s3":
        return _PROTOCOLS["s3"]
    protocols = info.protocols
    if request.headers.get("smithy-protocol") and "smithy-rpc-v2-cbor" in protocols:
        return _PROTOCOLS["smithy-rpc-v2-cbor"]
    if request.headers.get("x-amz-target") and "json" in protocols:
        return _PROTOCOLS["json"]
    if "ec2" in protocols:
        return _PROTOCOLS["ec2"]
    if "query" in protocols and ("Action=" in request.raw_query or b"Action=" in request.body):
        return _PROTOCOLS["query"]
    return _PROTOCOLS[protocols[0]]


__all__ = ["WireProtocol", "form_params", "protocol_for"]
