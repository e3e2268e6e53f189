"""How a crawler turns classified files into tables and partitions (pure logic).

As AWS describes it (https://docs.aws.amazon.com/glue/latest/dg/crawler-s3-folder-table-partition.html):
starting at the include path, when every file below a folder has the same format and
similar schemas (here: each file's columns cover at least 70% of all their columns),
that folder is one table and the folders below it are its partitions, named by their
``key=value`` form or ``partition_0``, ``partition_1``... Otherwise each subfolder is
looked at the same way, and files lying directly in a folder form tables of their own.
Folders named ``key=value`` (one key) are taken as partitions whatever the columns; with
``TableGroupingPolicy: CombineCompatibleSchemas`` the format alone decides everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from cloudlet.services.glue.classify import Classification
from cloudlet.services.glue.classify.types import GlueType, columns, merge_fields

SIMILARITY = 0.7


@dataclass(slots=True)
class FileInfo:
    key: str
    #: Path components below the include path; the last one is the file name.
    rel: tuple[str, ...]
    size: int
    cls: Classification | None
    sampled: bool = True

    @property
    def folders(self) -> tuple[str, ...]:
        return self.rel[:-1]


@dataclass(slots=True)
class PartitionPlan:
    values: list[str]
    location: str
    files: list[FileInfo] = field(default_factory=list)


@dataclass(slots=True)
class TablePlan:
    name: str
    location: str
    files: list[FileInfo]
    keys: list[str] = field(default_factory=list)
    partitions: dict[tuple[str, ...], PartitionPlan] = field(default_factory=dict)
    #: The catalog database it goes to, and whether it is a catalog target's own table.
    database: str | None = None
    catalog_table: bool = False

    @property
    def first(self) -> Classification:
        return next(f.cls for f in self.files if f.cls is not None)

    def fields(self, files: list[FileInfo] | None = None) -> tuple[tuple[str, GlueType], ...]:
        merged: tuple[tuple[str, GlueType], ...] = ()
        for item in files if files is not None else self.files:
            if item.cls is not None and item.sampled:
                merged = merge_fields(merged, item.cls.fields)
        return merged


def safe_name(text: str) -> str:
    """A catalog name from a folder or file name, as the crawler makes it."""
    name = re.sub(r"[^a-z0-9_]", "_", text.lower())
    return name or "table"


def _names(item: FileInfo) -> set[str]:
    assert item.cls is not None
    return {name.lower() for name, _ in item.cls.fields}


def compatible(files: list[FileInfo], combine: bool) -> bool:
    known = [f for f in files if f.cls is not None]
    if not known:
        return False
    signature = known[0].cls.signature()  # type: ignore[union-attr]
    if any(f.cls.signature() != signature for f in known):  # type: ignore[union-attr]
        return False
    if combine:
        return True
    union: set[str] = set()
    for item in known:
        union |= _names(item)
    return all(len(_names(item)) >= SIMILARITY * len(union) for item in known)


def _hive_level(files: list[FileInfo], depth: int) -> bool:
    """Every file sits in a ``key=value`` folder of one key right below this level: the
    folders are partitions, so a drifting schema (a column more in some) stays one table."""
    keys = set()
    for item in files:
        if len(item.folders) <= depth or "=" not in item.folders[depth]:
            return False
        keys.add(item.folders[depth].split("=", 1)[0].lower())
    return len(keys) == 1


def plan_tables(
    bucket: str, root: str, files: list[FileInfo], combine: bool, root_name: str
) -> list[TablePlan]:
    """Tables for the files below ``s3://bucket/root`` (``root`` ends with / or is empty)."""
    known = [f for f in files if f.cls is not None]
    return _group(bucket, root, (), known, combine, root_name)


def _group(
    bucket: str,
    root: str,
    at: tuple[str, ...],
    files: list[FileInfo],
    combine: bool,
    name: str,
) -> list[TablePlan]:
    if not files:
        return []
    location = f"s3://{bucket}/{root}{''.join(p + '/' for p in at)}"
    if compatible(files, combine or _hive_level(files, len(at))):
        return [_table(safe_name(name), location, at, files)]
    tables: list[TablePlan] = []
    children: dict[str, list[FileInfo]] = {}
    direct: list[FileInfo] = []
    for item in files:
        if len(item.folders) > len(at):
            children.setdefault(item.folders[len(at)], []).append(item)
        else:
            direct.append(item)
    for child, below in sorted(children.items()):
        tables += _group(bucket, root, (*at, child), below, combine, child)
    clusters: list[list[FileInfo]] = []
    for item in direct:
        for cluster in clusters:
            if compatible([*cluster, item], combine):
                cluster.append(item)
                break
        else:
            clusters.append([item])
    for cluster in clusters:
        label = name if len(clusters) == 1 and not children else cluster[0].rel[-1]
        tables.append(_table(safe_name(label), location, at, cluster))
    return tables


