"""The ordered steps every request goes through; read top to bottom in ``handle``.

resolve_service -> read_routing_body -> resolve_operation -> verify_signature
-> prepare_body -> parse_request -> authorize -> dispatch -> render_response
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import time
from typing import Any

from botocore.model import OperationModel

from cloudlet.auth import sigv2, sigv4
from cloudlet.auth.chunked import AwsChunkedStream, ChunkSigning, HashCheckedStream
from cloudlet.core import ids
from cloudlet.core.cloud import Cloud
from cloudlet.core.errors import (
    AccessDenied,
    ExpiredToken,
    InternalError,
    InvalidAccessKeyId,
    InvalidClientTokenId,
    MissingAuthenticationToken,
    NotImplementedOperation,
    ServiceError,
    UnrecognizedClientException,
    error,
)
from cloudlet.gateway.routing import alternatives, resolve_service, virtual_host_bucket
from cloudlet.protocol import WireProtocol, protocol_for, specs
from cloudlet.protocol.http import BodyTooLarge, ClientDisconnected, HttpRequest, HttpResponse
from cloudlet.protocol.validate import check_required
from cloudlet.services.base import RequestContext

log = logging.getLogger("cloudlet.gateway")

#: Control-plane bodies are read whole; anything larger is refused, not buffered.
MAX_BUFFERED_BODY = 128 * 1024 * 1024


class Gateway:
    def __init__(self, cloud: Cloud, index: specs.ServiceIndex) -> None:
        self.cloud = cloud
        self.index = index
        self.executor = cloud.executor

    async def handle(self, request: HttpRequest) -> tuple[HttpResponse, RequestContext]:
        if self.cloud.generation.changed():
            self.cloud.invalidate()
        s3 = request.headers.get("x-amz-content-sha256") is not None
        ctx = RequestContext(request, ids.s3_request_id() if s3 else ids.request_id())
        info = self.index.services["s3"]
        protocol: WireProtocol = protocol_for(info, request)
        op: OperationModel | None = None
        try:
            content_type = request.headers.get("content-type") or ""
            if request.method == "POST" and "x-www-form-urlencoded" in content_type:
                await read_body(request)  # a Query request names its action in the body
            info = resolve_service(request, self.index)
            ctx.service_name = info.name
            if info.name == "s3":
                rewrite_virtual_host(request, self.cloud.config.s3_base_hosts)
            protocol = protocol_for(info, request)
            if protocol.needs_body_to_route():
                await read_body(request)
            info, protocol, op = await self.resolve_operation(request, info, protocol)
            ctx.service_name = info.name
            ctx.operation = op
            if op is None:
                # Requests outside the botocore model: S3's CORS preflight and POST forms.
                unrouted = getattr(self.cloud.service(info.name), "unrouted", None)
                response = await unrouted(ctx) if unrouted is not None else None
                if response is not None:
                    return response, ctx
            signed = await self.verify_signature(ctx, info.name)
            if op is None:
                raise unknown_operation(info.name, protocol.name, request)
            await prepare_body(ctx, op, signed)
            ctx.params = protocol.parse(op, request)
            check_required(op, ctx.params)
            output = await self.dispatch(ctx, info.name, op)
            if isinstance(output, HttpResponse):
                return output, ctx
            return protocol.serialize(op, output or {}, ctx.request_id), ctx
        except ServiceError as exc:
            return self.render_error(ctx, info.name, protocol, op, exc), ctx
        except ClientDisconnected:
            return HttpResponse(400), ctx
        except BodyTooLarge as exc:
            too_big = error("EntityTooLarge", str(exc), 400)
            return self.render_error(ctx, info.name, protocol, op, too_big), ctx
        except Exception:
            log.exception("internal error in request %s", ctx.request_id)
            return self.render_error(ctx, info.name, protocol, op, InternalError()), ctx

    async def resolve_operation(
        self, request: HttpRequest, info: specs.ServiceInfo, protocol: WireProtocol
    ) -> tuple[specs.ServiceInfo, WireProtocol, OperationModel | None]:
        """The operation the request names; if the service routing chose has none, the other
        services signed under the same name are tried (``apigateway``/``apigatewayv2``)."""
        op = protocol.find_operation(specs.service_model(info.name), request)
        if op is not None:
            return info, protocol, op
        for other in alternatives(request, self.index, info):
            other_protocol = protocol_for(other, request)
            if other_protocol.needs_body_to_route():
                await read_body(request)
            found = other_protocol.find_operation(specs.service_model(other.name), request)
            if found is not None:
                return other, other_protocol, found
        return info, protocol, None

    def render_error(
        self,
        ctx: RequestContext,
        service_name: str,
        protocol: WireProtocol,
        op: OperationModel | None,
        exc: ServiceError,
    ) -> HttpResponse:
        model = specs.service_model(service_name)
        return protocol.serialize_error(model, op, exc, ctx.request_id, ctx.request)

    async def verify_signature(
        self, ctx: RequestContext, service: str
    ) -> sigv4.SignedRequest | None:
        request = ctx.request
        if service == "s3" and self.verify_sigv2(ctx):
            return None
        signed = sigv4.read_signature(request)
        if signed is None:
            ctx.region = self.cloud.config.region
            if service != "s3":
                raise MissingAuthenticationToken()
            return None  # anonymous S3: allowed only where a policy or ACL grants it
        ctx.region = signed.region
        cred = self.cloud.accounts.credential(signed.access_key_id)
        if cred is None or cred.status != "Active":
            raise unknown_key(service)
        if cred.session_token is not None:
            sent = request.headers.get("x-amz-security-token") or request.query_dict().get(
                "X-Amz-Security-Token"
            )
            if sent != cred.session_token:
                raise unknown_key(service)
            if cred.expiration is not None and cred.expiration < self.cloud.clock.time():
                raise ExpiredToken()
        sigv4.check_time(signed, time.time(), self.cloud.clock.time())
        if signed.service != "s3" and request.stream is not None:
            await read_body(request)
        payload_hash = sigv4.payload_hash_for(request, signed)
        ctx.signing_key = sigv4.verify(request, signed, cred.secret_access_key, payload_hash)
        ctx.principal = self.cloud.accounts.principal(cred)
        return signed

    def verify_sigv2(self, ctx: RequestContext) -> bool:
        """S3 still accepts Signature Version 2 (boto3 presigns with it in us-east-1)."""
        signed = sigv2.read_signature(ctx.request)
        if signed is None:
            return False
        ctx.region = self.cloud.config.region
        cred = self.cloud.accounts.credential(signed.access_key_id)
        if cred is None or cred.status != "Active":
            raise InvalidAccessKeyId()
        sigv2.verify(
            ctx.request, signed, cred.secret_access_key, time.time(), self.cloud.clock.time()
        )
        ctx.principal = self.cloud.accounts.principal(cred)
        return True

    async def dispatch(self, ctx: RequestContext, service_name: str, op: OperationModel) -> Any:
        service = self.cloud.service(service_name)
        handler = service.handlers.get(op.name) if service is not None else None
        if handler is None:
            raise NotImplementedOperation(
                f"The operation {op.name} of service {service_name} is not implemented by "
                "cloudlet yet."
            )
        self.authorize(ctx, service)
        return await self.run(handler, ctx, ctx.params)

    def authorize(self, ctx: RequestContext, service: Any) -> None:
        """IAM enforcement; with it off, any signed request passes and anonymous ones don't."""
        authorizer = self.cloud.authorizer
        if not authorizer.enabled:
            if ctx.principal is None:
                raise error("AccessDenied", "Access Denied", 403)
            return
        try:
            authorizer.check(ctx, service.authorization(ctx))
        except AccessDenied as exc:
            raise access_denied_for(service.name, exc) from None

    async def run(self, fn: Any, *args: Any) -> Any:
        if _is_async(fn):
            return await fn(*args)
        if getattr(fn, "_inline", False):
            return fn(*args)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, fn, *args)


