"""rest-xml as S3 speaks it: its own XML root names, error body and request-id headers."""

from __future__ import annotations

import secrets
from typing import Any

from botocore.model import OperationModel, ServiceModel

from cloudlet.core.errors import ServiceError
from cloudlet.protocol import xml_codec
from cloudlet.protocol.http import HttpRequest, HttpResponse
from cloudlet.protocol.rest import RestXmlProtocol

S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"

#: Output root elements as S3 names them (botocore ignores the root; other SDKs may not).
ROOT_NAMES = {
    "ListObjects": "ListBucketResult",
    "ListObjectsV2": "ListBucketResult",
    "ListBuckets": "ListAllMyBucketsResult",
    "ListDirectoryBuckets": "ListAllMyDirectoryBucketsResult",
    "CreateMultipartUpload": "InitiateMultipartUploadResult",
    "CompleteMultipartUpload": "CompleteMultipartUploadResult",
    "ListParts": "ListPartsResult",
    "ListMultipartUploads": "ListMultipartUploadsResult",
    "ListObjectVersions": "ListVersionsResult",
    "DeleteObjects": "DeleteResult",
    "GetBucketAcl": "AccessControlPolicy",
    "GetObjectAcl": "AccessControlPolicy",
    "GetBucketTagging": "Tagging",
    "GetObjectTagging": "Tagging",
    "GetBucketCors": "CORSConfiguration",
    "GetBucketVersioning": "VersioningConfiguration",
    "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
    "GetBucketNotificationConfiguration": "NotificationConfiguration",
    "GetBucketWebsite": "WebsiteConfiguration",
    "GetBucketLogging": "BucketLoggingStatus",
    "GetBucketRequestPayment": "RequestPaymentConfiguration",
    "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
    "GetObjectAttributes": "GetObjectAttributesResponse",
}


_OBJECT_ROUTES = {
    "GET": "GetObject",
    "HEAD": "HeadObject",
    "PUT": "PutObject",
    "DELETE": "DeleteObject",
}


class S3Protocol(RestXmlProtocol):
    name = "rest-xml"
    raw_payload_type = "binary/octet-stream"

    def __init__(self) -> None:
        super().__init__(ROOT_NAMES)

    def namespace(self, service: ServiceModel) -> str | None:
        return S3_NAMESPACE

    def find_operation(self, service: ServiceModel, request: HttpRequest) -> OperationModel | None:
        """The object data plane without a query string is decided by method alone (and
        ``x-amz-copy-source`` for PUT), as S3 itself does; everything else goes through the
        generic template match. Both give the same answer: the fast way only skips the work."""
        if not request.raw_query:
            path = request.raw_path
            slash = path.find("/", 1)
            if 0 < slash < len(path) - 1:
                name = _OBJECT_ROUTES.get(request.method)
                if name == "PutObject" and "x-amz-copy-source" in request.headers:
                    name = "CopyObject"
                if name is not None:
                    request.route_op = name
                    request.route_labels = {"Bucket": path[1:slash], "Key": path[slash + 1 :]}
                    return service.operation_model(name)
        return super().find_operation(service, request)

    def parse(self, op: OperationModel, request: HttpRequest) -> dict[str, Any]:
        """``aws-chunked`` is how the body travels, not what it is: S3 drops it from
        Content-Encoding and sizes the object by ``x-amz-decoded-content-length``.
        (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html)"""
        params = super().parse(op, request)
        encoding = params.get("ContentEncoding")
        if encoding is not None and "aws-chunked" in encoding.lower():
            kept = [e.strip() for e in encoding.split(",") if e.strip().lower() != "aws-chunked"]
            if kept:
                params["ContentEncoding"] = ",".join(kept)
            else:
                del params["ContentEncoding"]
            decoded = request.headers.get("x-amz-decoded-content-length")
            shape = op.input_shape
            if (
                decoded is not None
                and decoded.isdigit()
                and shape
                and "ContentLength" in shape.members
            ):
                params["ContentLength"] = int(decoded)
        return params

    def serialize(
        self, op: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        if op.name == "GetBucketLocation":
            # The document is the bare ``<LocationConstraint>`` (empty for us-east-1); botocore
            # reads the root element's text (handlers.parse_get_bucket_location).
            region = xml_codec.escape(output.get("LocationConstraint") or "")
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<LocationConstraint xmlns="{S3_NAMESPACE}">{region}</LocationConstraint>'
            )
            headers = [*self.request_id_headers(request_id), ("Content-Type", "application/xml")]
            return HttpResponse(200, headers, body.encode())
        return super().serialize(op, output, request_id)

    def request_id_headers(self, request_id: str) -> list[tuple[str, str]]:
        return [("x-amz-request-id", request_id), ("x-amz-id-2", host_id())]

    def serialize_error(
        self,
        service: ServiceModel,
        op: OperationModel | None,
        error: ServiceError,
        request_id: str,
        request: HttpRequest | None = None,
    ) -> HttpResponse:
        headers = [*self.request_id_headers(request_id), *error.headers.items()]
        if request is not None and body_never_requested(request):
            headers.append(("Connection", "close"))
        if error.status == 304 or (request is not None and request.method == "HEAD"):
            # HEAD responses have no body: S3 sends only the status (botocore maps it).
            return HttpResponse(error.status, headers, b"")
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error>',
            f"<Code>{xml_codec.escape(error.code)}</Code>",
            f"<Message>{xml_codec.escape(error.message)}</Message>",
        ]
        for key, value in error.fields.items():
            parts.append(f"<{key}>{xml_codec.escape(str(value))}</{key}>")
        parts.append(f"<RequestId>{request_id}</RequestId><HostId>{headers[1][1]}</HostId></Error>")
        headers.append(("Content-Type", "application/xml"))
        return HttpResponse(error.status, headers, "".join(parts).encode())


def body_never_requested(request: HttpRequest) -> bool:
    """An ``Expect: 100-continue`` body refused before it was asked for.

    The client never sends it, so the connection cannot carry another request: the server
    would read the next request as this one's body. So the answer closes the connection
    (RFC 9110, 10.1.1). The gateway would be the better place for this: it covers S3's errors,
    the only answers given before the body is read.
    """
    if (request.headers.get("expect") or "").lower() != "100-continue":
        return False
    stream = request.stream
    while stream is not None and getattr(stream, "_inner", None) is not None:
        stream = stream._inner  # type: ignore[attr-defined]
    return stream is not None and stream.received == 0 and (stream.length or 0) > 0


def host_id() -> str:
    return secrets.token_urlsafe(48)
