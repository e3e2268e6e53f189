"""Create an IAM user whose policies allow the s3perf workloads; print its keys (K S)."""

from __future__ import annotations

import json
import sys

import boto3

endpoint = sys.argv[1]
iam = boto3.client(
    "iam",
    endpoint_url=endpoint,
    aws_access_key_id="test",
    aws_secret_access_key="test",
    region_name="us-east-1",
)
policy = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "List", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
        {
            "Sid": "Buckets",
            "Effect": "Allow",
            "Action": ["s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket"],
            "Resource": "arn:aws:s3:::s3perf-*",
        },
        {
            "Sid": "Objects",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": "arn:aws:s3:::s3perf-*/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {"Sid": "NoIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"},
    ],
}
iam.create_user(UserName="bench")
iam.put_user_policy(UserName="bench", PolicyName="s3perf", PolicyDocument=json.dumps(policy))
key = iam.create_access_key(UserName="bench")["AccessKey"]
print(key["AccessKeyId"], key["SecretAccessKey"])
