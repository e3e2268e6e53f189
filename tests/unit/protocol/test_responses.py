"""Responses round-trip: our serializer writes, botocore's parser reads back the same dict."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cloudlet.protocol import _PROTOCOLS
from cloudlet.protocol.http import HttpRequest, HttpResponse
from tests.unit.wire import botocore_parse, client, model

T = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
T_MS = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)


def roundtrip(service: str, protocol: str, operation: str, output: dict[str, Any]) -> Any:
    op = model(service).operation_model(operation)
    response = _PROTOCOLS[protocol].serialize(op, output, "req-1")
    parser_protocol = "rest-xml" if protocol == "s3" else protocol
    parsed = botocore_parse(parser_protocol, op, response)
    metadata = parsed.pop("ResponseMetadata")
    return parsed, metadata, response


# --------------------------------------------------------------------------- query


def test_query_iam_list_users_pagination() -> None:
    output = {
        "Users": [
            {
                "Path": "/",
                "UserName": "alice",
                "UserId": "AIDA1",
                "Arn": "arn:aws:iam::123456789012:user/alice",
                "CreateDate": T_MS,
                "PasswordLastUsed": T,
                "Tags": [{"Key": "team", "Value": "a<b>&c"}],
            },
            {
                "Path": "/x/",
                "UserName": "bob",
                "UserId": "AIDA2",
                "Arn": "arn:aws:iam::123456789012:user/x/bob",
                "CreateDate": T,
            },
        ],
        "IsTruncated": True,
        "Marker": "next+/=",
    }
    parsed, metadata, response = roundtrip("iam", "query", "ListUsers", output)
    assert parsed == output
    assert metadata["RequestId"] == "req-1"
    assert response.status == 200
    assert response.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<ListUsersResponse')


def test_query_iam_empty_list_and_false() -> None:
    parsed, _, _ = roundtrip("iam", "query", "ListUsers", {"Users": [], "IsTruncated": False})
    assert parsed == {"Users": [], "IsTruncated": False}


def test_query_sts_get_caller_identity() -> None:
    output = {
        "UserId": "AIDA1",
        "Account": "123456789012",
        "Arn": "arn:aws:iam::123456789012:user/alice",
    }
    parsed, metadata, _ = roundtrip("sts", "query", "GetCallerIdentity", output)
    assert parsed == output
    assert metadata["RequestId"] == "req-1"


def test_query_sts_assume_role_nested_and_timestamp() -> None:
    output = {
        "Credentials": {
            "AccessKeyId": "ASIA1",
            "SecretAccessKey": "secret",
            "SessionToken": "token",
            "Expiration": T,
        },
        "AssumedRoleUser": {"AssumedRoleId": "AROA1:s", "Arn": "arn:aws:sts::1:assumed-role/r/s"},
        "PackedPolicySize": 6,
    }
    parsed, _, _ = roundtrip("sts", "query", "AssumeRole", output)
    assert parsed == output


def test_query_sns_map_output() -> None:
    output = {"Attributes": {"TopicArn": "arn:aws:sns:us-east-1:1:t", "Policy": '{"a": "<b>"}'}}
    parsed, _, _ = roundtrip("sns", "query", "GetTopicAttributes", output)
    assert parsed == output


def test_query_flattened_list_output_simpledb() -> None:
    output = {
        "Items": [
            {"Name": "i1", "Attributes": [{"Name": "a", "Value": "1"}, {"Name": "b", "Value": ""}]},
            {"Name": "i2", "Attributes": [{"Name": "c", "Value": "3"}]},
        ],
        "NextToken": "n",
    }
    parsed, _, response = roundtrip("sdb", "query", "Select", output)
    assert parsed == output
    assert b"<Items>" not in response.body  # flattened: <Item> elements sit in the result


def test_query_operation_without_output() -> None:
    parsed, metadata, response = roundtrip("iam", "query", "DeleteUser", {})
    assert parsed == {}
    assert metadata["RequestId"] == "req-1"
    assert b"<DeleteUserResponse" in response.body


# --------------------------------------------------------------------------- ec2


def test_ec2_describe_vpcs() -> None:
    output = {
        "Vpcs": [
            {
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.0.0/16",
                "State": "available",
                "IsDefault": True,
                "OwnerId": "123456789012",
                "Tags": [{"Key": "Name", "Value": "main"}],
                "CidrBlockAssociationSet": [
                    {
                        "AssociationId": "a-1",
                        "CidrBlock": "10.0.0.0/16",
                        "CidrBlockState": {"State": "associated"},
                    }
                ],
            }
        ],
        "NextToken": "n",
    }
    parsed, metadata, _ = roundtrip("ec2", "ec2", "DescribeVpcs", output)
    assert parsed == output
    assert metadata["RequestId"] == "req-1"


def test_ec2_describe_instances_nested_lists_and_timestamps() -> None:
    output = {
        "Reservations": [
            {
                "ReservationId": "r-1",
                "OwnerId": "123456789012",
                "Instances": [
                    {
                        "InstanceId": "i-1",
                        "ImageId": "ami-1",
                        "LaunchTime": T,
                        "State": {"Code": 16, "Name": "running"},
                        "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "default"}],
                        "EbsOptimized": False,
                    }
                ],
            }
        ]
    }
    parsed, _, _ = roundtrip("ec2", "ec2", "DescribeInstances", output)
    assert parsed == output


# --------------------------------------------------------------------------- json


def test_json_dynamodb_get_item() -> None:
    output = {
        "Item": {
            "pk": {"S": "a"},
            "b": {"B": b"\x00\x01\xff"},
            "ns": {"NS": ["1", "2.5"]},
            "m": {"M": {"l": {"L": [{"BOOL": False}, {"NULL": True}]}}},
        },
        "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 0.5},
    }
    parsed, metadata, response = roundtrip("dynamodb", "json", "GetItem", output)
    assert parsed == output
    assert metadata["RequestId"] == "req-1"
    assert response.header("content-type") == "application/x-amz-json-1.0"


def test_json_dynamodb_describe_table_timestamps() -> None:
    output = {
        "Table": {
            "TableName": "t",
            "CreationDateTime": T_MS,
            "TableStatus": "ACTIVE",
            "ItemCount": 3,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "ProvisionedThroughput": {
                "LastIncreaseDateTime": T,
                "ReadCapacityUnits": 5,
                "WriteCapacityUnits": 5,
            },
        }
    }
    parsed, _, _ = roundtrip("dynamodb", "json", "DescribeTable", output)
    assert parsed == output


def test_json_11_kinesis_get_records_blobs() -> None:
    output = {
        "Records": [
            {
                "SequenceNumber": "1",
                "ApproximateArrivalTimestamp": T_MS,
                "Data": b"\x00binary\xff",
                "PartitionKey": "pk",
            }
        ],
        "NextShardIterator": "it",
        "MillisBehindLatest": 0,
    }
    parsed, _, response = roundtrip("kinesis", "json", "GetRecords", output)
    assert parsed == output
    assert response.header("content-type") == "application/x-amz-json-1.1"


def test_json_empty_output_is_an_empty_object() -> None:
    parsed, _, response = roundtrip("dynamodb", "json", "DescribeLimits", {})
    assert parsed == {}
    assert response.body == b"{}"


# --------------------------------------------------------------------------- rest-json


def test_rest_json_lambda_get_function() -> None:
    output = {
        "Configuration": {
            "FunctionName": "f",
            "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "MemorySize": 128,
            "LastModified": "2024-05-06T07:08:09.000+0000",
            "Environment": {"Variables": {"A": "1"}},
            "Layers": [{"Arn": "arn:aws:lambda:us-east-1:1:layer:l:1", "CodeSize": 10}],
        },
        "Code": {"Location": "http://x", "RepositoryType": "S3"},
        "Tags": {"a": "b"},
    }
    parsed, metadata, response = roundtrip("lambda", "rest-json", "GetFunction", output)
    assert parsed == output
    assert metadata["RequestId"] == "req-1"
    assert response.status == 200


def test_rest_json_lambda_create_function_status_code_201() -> None:
    output = {"FunctionName": "f", "Runtime": "python3.12", "CodeSize": 3}
    parsed, metadata, response = roundtrip("lambda", "rest-json", "CreateFunction", output)
    assert parsed == output
    assert response.status == metadata["HTTPStatusCode"] == 201


def test_rest_json_lambda_invoke_status_headers_and_payload() -> None:
    output = {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "LogResult": "bG9n",
        "ExecutedVersion": "$LATEST",
        "Payload": b'{"errorMessage": "boom"}',
    }
    lambda_ = client("lambda")

    def respond(request: HttpRequest) -> HttpResponse:
        op = model("lambda").operation_model("Invoke")
        return _PROTOCOLS["rest-json"].serialize(op, output, "req-1")

    result = lambda_.call("Invoke", respond, FunctionName="f", Payload=b"{}")
    result.pop("ResponseMetadata")
    assert result.pop("Payload").read() == output["Payload"]
    assert result == {k: v for k, v in output.items() if k != "Payload"}


def test_rest_json_apigateway_timestamps_and_lists() -> None:
    output = {
        "id": "abc",
        "name": "api",
        "createdDate": T,
        "binaryMediaTypes": ["image/png"],
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "tags": {"k": "v"},
        "disableExecuteApiEndpoint": False,
    }
    parsed, _, _ = roundtrip("apigateway", "rest-json", "GetRestApi", output)
    assert parsed == output


def test_rest_json_empty_output_has_an_empty_object_body() -> None:
    parsed, _, response = roundtrip("lambda", "rest-json", "DeleteFunction", {})
    # StatusCode is bound to the HTTP status (location "statusCode").
    assert (parsed, response.status, response.body) == ({"StatusCode": 200}, 200, b"{}")
    # No output shape: the modelled status code and no body at all (a 204 has none).
    parsed, _, response = roundtrip("lambda", "rest-json", "DeleteAlias", {})
    assert (parsed, response.status, response.body) == ({}, 204, b"")


# --------------------------------------------------------------------------- rest-xml


def test_s3_list_objects_v2() -> None:
    output = {
        "IsTruncated": True,
        "Contents": [
            {
                "Key": "a b & <c>",
                "LastModified": T_MS,
                "ETag": '"e"',
                "Size": 3,
                "StorageClass": "STANDARD",
                "ChecksumAlgorithm": ["CRC32"],
                "Owner": {"ID": "o", "DisplayName": "d"},
            }
        ],
        "Name": "b",
        "Prefix": "",
        "Delimiter": "/",
        "MaxKeys": 1,
        "KeyCount": 1,
        "NextContinuationToken": "t",
        "CommonPrefixes": [{"Prefix": "d/"}, {"Prefix": "e/"}],
    }
    parsed, metadata, response = roundtrip("s3", "s3", "ListObjectsV2", output)
    assert parsed == output
    assert metadata["RequestId"] == "req-1"
    assert len(metadata["HostId"]) > 20
    assert b"<ListBucketResult " in response.body


def test_s3_head_object_headers() -> None:
    output = {
        "ContentLength": 3,
        "ETag": '"e"',
        "LastModified": T,
        "Metadata": {"a": "1", "b-c": "two words"},
        "ContentType": "text/plain",
        "CacheControl": "max-age=60",
        "VersionId": "v1",
        "DeleteMarker": False,
        "PartsCount": 2,
        "ObjectLockRetainUntilDate": T_MS,
        "ObjectLockMode": "GOVERNANCE",
        "ServerSideEncryption": "AES256",
        "ChecksumCRC32": "AAAAAA==",
        "AcceptRanges": "bytes",
        "TagCount": 0,
    }
    parsed, _, response = roundtrip("s3", "s3", "HeadObject", output)
    assert parsed == output
    assert response.header("Last-Modified") == "Mon, 06 May 2024 07:08:09 GMT"
    assert response.header("x-amz-object-lock-retain-until-date") == "2024-05-06T07:08:09.123Z"
    assert response.header("x-amz-meta-b-c") == "two words"
    assert response.body == b""


def test_s3_get_object_metadata_and_body_through_the_client() -> None:
    output = {
        "Body": b"hello world",
        "ContentLength": 11,
        "ContentType": "text/plain",
        "Metadata": {"x": "y", "camel": "Case"},
        "LastModified": T,
        "TagCount": 2,
        "ContentRange": "bytes 0-10/11",
    }

    def respond(request: HttpRequest) -> HttpResponse:
        op = model("s3").operation_model("GetObject")
        return _PROTOCOLS["s3"].serialize(op, output, "req-1")

    result = client("s3").call("GetObject", respond, Bucket="b", Key="k")
    result.pop("ResponseMetadata")
    assert result.pop("Body").read() == b"hello world"
    assert result == {k: v for k, v in output.items() if k != "Body"}


def test_s3_get_bucket_location_through_the_client() -> None:
    """botocore reads the root element's text, so the root must be <LocationConstraint>."""
    s3 = client("s3")
    op = model("s3").operation_model("GetBucketLocation")
    for region in ("eu-west-1", None):

        def respond(request: HttpRequest, region: str | None = region) -> HttpResponse:
            return _PROTOCOLS["s3"].serialize(op, {"LocationConstraint": region}, "req-1")

        result = s3.call("GetBucketLocation", respond, Bucket="b")
        assert result["LocationConstraint"] == region


