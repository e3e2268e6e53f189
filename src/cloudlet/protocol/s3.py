"""rest-xml as S3 speaks it: its own XML root names, error body and request-id headers."""

from __future__ import annotations

import secrets

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


class S3Protocol(RestXmlProtocol):
    name = "rest-xml"
    raw_payload_type = "binary/octet-stream"

    def __init__(self) -> None:
        super().__init__(ROOT_NAMES)

    def namespace(self, service: ServiceModel) -> str | None:
        return S3_NAMESPACE

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


def host_id() -> str:
    return secrets.token_urlsafe(48)
