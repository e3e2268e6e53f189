"""Storage usage per bucket, by storage class and top-level prefix, with a cost estimate.

The local stand-in for S3 Storage Lens and cost allocation by bucket tag. Every number is
an SQL aggregate over the metadata tables; no object is read. The cost is an *estimate*:
bytes / 2**30 (a billing "GB") times the us-east-1 list price per GB-month of the storage
class. It leaves out requests, retrievals, transfer, minimum billable sizes and durations,
the per-object archive overhead and Intelligent-Tiering's cheaper tiers (every
INTELLIGENT_TIERING byte is priced at the frequent-access tier).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.s3.errors import NoSuchBucket

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

#: USD per GB-month, us-east-1 list prices (https://aws.amazon.com/s3/pricing/).
PRICES = {
    "STANDARD": 0.023,
    "INTELLIGENT_TIERING": 0.023,
    "STANDARD_IA": 0.0125,
    "ONEZONE_IA": 0.01,
    "GLACIER_IR": 0.004,
    "GLACIER": 0.0036,
    "DEEP_ARCHIVE": 0.00099,
}
GB = 2**30
ESTIMATE_NOTE = (
    "Estimated monthly storage cost: bytes / 2^30 x us-east-1 list price per GB-month of each "
    "storage class; requests, retrievals, transfer and minimum sizes/durations not included."
)

# The key's first segment up to and including "/", or "" for keys without one (keys are BLOBs).
_PREFIX = "CASE WHEN instr(key, X'2F') > 0 THEN substr(key, 1, instr(key, X'2F')) ELSE X'' END"


def price(storage_class: str) -> float:
    return PRICES.get(storage_class, PRICES["STANDARD"])


def report(s3: S3, bucket: str | None = None) -> dict[str, Any]:
    """Usage of one bucket (NoSuchBucket when it does not exist) or of every bucket."""
    if bucket is not None:
        names = [s3.buckets.get(bucket).name]
    else:
        names = [r["name"] for r in s3.store.query("SELECT name FROM buckets ORDER BY name")]
    buckets = []
    for name in names:
        try:
            buckets.append(bucket_usage(s3, name))
        except NoSuchBucket:  # deleted meanwhile
            continue
    total = sum(b["estimated_monthly_cost_usd"] for b in buckets)
    return {
        "buckets": buckets,
        "estimated_monthly_cost_usd": total,
        "cost_by_tag": tag_rollup(buckets),
        "prices_usd_per_gb_month": PRICES,
        "note": ESTIMATE_NOTE,
    }


def bucket_usage(s3: S3, name: str) -> dict[str, Any]:
    found = s3.buckets.get(name)
    classes: dict[str, dict[str, Any]] = {}

    def row(storage_class: str) -> dict[str, Any]:
        return classes.setdefault(
            storage_class,
            dict.fromkeys(
                (
                    "objects",
                    "bytes",
                    "noncurrent_versions",
                    "noncurrent_bytes",
                    "multipart_uploads",
                    "multipart_bytes",
                ),
                0,
            ),
        )

    for table, count, size in (
        ("objects", "objects", "bytes"),
        ("versions", "noncurrent_versions", "noncurrent_bytes"),
    ):
        for r in s3.store.query(
            f"SELECT storage_class, COUNT(*) AS n, COALESCE(SUM(size), 0) AS b FROM {table} "
            "WHERE bucket=? AND delete_marker=0 GROUP BY storage_class",
            (name,),
        ):
            row(r["storage_class"])[count] = r["n"]
            row(r["storage_class"])[size] = r["b"]
    for r in s3.store.query(
        "SELECT u.storage_class, COUNT(DISTINCT u.upload_id) AS n, COALESCE(SUM(p.size), 0) AS b "
        "FROM uploads u LEFT JOIN parts p ON p.upload_id=u.upload_id WHERE u.bucket=? "
        "GROUP BY u.storage_class",
        (name,),
    ):
        row(r["storage_class"])["multipart_uploads"] = r["n"]
        row(r["storage_class"])["multipart_bytes"] = r["b"]
    markers = s3.store.query_one(
        "SELECT (SELECT COUNT(*) FROM objects WHERE bucket=? AND delete_marker=1) AS current, "
        "(SELECT COUNT(*) FROM versions WHERE bucket=? AND delete_marker=1) AS noncurrent",
        (name, name),
    )
    cost = 0.0
    for storage_class, usage in classes.items():
        billed = usage["bytes"] + usage["noncurrent_bytes"] + usage["multipart_bytes"]
        usage["estimated_monthly_cost_usd"] = billed / GB * price(storage_class)
        cost += usage["estimated_monthly_cost_usd"]
    tags = s3.buckets.fresh_config(name, "tagging") or []
    return {
        "bucket": name,
        "account_id": found.account_id,
        "region": found.region,
        "versioning": found.versioning,
        "storage_classes": dict(sorted(classes.items())),
        "delete_markers": markers["current"] + markers["noncurrent"],
        "prefixes": prefixes(s3, name),
        "tags": {k: v for k, v in tags},
        "estimated_monthly_cost_usd": cost,
    }


def prefixes(s3: S3, name: str) -> dict[str, dict[str, int]]:
    """Bytes and counts by top-level prefix ("a/" for "a/b/c"; "" for keys without "/")."""
    out: dict[str, dict[str, int]] = {}
    for table, count, size in (
        ("objects", "objects", "bytes"),
        ("versions", "noncurrent_versions", "noncurrent_bytes"),
    ):
        for r in s3.store.query(
            f"SELECT {_PREFIX} AS prefix, COUNT(*) AS n, COALESCE(SUM(size), 0) AS b "
            f"FROM {table} WHERE bucket=? AND delete_marker=0 GROUP BY prefix",
            (name,),
        ):
            prefix = bytes(r["prefix"]).decode("utf-8", "replace")
            entry = out.setdefault(prefix, dict.fromkeys(_PREFIX_FIELDS, 0))
            entry[count] = r["n"]
            entry[size] = r["b"]
    return dict(sorted(out.items()))


_PREFIX_FIELDS = ("objects", "bytes", "noncurrent_versions", "noncurrent_bytes")


def tag_rollup(buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cost by bucket tag, as cost allocation tags report it: every tag key is a dimension,
    so a bucket's whole cost counts once under each of its tags; untagged buckets under
    (no tags)."""
    groups: dict[tuple[str, str] | None, dict[str, Any]] = {}
    for b in buckets:
        for group in [(k, v) for k, v in sorted(b["tags"].items())] or [None]:
            entry = groups.setdefault(group, {"buckets": [], "estimated_monthly_cost_usd": 0.0})
            entry["buckets"].append(b["bucket"])
            entry["estimated_monthly_cost_usd"] += b["estimated_monthly_cost_usd"]
    out = []
    for group, entry in sorted(groups.items(), key=lambda g: (g[0] is None, g[0] or ("", ""))):
        key, value = group if group is not None else (None, None)
        out.append({"key": key, "value": value, **entry})
    return out
