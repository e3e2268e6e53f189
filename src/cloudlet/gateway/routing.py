"""Which service a request is for (DESIGN.md, "The request path", step 1).

In order: the SigV4 credential scope (header or presigned query), ``X-Amz-Target``, the
rpc-v2-cbor path, the ``Action=`` of a Query request, the host name (virtual-hosted S3 and
``<service>.<region>.amazonaws.com``), else S3 path style.
"""

from __future__ import annotations

import re

from cloudlet.protocol.http import HttpRequest
from cloudlet.protocol.query import form_params
from cloudlet.protocol.specs import ServiceIndex, ServiceInfo

_CREDENTIAL = re.compile(r"Credential=([^/\s,]+)/(\d{8})/([^/\s,]+)/([^/\s,]+)/aws4_request")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.\-_]{1,254}$")


def credential_scope(request: HttpRequest) -> tuple[str, str] | None:
    """(region, signing service) from the Authorization header or a presigned URL."""
    header = request.headers.get("authorization")
    if header:
        found = _CREDENTIAL.search(header)
        if found:
            return found.group(3), found.group(4)
        return None
    credential = request.query_dict().get("X-Amz-Credential")
    if credential:
        parts = credential.split("/")
        if len(parts) == 5:
            return parts[2], parts[3]
    return None


def virtual_host_bucket(host: str, base_hosts: tuple[str, ...]) -> str | None:
    """``<bucket>.s3.<anything>`` or ``<bucket>.<configured base host>`` names a bucket."""
    host = host.split(":", 1)[0].lower()
    if not host or host[0].isdigit() and host.replace(".", "").isdigit():
        return None
    for base in base_hosts:
        if host.endswith("." + base):
            label = host[: -len(base) - 1]
            if label.endswith(".s3"):
                label = label[:-3]
            if label and label != "s3" and _BUCKET_NAME.match(label):
                return label
    found = re.match(r"^(?P<bucket>.+?)\.s3[.-]", host)
    if found and _BUCKET_NAME.match(found.group("bucket")):
        return found.group("bucket")
    return None


def resolve_service(request: HttpRequest, index: ServiceIndex) -> ServiceInfo:
    scope = credential_scope(request)
    target = request.headers.get("x-amz-target")
    if scope is not None:
        candidates = index.by_signing_name.get(scope[1])
        if candidates:
            return _pick(candidates, request, target)
    if target:
        prefix = target.rsplit(".", 1)[0]
        if prefix in index.by_target_prefix:
            return index.by_target_prefix[prefix]
    if request.raw_path.startswith("/service/"):
        parts = request.raw_path.split("/")
        if len(parts) > 2 and parts[2] in index.by_target_prefix:
            return index.by_target_prefix[parts[2]]
    by_host = _service_from_host(request.host, index)
    if by_host is not None:
        return by_host
    params = form_params(request) if request.body or "Action=" in request.raw_query else {}
    if "Action" in params and "Version" in params:
        found = _query_service(index, params["Action"], params["Version"])
        if found is not None:
            return found
    return index.services["s3"]


def alternatives(
    request: HttpRequest, index: ServiceIndex, chosen: ServiceInfo
) -> list[ServiceInfo]:
    """Other services signed under the same name (``apigateway`` and ``apigatewayv2``, ``ses``
    and ``sesv2``): tried in turn when the chosen one has no operation for the request."""
    scope = credential_scope(request)
    if scope is None:
        return []
    return [s for s in index.by_signing_name.get(scope[1], ()) if s.name != chosen.name]


def _pick(candidates: list[ServiceInfo], request: HttpRequest, target: str | None) -> ServiceInfo:
    if len(candidates) == 1:
        return candidates[0]
    if target:
        prefix = target.rsplit(".", 1)[0]
        for info in candidates:
            if info.target_prefix == prefix:
                return info
    version = request.query_dict().get("Version")
    if version is None and request.body:
        version = form_params(request).get("Version")
    if version:
        for info in candidates:
            if info.api_version == version:
                return info
    if candidates[0].name == "s3" and request.raw_path.startswith("/v20180820/"):
        for info in candidates:
            if info.name == "s3control":
                return info
    return candidates[0]


def _service_from_host(host: str, index: ServiceIndex) -> ServiceInfo | None:
    name = host.split(":", 1)[0].lower()
    if not name.endswith(".amazonaws.com"):
        return None
    prefix = name.split(".", 1)[0]
    found = index.by_endpoint_prefix.get(prefix)
    return found[0] if found else None


def _query_service(index: ServiceIndex, action: str, version: str) -> ServiceInfo | None:
    """An unsigned Query request names only its action and API version."""
    from cloudlet.protocol.specs import service_model

    for info in index.services.values():
        if (
            info.api_version == version
            and info.protocols[0] in ("query", "ec2")
            and action in service_model(info.name).operation_names
        ):
            return info
    return None
