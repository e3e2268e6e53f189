"""IAM state is durable: users, roles, policies and keys survive a restart."""

from __future__ import annotations

import json

from ..conftest import Server, make_client
from .conftest import ACCOUNT, allow, client_with, policy, trust


def test_restart_keeps_iam_state(own_server: Server) -> None:
    own_server.start()
    iam = make_client(own_server.endpoint, "iam")
    iam.create_user(UserName="durable", Path="/keep/")
    key = iam.create_access_key(UserName="durable")["AccessKey"]
    arn = iam.create_policy(PolicyName="keep", PolicyDocument=policy(allow("s3:*")))["Policy"][
        "Arn"
    ]
    iam.create_policy_version(
        PolicyArn=arn, PolicyDocument=policy(allow("s3:Get*")), SetAsDefault=True
    )
    iam.attach_user_policy(UserName="durable", PolicyArn=arn)
    document = trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    iam.create_role(RoleName="kept", AssumeRolePolicyDocument=document, MaxSessionDuration=7200)

    own_server.restart()
    iam = make_client(own_server.endpoint, "iam")
    assert (
        iam.get_user(UserName="durable")["User"]["Arn"]
        == f"arn:aws:iam::{ACCOUNT}:user/keep/durable"
    )
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"
    assert (
        iam.list_attached_user_policies(UserName="durable")["AttachedPolicies"][0]["PolicyArn"]
        == arn
    )
    role = iam.get_role(RoleName="kept")["Role"]
    assert role["MaxSessionDuration"] == 7200
    assert role["AssumeRolePolicyDocument"] == json.loads(document)
    identity = client_with(own_server.endpoint, "sts", key).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/keep/durable"