@functools.cache
def _is_async(fn: Any) -> bool:
    """``inspect.iscoroutinefunction``, once per handler rather than once per request."""
    return inspect.iscoroutinefunction(fn)


async def read_body(request: HttpRequest) -> None:
    if request.stream is not None:
        request.body = await request.stream.read_all(MAX_BUFFERED_BODY)
        request.stream = None


async def prepare_body(
    ctx: RequestContext, op: OperationModel, signed: sigv4.SignedRequest | None
) -> None:
    """Streamed payloads stay streams (decoded, verified as read); the rest is read whole."""
    request = ctx.request
    declared = (
        sigv4.payload_hash_for(request, signed) if signed is not None else sigv4.UNSIGNED_PAYLOAD
    )
    if request.stream is not None:
        stream = request.stream
        if declared in sigv4.STREAMING_MODES:
            signing = None
            if declared != sigv4.STREAMING_UNSIGNED_TRAILER:
                assert signed is not None and ctx.signing_key is not None
                signing = ChunkSigning(
                    ctx.signing_key, signed.amz_date, signed.scope, signed.signature
                )
            decoded = request.headers.get("x-amz-decoded-content-length")
            stream = AwsChunkedStream(
                stream,
                signing,
                expect_trailer=declared != sigv4.STREAMING_SIGNED,
                decoded_length=int(decoded) if decoded and decoded.isdigit() else None,
            )
        elif declared != sigv4.UNSIGNED_PAYLOAD:
            stream = HashCheckedStream(stream, declared)
        if has_streaming_input(op):
            request.stream = stream
            return
        request.body = await stream.read_all(MAX_BUFFERED_BODY)
        request.stream = None
        return
    if declared not in sigv4.STREAMING_MODES:
        sigv4.check_payload_hash(declared, request.body)


