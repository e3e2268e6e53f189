"""S3's error codes, each with its HTTP status (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html)."""

from __future__ import annotations

from cloudlet.core.errors import ServiceError


class NoSuchBucket(ServiceError):
    status = 404
    message = "The specified bucket does not exist"


class NoSuchKey(ServiceError):
    status = 404
    message = "The specified key does not exist."


class NoSuchUpload(ServiceError):
    status = 404
    message = (
        "The specified upload does not exist. The upload ID may be invalid, or the upload "
        "may have been aborted or completed."
    )


class NoSuchTagSet(ServiceError):
    status = 404
    message = "The TagSet does not exist"


class NoSuchBucketPolicy(ServiceError):
    status = 404
    message = "The bucket policy does not exist"


class NoSuchCORSConfiguration(ServiceError):
    status = 404
    message = "The CORS configuration does not exist"


class NoSuchPublicAccessBlockConfiguration(ServiceError):
    status = 404
    message = "The public access block configuration was not found"


class OwnershipControlsNotFoundError(ServiceError):
    status = 404
    message = "The bucket ownership controls were not found"


class BucketAlreadyExists(ServiceError):
    status = 409
    message = (
        "The requested bucket name is not available. The bucket namespace is shared by all "
        "users of the system. Please select a different name and try again."
    )


class BucketAlreadyOwnedByYou(ServiceError):
    status = 409
    message = "Your previous request to create the named bucket succeeded and you already own it."


class BucketNotEmpty(ServiceError):
    status = 409
    message = "The bucket you tried to delete is not empty"


class InvalidBucketName(ServiceError):
    status = 400
    message = "The specified bucket is not valid."


class IllegalLocationConstraintException(ServiceError):
    status = 400


class InvalidLocationConstraint(ServiceError):
    status = 400
    message = "The specified location-constraint is not valid"


class KeyTooLongError(ServiceError):
    status = 400
    message = "Your key is too long"


class MetadataTooLarge(ServiceError):
    status = 400
    message = "Your metadata headers exceed the maximum allowed metadata size."


class EntityTooLarge(ServiceError):
    status = 400
    message = "Your proposed upload exceeds the maximum allowed size"


class EntityTooSmall(ServiceError):
    status = 400
    message = "Your proposed upload is smaller than the minimum allowed object size."


class MissingContentLength(ServiceError):
    status = 411
    message = "You must provide the Content-Length HTTP header."


class BadDigest(ServiceError):
    status = 400
    message = "The Content-MD5 you specified did not match what we received."


class InvalidDigest(ServiceError):
    status = 400
    message = "The Content-MD5 you specified is not valid."


class InvalidRange(ServiceError):
    status = 416
    message = "The requested range is not satisfiable"


class PreconditionFailed(ServiceError):
    status = 412
    message = "At least one of the pre-conditions you specified did not hold"


class NotModified(ServiceError):
    status = 304
    message = "Not Modified"


class InvalidPart(ServiceError):
    status = 400
    message = (
        "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag."
    )


class InvalidPartOrder(ServiceError):
    status = 400
    message = "The list of parts was not in ascending order. Parts must be ordered by part number."


class InvalidTag(ServiceError):
    status = 400


class AccessControlListNotSupported(ServiceError):
    status = 400
    message = "The bucket does not allow ACLs"


class InvalidBucketAclWithObjectOwnership(ServiceError):
    status = 400
    message = "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"


class InvalidBucketAclWithBlockPublicAccessError(ServiceError):
    status = 400
    message = "Bucket cannot have public ACLs set with BlockPublicAccess enabled"


class MalformedPolicy(ServiceError):
    status = 400


class MalformedACLError(ServiceError):
    status = 400
    message = (
        "The XML you provided was not well-formed or did not validate against our published schema."
    )


class InvalidStorageClass(ServiceError):
    status = 400
    message = "The storage class you specified is not valid"


class InvalidObjectState(ServiceError):
    status = 403


class ConditionalRequestConflict(ServiceError):
    status = 409
    message = "A conflicting conditional action is currently in progress against this resource."


class MalformedPOSTRequest(ServiceError):
    status = 400
    message = "The body of your POST request is not well-formed multipart/form-data."


class InvalidPolicyDocument(ServiceError):
    status = 400


class CORSForbidden(ServiceError):
    code = "AccessForbidden"
    status = 403
    message = "CORSResponse: This CORS request is not allowed."


class InvalidPartNumber(ServiceError):
    status = 416
    message = "The requested partnumber is not satisfiable"


class NoSuchVersion(ServiceError):
    status = 404
    message = "The specified version does not exist."


class MethodNotAllowed(ServiceError):
    status = 405
    message = "The specified method is not allowed against this resource."


class RestoreAlreadyInProgress(ServiceError):
    status = 409
    message = "Object restore is already in progress"


class NoSuchLifecycleConfiguration(ServiceError):
    status = 404
    message = "The lifecycle configuration does not exist"


class ReplicationConfigurationNotFoundError(ServiceError):
    status = 404
    message = "The replication configuration was not found"


class NoSuchConfiguration(ServiceError):
    status = 404
    message = "The specified configuration does not exist."


class InvalidBucketState(ServiceError):
    status = 409


class NoSuchObjectLockConfiguration(ServiceError):
    status = 404
    message = "The specified object does not have a ObjectLock configuration"


class ObjectLockConfigurationNotFoundError(ServiceError):
    status = 404
    message = "Object Lock configuration does not exist for this bucket"


class InvalidEncryptionAlgorithmError(ServiceError):
    status = 400
    message = "The Encryption request you specified is not valid. Supported value: AES256."
