"""AWS Signature Version 4: verifying the header, presigned URLs and aws-chunked bodies.

Reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
and, for streaming, https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html.
The client side of all of this is botocore's ``auth.py``; tests sign with it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote, unquote_to_bytes

from cloudlet.core.errors import (
    AccessDenied,
    IncompleteSignature,
    SignatureDoesNotMatch,
    XAmzContentSHA256Mismatch,
    error,
)
from cloudlet.protocol.http import HttpRequest

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING_MODES = (STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER)
MAX_SKEW_SECONDS = 15 * 60
MAX_PRESIGN_SECONDS = 7 * 24 * 3600

_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential\s*=\s*(?P<cred>[^,\s]+)\s*,\s*"
    r"SignedHeaders\s*=\s*(?P<headers>[^,\s]+)\s*,\s*Signature\s*=\s*(?P<sig>[0-9a-fA-F]+)\s*$"
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """The signature fields a request carries, wherever it carries them."""

    access_key_id: str
    date: str  # yyyymmdd of the credential scope
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str  # yyyymmddThhmmssZ
    presigned: bool
    expires: int | None = None

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def _scope_parts(credential: str) -> tuple[str, str, str, str]:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise IncompleteSignature(f"Credential should be scoped correctly: {credential!r}")
    return parts[0], parts[1], parts[2], parts[3]


def read_signature(request: HttpRequest) -> SignedRequest | None:
    """The SigV4 fields of a request, or None for an anonymous request."""
    header = request.headers.get("authorization")
    if header:
        match = _AUTH_RE.match(header.strip())
        if match is None:
            raise IncompleteSignature(
                "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'."
            )
        key, date, region, service = _scope_parts(match.group("cred"))
        amz_date = request.headers.get("x-amz-date") or _http_date_to_amz(
            request.headers.get("date")
        )
        return SignedRequest(
            key,
            date,
            region,
            service,
            tuple(match.group("headers").lower().split(";")),
            match.group("sig").lower(),
            amz_date,
            presigned=False,
        )
    query = request.query_dict()
    if query.get("X-Amz-Algorithm") or query.get("X-Amz-Signature"):
        if query.get("X-Amz-Algorithm") != ALGORITHM:
            raise error(
                "AuthorizationQueryParametersError",
                'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
            )
        try:
            key, date, region, service = _scope_parts(query["X-Amz-Credential"])
            expires = int(query.get("X-Amz-Expires", "604800"))
            return SignedRequest(
                key,
                date,
                region,
                service,
                tuple(query["X-Amz-SignedHeaders"].lower().split(";")),
                query["X-Amz-Signature"].lower(),
                query["X-Amz-Date"],
                presigned=True,
                expires=expires,
            )
        except (KeyError, ValueError) as exc:
            raise error(
                "AuthorizationQueryParametersError",
                "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                "X-Amz-Expires parameters.",
            ) from exc
    return None


def _http_date_to_amz(value: str | None) -> str:
    if not value:
        raise AccessDenied("AWS authentication requires a valid Date or x-amz-date header")
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    except (TypeError, ValueError):
        raise AccessDenied(
            "AWS authentication requires a valid Date or x-amz-date header"
        ) from None


def parse_amz_date(value: str) -> datetime:
    """``yyyymmddThhmmssZ``, by slicing: strptime costs more than the whole signature check."""
    try:
        if len(value) != 16 or value[8] != "T" or value[15] != "Z":
            raise ValueError(value)
        return datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[9:11]),
            int(value[11:13]),
            int(value[13:15]),
            tzinfo=UTC,
        )
    except ValueError:
        raise AccessDenied(
            "AWS authentication requires a valid Date or x-amz-date header"
        ) from None


@lru_cache(maxsize=4096)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """Derived keys are cached per (key, day, region, service), as they change once a day."""
    key = _hmac(("AWS4" + secret).encode(), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def _uri_encode(text: str | bytes, safe: str = "-_.~") -> str:
    return quote(text, safe=safe)


def canonical_query(raw_query: str, drop_signature: bool) -> str:
    pairs = []
    for part in raw_query.split("&") if raw_query else []:
        if not part:
            continue
        key, _, value = part.partition("=")
        # Decode to bytes: re-encoding must give back any percent-escape, UTF-8 or not.
        raw_key, raw_value = unquote_to_bytes(key), unquote_to_bytes(value)
        if drop_signature and raw_key == b"X-Amz-Signature":
            continue
        pairs.append((_uri_encode(raw_key), _uri_encode(raw_value)))
    pairs.sort()
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_path(raw_path: str, service: str) -> str:
    """S3 signs the path as sent; other services sign it normalised and encoded again."""
    if service == "s3":
        return raw_path or "/"
    path = _normalize(raw_path or "/")
    return _uri_encode(path, safe="/~")


def _normalize(path: str) -> str:
    parts: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if parts:
                parts.pop()
        elif segment not in (".", ""):
            parts.append(segment)
    normalized = "/" + "/".join(parts)
    if path.endswith("/") and normalized != "/":
        normalized += "/"
    return normalized


def canonical_headers(request: HttpRequest, signed_headers: tuple[str, ...]) -> str:
    lines = []
    for name in signed_headers:
        if name == "host":
            value = request.headers.get("host") or request.host
        else:
            value = request.headers.get(name)
            if value is None:
                raise SignatureDoesNotMatch(
                    f"The request signature we calculated does not match: signed header "
                    f"{name!r} is missing."
                )
        lines.append(f"{name}:{_SPACES.sub(' ', value.strip())}\n")
    return "".join(lines)


def canonical_request(request: HttpRequest, signed: SignedRequest, payload_hash: str) -> str:
    return "\n".join(
        [
            request.method,
            canonical_path(request.sent_path or request.raw_path, signed.service),
            canonical_query(request.raw_query, drop_signature=signed.presigned),
            canonical_headers(request, signed.signed_headers),
            ";".join(signed.signed_headers),
            payload_hash,
        ]
    )


def string_to_sign(signed: SignedRequest, canonical: str) -> str:
    return "\n".join(
        [
            ALGORITHM,
            signed.amz_date,
            signed.scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )


def payload_hash_for(request: HttpRequest, signed: SignedRequest) -> str:
    """The payload hash the client signed: the header if sent, else the body's hash.

    A presigned S3 URL signs ``UNSIGNED-PAYLOAD``; other services presign the body's hash
    like any request (botocore's ``SigV4QueryAuth`` vs ``S3SigV4QueryAuth``).
    """
    if signed.presigned:
        declared = request.query_dict().get("X-Amz-Content-Sha256")
        if declared:
            return declared
        if signed.service == "s3":
            return UNSIGNED_PAYLOAD
        return hashlib.sha256(request.body).hexdigest()
    declared = request.headers.get("x-amz-content-sha256")
    if declared:
        return declared
    if signed.service == "s3":
        raise error(
            "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"
        )
    return hashlib.sha256(request.body).hexdigest()


def check_time(signed: SignedRequest, real_now: float, clock_now: float) -> None:
    """Skew is judged on the real time (clients sign with it); expiry on the cloud's clock."""
    signed_at = parse_amz_date(signed.amz_date)
    if not signed.amz_date.startswith(signed.date):
        raise SignatureDoesNotMatch(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            "from HTTP"
        )
    if signed.presigned:
        expires = signed.expires or 0
        if expires < 1 or expires > MAX_PRESIGN_SECONDS:
            raise error(
                "AuthorizationQueryParametersError",
                "X-Amz-Expires must be less than a week (in seconds) that is 604800",
            )
        if signed_at.timestamp() - MAX_SKEW_SECONDS > real_now:
            raise AccessDenied("Request is not valid yet")
        if signed_at.timestamp() + expires < clock_now:
            exc = AccessDenied("Request has expired")
            exc.fields.update(
                {
                    "X-Amz-Expires": str(expires),
                    "Expires": datetime.fromtimestamp(
                        signed_at.timestamp() + expires, UTC
                    ).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "ServerTime": datetime.fromtimestamp(clock_now, UTC).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"
                    ),
                }
            )
            raise exc
        return
    if abs(signed_at.timestamp() - real_now) > MAX_SKEW_SECONDS:
        exc = error(
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            403,
        )
        exc.fields.update(
            {
                "RequestTime": signed.amz_date,
                "ServerTime": datetime.fromtimestamp(real_now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "MaxAllowedSkewMilliseconds": str(MAX_SKEW_SECONDS * 1000),
            }
        )
        raise exc


def verify(request: HttpRequest, signed: SignedRequest, secret: str, payload_hash: str) -> bytes:
    """Check the request's signature; returns the signing key (chunk signatures reuse it)."""
    canonical = canonical_request(request, signed, payload_hash)
    to_sign = string_to_sign(signed, canonical)
    key = signing_key(secret, signed.date, signed.region, signed.service)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signed.signature):
        exc = SignatureDoesNotMatch()
        if signed.service == "s3":
            exc.fields.update(
                {
                    "AWSAccessKeyId": signed.access_key_id,
                    "StringToSign": to_sign,
                    "SignatureProvided": signed.signature,
                    "CanonicalRequest": canonical,
                }
            )
        raise exc
    return key


def check_payload_hash(declared: str, body: bytes) -> None:
    """For a buffered body signed with a hex digest, the digest must match the bytes."""
    if declared in (UNSIGNED_PAYLOAD, *STREAMING_MODES):
        return
    actual = hashlib.sha256(body).hexdigest()
    if actual != declared.lower():
        raise_content_mismatch(declared, actual)


def raise_content_mismatch(declared: str, actual: str) -> None:
    raise XAmzContentSHA256Mismatch(
        ClientComputedContentSHA256=declared, S3ComputedContentSHA256=actual
    )


def chunk_string_to_sign(amz_date: str, scope: str, previous: str, chunk_hash: str) -> str:
    return "\n".join(
        ["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, EMPTY_SHA256, chunk_hash]
    )


def trailer_string_to_sign(amz_date: str, scope: str, previous: str, trailer_hash: str) -> str:
    return "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous, trailer_hash])


def sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
