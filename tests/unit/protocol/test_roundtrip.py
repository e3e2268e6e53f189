"""Requests round-trip: botocore serializes (as a real client sends it), our protocol parses.

Each case names the operation ``find_operation`` must pick and the exact dict ``parse``
must return: the caller's params plus what the client adds on its own (checksums,
idempotency tokens), blobs as bytes and timestamps as aware datetimes.
"""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from cloudlet.core.errors import MalformedXML
from cloudlet.protocol import protocol_for
from cloudlet.protocol.http import HttpRequest
from tests.unit.wire import client, info, model, serialized_request

WHEN = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def parse(service: str, request: HttpRequest, operation: str) -> dict[str, Any]:
    """Route and parse ``request`` as the gateway does; the operation must be ``operation``."""
    protocol = protocol_for(info(service), request)
    op = protocol.find_operation(model(service), request)
    assert op is not None, f"no operation found for {request.method} {request.raw_path}"
    assert op.name == operation
    return protocol.parse(op, request)


def roundtrip(service: str, operation: str, **params: Any) -> dict[str, Any]:
    request = client(service).request(operation, **params)
    return parse(service, request, operation)


# --------------------------------------------------------------------------- query


def test_query_iam_create_user_with_tags() -> None:
    params = {
        "UserName": "bob",
        "Path": "/division/team/",
        "PermissionsBoundary": "arn:aws:iam::123456789012:policy/boundary",
        "Tags": [{"Key": "team", "Value": "data & ml"}, {"Key": "cost", "Value": "1=2"}],
    }
    request = client("iam").request("CreateUser", **params)
    assert protocol_for(info("iam"), request).name == "query"
    assert parse("iam", request, "CreateUser") == params


def test_query_empty_list_is_an_empty_list() -> None:
    # botocore sends ``Tags=`` for an empty list; that is [] and not "absent".
    assert roundtrip("iam", "CreateUser", UserName="bob", Tags=[]) == {
        "UserName": "bob",
        "Tags": [],
    }


def test_query_sns_publish_message_attributes_map() -> None:
    params = {
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:topic",
        "Message": "héllo\nwörld",
        "Subject": "s",
        "MessageAttributes": {
            "text": {"DataType": "String", "StringValue": "v a+l=u&e"},
            "bin": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
            "num": {"DataType": "Number", "StringValue": "12.5"},
        },
    }
    assert roundtrip("sns", "Publish", **params) == params


def test_query_sns_publish_batch_nested_list_of_maps() -> None:
    params = {
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:topic",
        "PublishBatchRequestEntries": [
            {"Id": "1", "Message": "one"},
            {
                "Id": "2",
                "Message": "two",
                "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}},
            },
        ],
    }
    assert roundtrip("sns", "PublishBatch", **params) == params


def test_query_sns_set_attributes_and_subscribe_attributes_map() -> None:
    params = {
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:topic",
        "Protocol": "sqs",
        "Endpoint": "arn:aws:sqs:us-east-1:123456789012:q",
        "Attributes": {"RawMessageDelivery": "true", "FilterPolicy": '{"a": ["b"]}'},
        "ReturnSubscriptionArn": True,
    }
    assert roundtrip("sns", "Subscribe", **params) == params


def test_query_flattened_lists_simpledb() -> None:
    # SimpleDB is the query service with flattened input lists: ``Item.1.Attribute.2.Name``.
    params = {
        "DomainName": "d",
        "Items": [
            {
                "Name": "item1",
                "Attributes": [
                    {"Name": "a", "Value": "1", "Replace": True},
                    {"Name": "b", "Value": "2"},
                ],
            },
            {"Name": "item2", "Attributes": [{"Name": "c", "Value": "3"}]},
        ],
    }
    request = serialized_request(
        "query", model("sdb").operation_model("BatchPutAttributes"), params
    )
    assert "Item.2.Attribute.1.Name=c" in request.body.decode()
    assert parse("sdb", request, "BatchPutAttributes") == params