def test_s3_get_bucket_acl_xsi_attributes() -> None:
    output = {
        "Owner": {"ID": "o", "DisplayName": "d"},
        "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": "o"}, "Permission": "FULL_CONTROL"},
            {
                "Grantee": {
                    "Type": "Group",
                    "URI": "http://acs.amazonaws.com/groups/global/AllUsers",
                },
                "Permission": "READ",
            },
        ],
    }
    parsed, _, response = roundtrip("s3", "s3", "GetBucketAcl", output)
    assert parsed == output
    assert b'xsi:type="Group"' in response.body
    assert b"<AccessControlPolicy " in response.body


@pytest.mark.parametrize(
    ("operation", "output", "root"),
    [
        (
            "DeleteObjects",
            {
                "Deleted": [{"Key": "a"}, {"Key": "b", "VersionId": "v", "DeleteMarker": True}],
                "Errors": [{"Key": "c", "Code": "AccessDenied", "Message": "no"}],
            },
            b"<DeleteResult ",
        ),
        (
            "CompleteMultipartUpload",
            {
                "Location": "http://localhost/b/k",
                "Bucket": "b",
                "Key": "k",
                "ETag": '"abc-2"',
                "ChecksumCRC32": "AAAAAA==",
                "VersionId": "v1",
            },
            b"<CompleteMultipartUploadResult ",
        ),
        (
            "CreateMultipartUpload",
            {"Bucket": "b", "Key": "k", "UploadId": "u-1", "ChecksumAlgorithm": "CRC32"},
            b"<InitiateMultipartUploadResult ",
        ),
        (
            "ListBuckets",
            {
                "Buckets": [{"Name": "b", "CreationDate": T, "BucketRegion": "us-east-1"}],
                "Owner": {"ID": "o"},
            },
            b"<ListAllMyBucketsResult ",
        ),
        ("GetBucketTagging", {"TagSet": [{"Key": "a", "Value": "1"}]}, b"<Tagging "),
        ("GetBucketVersioning", {"Status": "Enabled"}, b"<VersioningConfiguration "),
        (
            "ListParts",
            {
                "Bucket": "b",
                "Key": "k",
                "UploadId": "u",
                "Parts": [{"PartNumber": 1, "ETag": '"e"', "Size": 5, "LastModified": T}],
                "IsTruncated": False,
                "MaxParts": 1000,
            },
            b"<ListPartsResult ",
        ),
        (
            "CopyObject",
            {"CopyObjectResult": {"ETag": '"e"', "LastModified": T}},
            b"<CopyObjectResult ",
        ),
    ],
)
def test_s3_outputs(operation: str, output: dict[str, Any], root: bytes) -> None:
    parsed, _, response = roundtrip("s3", "s3", operation, output)
    if operation == "CreateMultipartUpload":
        # ChecksumAlgorithm travels as a header there.
        assert response.header("x-amz-checksum-algorithm") == "CRC32"
    assert parsed == output
    assert root in response.body


