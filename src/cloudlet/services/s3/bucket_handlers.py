"""Bucket operations: create, head, list, delete, location, and stored configurations."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import AccessDenied, InvalidArgument, InvalidRequest, MalformedXML
from cloudlet.protocol.http import HttpResponse
from cloudlet.protocol.s3 import S3_NAMESPACE
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3 import acl as acls
from cloudlet.services.s3.buckets import Bucket, validate_bucket_name
from cloudlet.services.s3.errors import (
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    IllegalLocationConstraintException,
    InvalidBucketAclWithBlockPublicAccessError,
    InvalidBucketAclWithObjectOwnership,
    InvalidLocationConstraint,
    InvalidTag,
    MalformedPolicy,
    NoSuchBucketPolicy,
    NoSuchCORSConfiguration,
    NoSuchPublicAccessBlockConfiguration,
    NoSuchTagSet,
    OwnershipControlsNotFoundError,
)
from cloudlet.services.s3.tags import validate_tags

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

#: Regions a bucket may be created in (LocationConstraint values).
REGIONS = {
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-southeast-4", "ca-central-1", "ca-west-1", "cn-north-1", "cn-northwest-1",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1",
    "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "sa-east-1",
    "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2",
}  # fmt: skip
BLOCK_PUBLIC_ACCESS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)


@operation("CreateBucket")
def create_bucket(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Bucket"]
    validate_bucket_name(name)
    constraint = (params.get("CreateBucketConfiguration") or {}).get("LocationConstraint")
    region = _bucket_region(constraint, ctx.region)
    acl = acls.from_params(params)
    ownership = params.get("ObjectOwnership") or "BucketOwnerEnforced"
    _check_new_bucket_acl(acl, s3.owner(ctx.account_id)["ID"], ownership)
    existing = s3.buckets.find(name)
    if existing is not None:
        if existing.account_id != ctx.account_id:
            raise BucketAlreadyExists(BucketName=name)
        if region == "us-east-1" and existing.region == "us-east-1":
            # Legacy us-east-1 behaviour: re-creating your own bucket succeeds, ACL reset.
            s3.buckets.update(name, acl=acl)
            return {"Location": f"/{name}"}
        raise BucketAlreadyOwnedByYou(BucketName=name)
    bucket = Bucket(
        name=name,
        account_id=ctx.account_id,
        region=region,
        created=s3.cloud.clock.time(),
        object_lock=bool(params.get("ObjectLockEnabledForBucket")),
        acl=acl,
    )
    try:
        s3.buckets.create(bucket)
    except Exception as exc:  # a concurrent create of the same name
        if "UNIQUE" in str(exc):
            raise BucketAlreadyExists(BucketName=name) from exc
        raise
    if bucket.object_lock:
        s3.buckets.update(name, versioning="Enabled")  # object lock requires versioning
        s3.buckets.put_config(name, "object-lock", {"ObjectLockEnabled": "Enabled"})
    # New buckets have ACLs disabled and Block Public Access on unless asked otherwise
    # (AWS's defaults since April 2023); both are ordinary, deletable configurations.
    s3.buckets.put_config(name, "ownership", {"Rules": [{"ObjectOwnership": ownership}]})
    s3.buckets.put_config(name, "public-access-block", dict.fromkeys(BLOCK_PUBLIC_ACCESS, True))
    return {"Location": f"/{name}"}


def _check_new_bucket_acl(acl: dict[str, Any], owner_id: str, ownership: str) -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html (ACLs)."""
    if ownership == "BucketOwnerEnforced" and not acls.is_owner_only(acl, owner_id):
        raise InvalidBucketAclWithObjectOwnership()
    if acls.is_public(acl):
        # A new bucket blocks public access, so a public ACL cannot be set when creating it.
        raise InvalidBucketAclWithBlockPublicAccessError()


def _bucket_region(constraint: str | None, request_region: str) -> str:
    """A bucket lives where its LocationConstraint says; it must match the endpoint's region."""
    if not constraint:
        if request_region not in ("us-east-1", "aws-global", ""):
            raise IllegalLocationConstraintException(
                "The unspecified location constraint is incompatible for the region specific "
                "endpoint this request was sent to."
            )
        return "us-east-1"
    region = "eu-west-1" if constraint == "EU" else constraint
    if region not in REGIONS or constraint == "us-east-1":
        raise InvalidLocationConstraint(LocationConstraint=constraint)
    if request_region not in (region, "us-east-1", "aws-global"):
        raise IllegalLocationConstraintException(
            f"The {constraint} location constraint is incompatible for the region specific "
            "endpoint this request was sent to."
        )
    return region


