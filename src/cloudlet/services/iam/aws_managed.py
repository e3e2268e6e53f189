"""DATA, not logic: AWS managed policies, transcribed from the AWS Managed Policy Reference.

Generated-style module: edit only to refresh a document from
https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<PolicyName>.html.
Each entry keeps AWS's path, description, creation/edit dates and default version id.

``ReadOnlyAccess`` is abbreviated: AWS's document lists read actions of every AWS service
(thousands of entries); this one keeps the services cloudlet has or plans (S3, IAM, STS,
Glue, Athena, Secrets Manager, KMS, Lambda, Kinesis, CloudWatch Logs, DynamoDB, RDS,
Redshift). Other documents are AWS's as published at the time of transcription; AWS edits
them now and then (AmazonAthenaFullAccess in particular), so details may lag.
"""

from __future__ import annotations

import json
from typing import Any

_V = "2012-10-17"


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": _V, "Statement": list(statements)}, indent=4)


def _allow(actions: list[str] | str, resources: list[str] | str = "*", **extra: Any) -> dict:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


_READ_ONLY_SERVICES = [
    "athena:Batch*", "athena:Get*", "athena:List*",
    "dynamodb:BatchGet*", "dynamodb:Describe*", "dynamodb:Get*", "dynamodb:List*",
    "dynamodb:Query", "dynamodb:Scan",
    "glue:BatchGet*", "glue:Get*", "glue:List*", "glue:Search*",
    "iam:Generate*", "iam:Get*", "iam:List*", "iam:Simulate*",
    "kinesis:Describe*", "kinesis:Get*", "kinesis:List*",
    "kms:Describe*", "kms:Get*", "kms:List*",
    "lambda:Get*", "lambda:List*",
    "logs:Describe*", "logs:FilterLogEvents", "logs:Get*", "logs:List*", "logs:StartQuery",
    "logs:StopQuery", "logs:TestMetricFilter",
    "rds:Describe*", "rds:List*",
    "redshift:Describe*", "redshift:GetReservedNodeExchangeOfferings", "redshift:View*",
    "s3:DescribeJob", "s3:Get*", "s3:List*",
    "secretsmanager:Describe*", "secretsmanager:GetResourcePolicy", "secretsmanager:List*",
    "sts:GetAccessKeyInfo", "sts:GetCallerIdentity", "sts:GetSessionToken",
]  # fmt: skip