def test_query_timestamps_are_aware_datetimes() -> None:
    params = {
        "Namespace": "app",
        "MetricData": [
            {
                "MetricName": "latency",
                "Timestamp": WHEN,
                "Value": 1.5,
                "Unit": "Milliseconds",
                "Dimensions": [{"Name": "host", "Value": "a"}],
            }
        ],
    }
    request = serialized_request(
        "query", model("cloudwatch").operation_model("PutMetricData"), params
    )
    parsed = parse("cloudwatch", request, "PutMetricData")
    assert parsed == params
    assert parsed["MetricData"][0]["Timestamp"].tzinfo is not None


def test_query_sts_assume_role_with_policy_arns_and_integers() -> None:
    params = {
        "RoleArn": "arn:aws:iam::123456789012:role/r",
        "RoleSessionName": "session",
        "DurationSeconds": 900,
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "Tags": [{"Key": "k", "Value": "v"}],
    }
    assert roundtrip("sts", "AssumeRole", **params) == params


# --------------------------------------------------------------------------- ec2


def test_ec2_describe_instances_filters() -> None:
    params = {
        "Filters": [
            {"Name": "instance-state-name", "Values": ["running", "stopped"]},
            {"Name": "tag:Name", "Values": ["web server"]},
        ],
        "InstanceIds": ["i-1", "i-2"],
        "MaxResults": 10,
        "DryRun": False,
    }
    request = client("ec2").request("DescribeInstances", **params)
    assert protocol_for(info("ec2"), request).name == "ec2"
    assert "Filter.2.Value.1=web%20server" in request.body.decode() or (
        "Filter.2.Value.1=web+server" in request.body.decode()
    )
    assert parse("ec2", request, "DescribeInstances") == params


def test_ec2_run_instances_nested() -> None:
    params = {
        "ImageId": "ami-12345678",
        "MinCount": 1,
        "MaxCount": 2,
        "InstanceType": "t3.micro",
        "SecurityGroupIds": ["sg-1", "sg-2"],
        "UserData": "IyEvYmluL3NoCg==",
        "TagSpecifications": [
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]},
            {"ResourceType": "volume", "Tags": [{"Key": "a", "Value": "b"}]},
        ],
        "BlockDeviceMappings": [
            {"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8, "DeleteOnTermination": True}}
        ],
        "NetworkInterfaces": [
            {"DeviceIndex": 0, "SubnetId": "subnet-1", "Groups": ["sg-3"]},
        ],
        "ClientToken": "token-1",
    }
    # botocore base64-encodes UserData itself (a client customisation).
    expected = {**params, "UserData": base64.b64encode(params["UserData"].encode()).decode()}
    assert roundtrip("ec2", "RunInstances", **params) == expected


def test_ec2_client_adds_an_idempotency_token() -> None:
    parsed = roundtrip("ec2", "RunInstances", ImageId="ami-1", MinCount=1, MaxCount=1)
    assert set(parsed) == {"ImageId", "MinCount", "MaxCount", "ClientToken"}
    assert len(parsed["ClientToken"]) == 36


# --------------------------------------------------------------------------- json


def test_json_10_dynamodb_put_item() -> None:
    params = {
        "TableName": "t",
        "Item": {
            "pk": {"S": "a"},
            "n": {"N": "1.5"},
            "b": {"B": b"\x00\xff"},
            "bs": {"BS": [b"\x01", b"\x02"]},
            "l": {"L": [{"S": "x"}, {"M": {"k": {"BOOL": True}, "z": {"NULL": True}}}]},
        },
        "ConditionExpression": "attribute_not_exists(#pk)",
        "ExpressionAttributeNames": {"#pk": "pk"},
        "ReturnValues": "ALL_OLD",
    }
    request = client("dynamodb").request("PutItem", **params)
    assert request.headers["x-amz-target"] == "DynamoDB_20120810.PutItem"
    assert request.headers["content-type"] == "application/x-amz-json-1.0"
    assert parse("dynamodb", request, "PutItem") == params


def test_json_11_kinesis_put_record_blob() -> None:
    params = {"StreamName": "s", "Data": b"\x00\x01binary\xff", "PartitionKey": "pk"}
    request = client("kinesis").request("PutRecord", **params)
    assert request.headers["content-type"] == "application/x-amz-json-1.1"
    assert parse("kinesis", request, "PutRecord") == params


