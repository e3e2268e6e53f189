"""IAM's error codes, each with its HTTP status (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html)."""

from __future__ import annotations

from cloudlet.core.errors import ServiceError, ValidationError

__all__ = [
    "ConcurrentModification",
    "DeleteConflict",
    "EntityAlreadyExists",
    "InvalidInput",
    "LimitExceeded",
    "MalformedPolicyDocument",
    "NoSuchEntity",
    "PolicyEvaluation",
    "PolicyNotAttachable",
    "ServiceError",
    "UnmodifiableEntity",
    "ValidationError",
]


class NoSuchEntity(ServiceError):
    status = 404


class EntityAlreadyExists(ServiceError):
    status = 409


class DeleteConflict(ServiceError):
    status = 409


class LimitExceeded(ServiceError):
    status = 409


class MalformedPolicyDocument(ServiceError):
    status = 400


class InvalidInput(ServiceError):
    status = 400


class UnmodifiableEntity(ServiceError):
    status = 400


class ConcurrentModification(ServiceError):
    status = 409


class PolicyEvaluation(ServiceError):
    """The simulator could not evaluate (AWS: ``PolicyEvaluationException``, HTTP 500)."""

    code = "PolicyEvaluation"
    status = 500
    sender_fault = False


class PolicyNotAttachable(ServiceError):
    status = 400