def has_streaming_input(op: OperationModel) -> bool:
    shape = op.input_shape
    if shape is None:
        return False
    payload = shape.serialization.get("payload")
    return bool(payload and shape.members[payload].type_name == "blob")


def rewrite_virtual_host(request: HttpRequest, base_hosts: tuple[str, ...]) -> None:
    """``GET /key`` on ``bucket.s3.host`` becomes ``GET /bucket/key``: one router for both."""
    bucket = virtual_host_bucket(request.headers.get("host") or "", base_hosts)
    if bucket is not None:
        request.sent_path = request.raw_path
        request.raw_path = f"/{bucket}{request.raw_path}"
        request.virtual_host = True


def access_denied_for(service: str, exc: ServiceError) -> ServiceError:
    """JSON services call it ``AccessDeniedException``: 400 over ``json`` (KMS, Secrets
    Manager), 403 over ``rest-json`` (Lambda), unless the model says otherwise."""
    model = specs.service_model(service)
    if model.protocol not in ("json", "rest-json"):
        return exc
    status = 400 if model.protocol == "json" else 403
    for shape in model.error_shapes:
        if shape.name == "AccessDeniedException":
            status = shape.metadata.get("error", {}).get("httpStatusCode", status)
    return error("AccessDeniedException", exc.message, status)


def unknown_key(service: str) -> ServiceError:
    if service == "s3":
        return InvalidAccessKeyId()
    if specs.service_model(service).protocol in ("json", "rest-json"):
        return UnrecognizedClientException()
    return InvalidClientTokenId()


def unknown_operation(service: str, protocol: str, request: HttpRequest) -> ServiceError:
    if service == "s3":
        return error(
            "MethodNotAllowed", "The specified method is not allowed against this resource.", 405
        )
    if protocol in ("query", "ec2"):
        action = request.query_dict().get("Action") or "(none)"
        return error("InvalidAction", f"The action {action} is not valid for this web service.")
    return error(
        "UnknownOperationException", "Unknown operation", 404 if protocol == "rest-json" else 400
    )
