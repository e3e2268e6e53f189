"""Typed service errors: the class name is the AWS error code, the class data its HTTP status."""

from __future__ import annotations


class ServiceError(Exception):
    """An error the protocol layer renders in the wire format of the request's protocol.

    Subclasses are named after the AWS error code (``NoSuchBucket``); ``code`` defaults to the
    class name so ``grep NoSuchBucket`` finds both the class and its uses.
    """

    code: str = "ServiceError"
    status: int = 400
    sender_fault: bool = True
    message: str = ""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            cls.code = cls.__name__

    def __init__(self, message: str | None = None, **fields: object) -> None:
        self.message = message if message is not None else self.message
        #: Extra members some error shapes carry (S3's BucketName, Key, ...).
        self.fields = fields
        self.headers: dict[str, str] = {}
        super().__init__(self.message)


def error(code: str, message: str, status: int = 400, **fields: object) -> ServiceError:
    """Build an ad-hoc error for codes that have no class of their own."""
    exc = ServiceError(message, **fields)
    exc.code = code
    exc.status = status
    exc.sender_fault = status < 500
    return exc


class InternalError(ServiceError):
    status = 500
    sender_fault = False
    message = "We encountered an internal error. Please try again."


class NotImplementedOperation(ServiceError):
    """An operation of a botocore model that cloudlet has no handler for."""

    code = "NotImplemented"
    status = 501
    sender_fault = False


class AccessDenied(ServiceError):
    status = 403
    message = "Access Denied"


class SignatureDoesNotMatch(ServiceError):
    status = 403
    message = (
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method."
    )


class InvalidAccessKeyId(ServiceError):
    status = 403
    message = "The AWS Access Key Id you provided does not exist in our records."


class InvalidClientTokenId(ServiceError):
    status = 403
    message = "The security token included in the request is invalid."


class UnrecognizedClientException(ServiceError):
    status = 400
    message = "The security token included in the request is invalid."


class MissingAuthenticationToken(ServiceError):
    status = 403
    message = "Request is missing Authentication Token"


class IncompleteSignature(ServiceError):
    status = 400


class RequestTimeTooSkewed(ServiceError):
    status = 403
    message = "The difference between the request time and the current time is too large."


class ExpiredToken(ServiceError):
    status = 400
    message = "The security token included in the request is expired"


class InvalidRequest(ServiceError):
    status = 400


class InvalidArgument(ServiceError):
    status = 400


class ValidationError(ServiceError):
    status = 400


class MalformedXML(ServiceError):
    status = 400
    message = (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )


class SerializationException(ServiceError):
    status = 400


class XAmzContentSHA256Mismatch(ServiceError):
    status = 400
    message = "The provided 'x-amz-content-sha256' header does not match what was computed."


class IncompleteBody(ServiceError):
    status = 400
    message = "You did not provide the number of bytes specified by the Content-Length HTTP header"
