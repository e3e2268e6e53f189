"""``list_keys`` against a plain reference model: every key sorted, then folded by delimiter.

The store answers with range scans and, for delimited listings, one recursive SQL walk that
skips whole common prefixes; the reference below reads every key, so any skipped or
repeated entry shows up as a difference.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from cloudlet.core.store import Store
from cloudlet.services.s3.listing import list_keys
from cloudlet.services.s3.objects import ObjectRecord, Objects
from cloudlet.services.s3.schema import MIGRATIONS

ALPHABET = ["a", "b", "/", "-", "é", "\U0001f600", "\x00", "~", "\uffff"]


@pytest.fixture
def objects(tmp_path: Path) -> Iterator[Objects]:
    store = Store(tmp_path / "s3.db", MIGRATIONS, synchronous="OFF")
    yield Objects(store)
    store.close()


def reference(
    keys: list[str], prefix: str, delimiter: str, marker: str, max_keys: int
) -> tuple[list[str], list[str], bool]:
    """(keys, common prefixes, truncated) by reading every key in UTF-8 byte order."""
    entries: list[tuple[str, bool]] = []
    seen: set[str] = set()
    for key in sorted(keys, key=str.encode):
        if not key.startswith(prefix):
            continue
        index = key.find(delimiter, len(prefix)) if delimiter else -1
        if index >= 0:
            common = key[: index + len(delimiter)]
            if common.encode() > marker.encode() and common not in seen:
                seen.add(common)
                entries.append((common, True))
        elif key.encode() > marker.encode():
            entries.append((key, False))
    page = entries[:max_keys]
    return (
        [k for k, folded in page if not folded],
        [k for k, folded in page if folded],
        len(entries) > max_keys,
    )


def random_key(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 6)))


def test_random_listings_match_the_reference(objects: Objects) -> None:
    rng = random.Random(20261127)
    keys = sorted({random_key(rng) for _ in range(400)})
    for key in keys:
        objects.put(ObjectRecord("b", key, 1, '"e"', 0.0, "owner"))
    objects.put(ObjectRecord("other", "a/zzz", 1, '"e"', 0.0, "owner"))
    for _ in range(600):
        prefix = rng.choice(["", "", "a", "a/", "/", "é", "\U0001f600/", random_key(rng)[:2]])
        delimiter = rng.choice(["", "/", "/", "-", "a/", "é", "\U0001f600", "~\uffff"])
        marker = rng.choice(["", "", rng.choice(keys), random_key(rng), prefix + "/"])
        max_keys = rng.choice([1, 2, 3, 7, 50, 1000])
        got = list_keys(objects, "b", prefix, delimiter, marker, max_keys)
        expected = reference(keys, prefix, delimiter, marker, max_keys)
        args = (prefix, delimiter, marker, max_keys)
        assert ([r.key for r in got.contents], got.common_prefixes, got.truncated) == expected, args


def test_pages_resume_where_the_last_one_ended(objects: Objects) -> None:
    keys = [f"d{i // 7:02d}/o{i % 7}" for i in range(70)] + [f"top{i}" for i in range(5)]
    for key in keys:
        objects.put(ObjectRecord("b", key, 1, '"e"', 0.0, "owner"))
    listed: list[str] = []
    marker = ""
    while True:
        page = list_keys(objects, "b", "", "/", marker, 3)
        listed += page.common_prefixes + [r.key for r in page.contents]
        if not page.truncated:
            break
        assert page.last is not None
        marker = page.last
    assert sorted(listed) == [f"d{i:02d}/" for i in range(10)] + [f"top{i}" for i in range(5)]


def test_delete_markers_are_hidden_from_a_versioned_listing(objects: Objects) -> None:
    objects.put(ObjectRecord("b", "x/gone", 0, '"e"', 0.0, "owner", delete_marker=True))
    objects.put(ObjectRecord("b", "y/kept", 1, '"e"', 0.0, "owner"))
    objects.put(ObjectRecord("b", "z", 0, '"e"', 0.0, "owner", delete_marker=True))
    page = list_keys(objects, "b", "", "/", "", 1000, hide_markers=True)
    assert page.common_prefixes == ["y/"]
    assert page.contents == []
