"""POST Object: browser form uploads authorised by a signed policy document.

https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTForms.html: the form carries
a base64 policy, signed with the SigV4 signing key; each condition must hold, and every
form field (but ``policy``, ``x-amz-signature``, ``file`` and ``x-ignore-*``) must be named
by a condition.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from cloudlet.auth import sigv4
from cloudlet.core.errors import (
    AccessDenied,
    InvalidAccessKeyId,
    InvalidArgument,
    SignatureDoesNotMatch,
    error,
)
from cloudlet.protocol import xml_codec
from cloudlet.protocol.http import HttpResponse
from cloudlet.protocol.s3 import S3_NAMESPACE
from cloudlet.protocol.values import parse_timestamp
from cloudlet.services.base import RequestContext
from cloudlet.services.s3 import acl as acls
from cloudlet.services.s3 import sse
from cloudlet.services.s3.authz import bucket_check
from cloudlet.services.s3.errors import EntityTooLarge, EntityTooSmall, MalformedPOSTRequest
from cloudlet.services.s3.form_data import FormReader, boundary_of
from cloudlet.services.s3.object_handlers import commit, validate_key
from cloudlet.services.s3.objects import ObjectRecord
from cloudlet.services.s3.writing import DEFAULT_CHECKSUM, MAX_SINGLE_PUT

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

UNCHECKED_FIELDS = {"policy", "x-amz-signature", "file", "awsaccesskeyid", "signature"}


def _policy_error(reason: str) -> AccessDenied:
    return AccessDenied(f"Invalid according to Policy: {reason}")


def check_policy(
    policy: dict[str, Any], fields: dict[str, str], bucket: str, now: float
) -> tuple[int, int] | None:
    """Check every condition; returns the content-length-range, if one is given."""
    expiration = policy.get("expiration")
    if expiration is None:
        raise InvalidArgument("Invalid Policy: Policy missing expiration.")
    if parse_timestamp(expiration).timestamp() < now:
        raise _policy_error("Policy expired.")
    values = {**fields, "bucket": bucket}
    covered: set[str] = set()
    length_range = None
    for condition in policy.get("conditions", []):
        if isinstance(condition, dict):
            for name, expected in condition.items():
                name = name.lower()
                covered.add(name)
                if values.get(name) != expected:
                    raise _policy_error(f'Policy Condition failed: ["eq", "${name}", "{expected}"]')
            continue
        if not isinstance(condition, list) or not condition:
            raise InvalidArgument("Invalid Policy: Invalid Condition.")
        op = str(condition[0]).lower()
        if op == "content-length-range" and len(condition) == 3:
            length_range = (int(condition[1]), int(condition[2]))
            continue
        if op not in ("eq", "starts-with") or len(condition) != 3:
            raise InvalidArgument(f"Invalid Policy: Invalid Condition operator {condition[0]}.")
        name = str(condition[1]).lstrip("$").lower()
        covered.add(name)
        actual = values.get(name, "")
        expected = str(condition[2])
        ok = actual == expected if op == "eq" else actual.startswith(expected)
        if not ok:
            raise _policy_error(f"Policy Condition failed: {json.dumps(condition)}")
    extra = [
        name
        for name in fields
        if name not in covered and name not in UNCHECKED_FIELDS and not name.startswith("x-ignore-")
    ]
    if extra:
        raise _policy_error(f"Extra input fields: {', '.join(sorted(extra))}")
    return length_range


def _authenticate(s3: S3, fields: dict[str, str], bucket: str) -> tuple[Any, dict[str, Any]]:
    """The principal who signed the policy, and the decoded policy."""
    if "policy" not in fields:
        raise AccessDenied("Anonymous POST uploads need a bucket policy that grants them")
    if "x-amz-algorithm" not in fields and "awsaccesskeyid" in fields:
        return _authenticate_v2(s3, fields)
    if fields.get("x-amz-algorithm") != sigv4.ALGORITHM:
        raise InvalidArgument("POST requires x-amz-algorithm AWS4-HMAC-SHA256")
    parts = fields.get("x-amz-credential", "").split("/")
    if len(parts) != 5:
        raise InvalidArgument("Invalid x-amz-credential", ArgumentName="x-amz-credential")
    cred = s3.cloud.accounts.credential(parts[0])
    if cred is None or cred.status != "Active":
        raise InvalidAccessKeyId(AWSAccessKeyId=parts[0])
    key = sigv4.signing_key(cred.secret_access_key, parts[1], parts[2], parts[3])
    expected = sigv4.sign(key, fields["policy"])
    if not hmac.compare_digest(expected, fields.get("x-amz-signature", "").lower()):
        raise SignatureDoesNotMatch()
    return s3.cloud.accounts.principal(cred), _decode_policy(fields["policy"])


def _authenticate_v2(s3: S3, fields: dict[str, str]) -> tuple[Any, dict[str, Any]]:
    """Signature Version 2 forms: ``signature`` is base64(HMAC-SHA1(secret, policy))."""
    cred = s3.cloud.accounts.credential(fields["awsaccesskeyid"])
    if cred is None or cred.status != "Active":
        raise InvalidAccessKeyId(AWSAccessKeyId=fields["awsaccesskeyid"])
    digest = hmac.new(cred.secret_access_key.encode(), fields["policy"].encode(), hashlib.sha1)
    if not hmac.compare_digest(
        base64.b64encode(digest.digest()).decode(), fields.get("signature", "")
    ):
        raise SignatureDoesNotMatch()
    return s3.cloud.accounts.principal(cred), _decode_policy(fields["policy"])


def _decode_policy(text: str) -> dict[str, Any]:
    try:
        policy = json.loads(base64.b64decode(text))
    except (binascii.Error, ValueError):
        raise InvalidArgument("Invalid Policy: Invalid JSON.") from None
    if not isinstance(policy, dict):
        raise InvalidArgument("Invalid Policy: Invalid JSON.")
    return policy


async def post_object(s3: S3, ctx: RequestContext, bucket_name: str) -> HttpResponse:
    request = ctx.request
    boundary = boundary_of(request.headers.get("content-type") or "")
    if boundary is None or request.stream is None:
        raise MalformedPOSTRequest()
    reader = FormReader(request.stream, boundary)
    await reader.start()
    fields: dict[str, str] = {}
    filename = ""
    while True:
        header = await reader.next_header()
        assert header is not None
        if header.name.lower() == "file":
            filename = header.filename or ""
            break
        value, last = await reader.field_value()
        fields[header.name.lower()] = value.decode("utf-8", "replace")
        if last:
            raise error("InvalidArgument", "POST requires exactly one file upload per request.")
    ctx.principal, policy = _authenticate(s3, fields, bucket_name)
    bucket = s3.bucket_for(ctx, bucket_name)
    if "key" not in fields:
        raise InvalidArgument("Bucket POST must contain a field named 'key'.", ArgumentName="key")
    key = fields["key"].replace("${filename}", filename)
    validate_key(key)
    s3.cloud.authorizer.check(ctx, [bucket_check(s3, "s3:PutObject", bucket.name, key)])
    length_range = check_policy(policy, fields, bucket.name, s3.cloud.clock.time())
    sse_fields = {
        member: fields[name]
        for member, name in (
            ("ServerSideEncryption", "x-amz-server-side-encryption"),
            ("SSEKMSKeyId", "x-amz-server-side-encryption-aws-kms-key-id"),
        )
        if fields.get(name)
    }
    encryption, data_key = sse.for_write(s3, bucket, key, sse_fields)
    writer = s3.blobs.writer([DEFAULT_CHECKSUM])
    writer.encrypt_with(data_key)
    try:
        async for chunk in reader.file_chunks():
            writer.write(chunk)
            if writer.size > MAX_SINGLE_PUT:
                raise EntityTooLarge(MaxSizeAllowed=MAX_SINGLE_PUT)
        if length_range is not None:
            low, high = length_range
            if writer.size < low:
                raise EntityTooSmall(ProposedSize=writer.size, MinSizeAllowed=low)
            if writer.size > high:
                raise EntityTooLarge(ProposedSize=writer.size, MaxSizeAllowed=high)
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    from cloudlet.core.checksums import b64

    record = ObjectRecord(
        bucket=bucket.name,
        key=key,
        size=writer.size,
        etag=f'"{writer.md5.hexdigest()}"',
        last_modified=s3.cloud.clock.time(),
        owner=ctx.principal.account_id,
        headers={"ContentType": fields.get("content-type", "binary/octet-stream")},
        metadata={
            k[len("x-amz-meta-") :]: v for k, v in fields.items() if k.startswith("x-amz-meta-")
        },
        acl=acls.from_params({"ACL": fields.get("acl")}),
        blob=writer.blob_id,
        checksum={
            "algorithm": DEFAULT_CHECKSUM,
            "value": b64(writer.checksums[DEFAULT_CHECKSUM].digest()),
            "type": "FULL_OBJECT",
        },
        encryption=encryption,
    )
    try:
        await commit(s3, record, {})
    except BaseException:
        s3.blobs.delete([writer.blob_id])
        raise
    return _response(ctx, fields, record, bucket.versioning is not None)


def _response(
    ctx: RequestContext, fields: dict[str, str], record: ObjectRecord, versioned: bool
) -> HttpResponse:
    location = f"/{quote(record.bucket)}/{quote(record.key)}"
    headers = [("ETag", record.etag), ("x-amz-request-id", ctx.request_id)]
    if versioned:
        headers.append(("x-amz-version-id", record.version_id))
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        query = urlencode({"bucket": record.bucket, "key": record.key, "etag": record.etag})
        joiner = "&" if "?" in redirect else "?"
        return HttpResponse(303, [*headers, ("Location", f"{redirect}{joiner}{query}")], b"")
    headers.append(("Location", location))
    status = fields.get("success_action_status", "204")
    if status == "201":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<PostResponse xmlns="{S3_NAMESPACE}">'
            f"<Location>{xml_codec.escape(location)}</Location>"
            f"<Bucket>{xml_codec.escape(record.bucket)}</Bucket>"
            f"<Key>{xml_codec.escape(record.key)}</Key><ETag>{xml_codec.escape(record.etag)}</ETag>"
            "</PostResponse>"
        )
        return HttpResponse(201, [*headers, ("Content-Type", "application/xml")], body.encode())
    return HttpResponse(200 if status == "200" else 204, headers, b"")
