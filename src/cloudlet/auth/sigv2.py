"""AWS Signature Version 2 for S3 (``Authorization: AWS key:sig`` and ``?AWSAccessKeyId=``).

boto3 still presigns S3 URLs with it by default in us-east-1, so ``generate_presigned_url``
and ``aws s3 presign`` produce these. The string to sign is described at
https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import unquote

from cloudlet.core.errors import AccessDenied, SignatureDoesNotMatch, error
from cloudlet.protocol.http import HttpRequest

#: Sub-resources that are part of the signed resource (botocore's ``QSAOfInterest``).
SUBRESOURCES = frozenset(
    [
        "accelerate",
        "acl",
        "cors",
        "defaultObjectAcl",
        "location",
        "logging",
        "partNumber",
        "policy",
        "requestPayment",
        "torrent",
        "versioning",
        "versionId",
        "versions",
        "website",
        "uploads",
        "uploadId",
        "response-content-type",
        "response-content-language",
        "response-expires",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "delete",
        "lifecycle",
        "tagging",
        "restore",
        "storageClass",
        "notification",
        "replication",
        "analytics",
        "metrics",
        "inventory",
        "select",
        "select-type",
        "object-lock",
    ]
)
MAX_SKEW_SECONDS = 15 * 60


@dataclass(frozen=True, slots=True)
class SignedV2:
    access_key_id: str
    signature: str
    presigned: bool
    expires: int | None


def read_signature(request: HttpRequest) -> SignedV2 | None:
    header = request.headers.get("authorization")
    if header:
        if not header.startswith("AWS ") or ":" not in header:
            return None
        key, _, signature = header[4:].strip().rpartition(":")
        return SignedV2(key, signature, presigned=False, expires=None)
    query = request.query_dict()
    if "AWSAccessKeyId" in query and "Signature" in query:
        try:
            expires = int(query.get("Expires", ""))
        except ValueError:
            raise AccessDenied(
                "Query-string authentication requires the Expires parameter"
            ) from None
        return SignedV2(
            query["AWSAccessKeyId"], query["Signature"], presigned=True, expires=expires
        )
    return None


def string_to_sign(request: HttpRequest, signed: SignedV2) -> str:
    headers = request.headers
    amz: dict[str, str] = {}
    for name, value in headers.items():
        if name.startswith("x-amz-"):
            amz[name] = ",".join(v.strip() for v in value.split(","))
    content_md5 = headers.get("content-md5") or ""
    content_type = headers.get("content-type") or ""
    if signed.presigned:
        query = request.query_dict()
        for name, value in request.query:
            lname = name.lower()
            if lname.startswith("x-amz-"):
                amz[lname] = value
        content_md5 = query.get("content-md5", content_md5)
        content_type = query.get("content-type", content_type)
        date = str(signed.expires)
    else:
        date = "" if "x-amz-date" in amz else headers.get("date") or ""
    lines = [request.method, content_md5.strip(), content_type.strip(), date]
    lines.extend(f"{name}:{amz[name]}" for name in sorted(amz))
    return "\n".join(lines) + "\n" + canonical_resource(request)


def canonical_resource(request: HttpRequest) -> str:
    resource = request.raw_path
    pairs = []
    for part in request.raw_query.split("&") if request.raw_query else []:
        name, eq, value = part.partition("=")
        if name in SUBRESOURCES:
            pairs.append((name, f"{name}={unquote(value)}" if eq else name))
    if pairs:
        pairs.sort(key=lambda p: p[0])
        resource += "?" + "&".join(p[1] for p in pairs)
    return resource


def verify(
    request: HttpRequest, signed: SignedV2, secret: str, real_now: float, clock_now: float
) -> None:
    if signed.presigned:
        if signed.expires is not None and signed.expires < clock_now:
            raise AccessDenied("Request has expired", Expires=str(signed.expires))
    else:
        date = request.headers.get("x-amz-date") or request.headers.get("date")
        try:
            sent = parsedate_to_datetime(date or "").timestamp()
        except (TypeError, ValueError):
            raise AccessDenied(
                "AWS authentication requires a valid Date or x-amz-date header"
            ) from None
        if abs(sent - real_now) > MAX_SKEW_SECONDS:
            raise error(
                "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large.",
                403,
            )
    to_sign = string_to_sign(request, signed)
    digest = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha1).digest()
    expected = base64.b64encode(digest).decode()
    if not hmac.compare_digest(expected, signed.signature):
        raise SignatureDoesNotMatch(
            AWSAccessKeyId=signed.access_key_id,
            StringToSign=to_sign,
            SignatureProvided=signed.signature,
        )
