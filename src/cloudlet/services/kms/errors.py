"""KMS's error codes (https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html).

Every KMS client error is HTTP 400; the internal ones are 500.
"""

from __future__ import annotations

from cloudlet.core.errors import ServiceError


class NotFoundException(ServiceError):
    status = 400


class AlreadyExistsException(ServiceError):
    status = 400


class DisabledException(ServiceError):
    status = 400


class KMSInvalidStateException(ServiceError):
    status = 400


class InvalidCiphertextException(ServiceError):
    """AWS sends this one without a message, so a caller learns nothing about the blob."""

    status = 400


class IncorrectKeyException(ServiceError):
    status = 400
    message = "The key ID in the request does not identify a CMK that can perform this operation."


class InvalidKeyUsageException(ServiceError):
    status = 400


class InvalidAliasNameException(ServiceError):
    status = 400


class InvalidArnException(ServiceError):
    status = 400


class InvalidMarkerException(ServiceError):
    status = 400


class InvalidGrantIdException(ServiceError):
    status = 400


class InvalidGrantTokenException(ServiceError):
    status = 400


class KMSInvalidSignatureException(ServiceError):
    status = 400


class KMSInvalidMacException(ServiceError):
    status = 400


class LimitExceededException(ServiceError):
    status = 400


class MalformedPolicyDocumentException(ServiceError):
    status = 400


class TagException(ServiceError):
    status = 400


class UnsupportedOperationException(ServiceError):
    status = 400


class ValidationException(ServiceError):
    status = 400


class NotAuthorizedException(ServiceError):
    """What KMS answers when a caller touches an ``alias/aws/...`` name (AWS-reserved)."""

    status = 400


class AccessDeniedException(ServiceError):
    status = 400


class DryRunOperationException(ServiceError):
    status = 412
    message = "The request would have succeeded, but the DryRun option is set."


class KMSInternalException(ServiceError):
    status = 500
    sender_fault = False
