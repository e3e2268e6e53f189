"""Secrets Manager's error codes (https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html).

Every client error is HTTP 400, InternalServiceError 500.
"""

from __future__ import annotations

from cloudlet.core.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    status = 400
    message = "Secrets Manager can't find the specified secret."


class ResourceExistsException(ServiceError):
    status = 400


class InvalidParameterException(ServiceError):
    status = 400


class InvalidRequestException(ServiceError):
    status = 400


class InvalidNextTokenException(ServiceError):
    status = 400
    message = "The NextToken value is not valid."


class LimitExceededException(ServiceError):
    status = 400


class MalformedPolicyDocumentException(ServiceError):
    status = 400


class PublicPolicyException(ServiceError):
    status = 400
    message = "You can't put a resource policy that grants broad access to this secret."


class EncryptionFailure(ServiceError):
    status = 400
    message = (
        "Secrets Manager can't encrypt the protected secret text using the provided KMS key. "
        "Check that the KMS key is available, enabled, and not in an invalid state."
    )


class DecryptionFailure(ServiceError):
    status = 400
    message = "Secrets Manager can't decrypt the protected secret text using the provided KMS key."


class AccessDeniedException(ServiceError):
    status = 400
    message = "Access to KMS is not allowed"


class ValidationException(ServiceError):
    status = 400


class InternalServiceError(ServiceError):
    status = 500
    sender_fault = False


MARKED_FOR_DELETION = (
    "You can't perform this operation on the secret because it was marked for deletion."
)
