"""Athena's error codes (https://docs.aws.amazon.com/athena/latest/APIReference/CommonErrors.html).

Client errors are HTTP 400; InvalidRequestException may carry an ``AthenaErrorCode``.
"""

from __future__ import annotations

from cloudlet.core.errors import ServiceError


class InvalidRequestException(ServiceError):
    status = 400


class ResourceNotFoundException(ServiceError):
    status = 400


class MetadataException(ServiceError):
    status = 400


class TooManyRequestsException(ServiceError):
    status = 400


class InternalServerException(ServiceError):
    status = 500
    sender_fault = False


def invalid(message: str, code: str | None = None) -> InvalidRequestException:
    """InvalidRequestException with Athena's error code, when it names one."""
    if code:
        return InvalidRequestException(message, AthenaErrorCode=code)
    return InvalidRequestException(message)
