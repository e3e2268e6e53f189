"""aws-chunked bodies: decoding, per-chunk signatures, trailers, truncation.

The signed examples are the ones in the S3 API reference:
https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html (66560 bytes of 'a' in
chunks of 65536 and 1024) and sigv4-streaming-trailers.html (the same with a CRC32C trailer).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import io
import random
import zlib

import pytest
from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum

from cloudlet.auth import sigv4
from cloudlet.auth.chunked import AwsChunkedStream, ChunkSigning, HashCheckedStream
from cloudlet.core import checksums
from cloudlet.core.errors import IncompleteBody, ServiceError, SignatureDoesNotMatch
from cloudlet.protocol.http import BodyStream, Headers, HttpRequest
from tests.unit.wire import SECRET_KEY, FakeBody, client

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
STAMP = "20130524T000000Z"
SCOPE = "20130524/us-east-1/s3/aws4_request"
DATA = b"a" * 66560
SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
CHUNK_SIGNATURES = [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
]
TRAILER_SEED = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
TRAILER_CHUNK_SIGNATURES = [
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
    "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
]
TRAILER = (
    b"x-amz-checksum-crc32c:sOO8/Q==\r\n"
    b"x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n"
)


def key() -> bytes:
    return sigv4.signing_key(SECRET, "20130524", "us-east-1", "s3")


def signing(seed: str = SEED) -> ChunkSigning:
    return ChunkSigning(key(), STAMP, SCOPE, seed)


def documented_body(signatures: list[str] = CHUNK_SIGNATURES, trailer: bytes = b"") -> bytes:
    return (
        f"10000;chunk-signature={signatures[0]}\r\n".encode()
        + DATA[:65536]
        + f"\r\n400;chunk-signature={signatures[1]}\r\n".encode()
        + DATA[65536:]
        + f"\r\n0;chunk-signature={signatures[2]}\r\n".encode()
        + trailer
        + b"\r\n"
    )


def decode(
    body: bytes,
    chunk_signing: ChunkSigning | None,
    *,
    sizes: list[int] | int | None = None,
    trailer: bool = False,
    length: int | None = None,
) -> tuple[bytes, AwsChunkedStream]:
    stream = AwsChunkedStream(FakeBody(body, sizes), chunk_signing, trailer, length)
    return asyncio.run(stream.read_all()), stream


def test_documented_seed_request_verifies() -> None:
    """The seed signature signs the request headers, as in the S3 streaming example."""
    credential = f"AKIAIOSFODNN7EXAMPLE/{SCOPE}"
    signed_headers = (
        "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
        "x-amz-decoded-content-length;x-amz-storage-class"
    )
    request = HttpRequest(
        "PUT",
        "/examplebucket/chunkObject.txt",
        "",
        Headers(
            [
                ("Host", "s3.amazonaws.com"),
                ("x-amz-date", STAMP),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                (
                    "Authorization",
                    f"AWS4-HMAC-SHA256 Credential={credential},SignedHeaders={signed_headers},"
                    f"Signature={SEED}",
                ),
                ("x-amz-content-sha256", sigv4.STREAMING_SIGNED),
                ("Content-Encoding", "aws-chunked"),
                ("x-amz-decoded-content-length", "66560"),
                ("Content-Length", "66824"),
            ]
        ),
    )
    signed = sigv4.read_signature(request)
    assert signed is not None
    payload = sigv4.payload_hash_for(request, signed)
    assert payload == sigv4.STREAMING_SIGNED
    assert sigv4.verify(request, signed, SECRET, payload) == key()
    assert len(documented_body()) == 66824


def test_documented_chunk_string_to_sign() -> None:
    to_sign = sigv4.chunk_string_to_sign(
        STAMP, SCOPE, SEED, hashlib.sha256(DATA[:65536]).hexdigest()
    )
    assert to_sign == (
        "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        f"{SEED}\n{sigv4.EMPTY_SHA256}\n"
        "bf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a"
    )
    assert sigv4.sign(key(), to_sign) == CHUNK_SIGNATURES[0]


@pytest.mark.parametrize(
    "sizes",
    [None, 1, 2, 7, 1000, 65536, 70000, "random"],
    ids=lambda s: f"pieces-of-{s}",
)
def test_documented_signed_body_decodes_in_any_pieces(sizes: int | str | None) -> None:
    body = documented_body()
    pieces: list[int] | int | None
    if sizes == "random":
        rng = random.Random(7)
        pieces = [rng.randint(1, 300) for _ in range(2000)]
    else:
        pieces = sizes  # type: ignore[assignment]
    data, stream = decode(body, signing(), sizes=pieces, length=66560)
    assert data == DATA
    assert stream.received == 66560
    assert stream.trailers == {}


@pytest.mark.parametrize("index", [0, 1, 2])
def test_corrupted_chunk_signature_is_refused(index: int) -> None:
    signatures = list(CHUNK_SIGNATURES)
    signatures[index] = signatures[index][:-1] + ("0" if signatures[index][-1] != "0" else "1")
    with pytest.raises(SignatureDoesNotMatch) as raised:
        decode(documented_body(signatures), signing(), sizes=4096)
    assert raised.value.status == 403


def test_corrupted_data_is_refused_before_the_chunk_is_finished() -> None:
    body = bytearray(documented_body())
    body[1000] = ord("b")
    stream = AwsChunkedStream(FakeBody(bytes(body), 4096), signing(), False, 66560)

    async def read() -> int:
        total = 0
        with pytest.raises(SignatureDoesNotMatch):
            while chunk := await stream.read_chunk():
                total += len(chunk)
        return total

    # The refusal comes with the first chunk's last bytes, before the second chunk.
    assert asyncio.run(read()) < 65536


def test_wrong_seed_is_refused() -> None:
    with pytest.raises(SignatureDoesNotMatch):
        decode(documented_body(), signing("0" * 64))


def test_missing_chunk_signature_is_refused_when_signed() -> None:
    body = documented_body().replace(f";chunk-signature={CHUNK_SIGNATURES[1]}".encode(), b"")
    with pytest.raises(SignatureDoesNotMatch):
        decode(body, signing())


def _chunk(data: bytes, previous: str) -> tuple[bytes, str]:
    """Sign one chunk independently of the code under test (HMAC by hand)."""
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256-PAYLOAD",
            STAMP,
            SCOPE,
            previous,
            hashlib.sha256(b"").hexdigest(),
            hashlib.sha256(data).hexdigest(),
        ]
    )
    signature = hmac.new(key(), to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{len(data):x};chunk-signature={signature}\r\n".encode() + data + b"\r\n", signature


def test_swapped_chunks_are_refused() -> None:
    """Each chunk carries a valid signature of its own bytes; only the chain orders them."""
    first, sig1 = _chunk(b"1" * 100, SEED)
    second, sig2 = _chunk(b"2" * 100, sig1)
    final, _ = _chunk(b"", sig2)
    data, _ = decode(first + second + final + b"\r\n", signing(), sizes=33)
    assert data == b"1" * 100 + b"2" * 100
    with pytest.raises(SignatureDoesNotMatch):
        decode(second + first + final + b"\r\n", signing())


@pytest.mark.parametrize("cut", [10, 100, 65536 + 90, 66500, 66780])
def test_truncated_body_is_incomplete(cut: int) -> None:
    body = documented_body()[:cut]
    with pytest.raises(IncompleteBody) as raised:
        decode(body, signing(), sizes=1000)
    assert (raised.value.code, raised.value.status) == ("IncompleteBody", 400)


def test_decoded_length_is_held_to_the_header() -> None:
    with pytest.raises(IncompleteBody):
        decode(documented_body(), signing(), length=66561)
    with pytest.raises(IncompleteBody):
        decode(documented_body(), signing(), length=66559)


@pytest.mark.parametrize(
    "body",
    [b"zz;chunk-signature=00\r\n", b"5\r\nhelloXX0\r\n\r\n", b"-5\r\nhello\r\n"],
    ids=["bad-size", "no-crlf-after-data", "negative"],
)
def test_bad_framing_is_refused(body: bytes) -> None:
    with pytest.raises(ServiceError) as raised:
        decode(body, None)
    assert raised.value.code == "IncompleteBody"


def test_overlong_chunk_header_line_is_refused() -> None:
    with pytest.raises(ServiceError) as raised:
        decode(b"5;" + b"x" * 10000 + b"\r\nhello\r\n0\r\n\r\n", None, sizes=512)
    assert raised.value.code == "InvalidRequest"


# ------------------------------------------------------------------ trailers


def test_documented_signed_trailer() -> None:
    body = documented_body(TRAILER_CHUNK_SIGNATURES, TRAILER)
    data, stream = decode(body, signing(TRAILER_SEED), sizes=777, trailer=True, length=66560)
    assert data == DATA
    assert stream.trailers == {"x-amz-checksum-crc32c": "sOO8/Q=="}
    # The checksum itself is that of the data (CRC32C of 66560 'a's).

    hasher = checksums.hasher("CRC32C")
    hasher.update(DATA)
    assert checksums.b64(hasher.digest()) == "sOO8/Q=="


@pytest.mark.parametrize(
    "trailer",
    [
        TRAILER.replace(b"sOO8/Q==", b"sOO8/A=="),
        TRAILER.replace(b"d81f82fc", b"d81f82fd"),
        TRAILER.split(b"\r\n")[0] + b"\r\n",  # the signature is missing
    ],
    ids=["changed-value", "changed-signature", "unsigned"],
)
def test_signed_trailer_tampering_is_refused(trailer: bytes) -> None:
    body = documented_body(TRAILER_CHUNK_SIGNATURES, trailer)
    with pytest.raises(SignatureDoesNotMatch):
        decode(body, signing(TRAILER_SEED), trailer=True)


def test_unsigned_trailer_from_botocore_aws_chunked_wrapper() -> None:
    payload = bytes(range(256)) * 40
    wrapper = AwsChunkedWrapper(
        io.BytesIO(payload),
        checksum_cls=Crc32Checksum,
        checksum_name="x-amz-checksum-crc32",
        chunk_size=1000,
    )
    body = wrapper.read()
    assert body.endswith(b"\r\n0\r\nx-amz-checksum-crc32:" + _crc32_b64(payload) + b"\r\n\r\n")
    for sizes in (1, 3, 1000, None):
        data, stream = decode(body, None, sizes=sizes, trailer=True, length=len(payload))
        assert data == payload
        assert stream.trailers == {"x-amz-checksum-crc32": _crc32_b64(payload).decode()}


def _crc32_b64(data: bytes) -> bytes:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big"))


def test_unsigned_body_may_end_right_after_the_last_chunk() -> None:
    """Some SDKs with no checksum to add send ``0\\r\\n`` and nothing more."""
    for sizes in (1, None):
        data, stream = decode(b"5\r\nhello\r\n0\r\n", None, sizes=sizes, trailer=True, length=5)
        assert data == b"hello"
        assert stream.trailers == {}


def test_put_object_over_https_end_to_end() -> None:
    """A real boto3 PutObject over HTTPS: unsigned aws-chunked body with a CRC32 trailer."""
    s3 = client("s3", "https://localhost:4566")
    payload = b"0123456789" * 300_000  # 3 MB: more than one of botocore's 1 MiB chunks
    request = s3.request("PutObject", Bucket="b", Key="k", Body=io.BytesIO(payload))
    signed = sigv4.read_signature(request)
    assert signed is not None
    declared = sigv4.payload_hash_for(request, signed)
    assert declared == sigv4.STREAMING_UNSIGNED_TRAILER

    sigv4.verify(request, signed, SECRET_KEY, declared)
    length = int(request.headers["x-amz-decoded-content-length"])
    data, stream = decode(request.body, None, sizes=65536, trailer=True, length=length)
    assert data == payload
    assert stream.trailers == {"x-amz-checksum-crc32": _crc32_b64(payload).decode()}


# ------------------------------------------------------------------ HashCheckedStream


def test_hash_checked_stream() -> None:
    body = b"x" * 5000
    declared = hashlib.sha256(body).hexdigest().upper()  # hex digests compare case-free
    stream = HashCheckedStream(FakeBody(body, 999), declared)
    assert asyncio.run(stream.read_all()) == body
    assert stream.received == 5000

    stream = HashCheckedStream(FakeBody(body, 999), hashlib.sha256(b"other").hexdigest())

    async def read_all() -> list[bytes]:
        return [chunk async for chunk in stream]

    with pytest.raises(ServiceError) as raised:
        asyncio.run(read_all())
    assert raised.value.code == "XAmzContentSHA256Mismatch"
    assert raised.value.fields["S3ComputedContentSHA256"] == hashlib.sha256(body).hexdigest()


def test_fake_body_is_a_body_stream() -> None:
    assert isinstance(FakeBody(b""), BodyStream)
