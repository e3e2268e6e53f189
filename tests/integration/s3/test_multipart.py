"""S3 multipart uploads through real boto3: parts, manifests, checksums, listing, limits."""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from awscrt import checksums as crt
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from ..conftest import Server, make_client

MiB = 1024 * 1024
PART = 5 * MiB


def error_of(info: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = info.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def multipart_etag(parts: list[bytes]) -> str:
    digests = b"".join(hashlib.md5(p).digest() for p in parts)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(parts)}"'


def start(s3: Any, bucket: str, key: str, **kwargs: Any) -> str:
    return s3.create_multipart_upload(Bucket=bucket, Key=key, **kwargs)["UploadId"]


def put_parts(
    s3: Any, bucket: str, key: str, upload_id: str, parts: list[bytes], **kwargs: Any
) -> list[dict[str, Any]]:
    """Upload each part (numbered from 1); returns the Parts list CompleteMultipartUpload takes."""
    done = []
    for number, data in enumerate(parts, start=1):
        etag = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data, **kwargs
        )["ETag"]
        done.append({"PartNumber": number, "ETag": etag})
    return done


def complete(s3: Any, bucket: str, key: str, upload_id: str, parts: list[dict[str, Any]]) -> Any:
    return s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
    )


def get_bytes(s3: Any, bucket: str, key: str, **kwargs: Any) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key, **kwargs)["Body"].read()


def blob_files(server: Server) -> int:
    root = server.data_dir / "s3" / "blobs"
    return sum(1 for path in root.rglob("*") if path.is_file())


# -- the round trip ---------------------------------------------------------------


def test_round_trip_bytes_and_etag(s3: Any, bucket: str) -> None:
    parts = [os.urandom(PART), os.urandom(PART), os.urandom(1234)]
    upload_id = start(s3, bucket, "big/object.bin", ContentType="application/x-test")
    done = put_parts(s3, bucket, "big/object.bin", upload_id, parts)
    assert done[0]["ETag"] == f'"{hashlib.md5(parts[0]).hexdigest()}"'
    result = complete(s3, bucket, "big/object.bin", upload_id, done)
    assert result["ETag"] == multipart_etag(parts)
    assert result["Bucket"] == bucket and result["Key"] == "big/object.bin"

    got = s3.get_object(Bucket=bucket, Key="big/object.bin")
    assert got["Body"].read() == b"".join(parts)
    assert got["ETag"] == multipart_etag(parts)
    assert got["ContentLength"] == 2 * PART + 1234
    assert got["ContentType"] == "application/x-test"
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["ETag"], o["Size"]) for o in listed] == [
        ("big/object.bin", multipart_etag(parts), 2 * PART + 1234)
    ]
    # The upload is gone once completed.
    with pytest.raises(ClientError) as info:
        s3.list_parts(Bucket=bucket, Key="big/object.bin", UploadId=upload_id)
    assert error_of(info) == ("NoSuchUpload", 404)


def test_get_and_head_by_part_number(s3: Any, bucket: str) -> None:
    parts = [os.urandom(PART), b"tail-part" * 100]
    upload_id = start(s3, bucket, "k")
    complete(s3, bucket, "k", upload_id, put_parts(s3, bucket, "k", upload_id, parts))

    second = s3.get_object(Bucket=bucket, Key="k", PartNumber=2)
    assert second["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert second["PartsCount"] == 2
    assert second["ContentLength"] == len(parts[1])
    assert second["ContentRange"] == f"bytes {PART}-{PART + len(parts[1]) - 1}/{PART + 900}"
    assert second["Body"].read() == parts[1]
    first = s3.get_object(Bucket=bucket, Key="k", PartNumber=1)
    assert first["Body"].read() == parts[0]
    head = s3.head_object(Bucket=bucket, Key="k", PartNumber=1)
    assert head["PartsCount"] == 2 and head["ContentLength"] == PART

    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="k", PartNumber=3)
    assert error_of(info) == ("InvalidPartNumber", 416)