def test_json_glue_create_table_nested_and_timestamps() -> None:
    params = {
        "DatabaseName": "db",
        "TableInput": {
            "Name": "t",
            "LastAccessTime": WHEN,
            "StorageDescriptor": {
                "Columns": [{"Name": "a", "Type": "int"}, {"Name": "b", "Type": "string"}],
                "Location": "s3://bucket/prefix/",
                "SerdeInfo": {"Parameters": {"field.delim": ","}},
            },
            "PartitionKeys": [{"Name": "dt", "Type": "string"}],
            "Parameters": {"classification": "csv"},
        },
    }
    parsed = roundtrip("glue", "CreateTable", **params)
    assert parsed == params
    assert parsed["TableInput"]["LastAccessTime"].tzinfo is not None


def test_json_sqs_send_message_batch() -> None:
    params = {
        "QueueUrl": "http://localhost:4566/000000000000/q",
        "Entries": [
            {
                "Id": "1",
                "MessageBody": "one",
                "DelaySeconds": 5,
                "MessageAttributes": {
                    "a": {"DataType": "Binary", "BinaryValue": b"\x00"},
                    "b": {"DataType": "String", "StringValue": "s"},
                },
            }
        ],
    }
    assert roundtrip("sqs", "SendMessageBatch", **params) == params


def test_json_empty_body_is_empty_params() -> None:
    request = client("dynamodb").request("ListTables")
    assert parse("dynamodb", request, "ListTables") == {}


# --------------------------------------------------------------------------- rest-json


def test_rest_json_lambda_create_function() -> None:
    params = {
        "FunctionName": "f",
        "Runtime": "python3.12",
        "Role": "arn:aws:iam::123456789012:role/r",
        "Handler": "app.handler",
        "Code": {"ZipFile": b"PK\x03\x04zip"},
        "Environment": {"Variables": {"A": "1", "B": "two"}},
        "Tags": {"team": "data"},
        "MemorySize": 256,
        "Publish": True,
        "Layers": ["arn:aws:lambda:us-east-1:123456789012:layer:l:1"],
    }
    request = client("lambda").request("CreateFunction", **params)
    assert (request.method, request.raw_path) == ("POST", "/2015-03-31/functions")
    assert parse("lambda", request, "CreateFunction") == params


def test_rest_json_lambda_invoke_labels_headers_query_and_blob_payload() -> None:
    params = {
        "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "InvocationType": "Event",
        "LogType": "Tail",
        "ClientContext": "eyJhIjoxfQ==",
        "Qualifier": "2",
        "Payload": b'{"key": "value"}',
    }
    request = client("lambda").request("Invoke", **params)
    assert request.raw_path == (
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af"
        "/invocations"
    )
    assert parse("lambda", request, "Invoke") == params


def test_rest_json_querystring_and_integer() -> None:
    params = {"MaxItems": 5, "Marker": "a b+c/d=e&f", "FunctionVersion": "ALL"}
    assert roundtrip("lambda", "ListFunctions", **params) == params


def test_rest_json_lambda_tag_resource_and_list_querystring() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    assert roundtrip("lambda", "UntagResource", Resource=arn, TagKeys=["a", "b c"]) == {
        "Resource": arn,
        "TagKeys": ["a", "b c"],
    }


def test_rest_json_apigateway_labels_and_list_query() -> None:
    params = {"restApiId": "abc123", "limit": 5, "position": "p", "embed": ["methods"]}
    assert roundtrip("apigateway", "GetResources", **params) == params


def test_rest_json_apigateway_put_method_with_two_labels() -> None:
    params = {
        "restApiId": "abc123",
        "resourceId": "r1",
        "httpMethod": "GET",
        "authorizationType": "NONE",
        "requestParameters": {"method.request.querystring.q": True},
    }
    assert roundtrip("apigateway", "PutMethod", **params) == params


def test_rest_json_body_member_named_like_a_uri_label() -> None:
    """PutIntegration sends ``integrationHttpMethod`` as ``httpMethod`` beside the
    ``{http_method}`` URI label: the body must not overwrite the label."""
    params = {
        "restApiId": "api",
        "resourceId": "res",
        "httpMethod": "GET",
        "type": "HTTP",
        "integrationHttpMethod": "POST",
        "uri": "https://example.com/",
    }
    request = client("apigateway").request("PutIntegration", **params)
    assert b'"httpMethod": "POST"' in request.body
    assert parse("apigateway", request, "PutIntegration") == params


