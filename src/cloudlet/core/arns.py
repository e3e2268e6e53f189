"""ARNs are built and parsed here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

PARTITION = "aws"


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def build(service: str, region: str, account: str, resource: str) -> str:
    return str(Arn(PARTITION, service, region, account, resource))


def parse(text: str) -> Arn:
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise ValueError(f"not an ARN: {text!r}")
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def root(account: str) -> str:
    return build("iam", "", account, "root")


def s3_bucket(bucket: str) -> str:
    return build("s3", "", "", bucket)


def s3_object(bucket: str, key: str) -> str:
    return build("s3", "", "", f"{bucket}/{key}")
