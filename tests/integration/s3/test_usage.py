"""Usage by storage class and prefix, with the cost estimate: the admin endpoint and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from ..conftest import ACCESS_KEY, SECRET_KEY, Server
from .versioned import bucket_maker

GB = 2**30
PRICES = {"STANDARD": 0.023, "STANDARD_IA": 0.0125, "ONEZONE_IA": 0.01, "GLACIER": 0.0036}


def usage(server: Server, bucket: str | None = None, key: str = ACCESS_KEY) -> Any:
    url = server.endpoint + "/_cloudlet/s3/usage" + (f"?bucket={bucket}" if bucket else "")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}:{SECRET_KEY}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"] == "application/json"
        return json.loads(response.read())


def cli(server: Server, *args: str, key: str = ACCESS_KEY) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    return subprocess.run(
        [sys.executable, "-m", "cloudlet.cli", "s3", "usage", "--endpoint", server.endpoint, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def buckets(s3: Any) -> Iterator[tuple[str, str, str]]:
    """A versioned bucket with every kind of usage, a small untagged one, and their tag."""
    team = f"team-{uuid.uuid4().hex[:8]}"
    with bucket_maker(s3) as make:
        main = make("usage", versioning="Enabled")
        s3.put_object(Bucket=main, Key="logs/a.txt", Body=b"a" * 100)
        s3.put_object(Bucket=main, Key="logs/a.txt", Body=b"a" * 150)  # 100 B noncurrent
        s3.put_object(Bucket=main, Key="logs/b.txt", Body=b"b" * 300, StorageClass="STANDARD_IA")
        s3.put_object(Bucket=main, Key="img/c.jpg", Body=b"c" * 500, StorageClass="GLACIER")
        s3.put_object(Bucket=main, Key="top.txt", Body=b"t" * 70)
        s3.delete_object(Bucket=main, Key="top.txt")  # a delete marker; 70 B noncurrent
        upload = s3.create_multipart_upload(Bucket=main, Key="big.bin", StorageClass="ONEZONE_IA")
        for number, size in ((1, 1234), (2, 66)):
            s3.upload_part(
                Bucket=main,
                Key="big.bin",
                UploadId=upload["UploadId"],
                PartNumber=number,
                Body=b"m" * size,
            )
        s3.put_bucket_tagging(
            Bucket=main, Tagging={"TagSet": [{"Key": "cost-center", "Value": team}]}
        )
        small = make("usage-small")
        s3.put_object(Bucket=small, Key="x", Body=b"x" * 10)
        yield main, small, team


def cost(**bytes_by_class: int) -> float:
    return sum(size / GB * PRICES[c] for c, size in bytes_by_class.items())


def expected_main() -> dict[str, Any]:
    zero = dict.fromkeys(
        (
            "objects",
            "bytes",
            "noncurrent_versions",
            "noncurrent_bytes",
            "multipart_uploads",
            "multipart_bytes",
        ),
        0,
    )
    return {
        "GLACIER": {
            **zero, "objects": 1, "bytes": 500, "estimated_monthly_cost_usd": cost(GLACIER=500)
        },
        "ONEZONE_IA": {
            **zero, "multipart_uploads": 1, "multipart_bytes": 1300,
            "estimated_monthly_cost_usd": cost(ONEZONE_IA=1300),
        },
        "STANDARD": {
            **zero, "objects": 1, "bytes": 150, "noncurrent_versions": 2, "noncurrent_bytes": 170,
            "estimated_monthly_cost_usd": cost(STANDARD=320),
        },
        "STANDARD_IA": {
            **zero, "objects": 1, "bytes": 300,
            "estimated_monthly_cost_usd": cost(STANDARD_IA=300),
        },
    }  # fmt: skip


def assert_classes(got: dict[str, Any], expected: dict[str, Any]) -> None:
    assert got.keys() == expected.keys()
    for name, want in expected.items():
        assert got[name] == {
            **want,
            "estimated_monthly_cost_usd": pytest.approx(
                want["estimated_monthly_cost_usd"], rel=1e-12
            ),
        }, name


def test_usage_of_one_bucket(server: Server, buckets: tuple[str, str, str]) -> None:
    main, _, team = buckets
    report = usage(server, main)
    [b] = report["buckets"]
    assert b["bucket"] == main and b["account_id"] == "000000000000"
    assert b["versioning"] == "Enabled"
    assert_classes(b["storage_classes"], expected_main())
    assert b["delete_markers"] == 1
    assert b["prefixes"] == {
        "": {"objects": 0, "bytes": 0, "noncurrent_versions": 1, "noncurrent_bytes": 70},
        "img/": {"objects": 1, "bytes": 500, "noncurrent_versions": 0, "noncurrent_bytes": 0},
        "logs/": {"objects": 2, "bytes": 450, "noncurrent_versions": 1, "noncurrent_bytes": 100},
    }
    total = cost(STANDARD=320, STANDARD_IA=300, GLACIER=500, ONEZONE_IA=1300)
    assert b["estimated_monthly_cost_usd"] == pytest.approx(total, rel=1e-12)
    assert report["estimated_monthly_cost_usd"] == pytest.approx(total, rel=1e-12)
    assert b["tags"] == {"cost-center": team}
    assert report["cost_by_tag"] == [
        {
            "key": "cost-center",
            "value": team,
            "buckets": [main],
            "estimated_monthly_cost_usd": pytest.approx(total, rel=1e-12),
        }
    ]
    assert report["prices_usd_per_gb_month"]["DEEP_ARCHIVE"] == 0.00099
    assert "Estimated" in report["note"]


def test_usage_of_every_bucket(server: Server, buckets: tuple[str, str, str]) -> None:
    main, small, team = buckets
    report = usage(server)
    by_name = {b["bucket"]: b for b in report["buckets"]}
    assert by_name[small]["storage_classes"]["STANDARD"]["bytes"] == 10
    assert by_name[small]["prefixes"] == {
        "": {"objects": 1, "bytes": 10, "noncurrent_versions": 0, "noncurrent_bytes": 0}
    }
    assert by_name[small]["tags"] == {}
    assert by_name[main]["delete_markers"] == 1
    assert report["estimated_monthly_cost_usd"] == pytest.approx(
        sum(b["estimated_monthly_cost_usd"] for b in report["buckets"]), rel=1e-12
    )
    [mine] = [t for t in report["cost_by_tag"] if t["value"] == team]
    assert mine["buckets"] == [main]
    untagged = report["cost_by_tag"][-1]
    assert untagged["key"] is None and small in untagged["buckets"]


def test_usage_errors(server: Server) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        usage(server, key="wrong")
    assert info.value.code == 403
    assert json.loads(info.value.read())["error"] == "AccessDenied"
    with pytest.raises(urllib.error.HTTPError) as info:
        usage(server, "no-such-bucket-usage-x1")
    assert info.value.code == 404
    assert json.loads(info.value.read())["error"] == "NoSuchBucket"


def test_cli_usage(server: Server, buckets: tuple[str, str, str]) -> None:
    main, _, team = buckets
    result = cli(server, "--bucket", main)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    standard = next(line for line in lines if line.startswith(main) and " STANDARD " in line)
    assert standard.split() == [
        main, "STANDARD", "1", "150", "2", "170", "0", "0", f"{cost(STANDARD=320):.6f}"
    ]  # fmt: skip
    upload = next(line for line in lines if line.startswith(main) and " ONEZONE_IA " in line)
    assert upload.split()[1:8] == ["ONEZONE_IA", "0", "0", "0", "0", "1", "1300"]
    logs = next(line for line in lines if line.startswith(main) and " logs/ " in line)
    assert logs.split() == [main, "logs/", "2", "450", "1", "100"]
    total = cost(STANDARD=320, STANDARD_IA=300, GLACIER=500, ONEZONE_IA=1300)
    assert f"{main}: 1 delete markers, estimated ${total:.6f}/month" in lines
    assert f"cost-center={team}" in result.stdout
    assert f"TOTAL (estimate): ${total:.6f}/month" in lines
    raw = cli(server, "--bucket", main, "--json")
    assert raw.returncode == 0
    assert_classes(json.loads(raw.stdout)["buckets"][0]["storage_classes"], expected_main())


def test_cli_errors(server: Server) -> None:
    denied = cli(server, key="wrong")
    assert denied.returncode == 1
    assert "AccessDenied" in denied.stderr
    missing = cli(server, "--bucket", "no-such-bucket-usage-x1")
    assert missing.returncode == 1
    assert "NoSuchBucket" in missing.stderr