def test_rest_json_querystring_maps() -> None:
    # Literal query keys of the URI (?mode=import) are not part of the parameters map.
    params = {"body": b"{}", "parameters": {"endpointConfigurationTypes": "REGIONAL"}}
    request = client("apigateway").request("ImportRestApi", **params)
    assert "mode=import" in request.raw_query
    assert parse("apigateway", request, "ImportRestApi") == params
    # A map of lists collects repeated keys.
    params = {"filters": {"status": ["ACTIVE", "CREATING"], "alias": ["a"]}, "maxResults": 5}
    assert roundtrip("amp", "ListScrapers", **params) == params


def test_rest_json_timestamp_in_querystring() -> None:
    params = {
        "FunctionName": "f",
        "StartedAfter": WHEN,
        "StartedBefore": datetime(2030, 1, 2, 3, 4, 5, 250000, tzinfo=UTC),
        "MaxItems": 3,
    }
    parsed = roundtrip("lambda", "ListDurableExecutionsByFunction", **params)
    assert parsed == params
    assert parsed["StartedAfter"].tzinfo is not None


# --------------------------------------------------------------------------- rest-xml


def test_rest_xml_s3_put_bucket_tagging() -> None:
    params = {"Bucket": "b", "Tagging": {"TagSet": [{"Key": "a", "Value": "1 & <2>"}]}}
    parsed = roundtrip("s3", "PutBucketTagging", **params)
    assert parsed == {**params, "ChecksumAlgorithm": "CRC32"}


def test_rest_xml_s3_put_object_headers_metadata_and_timestamps() -> None:
    params = {
        "Bucket": "b",
        "Key": "dir/k.txt",
        "Body": b"data",
        "Metadata": {"color": "blue", "Camel": "x y"},
        "Expires": WHEN,
        "ContentType": "text/plain",
        "CacheControl": "no-cache",
        "ObjectLockRetainUntilDate": datetime(2031, 1, 1, tzinfo=UTC),
        "ObjectLockMode": "GOVERNANCE",
        "Tagging": "a=1&b=2",
        "StorageClass": "STANDARD_IA",
    }
    request = client("s3").request("PutObject", **params)
    parsed = parse("s3", request, "PutObject")
    assert parsed.pop("ChecksumCRC32") == "rfPzYw=="  # crc32(b"data"), added by botocore
    # S3 keeps metadata names lower-cased (HTTP header names are case-insensitive).
    assert parsed == {
        **params,
        "Metadata": {"color": "blue", "camel": "x y"},
        "ContentLength": 4,
        "ChecksumAlgorithm": "CRC32",
    }
    assert parsed["Expires"].tzinfo is not None
    assert parsed["ObjectLockRetainUntilDate"].tzinfo is not None


def test_rest_xml_s3_delete_objects() -> None:
    params = {
        "Bucket": "b",
        "Delete": {
            "Objects": [{"Key": "a"}, {"Key": "dir/b & c", "VersionId": "v1"}],
            "Quiet": True,
        },
    }
    parsed = roundtrip("s3", "DeleteObjects", **params)
    assert parsed == {**params, "ChecksumAlgorithm": "CRC32"}


def test_rest_xml_s3_complete_multipart_upload() -> None:
    params = {
        "Bucket": "b",
        "Key": "big",
        "UploadId": "upload-1",
        "MultipartUpload": {
            "Parts": [
                {"ETag": '"e1"', "PartNumber": 1, "ChecksumCRC32": "AAAAAA=="},
                {"ETag": '"e2"', "PartNumber": 2},
            ]
        },
    }
    assert roundtrip("s3", "CompleteMultipartUpload", **params) == params


def test_rest_xml_s3_create_bucket_configuration() -> None:
    params = {
        "Bucket": "b",
        "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"},
        "ObjectLockEnabledForBucket": True,
    }
    assert roundtrip("s3", "CreateBucket", **params) == params


def test_rest_xml_s3_list_objects_v2_query() -> None:
    params = {
        "Bucket": "b",
        "Prefix": "a b+c/ü",
        "Delimiter": "/",
        "MaxKeys": 7,
        "ContinuationToken": "tok==",
        "StartAfter": "x%y",
    }
    # botocore asks for URL-encoded keys on its own and decodes them on the way back.
    assert roundtrip("s3", "ListObjectsV2", **params) == {**params, "EncodingType": "url"}