@operation("HeadBucket")
def head_bucket(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    return {"BucketRegion": bucket.region, "AccessPointAlias": False}


@operation("DeleteBucket")
def delete_bucket(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    if not s3.objects.is_empty(bucket.name) or s3.uploads.has_uploads(bucket.name):
        raise BucketNotEmpty(BucketName=bucket.name)
    s3.buckets.delete(bucket.name)
    return {"__status": 204}


@operation("ListBuckets")
def list_buckets(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    max_buckets = params.get("MaxBuckets")
    if max_buckets is not None and not 1 <= max_buckets <= 10000:
        raise InvalidArgument("Argument max-buckets must be between 1 and 10000.")
    after = params.get("ContinuationToken") or ""
    buckets = s3.buckets.list_for(
        ctx.account_id, params.get("Prefix") or "", after, params.get("BucketRegion")
    )
    output: dict[str, Any] = {"Owner": s3.owner(ctx.account_id)}
    if max_buckets is not None and len(buckets) > max_buckets:
        buckets = buckets[:max_buckets]
        output["ContinuationToken"] = buckets[-1].name
    output["Buckets"] = [
        {"Name": b.name, "CreationDate": int(b.created), "BucketRegion": b.region} for b in buckets
    ]
    if params.get("Prefix"):
        output["Prefix"] = params["Prefix"]
    return output


@operation("GetBucketLocation")
def get_bucket_location(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> HttpResponse:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    # us-east-1 answers an empty LocationConstraint, as AWS does.
    region = "" if bucket.region == "us-east-1" else bucket.region
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<LocationConstraint xmlns="{S3_NAMESPACE}">{region}</LocationConstraint>'
    )
    return HttpResponse(
        200,
        [("Content-Type", "application/xml"), ("x-amz-request-id", ctx.request_id)],
        body.encode(),
    )


# -- tagging --------------------------------------------------------------------


@operation("PutBucketTagging")
def put_bucket_tagging(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    tags = [(t["Key"], t["Value"]) for t in (params.get("Tagging") or {}).get("TagSet", [])]
    validate_tags(tags, limit=50, kind="bucket")
    s3.buckets.put_config(bucket.name, "tagging", tags)
    return {"__status": 204}


@operation("GetBucketTagging")
def get_bucket_tagging(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    tags = s3.buckets.get_config(bucket.name, "tagging")
    if not tags:
        raise NoSuchTagSet(BucketName=bucket.name)
    return {"TagSet": [{"Key": k, "Value": v} for k, v in tags]}


@operation("DeleteBucketTagging")
def delete_bucket_tagging(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    s3.buckets.delete_config(bucket.name, "tagging")
    return {"__status": 204}


# -- policy ---------------------------------------------------------------------


@operation("PutBucketPolicy")
def put_bucket_policy(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    text = params.get("Policy") or ""
    validate_policy(text, bucket.name)
    block = s3.buckets.get_config(bucket.name, "public-access-block") or {}
    if block.get("BlockPublicPolicy") and is_public_policy(json.loads(text)):
        raise AccessDenied()
    s3.buckets.put_config(bucket.name, "policy", text)
    return {"__status": 204}


def validate_policy(text: str, bucket: str) -> None:
    """Structural checks S3 makes before storing a policy; evaluation is the IAM engine's."""
    try:
        document = json.loads(text)
    except ValueError:
        raise MalformedPolicy(
            "Policies must be valid JSON and the first byte must be '{'"
        ) from None
    if not isinstance(document, dict):
        raise MalformedPolicy("Policies must be valid JSON and the first byte must be '{'")
    statements = document.get("Statement")
    if statements is None:
        raise MalformedPolicy("Missing required field Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicy("Could not parse the policy: Statement is not well formed.")
    for statement in statements:
        if not isinstance(statement, dict):
            raise MalformedPolicy("Could not parse the policy: Statement is not well formed.")
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise MalformedPolicy("Invalid effect: " + str(statement.get("Effect")))
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise MalformedPolicy("Missing required field Principal")
        if "Action" not in statement and "NotAction" not in statement:
            raise MalformedPolicy("Missing required field Action")
        resources = statement.get("Resource", statement.get("NotResource"))
        if resources is None:
            raise MalformedPolicy("Missing required field Resource")
        for resource in [resources] if isinstance(resources, str) else resources:
            if resource != "*" and not str(resource).startswith(f"arn:aws:s3:::{bucket}"):
                raise MalformedPolicy("Policy has invalid resource")


def is_public_policy(document: dict[str, Any]) -> bool:
    """Grants access to anyone: an unconditional Allow to ``*`` (what BlockPublicPolicy blocks).

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
    Any condition counts as restricting here; AWS accepts only some condition keys as fixed
    values (IAM issue).
    """
    statements = document.get("Statement")
    for statement in [statements] if isinstance(statements, dict) else statements or []:
        if statement.get("Effect") != "Allow" or statement.get("Condition"):
            continue
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            principal = principal.get("AWS")
        values = principal if isinstance(principal, list) else [principal]
        if "*" in values:
            return True
    return False


@operation("GetBucketPolicy")
def get_bucket_policy(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    policy = s3.buckets.get_config(bucket.name, "policy")
    if policy is None:
        raise NoSuchBucketPolicy(BucketName=bucket.name)
    return {"Policy": policy}


@operation("DeleteBucketPolicy")
def delete_bucket_policy(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    s3.buckets.delete_config(bucket.name, "policy")
    return {"__status": 204}


# -- CORS -----------------------------------------------------------------------


@operation("PutBucketCors")
def put_bucket_cors(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    rules = (params.get("CORSConfiguration") or {}).get("CORSRules") or []
    if not rules or len(rules) > 100:
        raise MalformedXML()
    for rule in rules:
        for method in rule.get("AllowedMethods", []):
            if method not in ("GET", "PUT", "HEAD", "POST", "DELETE"):
                raise InvalidRequest(
                    f"Found unsupported HTTP method in CORS config. Unsupported method is {method}"
                )
        if not rule.get("AllowedOrigins") or not rule.get("AllowedMethods"):
            raise MalformedXML()
    s3.buckets.put_config(bucket.name, "cors", rules)
    return {}


@operation("GetBucketCors")
def get_bucket_cors(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    rules = s3.buckets.get_config(bucket.name, "cors")
    if rules is None:
        raise NoSuchCORSConfiguration(BucketName=bucket.name)
    return {"CORSRules": rules}


@operation("DeleteBucketCors")
def delete_bucket_cors(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    s3.buckets.delete_config(bucket.name, "cors")
    return {"__status": 204}


# -- ACLs, public access block, ownership controls -------------------------------


@operation("PutBucketAcl")
def put_bucket_acl(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    acl = acls.from_params(params)
    acls.check_settable(
        acl,
        s3.owner(bucket.account_id)["ID"],
        s3.buckets.ownership(bucket.name),
        s3.buckets.get_config(bucket.name, "public-access-block"),
    )
    s3.buckets.update(bucket.name, acl=acl)
    return {}


@operation("GetBucketAcl")
def get_bucket_acl(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    owner = s3.owner(bucket.account_id)
    return {"Owner": owner, "Grants": acls.grants(bucket.acl, owner)}


@operation("PutPublicAccessBlock")
def put_public_access_block(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = params.get("PublicAccessBlockConfiguration") or {}
    # Members left out are false, and GetPublicAccessBlock answers all four.
    stored = {name: bool(config.get(name)) for name in BLOCK_PUBLIC_ACCESS}
    s3.buckets.put_config(bucket.name, "public-access-block", stored)
    return {}


@operation("GetPublicAccessBlock")
def get_public_access_block(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = s3.buckets.get_config(bucket.name, "public-access-block")
    if config is None:
        raise NoSuchPublicAccessBlockConfiguration(BucketName=bucket.name)
    return {"PublicAccessBlockConfiguration": config}


@operation("DeletePublicAccessBlock")
def delete_public_access_block(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    s3.buckets.delete_config(bucket.name, "public-access-block")
    return {"__status": 204}


@operation("PutBucketOwnershipControls")
def put_bucket_ownership_controls(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    controls = params.get("OwnershipControls") or {}
    rules = controls.get("Rules") or []
    valid = ("BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced")
    if len(rules) != 1 or rules[0].get("ObjectOwnership") not in valid:
        raise MalformedXML()
    s3.buckets.put_config(bucket.name, "ownership", controls)
    return {}


@operation("GetBucketOwnershipControls")
def get_bucket_ownership_controls(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    controls = s3.buckets.get_config(bucket.name, "ownership")
    if controls is None:
        raise OwnershipControlsNotFoundError(BucketName=bucket.name)
    return {"OwnershipControls": controls}


@operation("DeleteBucketOwnershipControls")
def delete_bucket_ownership_controls(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    s3.buckets.delete_config(bucket.name, "ownership")
    return {"__status": 204}


__all__ = ["InvalidTag"]