def _table(name: str, location: str, at: tuple[str, ...], files: list[FileInfo]) -> TablePlan:
    plan = TablePlan(name, location, files)
    depth = max(len(f.folders) for f in files) - len(at)
    for level in range(depth):
        seen = {f.folders[len(at) + level] for f in files if len(f.folders) > len(at) + level}
        keys = {part.split("=", 1)[0].lower() for part in seen if "=" in part}
        hive = len(keys) == 1 and all("=" in part for part in seen)
        plan.keys.append(safe_name(keys.pop()) if hive else f"partition_{level}")
    for item in files:
        below = item.folders[len(at) :]
        if len(below) != depth or depth == 0:
            continue
        values = tuple(unquote(p.split("=", 1)[1]) if "=" in p else p for p in below)
        if values not in plan.partitions:
            plan.partitions[values] = PartitionPlan(
                list(values), location + "".join(p + "/" for p in below)
            )
        plan.partitions[values].files.append(item)
    _dedupe_keys(plan)
    return plan


def _dedupe_keys(plan: TablePlan) -> None:
    """A partition key named like a data column, or like another key, gets a suffix."""
    taken = {name.lower() for name, _ in plan.fields()}
    for index, key in enumerate(plan.keys):
        candidate, n = key, 1
        while candidate in taken:
            candidate, n = f"{key}_{n}", n + 1
        plan.keys[index] = candidate
        taken.add(candidate)


def statistics(files: list[FileInfo]) -> dict[str, str]:
    """The crawler's size parameters: objectCount, sizeKey, recordCount, averageRecordSize."""
    size = sum(f.size for f in files)
    sampled = [f for f in files if f.cls is not None and f.sampled]
    records_per_byte = 0.0
    records = 0.0
    sampled_size = sum(f.size for f in sampled)
    for item in sampled:
        assert item.cls is not None
        if item.cls.complete or not item.cls.sample_bytes:
            records += item.cls.records
        else:
            records += item.cls.records * item.size / max(item.cls.sample_bytes, 1)
    if sampled_size:
        records_per_byte = records / sampled_size
    records += records_per_byte * sum(f.size for f in files if not f.sampled)
    count = round(records)
    return {
        "objectCount": str(len(files)),
        "sizeKey": str(size),
        "recordCount": str(count),
        "averageRecordSize": str(size // count if count else 0),
    }


def storage(
    plan: TablePlan,
    location: str,
    fields: tuple[tuple[str, GlueType], ...],
    parameters: dict[str, str],
) -> dict[str, Any]:
    """The StorageDescriptor the crawler writes for a table or a partition."""
    cls = plan.first
    serde = {**cls.serde, "Parameters": dict(cls.serde.get("Parameters", {}))}
    if "paths" in serde["Parameters"]:
        serde["Parameters"]["paths"] = ",".join(name.lower() for name, _ in fields)
    return {
        "Columns": columns(fields),
        "Location": location,
        "InputFormat": cls.input_format,
        "OutputFormat": cls.output_format,
        "Compressed": cls.compression != "none",
        "NumberOfBuckets": -1,
        "SerdeInfo": serde,
        "BucketColumns": [],
        "SortColumns": [],
        "Parameters": parameters,
        "StoredAsSubDirectories": False,
    }


def parameters(plan: TablePlan, files: list[FileInfo], crawler: str) -> dict[str, str]:
    cls = plan.first
    params = {
        "classification": cls.classification,
        "compressionType": cls.compression,
        "typeOfData": "file",
        "CrawlerSchemaSerializerVersion": "1.0",
        "CrawlerSchemaDeserializerVersion": "1.0",
        "UPDATED_BY_CRAWLER": crawler,
    }
    for item in plan.files:
        if item.cls is not None:
            params.update(item.cls.parameters)
            break
    if any(f.cls and f.cls.parameters.get("skip.header.line.count") for f in plan.files):
        params["skip.header.line.count"] = "1"
    params.update(statistics(files))
    return params
