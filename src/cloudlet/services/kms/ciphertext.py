"""The symmetric ciphertext blob: it names its key and key material version.

```
| 0x01 | key id (16 bytes, UUID) | version (4 bytes, big-endian) | nonce (12) | AES-GCM output |
```

The header and the encryption context (canonical JSON, keys sorted) are the associated
data, so a changed context or any flipped bit fails authentication. Multi-Region key ids
(``mrk-`` + 32 hex digits) are stored as the same 16 bytes with a different format byte.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from cloudlet.services.kms.errors import InvalidCiphertextException

_FORMAT_UUID = 0x01
_FORMAT_MRK = 0x02
HEADER_BYTES = 1 + 16 + 4


@dataclass(frozen=True, slots=True)
class Header:
    key_id: str
    version: int

    def pack(self) -> bytes:
        if self.key_id.startswith("mrk-"):
            raw, kind = bytes.fromhex(self.key_id[4:]), _FORMAT_MRK
        else:
            raw, kind = uuid.UUID(self.key_id).bytes, _FORMAT_UUID
        return bytes([kind]) + raw + self.version.to_bytes(4, "big")


def unpack(blob: bytes) -> tuple[Header, bytes]:
    """The header and the sealed rest; InvalidCiphertextException if it is not our blob."""
    if len(blob) < HEADER_BYTES + 12 + 16 or blob[0] not in (_FORMAT_UUID, _FORMAT_MRK):
        raise InvalidCiphertextException()
    raw = blob[1:17]
    key_id = str(uuid.UUID(bytes=raw)) if blob[0] == _FORMAT_UUID else "mrk-" + raw.hex()
    version = int.from_bytes(blob[17:HEADER_BYTES], "big")
    return Header(key_id, version), blob[HEADER_BYTES:]


def associated_data(header: bytes, context: dict[str, str] | None) -> bytes:
    return header + canonical_context(context)


def canonical_context(context: dict[str, str] | None) -> bytes:
    return json.dumps(context or {}, sort_keys=True, separators=(",", ":")).encode()
