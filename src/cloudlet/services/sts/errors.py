"""STS's error codes (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html)."""

from __future__ import annotations

from cloudlet.core.errors import ServiceError


class MalformedPolicyDocument(ServiceError):
    status = 400


class PackedPolicyTooLarge(ServiceError):
    status = 400