def test_range_across_part_boundaries(s3: Any, bucket: str) -> None:
    parts = [os.urandom(PART), os.urandom(PART), os.urandom(10)]
    upload_id = start(s3, bucket, "k")
    complete(s3, bucket, "k", upload_id, put_parts(s3, bucket, "k", upload_id, parts))
    whole = b"".join(parts)
    for first, last in ((PART - 3, PART + 2), (PART - 1, 2 * PART + 9), (0, 2 * PART)):
        got = s3.get_object(Bucket=bucket, Key="k", Range=f"bytes={first}-{last}")
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
        assert got["ContentRange"] == f"bytes {first}-{last}/{len(whole)}"
        assert got["Body"].read() == whole[first : last + 1]
    assert get_bytes(s3, bucket, "k", Range="bytes=-15") == whole[-15:]


def test_empty_parts(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "empty")
    done = put_parts(s3, bucket, "empty", upload_id, [b""])
    assert complete(s3, bucket, "empty", upload_id, done)["ETag"] == multipart_etag([b""])
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["ContentLength"] == 0 and got["Body"].read() == b""
    # An empty last part after a full one.
    parts = [os.urandom(PART), b""]
    upload_id = start(s3, bucket, "k")
    complete(s3, bucket, "k", upload_id, put_parts(s3, bucket, "k", upload_id, parts))
    assert get_bytes(s3, bucket, "k") == parts[0]


def test_upload_part_content_md5_mismatch(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k")
    wrong = base64.b64encode(hashlib.md5(b"something else").digest()).decode()
    with pytest.raises(ClientError) as info:
        s3.upload_part(
            Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"x", ContentMD5=wrong
        )
    assert error_of(info) == ("BadDigest", 400)
    assert s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id).get("Parts", []) == []


def test_conditional_complete(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"existing")
    upload_id = start(s3, bucket, "k")
    done = put_parts(s3, bucket, "k", upload_id, [b"new"])
    with pytest.raises(ClientError) as info:
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": done},
            IfNoneMatch="*",
        )
    assert error_of(info) == ("PreconditionFailed", 412)
    assert get_bytes(s3, bucket, "k") == b"existing"
    # The upload is still there: completing without the condition works.
    complete(s3, bucket, "k", upload_id, done)
    assert get_bytes(s3, bucket, "k") == b"new"


def test_single_part_upload_may_be_small(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "small")
    done = put_parts(s3, bucket, "small", upload_id, [b"tiny"])
    assert complete(s3, bucket, "small", upload_id, done)["ETag"] == multipart_etag([b"tiny"])
    assert get_bytes(s3, bucket, "small") == b"tiny"


def test_completing_replaces_an_existing_object(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"old bytes", Metadata={"v": "1"})
    upload_id = start(s3, bucket, "k", Metadata={"v": "2"})
    parts = [os.urandom(PART), b"new"]
    complete(s3, bucket, "k", upload_id, put_parts(s3, bucket, "k", upload_id, parts))
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"".join(parts)
    assert got["Metadata"] == {"v": "2"}
    assert got["ETag"] == multipart_etag(parts)
    # And a single PUT replaces the multipart object in turn.
    s3.put_object(Bucket=bucket, Key="k", Body=b"plain again")
    assert get_bytes(s3, bucket, "k") == b"plain again"


def test_complete_with_a_subset_of_the_parts(s3: Any, bucket: str) -> None:
    parts = [os.urandom(PART), os.urandom(PART), b"three"]
    upload_id = start(s3, bucket, "k")
    done = put_parts(s3, bucket, "k", upload_id, parts)
    result = complete(s3, bucket, "k", upload_id, [done[0], done[2]])
    assert result["ETag"] == multipart_etag([parts[0], parts[2]])
    assert get_bytes(s3, bucket, "k") == parts[0] + parts[2]


