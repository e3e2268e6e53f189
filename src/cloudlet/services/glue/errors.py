"""Glue's error codes (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-exceptions.html).

Glue answers every client error with HTTP 400 and InternalServiceException with 500.
"""

from __future__ import annotations

from cloudlet.core.errors import ServiceError


class EntityNotFoundException(ServiceError):
    status = 400


class AlreadyExistsException(ServiceError):
    status = 400


class InvalidInputException(ServiceError):
    status = 400


class ValidationException(ServiceError):
    status = 400


class CrawlerRunningException(ServiceError):
    status = 400


class CrawlerNotRunningException(ServiceError):
    status = 400


class CrawlerStoppingException(ServiceError):
    status = 400


class SchedulerRunningException(ServiceError):
    status = 400


class SchedulerNotRunningException(ServiceError):
    status = 400


class SchedulerTransitioningException(ServiceError):
    status = 400


class NoScheduleException(ServiceError):
    status = 400


class ResourceNumberLimitExceededException(ServiceError):
    status = 400


class InternalServiceException(ServiceError):
    status = 500
    sender_fault = False


class ConcurrentModificationException(ServiceError):
    status = 400
