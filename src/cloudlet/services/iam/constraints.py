"""Server-side checks of the constraints a botocore input shape declares (length, range, pattern).

botocore checks only types, required members and minimum lengths on the client; AWS checks
the rest and answers ``ValidationError`` naming each broken constraint, e.g. ``1 validation
error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy
regular expression pattern: [\\w+=,.@-]+``.

TODO(#4): this is protocol-independent; it belongs in ``protocol/`` for every service.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from botocore.model import Shape

from cloudlet.core.errors import ValidationError


def check_input(shape: Shape | None, params: dict[str, Any]) -> None:
    """Raise ``ValidationError`` listing every constraint ``params`` break, as AWS words it."""
    if shape is None:
        return
    problems: list[str] = []
    _structure(shape, params, "", problems)
    if problems:
        plural = "s" if len(problems) > 1 else ""
        raise ValidationError(
            f"{len(problems)} validation error{plural} detected: " + "; ".join(problems)
        )


def _structure(shape: Shape, value: dict[str, Any], where: str, problems: list[str]) -> None:
    for name, member in shape.members.items():  # type: ignore[attr-defined]
        if name in value and value[name] is not None:
            label = name[:1].lower() + name[1:]
            _value(member, value[name], f"{where}.{label}" if where else label, problems)


def _value(shape: Shape, value: Any, where: str, problems: list[str]) -> None:
    meta = shape.metadata
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        _structure(shape, value, where, problems)
    elif kind == "list" and isinstance(value, list):
        _bounds(len(value), meta, "length", value, where, problems)
        for index, item in enumerate(value, 1):
            _value(shape.member, item, f"{where}.{index}.member", problems)  # type: ignore[attr-defined]
    elif kind == "string" and isinstance(value, str):
        _bounds(len(value), meta, "length", value, where, problems)
        pattern = _compiled(meta.get("pattern"))
        if pattern is not None and not pattern.fullmatch(value):
            problems.append(
                f"Value '{value}' at '{where}' failed to satisfy constraint: "
                f"Member must satisfy regular expression pattern: {meta['pattern']}"
            )
        if shape.enum and value not in shape.enum:  # type: ignore[attr-defined]
            choices = ", ".join(shape.enum)  # type: ignore[attr-defined]
            problems.append(
                f"Value '{value}' at '{where}' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{choices}]"
            )
    elif kind in ("integer", "long") and isinstance(value, int):
        _bounds(value, meta, "value", value, where, problems)


def _bounds(
    measure: int, meta: dict[str, Any], what: str, value: Any, where: str, problems: list[str]
) -> None:
    shown = f"'{value}'" if isinstance(value, str) else str(value)
    if isinstance(value, list):
        shown = "[" + ", ".join(str(v) for v in value) + "]"
    low, high = meta.get("min"), meta.get("max")
    if low is not None and measure < low:
        problems.append(
            f"Value {shown} at '{where}' failed to satisfy constraint: "
            f"Member must have {what} greater than or equal to {low}"
        )
    if high is not None and measure > high:
        problems.append(
            f"Value {shown} at '{where}' failed to satisfy constraint: "
            f"Member must have {what} less than or equal to {high}"
        )


@cache
def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    """The model's (Java) pattern in Python's dialect; None where Python cannot read it."""
    if not pattern:
        return None
    try:
        return re.compile(pattern, re.S)
    except re.error:  # \p{L} and friends: Java-only classes are not checked
        return None