def test_reuploading_a_part_replaces_it(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k")
    put_parts(s3, bucket, "k", upload_id, [os.urandom(PART), b"first version"])
    replacement = os.urandom(PART)
    etag = s3.upload_part(
        Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=replacement
    )["ETag"]
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"]) for p in listed][0] == (1, etag)
    assert len(listed) == 2
    done = [{"PartNumber": 1, "ETag": etag}, {"PartNumber": 2, "ETag": listed[1]["ETag"]}]
    complete(s3, bucket, "k", upload_id, done)
    assert get_bytes(s3, bucket, "k") == replacement + b"first version"


# -- negative cases ---------------------------------------------------------------


def test_small_part_before_the_last_is_entity_too_small(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k")
    done = put_parts(s3, bucket, "k", upload_id, [b"a" * (PART - 1), b"b" * 10])
    with pytest.raises(ClientError) as info:
        complete(s3, bucket, "k", upload_id, done)
    assert error_of(info) == ("EntityTooSmall", 400)
    # The upload is still there to fix.
    assert len(s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)["Parts"]) == 2


@pytest.mark.parametrize("mistake", ["unknown part", "wrong etag"])
def test_invalid_part(s3: Any, bucket: str, mistake: str) -> None:
    upload_id = start(s3, bucket, "k")
    done = put_parts(s3, bucket, "k", upload_id, [os.urandom(PART)])
    if mistake == "unknown part":
        done.append({"PartNumber": 7, "ETag": done[0]["ETag"]})
    else:
        done[0]["ETag"] = '"' + hashlib.md5(b"other").hexdigest() + '"'
    with pytest.raises(ClientError) as info:
        complete(s3, bucket, "k", upload_id, done)
    assert error_of(info) == ("InvalidPart", 400)


def test_parts_out_of_order_is_invalid_part_order(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k")
    done = put_parts(s3, bucket, "k", upload_id, [os.urandom(PART), b"two"])
    # The order is checked before the parts: the small part 2 listed first is not the error.
    for parts in ([done[1], done[0]], [done[0], done[0]]):
        with pytest.raises(ClientError) as info:
            complete(s3, bucket, "k", upload_id, parts)
        assert error_of(info) == ("InvalidPartOrder", 400)


def test_empty_part_list_is_malformed_xml(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k")
    with pytest.raises(ClientError) as info:
        complete(s3, bucket, "k", upload_id, [])
    assert error_of(info) == ("MalformedXML", 400)


@pytest.mark.parametrize("number", [0, 10001])
def test_part_number_out_of_range(s3: Any, bucket: str, number: int) -> None:
    upload_id = start(s3, bucket, "k")
    with pytest.raises(ClientError) as info:
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number, Body=b"x")
    assert error_of(info) == ("InvalidArgument", 400)
    assert "Part number must be an integer between 1 and 10000" in str(info.value)


def test_upload_part_to_unknown_upload(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as info:
        s3.upload_part(Bucket=bucket, Key="k", UploadId="no-such-upload", PartNumber=1, Body=b"x")
    assert error_of(info) == ("NoSuchUpload", 404)
    # An upload id is bound to its key.
    upload_id = start(s3, bucket, "k")
    with pytest.raises(ClientError) as info:
        s3.upload_part(Bucket=bucket, Key="other", UploadId=upload_id, PartNumber=1, Body=b"x")
    assert error_of(info) == ("NoSuchUpload", 404)
    with pytest.raises(ClientError) as info:
        complete(s3, bucket, "k", "no-such-upload", [{"PartNumber": 1, "ETag": '"x"'}])
    assert error_of(info) == ("NoSuchUpload", 404)


def test_connection_is_reusable_after_a_refused_upload_part(
    bucket: str, client_factory: Callable[..., Any]
) -> None:
    """Refused before its Expect: 100-continue body is sent, the connection must not be reused
    as if the body had come (the server would read the next request as that body)."""
    client = client_factory("s3")
    with pytest.raises(ClientError) as info:
        client.upload_part(Bucket=bucket, Key="k", UploadId="nope", PartNumber=1, Body=b"x")
    assert error_of(info) == ("NoSuchUpload", 404)
    assert client.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_complete_twice_is_no_such_upload(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k")
    done = put_parts(s3, bucket, "k", upload_id, [b"abc"])
    complete(s3, bucket, "k", upload_id, done)
    with pytest.raises(ClientError) as info:
        complete(s3, bucket, "k", upload_id, done)
    assert error_of(info) == ("NoSuchUpload", 404)
    assert get_bytes(s3, bucket, "k") == b"abc"


def test_delete_bucket_with_upload_in_progress(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "pending")
    with pytest.raises(ClientError) as info:
        s3.delete_bucket(Bucket=bucket)
    assert error_of(info) == ("BucketNotEmpty", 409)
    s3.abort_multipart_upload(Bucket=bucket, Key="pending", UploadId=upload_id)
    s3.delete_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as info:
        s3.head_bucket(Bucket=bucket)
    assert error_of(info)[1] == 404


# -- abort and blob files ---------------------------------------------------------


def test_abort_removes_upload_and_blobs(own_server: Server) -> None:
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    s3.create_bucket(Bucket="abort-test")
    before = blob_files(own_server)
    upload_id = start(s3, "abort-test", "k")
    put_parts(s3, "abort-test", "k", upload_id, [b"x" * 1000, b"y" * 1000, b"z"])
    assert blob_files(own_server) == before + 3
    # Replacing a part does not leave the old bytes behind.
    s3.upload_part(Bucket="abort-test", Key="k", UploadId=upload_id, PartNumber=1, Body=b"w")
    assert blob_files(own_server) == before + 3

    response = s3.abort_multipart_upload(Bucket="abort-test", Key="k", UploadId=upload_id)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as info:
        s3.list_parts(Bucket="abort-test", Key="k", UploadId=upload_id)
    assert error_of(info) == ("NoSuchUpload", 404)
    assert s3.list_multipart_uploads(Bucket="abort-test").get("Uploads", []) == []
    assert blob_files(own_server) == before
    with pytest.raises(ClientError) as info:
        s3.abort_multipart_upload(Bucket="abort-test", Key="k", UploadId=upload_id)
    assert error_of(info) == ("NoSuchUpload", 404)


def test_complete_keeps_only_the_chosen_parts_blobs(own_server: Server) -> None:
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    s3.create_bucket(Bucket="blobs-test")
    s3.put_object(Bucket="blobs-test", Key="k", Body=b"to be replaced")
    before = blob_files(own_server)
    upload_id = start(s3, "blobs-test", "k")
    parts = [os.urandom(PART), b"unused", b"last"]
    done = put_parts(s3, "blobs-test", "k", upload_id, parts)
    complete(s3, "blobs-test", "k", upload_id, [done[0], done[2]])
    # Two parts make the object; the unused part and the replaced object's blob are gone.
    assert blob_files(own_server) == before - 1 + 2
    s3.delete_object(Bucket="blobs-test", Key="k")
    assert blob_files(own_server) == before - 1


def test_completed_object_survives_restart(own_server: Server) -> None:
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    s3.create_bucket(Bucket="restart-test")
    parts = [os.urandom(PART), os.urandom(100)]
    upload_id = start(s3, "restart-test", "k")
    complete(
        s3, "restart-test", "k", upload_id, put_parts(s3, "restart-test", "k", upload_id, parts)
    )
    pending = start(s3, "restart-test", "pending")
    put_parts(s3, "restart-test", "pending", pending, [b"p1"])

    own_server.restart()
    s3 = make_client(own_server.endpoint, "s3")
    got = s3.get_object(Bucket="restart-test", Key="k")
    assert got["Body"].read() == b"".join(parts)
    assert got["ETag"] == multipart_etag(parts)
    assert get_bytes(s3, "restart-test", "k", PartNumber=2) == parts[1]
    # An upload in progress survives too, parts and all.
    listed = s3.list_parts(Bucket="restart-test", Key="pending", UploadId=pending)["Parts"]
    assert [p["Size"] for p in listed] == [2]


# -- listing ----------------------------------------------------------------------


def test_list_parts_paging(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k")
    for number in (1, 2, 3, 5, 8):
        s3.upload_part(
            Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number, Body=b"p" * number
        )
    page = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [1, 2]
    assert page["IsTruncated"] is True
    assert page["MaxParts"] == 2
    assert page["NextPartNumberMarker"] == 2
    assert page["Parts"][1]["Size"] == 2
    assert page["Parts"][1]["ETag"] == f'"{hashlib.md5(b"pp").hexdigest()}"'
    page = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2, PartNumberMarker=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [3, 5]
    assert page["PartNumberMarker"] == 2
    assert page["IsTruncated"] is True
    page = s3.list_parts(
        Bucket=bucket,
        Key="k",
        UploadId=upload_id,
        MaxParts=2,
        PartNumberMarker=page["NextPartNumberMarker"],
    )
    assert [p["PartNumber"] for p in page["Parts"]] == [8]
    assert page["IsTruncated"] is False
    # The paginator walks them all.
    paginator = s3.get_paginator("list_parts")
    numbers = [
        p["PartNumber"]
        for pg in paginator.paginate(
            Bucket=bucket, Key="k", UploadId=upload_id, PaginationConfig={"PageSize": 2}
        )
        for p in pg.get("Parts", [])
    ]
    assert numbers == [1, 2, 3, 5, 8]


def test_list_multipart_uploads_prefix_and_delimiter(s3: Any, bucket: str) -> None:
    keys = ["logs/2024/a", "logs/2024/b", "logs/2025/a", "logs/top", "other"]
    ids = {key: start(s3, bucket, key) for key in keys}
    everything = s3.list_multipart_uploads(Bucket=bucket)
    assert [u["Key"] for u in everything["Uploads"]] == keys
    assert {u["UploadId"] for u in everything["Uploads"]} == set(ids.values())
    assert everything["IsTruncated"] is False

    prefixed = s3.list_multipart_uploads(Bucket=bucket, Prefix="logs/")
    assert [u["Key"] for u in prefixed["Uploads"]] == keys[:4]
    assert prefixed["Prefix"] == "logs/"

    grouped = s3.list_multipart_uploads(Bucket=bucket, Prefix="logs/", Delimiter="/")
    assert [u["Key"] for u in grouped["Uploads"]] == ["logs/top"]
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["logs/2024/", "logs/2025/"]
    assert grouped["Delimiter"] == "/"

    top = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [u["Key"] for u in top["Uploads"]] == ["other"]
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["logs/"]


def test_list_multipart_uploads_paging(s3: Any, bucket: str) -> None:
    # Two uploads of one key, then others: paging splits between uploads of the same key.
    same = [start(s3, bucket, "a"), start(s3, bucket, "a")]
    start(s3, bucket, "b")
    start(s3, bucket, "c")
    first = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1)
    assert [u["Key"] for u in first["Uploads"]] == ["a"]
    assert first["IsTruncated"] is True
    assert first["MaxUploads"] == 1
    assert first["NextKeyMarker"] == "a"
    assert first["NextUploadIdMarker"] == first["Uploads"][0]["UploadId"]

    seen = [(u["Key"], u["UploadId"]) for u in first["Uploads"]]
    page = first
    while page["IsTruncated"]:
        page = s3.list_multipart_uploads(
            Bucket=bucket,
            MaxUploads=2,
            KeyMarker=page["NextKeyMarker"],
            UploadIdMarker=page["NextUploadIdMarker"],
        )
        seen += [(u["Key"], u["UploadId"]) for u in page["Uploads"]]
    assert [key for key, _ in seen] == ["a", "a", "b", "c"]
    assert {upload for key, upload in seen if key == "a"} == set(same)

    # KeyMarker alone skips every upload of that key.
    after_a = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a")
    assert [u["Key"] for u in after_a["Uploads"]] == ["b", "c"]
    assert after_a["KeyMarker"] == "a"

    # With a delimiter, a common prefix can end a page and is not repeated on the next.
    for key in ("d/1", "d/2", "e"):
        start(s3, bucket, key)
    page = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", MaxUploads=5)
    assert [u["Key"] for u in page["Uploads"]] == ["a", "a", "b", "c"]
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["d/"]
    assert page["IsTruncated"] is True
    page = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", MaxUploads=1, KeyMarker="c")
    assert page["CommonPrefixes"] == [{"Prefix": "d/"}] and "Uploads" not in page
    assert page["IsTruncated"] is True
    assert page["NextKeyMarker"] == "d/" and "NextUploadIdMarker" not in page
    page = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", KeyMarker="d/")
    assert [u["Key"] for u in page["Uploads"]] == ["e"] and "CommonPrefixes" not in page

    # The paginator agrees.
    paginator = s3.get_paginator("list_multipart_uploads")
    keys = [
        u["Key"]
        for pg in paginator.paginate(Bucket=bucket, PaginationConfig={"PageSize": 3})
        for u in pg.get("Uploads", [])
    ]
    assert keys == ["a", "a", "b", "c", "d/1", "d/2", "e"]


def test_multipart_with_awkward_keys(s3: Any, bucket: str) -> None:
    keys = ["dir/ä b+c?.csv", "../../escape", "a" * 1024]
    for key in keys:
        upload_id = start(s3, bucket, key)
        assert s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)["Key"] == key
    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert [u["Key"] for u in listed["Uploads"]] == sorted(keys)
    encoded = s3.list_multipart_uploads(Bucket=bucket, EncodingType="url", Prefix="dir/")
    assert encoded["EncodingType"] == "url"
    assert [u["Key"] for u in encoded["Uploads"]] == ["dir/%C3%A4%20b%2Bc%3F.csv"]
    for upload in listed["Uploads"]:
        done = put_parts(s3, bucket, upload["Key"], upload["UploadId"], [upload["Key"].encode()])
        complete(s3, bucket, upload["Key"], upload["UploadId"], done)
    for key in keys:
        assert get_bytes(s3, bucket, key) == key.encode()


# -- UploadPartCopy ---------------------------------------------------------------


def test_upload_part_copy(s3: Any, bucket: str) -> None:
    source = os.urandom(PART + 5000)
    s3.put_object(Bucket=bucket, Key="source", Body=source)
    upload_id = start(s3, bucket, "copy")
    whole = s3.upload_part_copy(
        Bucket=bucket,
        Key="copy",
        UploadId=upload_id,
        PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "source"},
    )["CopyPartResult"]
    assert whole["ETag"] == f'"{hashlib.md5(source).hexdigest()}"'
    ranged = s3.upload_part_copy(
        Bucket=bucket,
        Key="copy",
        UploadId=upload_id,
        PartNumber=2,
        CopySource=f"{bucket}/source",
        CopySourceRange="bytes=100-4099",
    )["CopyPartResult"]
    assert ranged["ETag"] == f'"{hashlib.md5(source[100:4100]).hexdigest()}"'
    done = [{"PartNumber": 1, "ETag": whole["ETag"]}, {"PartNumber": 2, "ETag": ranged["ETag"]}]
    result = complete(s3, bucket, "copy", upload_id, done)
    assert result["ETag"] == multipart_etag([source, source[100:4100]])
    assert get_bytes(s3, bucket, "copy") == source + source[100:4100]


def test_upload_part_copy_from_a_multipart_source(s3: Any, bucket: str) -> None:
    parts = [os.urandom(PART), os.urandom(3000)]
    upload_id = start(s3, bucket, "source")
    complete(s3, bucket, "source", upload_id, put_parts(s3, bucket, "source", upload_id, parts))
    source = b"".join(parts)
    # A range that spans the boundary between the source's two parts.
    first, last = PART - 1000, PART + 999
    upload_id = start(s3, bucket, "copy")
    etag = s3.upload_part_copy(
        Bucket=bucket,
        Key="copy",
        UploadId=upload_id,
        PartNumber=1,
        CopySource=f"{bucket}/source",
        CopySourceRange=f"bytes={first}-{last}",
    )["CopyPartResult"]["ETag"]
    complete(s3, bucket, "copy", upload_id, [{"PartNumber": 1, "ETag": etag}])
    assert get_bytes(s3, bucket, "copy") == source[first : last + 1]


@pytest.mark.parametrize("bad_range", ["bytes=0-999999", "bytes=10-5", "bytes=5-", "items=0-3"])
def test_upload_part_copy_bad_range(s3: Any, bucket: str, bad_range: str) -> None:
    s3.put_object(Bucket=bucket, Key="source", Body=b"0123456789")
    upload_id = start(s3, bucket, "copy")
    with pytest.raises(ClientError) as info:
        s3.upload_part_copy(
            Bucket=bucket,
            Key="copy",
            UploadId=upload_id,
            PartNumber=1,
            CopySource=f"{bucket}/source",
            CopySourceRange=bad_range,
        )
    assert error_of(info) == ("InvalidArgument", 400)


def test_upload_part_copy_missing_source(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "copy")
    with pytest.raises(ClientError) as info:
        s3.upload_part_copy(
            Bucket=bucket,
            Key="copy",
            UploadId=upload_id,
            PartNumber=1,
            CopySource=f"{bucket}/missing",
        )
    assert error_of(info) == ("NoSuchKey", 404)


# -- checksums --------------------------------------------------------------------


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(crt.crc32(data).to_bytes(4, "big")).decode()


def crc64nvme_b64(data: bytes) -> str:
    return base64.b64encode(crt.crc64nvme(data).to_bytes(8, "big")).decode()


def test_composite_crc32_checksum(s3: Any, bucket: str) -> None:
    parts = [os.urandom(PART), os.urandom(777)]
    created = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="CRC32")
    assert created["ChecksumAlgorithm"] == "CRC32"
    assert created["ChecksumType"] == "COMPOSITE"
    upload_id = created["UploadId"]
    done = []
    for number, data in enumerate(parts, start=1):
        response = s3.upload_part(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            PartNumber=number,
            Body=data,
            ChecksumCRC32=crc32_b64(data),
        )
        assert response["ChecksumCRC32"] == crc32_b64(data)
        done.append(
            {"PartNumber": number, "ETag": response["ETag"], "ChecksumCRC32": crc32_b64(data)}
        )
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    assert [p["ChecksumCRC32"] for p in listed["Parts"]] == [crc32_b64(p) for p in parts]
    assert listed["ChecksumAlgorithm"] == "CRC32"

    result = complete(s3, bucket, "k", upload_id, done)
    digests = b"".join(base64.b64decode(crc32_b64(p)) for p in parts)
    expected = f"{crc32_b64(digests)}-2"
    assert result["ChecksumCRC32"] == expected
    assert result["ChecksumType"] == "COMPOSITE"
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == expected
    assert head["ChecksumType"] == "COMPOSITE"


def test_upload_part_with_wrong_checksum_is_refused(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k", ChecksumAlgorithm="CRC32")
    with pytest.raises(ClientError) as info:
        s3.upload_part(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            PartNumber=1,
            Body=b"data",
            ChecksumCRC32=crc32_b64(b"other"),
        )
    assert error_of(info) == ("BadDigest", 400)
    assert s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id).get("Parts", []) == []


def test_upload_part_checksum_must_use_the_uploads_algorithm(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k", ChecksumAlgorithm="CRC32")
    with pytest.raises(ClientError) as info:
        s3.upload_part(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            PartNumber=1,
            Body=b"data",
            ChecksumAlgorithm="SHA256",
        )
    assert error_of(info) == ("InvalidRequest", 400)
    assert "expected checksum Type: crc32, actual checksum Type: sha256" in str(info.value)


def test_composite_complete_checks_the_part_checksums(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k", ChecksumAlgorithm="CRC32")
    etag = s3.upload_part(
        Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"data",
        ChecksumAlgorithm="CRC32",
    )["ETag"]  # fmt: skip
    attempts = {
        "InvalidRequest": {"PartNumber": 1, "ETag": etag},  # checksum missing
        "InvalidPart": {"PartNumber": 1, "ETag": etag, "ChecksumCRC32": crc32_b64(b"other")},
    }
    for code, part in attempts.items():
        with pytest.raises(ClientError) as info:
            complete(s3, bucket, "k", upload_id, [part])
        assert error_of(info) == (code, 400)
    # Claiming the wrong checksum type for the upload is a BadDigest.
    part = {"PartNumber": 1, "ETag": etag, "ChecksumCRC32": crc32_b64(b"data")}
    with pytest.raises(ClientError) as info:
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": [part]},
            ChecksumType="FULL_OBJECT",
        )
    assert error_of(info) == ("BadDigest", 400)
    result = complete(s3, bucket, "k", upload_id, [part])
    assert result["ChecksumCRC32"] == crc32_b64(base64.b64decode(crc32_b64(b"data"))) + "-1"


def test_upload_part_copy_into_a_checksummed_upload(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="source", Body=b"0123456789")
    upload_id = start(s3, bucket, "copy", ChecksumAlgorithm="CRC32")
    result = s3.upload_part_copy(
        Bucket=bucket,
        Key="copy",
        UploadId=upload_id,
        PartNumber=1,
        CopySource=f"{bucket}/source",
        CopySourceRange="bytes=2-5",
    )["CopyPartResult"]
    assert result["ChecksumCRC32"] == crc32_b64(b"2345")
    part = {"PartNumber": 1, "ETag": result["ETag"], "ChecksumCRC32": result["ChecksumCRC32"]}
    complete(s3, bucket, "copy", upload_id, [part])
    assert get_bytes(s3, bucket, "copy") == b"2345"


def test_full_object_crc64nvme_checksum(s3: Any, bucket: str) -> None:
    parts = [os.urandom(PART), os.urandom(PART), os.urandom(4321)]
    created = s3.create_multipart_upload(
        Bucket=bucket, Key="k", ChecksumAlgorithm="CRC64NVME", ChecksumType="FULL_OBJECT"
    )
    assert created["ChecksumType"] == "FULL_OBJECT"
    upload_id = created["UploadId"]
    done = []
    for number, data in enumerate(parts, start=1):
        response = s3.upload_part(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            PartNumber=number,
            Body=data,
            ChecksumCRC64NVME=crc64nvme_b64(data),
        )
        done.append(
            {
                "PartNumber": number,
                "ETag": response["ETag"],
                "ChecksumCRC64NVME": crc64nvme_b64(data),
            }
        )
    whole = b"".join(parts)
    result = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="k",
        UploadId=upload_id,
        MultipartUpload={"Parts": done},
        ChecksumCRC64NVME=crc64nvme_b64(whole),
        ChecksumType="FULL_OBJECT",
    )
    assert result["ChecksumCRC64NVME"] == crc64nvme_b64(whole)
    assert result["ChecksumType"] == "FULL_OBJECT"
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["ChecksumCRC64NVME"] == crc64nvme_b64(whole)
    assert got["Body"].read() == whole


def test_full_object_checksum_mismatch_on_complete(s3: Any, bucket: str) -> None:
    created = s3.create_multipart_upload(
        Bucket=bucket, Key="k", ChecksumAlgorithm="CRC64NVME", ChecksumType="FULL_OBJECT"
    )
    upload_id = created["UploadId"]
    done = put_parts(s3, bucket, "k", upload_id, [b"abc"], ChecksumAlgorithm="CRC64NVME")
    with pytest.raises(ClientError) as info:
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": done},
            ChecksumCRC64NVME=crc64nvme_b64(b"not abc"),
            ChecksumType="FULL_OBJECT",
        )
    assert error_of(info) == ("BadDigest", 400)
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket=bucket, Key="k")
    assert error_of(info)[1] == 404


