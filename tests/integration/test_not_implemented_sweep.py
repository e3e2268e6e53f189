"""Every operation cloudlet has no handler for answers 501 NotImplemented, in its protocol.

A sweep through boto3 over a third of botocore's services: for each, the first operation
that needs no input, as a client would send it.
"""

from __future__ import annotations

import botocore.session
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from cloudlet.services import REGISTRY
from tests.integration.conftest import Server, make_client

_session = botocore.session.get_session()


def _candidates() -> list[tuple[str, str]]:
    found = []
    for index, name in enumerate(_session.get_available_services()):
        if index % 3 or name in REGISTRY:
            continue
        model = _session.get_service_model(name)
        if model.metadata.get("signatureVersion") in ("v2", "bearer"):
            continue  # SimpleDB signs with SigV2; CodeCatalyst with bearer tokens
        for op in model.operation_names:
            shape = model.operation_model(op).input_shape
            if shape is None or not shape.required_members:
                found.append((name, op))
                break
    return found


CASES = _candidates()


def test_the_sweep_covers_many_services_and_every_protocol() -> None:
    protocols = {_session.get_service_model(name).protocol for name, _ in CASES}
    assert len(CASES) > 100
    assert {"json", "rest-json", "rest-xml", "query", "smithy-rpc-v2-cbor"} <= protocols


def test_unimplemented_operations_answer_501_everywhere(server: Server) -> None:
    wrong = []
    for name, op in CASES:
        client = make_client(
            server.endpoint, name, inject_host_prefix=False, parameter_validation=False
        )
        try:
            getattr(client, xform_name(op))()
            wrong.append((name, op, "no error"))
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
            message = exc.response["Error"].get("Message", "")
            if (code, status) != ("NotImplemented", 501) or op not in message:
                wrong.append((name, op, code, status))
    assert wrong == []


def test_ec2_protocol_answers_its_own_error_format(server: Server) -> None:
    client = make_client(server.endpoint, "ec2")
    with pytest.raises(ClientError) as info:
        client.describe_instances()
    assert info.value.response["Error"]["Code"] == "NotImplemented"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