def test_s3_raw_string_payload() -> None:
    policy = '{"Version": "2012-10-17", "Statement": []}'
    op = model("s3").operation_model("GetBucketPolicy")
    response = _PROTOCOLS["s3"].serialize(op, {"Policy": policy}, "req-1")
    assert response.body == policy.encode()
    assert botocore_parse("rest-xml", op, response)["Policy"] == policy


def test_route53_outputs() -> None:
    output = {
        "HostedZone": {
            "Id": "/hostedzone/Z1",
            "Name": "example.com.",
            "CallerReference": "c",
            "Config": {"PrivateZone": False},
            "ResourceRecordSetCount": 2,
        },
        "DelegationSet": {"NameServers": ["ns1.example", "ns2.example"]},
    }
    parsed, metadata, response = roundtrip("route53", "rest-xml", "GetHostedZone", output)
    assert parsed == output
    assert metadata["RequestId"] == "req-1"
    assert b'xmlns="https://route53.amazonaws.com/doc/2013-04-01/"' in response.body


def test_rest_json_content_type_bound_to_an_output_member() -> None:
    output = {"ContentType": "image/png", "ContentLength": 3, "ETag": "e"}
    parsed, _, response = roundtrip("mediastore-data", "rest-json", "DescribeObject", output)
    assert parsed == output
    assert [v for k, v in response.headers if k.lower() == "content-type"] == ["image/png"]