@pytest.mark.parametrize(
    ("algorithm", "checksum_type"), [("SHA256", "FULL_OBJECT"), ("CRC64NVME", "COMPOSITE")]
)
def test_checksum_type_must_suit_the_algorithm(
    s3: Any, bucket: str, algorithm: str, checksum_type: str
) -> None:
    with pytest.raises(ClientError) as info:
        s3.create_multipart_upload(
            Bucket=bucket, Key="k", ChecksumAlgorithm=algorithm, ChecksumType=checksum_type
        )
    assert error_of(info) == ("InvalidRequest", 400)
    assert f"The {checksum_type} checksum type cannot be used" in str(info.value)


# -- boto3's managed transfers ----------------------------------------------------


def test_upload_file_and_download_file(
    s3: Any, bucket_factory: Callable[..., str], tmp_path: Path
) -> None:
    bucket = bucket_factory("transfer")
    source = tmp_path / "source.bin"
    data = os.urandom(23 * MiB)
    source.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)
    s3.upload_file(str(source), bucket, "data/source.bin", Config=config)

    head = s3.head_object(Bucket=bucket, Key="data/source.bin")
    assert head["ContentLength"] == len(data)
    chunks = [data[i : i + 5 * MiB] for i in range(0, len(data), 5 * MiB)]
    assert head["ETag"] == multipart_etag(chunks)
    assert s3.head_object(Bucket=bucket, Key="data/source.bin", PartNumber=1)["PartsCount"] == 5

    target = tmp_path / f"target-{uuid.uuid4().hex}.bin"
    s3.download_file(bucket, "data/source.bin", str(target), Config=config)
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(data).digest()