AWS_MANAGED_POLICIES: dict[str, dict[str, str]] = {
    "AdministratorAccess": {
        "path": "/",
        "description": "Provides full access to AWS services and resources.",
        "created": "2015-02-06T18:39:46+00:00",
        "updated": "2015-02-06T18:39:46+00:00",
        "version": "v1",
        "document": _doc(_allow("*")),
    },
    "PowerUserAccess": {
        "path": "/",
        "description": "Provides full access to AWS services and resources, but does not "
        "allow management of Users and groups.",
        "created": "2015-02-06T18:39:47+00:00",
        "updated": "2023-07-06T22:04:00+00:00",
        "version": "v5",
        "document": _doc(
            {
                "Effect": "Allow",
                "NotAction": ["iam:*", "organizations:*", "account:*"],
                "Resource": "*",
            },
            _allow(
                [
                    "account:GetAccountInformation",
                    "account:GetPrimaryEmail",
                    "account:ListRegions",
                    "iam:CreateServiceLinkedRole",
                    "iam:DeleteServiceLinkedRole",
                    "iam:ListRoles",
                    "organizations:DescribeOrganization",
                ]
            ),
        ),
    },
    "ReadOnlyAccess": {
        "path": "/",
        "description": "Provides read-only access to AWS services and resources.",
        "created": "2015-02-06T18:39:48+00:00",
        "updated": "2025-01-01T00:00:00+00:00",
        "version": "v1",
        "document": _doc(_allow(_READ_ONLY_SERVICES)),
    },
    "AmazonS3FullAccess": {
        "path": "/",
        "description": "Provides full access to all buckets via the AWS Management Console.",
        "created": "2015-02-06T18:40:58+00:00",
        "updated": "2021-09-27T20:16:37+00:00",
        "version": "v2",
        "document": _doc(_allow(["s3:*", "s3-object-lambda:*"])),
    },
    "AmazonS3ReadOnlyAccess": {
        "path": "/",
        "description": "Provides read only access to all buckets via the AWS Management Console.",
        "created": "2015-02-06T18:40:59+00:00",
        "updated": "2023-08-10T21:31:39+00:00",
        "version": "v3",
        "document": _doc(
            _allow(
                [
                    "s3:Get*",
                    "s3:List*",
                    "s3:Describe*",
                    "s3-object-lambda:Get*",
                    "s3-object-lambda:List*",
                ]
            )
        ),
    },
    "SecretsManagerReadWrite": {
        "path": "/",
        "description": "Provides read/write access to AWS Secrets Manager via the AWS "
        "Management Console. Note: this exludes IAM actions, so combine with IAMFullAccess "
        "if rotation configuration is required.",
        "created": "2018-04-04T18:05:29+00:00",
        "updated": "2024-03-14T19:47:49+00:00",
        "version": "v6",
        "document": _doc(
            _allow(
                [
                    "secretsmanager:*",
                    "cloudformation:CreateChangeSet",
                    "cloudformation:DescribeChangeSet",
                    "cloudformation:DescribeStackResource",
                    "cloudformation:DescribeStacks",
                    "cloudformation:ExecuteChangeSet",
                    "docdb-elastic:GetCluster",
                    "docdb-elastic:ListClusters",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcs",
                    "kms:DescribeKey",
                    "kms:ListAliases",
                    "kms:ListKeys",
                    "lambda:ListFunctions",
                    "rds:DescribeDBClusters",
                    "rds:DescribeDBInstances",
                    "redshift:DescribeClusters",
                    "redshift-serverless:ListWorkgroups",
                    "redshift-serverless:GetNamespace",
                    "tag:GetResources",
                ],
                Sid="BasePermissions",
            ),
            _allow(
                [
                    "lambda:AddPermission",
                    "lambda:CreateFunction",
                    "lambda:GetFunction",
                    "lambda:InvokeFunction",
                    "lambda:UpdateFunctionConfiguration",
                ],
                "arn:aws:lambda:*:*:function:SecretsManager*",
                Sid="LambdaPermissions",
            ),
            _allow(
                ["serverlessrepo:CreateCloudFormationChangeSet", "serverlessrepo:GetApplication"],
                "arn:aws:serverlessrepo:*:*:applications/SecretsManager*",
                Sid="SARPermissions",
            ),
            _allow(
                ["s3:GetObject"],
                [
                    "arn:aws:s3:::awsserverlessrepo-changesets*",
                    "arn:aws:s3:::secrets-manager-rotation-apps-*/*",
                ],
                Sid="S3Permissions",
            ),
        ),
    },
    "AWSGlueServiceRole": {
        "path": "/service-role/",
        "description": "Policy for AWS Glue service role which allows access to related "
        "services including EC2, S3, and Cloudwatch Logs",
        "created": "2017-08-14T13:37:39+00:00",
        "updated": "2023-09-11T16:39:00+00:00",
        "version": "v5",
        "document": _doc(
            _allow(
                [
                    "glue:*",
                    "s3:GetBucketLocation",
                    "s3:ListBucket",
                    "s3:ListAllMyBuckets",
                    "s3:GetBucketAcl",
                    "ec2:DescribeVpcEndpoints",
                    "ec2:DescribeRouteTables",
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcAttribute",
                    "iam:ListRolePolicies",
                    "iam:GetRole",
                    "iam:GetRolePolicy",
                    "cloudwatch:PutMetricData",
                ],
                ["*"],
            ),
            _allow(["s3:CreateBucket"], ["arn:aws:s3:::aws-glue-*"]),
            _allow(
                ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                ["arn:aws:s3:::aws-glue-*/*", "arn:aws:s3:::*/*aws-glue-*/*"],
            ),
            _allow(["s3:GetObject"], ["arn:aws:s3:::crawler-public*", "arn:aws:s3:::aws-glue-*"]),
            _allow(
                ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                ["arn:aws:logs:*:*:*:/aws-glue/*"],
            ),
            _allow(
                ["ec2:CreateTags", "ec2:DeleteTags"],
                [
                    "arn:aws:ec2:*:*:network-interface/*",
                    "arn:aws:ec2:*:*:security-group/*",
                    "arn:aws:ec2:*:*:instance/*",
                ],
                Condition={
                    "ForAllValues:StringEquals": {"aws:TagKeys": ["aws-glue-service-resource"]}
                },
            ),
        ),
    },
    "AmazonAthenaFullAccess": {
        "path": "/",
        "description": "Provide full access to Amazon Athena and scoped access to the "
        "dependencies needed to enable querying, writing results, and data management.",
        "created": "2016-11-30T16:46:01+00:00",
        "updated": "2025-01-03T00:37:00+00:00",
        "version": "v13",
        "document": _doc(
            _allow(["athena:*"], ["*"], Sid="BaseAthenaPermissions"),
            _allow(
                [
                    "glue:CreateDatabase",
                    "glue:DeleteDatabase",
                    "glue:GetCatalog",
                    "glue:GetCatalogs",
                    "glue:GetDatabase",
                    "glue:GetDatabases",
                    "glue:UpdateDatabase",
                    "glue:CreateTable",
                    "glue:DeleteTable",
                    "glue:BatchDeleteTable",
                    "glue:UpdateTable",
                    "glue:GetTable",
                    "glue:GetTables",
                    "glue:BatchCreatePartition",
                    "glue:CreatePartition",
                    "glue:DeletePartition",
                    "glue:BatchDeletePartition",
                    "glue:UpdatePartition",
                    "glue:GetPartition",
                    "glue:GetPartitions",
                    "glue:BatchGetPartition",
                    "glue:StartColumnStatisticsTaskRun",
                    "glue:GetColumnStatisticsTaskRun",
                    "glue:GetColumnStatisticsTaskRuns",
                    "glue:GetCatalogImportStatus",
                ],
                ["*"],
                Sid="BaseGluePermissions",
            ),
            _allow(
                [
                    "s3:GetBucketLocation",
                    "s3:GetObject",
                    "s3:ListBucket",
                    "s3:ListBucketMultipartUploads",
                    "s3:ListMultipartUploadParts",
                    "s3:AbortMultipartUpload",
                    "s3:CreateBucket",
                    "s3:PutObject",
                    "s3:PutBucketPublicAccessBlock",
                ],
                ["arn:aws:s3:::aws-athena-query-results-*"],
                Sid="BaseQueryResultsPermissions",
            ),
            _allow(
                ["s3:GetObject", "s3:ListBucket"],
                ["arn:aws:s3:::athena-examples*"],
                Sid="BaseAthenaExamplesPermissions",
            ),
            _allow(
                ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListAllMyBuckets"],
                ["*"],
                Sid="BaseS3BucketPermissions",
            ),
            _allow(["sns:ListTopics", "sns:GetTopicAttributes"], ["*"], Sid="BaseSNSPermissions"),
            _allow(
                [
                    "cloudwatch:PutMetricAlarm",
                    "cloudwatch:DescribeAlarms",
                    "cloudwatch:DeleteAlarms",
                    "cloudwatch:GetMetricData",
                ],
                ["*"],
                Sid="BaseCloudWatchPermissions",
            ),
            _allow(["lakeformation:GetDataAccess"], ["*"], Sid="BaseLakeFormationPermissions"),
            _allow(
                [
                    "datazone:ListDomains",
                    "datazone:ListProjects",
                    "datazone:ListAccountEnvironments",
                ],
                ["*"],
                Sid="BaseDataZonePermissions",
            ),
            _allow(["pricing:GetProducts"], ["*"], Sid="BasePricingPermissions"),
        ),
    },
    "IAMFullAccess": {
        "path": "/",
        "description": "Provides full access to IAM via the AWS Management Console.",
        "created": "2015-02-06T18:40:38+00:00",
        "updated": "2019-06-21T19:40:00+00:00",
        "version": "v2",
        "document": _doc(
            _allow(
                [
                    "iam:*",
                    "organizations:DescribeAccount",
                    "organizations:DescribeOrganization",
                    "organizations:DescribeOrganizationalUnit",
                    "organizations:DescribePolicy",
                    "organizations:ListChildren",
                    "organizations:ListParents",
                    "organizations:ListPoliciesForTarget",
                    "organizations:ListRoots",
                    "organizations:ListPolicies",
                    "organizations:ListTargetsForPolicy",
                ]
            )
        ),
    },
    "IAMReadOnlyAccess": {
        "path": "/",
        "description": "Provides read only access to IAM via the AWS Management Console.",
        "created": "2015-02-06T18:40:39+00:00",
        "updated": "2018-01-25T19:11:27+00:00",
        "version": "v4",
        "document": _doc(
            _allow(
                [
                    "iam:GenerateCredentialReport",
                    "iam:GenerateServiceLastAccessedDetails",
                    "iam:Get*",
                    "iam:List*",
                    "iam:SimulateCustomPolicy",
                    "iam:SimulatePrincipalPolicy",
                ]
            )
        ),
    },
    "AWSLambdaBasicExecutionRole": {
        "path": "/service-role/",
        "description": "Provides write permissions to CloudWatch Logs.",
        "created": "2015-04-09T15:03:43+00:00",
        "updated": "2015-04-09T15:03:43+00:00",
        "version": "v1",
        "document": _doc(
            _allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])
        ),
    },
    "AmazonKinesisFullAccess": {
        "path": "/",
        "description": "Provides full access to all streams via the AWS Management Console.",
        "created": "2015-02-06T18:40:26+00:00",
        "updated": "2015-02-06T18:40:26+00:00",
        "version": "v1",
        "document": _doc(_allow("kinesis:*")),
    },
    "AmazonKinesisReadOnlyAccess": {
        "path": "/",
        "description": "Provides read only access to all streams via the AWS Management Console.",
        "created": "2015-02-06T18:40:27+00:00",
        "updated": "2015-02-06T18:40:27+00:00",
        "version": "v1",
        "document": _doc(_allow(["kinesis:Get*", "kinesis:List*", "kinesis:Describe*"])),
    },
    "CloudWatchLogsFullAccess": {
        "path": "/",
        "description": "Provides full access to CloudWatch Logs",
        "created": "2015-02-06T18:40:55+00:00",
        "updated": "2015-02-06T18:40:55+00:00",
        "version": "v1",
        "document": _doc(_allow(["logs:*"])),
    },
}