def test_rest_xml_s3_put_bucket_lifecycle_nested() -> None:
    params = {
        "Bucket": "b",
        "LifecycleConfiguration": {
            "Rules": [
                {
                    "ID": "expire",
                    "Status": "Enabled",
                    "Filter": {"Prefix": "logs/"},
                    "Expiration": {"Days": 30},
                    "Transitions": [{"Days": 10, "StorageClass": "GLACIER"}],
                },
                {
                    "ID": "date",
                    "Status": "Disabled",
                    "Filter": {"And": {"Prefix": "p", "Tags": [{"Key": "k", "Value": "v"}]}},
                    "Expiration": {"Date": datetime(2031, 1, 1, tzinfo=UTC)},
                },
            ]
        },
    }
    parsed = roundtrip("s3", "PutBucketLifecycleConfiguration", **params)
    assert parsed == {**params, "ChecksumAlgorithm": "CRC32"}


def test_rest_xml_s3_put_bucket_acl_xml_attributes() -> None:
    params = {
        "Bucket": "b",
        "AccessControlPolicy": {
            "Owner": {"ID": "owner"},
            "Grants": [
                {"Grantee": {"Type": "CanonicalUser", "ID": "owner"}, "Permission": "FULL_CONTROL"},
                {
                    "Grantee": {
                        "Type": "Group",
                        "URI": "http://acs.amazonaws.com/groups/global/AllUsers",
                    },
                    "Permission": "READ",
                },
            ],
        },
    }
    parsed = roundtrip("s3", "PutBucketAcl", **params)
    assert parsed == {**params, "ChecksumAlgorithm": "CRC32"}


def test_rest_xml_route53_change_resource_record_sets() -> None:
    params = {
        "HostedZoneId": "Z123",
        "ChangeBatch": {
            "Comment": "c",
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": "a.example.com",
                        "Type": "A",
                        "TTL": 60,
                        "ResourceRecords": [{"Value": "1.2.3.4"}, {"Value": "5.6.7.8"}],
                    },
                }
            ],
        },
    }
    request = client("route53").request("ChangeResourceRecordSets", **params)
    assert request.raw_path == "/2013-04-01/hostedzone/Z123/rrset/"
    assert parse("route53", request, "ChangeResourceRecordSets") == params


def test_rest_xml_route53_querystring() -> None:
    params = {"StartRecordName": "a.example.com", "MaxItems": "5", "HostedZoneId": "Z1"}
    assert roundtrip("route53", "ListResourceRecordSets", **params) == params


def test_rest_xml_wrong_root_element_is_malformed_xml() -> None:

    request = client("s3").request(
        "PutBucketTagging", Bucket="b", Tagging={"TagSet": [{"Key": "a", "Value": "1"}]}
    )
    request.body = request.body.replace(b"Tagging", b"Tagz")
    with pytest.raises(MalformedXML):
        parse("s3", request, "PutBucketTagging")


# --------------------------------------------------------------------------- aws-chunked


def test_s3_put_object_aws_chunked_params() -> None:
    """Over HTTPS botocore streams an unsigned aws-chunked body with a checksum trailer.

    ``aws-chunked`` is a transfer detail S3 strips from Content-Encoding, and the object's
    length is the decoded one.
    """
    s3 = client("s3", "https://localhost:4566")
    request = s3.request("PutObject", Bucket="b", Key="k", Body=io.BytesIO(b"hello"))
    assert request.headers["content-encoding"] == "aws-chunked"
    parsed = parse("s3", request, "PutObject")
    assert {k: v for k, v in parsed.items() if k != "Body"} == {
        "Bucket": "b",
        "Key": "k",
        "ChecksumAlgorithm": "CRC32",
        "ContentLength": 5,
    }

    request = s3.request(
        "PutObject", Bucket="b", Key="k", Body=io.BytesIO(b"hello"), ContentEncoding="gzip"
    )
    assert request.headers["content-encoding"] == "gzip,aws-chunked"
    assert parse("s3", request, "PutObject")["ContentEncoding"] == "gzip"
