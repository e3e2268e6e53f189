"""Classifiers: what format a file is in and what schema its records have.

``classify`` tries the crawler's custom classifiers first, in the order the crawler
lists them, then the built-ins in AWS's order: Avro, ORC, Parquet (by magic bytes), the
common log formats (Grok), XML, JSON and CSV. The first that recognises the file with
certainty wins; a file none recognises is UNKNOWN (None).
https://docs.aws.amazon.com/glue/latest/dg/add-classifier.html
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO

from cloudlet.services.glue.classify import columnar, csv_, custom, grok, json_, text, xml_
from cloudlet.services.glue.classify.types import GlueType

TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
#: SerDe parameters that describe one file's schema, not how the format is read.
_PER_FILE = frozenset({"paths", "avro.schema.literal"})


@dataclass(slots=True)
class Classification:
    classification: str
    fields: tuple[tuple[str, GlueType], ...]
    input_format: str
    output_format: str
    serde: dict[str, Any]
    #: Format-specific table parameters (``delimiter``, ``skip.header.line.count``, ...).
    parameters: dict[str, str] = field(default_factory=dict)
    #: Records seen in the sample, and the sample's (uncompressed) size.
    records: int = 0
    sample_bytes: int = 0
    #: True when the sample was the whole file.
    complete: bool = True
    compression: str = "none"

    def signature(self) -> tuple[Any, ...]:
        """What must agree for two files to share one table: format and how it is read."""
        params = tuple(
            sorted(
                (k, v) for k, v in self.serde.get("Parameters", {}).items() if k not in _PER_FILE
            )
        )
        return (self.classification, self.input_format, self.serde.get("SerializationLibrary"),
                params, self.compression)  # fmt: skip


def classify(
    stream: BinaryIO, size: int, classifiers: list[dict[str, Any]] | None = None
) -> Classification | None:
    """Classify one file, read from a seekable binary stream of ``size`` bytes."""
    head = stream.read(16)
    stream.seek(0)
    sample: tuple[bytes, str, bool] | None = None

    def text_sample() -> tuple[str | None, str, bool, int]:
        nonlocal sample
        if sample is None:
            sample = text.sample(stream)
        data, compression, complete = sample
        return text.decode(data), compression, complete, len(data)

    for spec in classifiers or []:
        found = custom.try_classifier(spec, head, text_sample)
        if found is not None:
            return _build(found)
    found = columnar.classify(head, stream, size)
    if found is not None:
        return _build(found)
    content, compression, complete, length = text_sample()
    if not content or not content.strip():
        return None
    for attempt in (grok.classify_builtin, xml_.classify, json_.classify, csv_.classify):
        result = attempt(content, complete)
        if result is not None:
            result.update(compression=compression, complete=complete, sample_bytes=length)
            return _build(result)
    return None


def _build(found: dict[str, Any]) -> Classification:
    return Classification(
        classification=found["classification"],
        fields=tuple(found["fields"]),
        input_format=found.get("input_format", TEXT_INPUT),
        output_format=found.get("output_format", TEXT_OUTPUT),
        serde=found["serde"],
        parameters=found.get("parameters", {}),
        records=found.get("records", 0),
        sample_bytes=found.get("sample_bytes", 0),
        complete=found.get("complete", True),
        compression=found.get("compression", "none"),
    )
