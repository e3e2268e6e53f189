"""Condition operators: String*, Numeric*, Date*, Bool, BinaryEquals, Ip*, Arn*, Null.

Rules (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
and .../reference_policies_multi-value-conditions.html):

- Several values for one key are OR'ed; several keys, and several operators, are AND'ed.
- A key absent from the request makes the condition false, except that a negated
  operator (StringNotEquals, ArnNotLike, NotIpAddress, ...) is then true, ``...IfExists``
  is then true, and ``Null`` tests presence itself.
- ``ForAllValues:`` is true when every request value matches some policy value (and
  so is true for an absent key or an empty set); ``ForAnyValue:`` when at least one
  does (false for an absent key or empty set). With a negated operator the negation
  applies per request value ("matches none of the policy values").
- Policy variables work with the String, Arn and Bool operators only; elsewhere
  ``${...}`` is plain text.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from cloudlet.auth.policy.matching import arn_regex, wildcard_body, wildcard_regex
from cloudlet.auth.policy.variables import Context, Literal, Template, parse_template

VENDOR_MESSAGE = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
SYNTAX_MESSAGE = "Syntax errors in policy."


class ConditionSyntaxError(ValueError):
    """A Condition block IAM would refuse; the message is IAM's."""


Prepare = Callable[[str], Any]
PrepareParts = Callable[[tuple[Literal, ...]], Any]
Test = Callable[[str, Any], bool]


@dataclass(frozen=True, slots=True)
class Family:
    """How one group of operators reads policy values and compares request values."""

    prepare: Prepare  # policy text -> comparable (None: never matches)
    test: Test  # (request value, prepared policy value) -> bool
    prepare_parts: PrepareParts | None = None  # resolved variables -> comparable


def _text(parts: tuple[Literal, ...]) -> str:
    return "".join(part.text for part in parts)


@lru_cache(maxsize=4096)
def _like_from_parts(parts: tuple[Literal, ...]) -> re.Pattern[str]:
    return re.compile(wildcard_body(parts, arn=False), re.DOTALL)


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


_EPOCH = re.compile(r"^-?\d+(?:\.\d+)?$")


def parse_date(text: str) -> float | None:
    """ISO 8601 (W3C profile) or epoch seconds, as seconds since the epoch."""
    text = text.strip()
    if _EPOCH.match(text):
        return float(text)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _in_network(value: str, network: Any) -> bool:
    if network is None:
        return False
    try:
        return ipaddress.ip_address(value.strip()) in network
    except ValueError:
        return False


def _decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _binary_equal(value: str, expected: bytes | None) -> bool:
    got = _decode(value)
    return expected is not None and (got if got is not None else value.encode()) == expected


def _compare(cmp: Callable[[float, float], bool], parse: Callable[[str], float | None]) -> Test:
    def test(value: str, expected: float | None) -> bool:
        got = parse(value)
        return got is not None and expected is not None and cmp(got, expected)

    return test


def _regex_test(value: str, pattern: re.Pattern[str]) -> bool:
    return pattern.fullmatch(value) is not None


def _casefold(text: str) -> str:
    return text.casefold()


_STRING = Family(str, operator.eq, _text)
_STRING_IC = Family(
    _casefold, lambda v, p: v.casefold() == p, lambda parts: _text(parts).casefold()
)
_STRING_LIKE = Family(wildcard_regex, _regex_test, _like_from_parts)
_BOOL = Family(_casefold, lambda v, p: v.casefold() == p, lambda parts: _text(parts).casefold())
_BINARY = Family(_decode, _binary_equal)
_IP = Family(_network, _in_network)
_ARN = Family(arn_regex, _regex_test, arn_regex)

_NUMERIC_CMP = {
    "equals": operator.eq,
    "lessthan": operator.lt,
    "lessthanequals": operator.le,
    "greaterthan": operator.gt,
    "greaterthanequals": operator.ge,
}


def _operator_table() -> dict[str, tuple[Family, bool]]:
    """Lower-cased operator name -> (family, negated)."""
    table: dict[str, tuple[Family, bool]] = {
        "stringequals": (_STRING, False),
        "stringnotequals": (_STRING, True),
        "stringequalsignorecase": (_STRING_IC, False),
        "stringnotequalsignorecase": (_STRING_IC, True),
        "stringlike": (_STRING_LIKE, False),
        "stringnotlike": (_STRING_LIKE, True),
        "bool": (_BOOL, False),
        "binaryequals": (_BINARY, False),
        "ipaddress": (_IP, False),
        "notipaddress": (_IP, True),
        "arnequals": (_ARN, False),
        "arnlike": (_ARN, False),
        "arnnotequals": (_ARN, True),
        "arnnotlike": (_ARN, True),
    }
    for prefix, parse in (("numeric", _float), ("date", parse_date)):
        for suffix, cmp in _NUMERIC_CMP.items():
            family = Family(parse, _compare(cmp, parse))
            table[prefix + suffix] = (family, False)
        table[prefix + "notequals"] = (table[prefix + "equals"][0], True)
    return table


OPERATORS = _operator_table()
ALL, ANY = "ForAllValues", "ForAnyValue"
_QUALIFIERS = {"forallvalues": ALL, "foranyvalue": ANY}


@dataclass(frozen=True, slots=True)
class Condition:
    """One operator applied to one key, with the values the policy lists for it."""

    operator: str  # as written in the policy
    key: str  # lower-cased context key
    family: Family | None  # None for Null
    negated: bool
    qualifier: str | None  # ALL | ANY | None
    if_exists: bool
    values: tuple[Any, ...]  # prepared constants
    templates: tuple[Template, ...]  # values holding policy variables

    def holds(self, context: Context) -> bool:
        """Raises ``variables.Unresolved`` when a variable in a value has no value."""
        found = context.get(self.key)
        present = bool(found)
        if self.family is None:  # Null
            return any((p == "true") != present for p in self.values if p in ("true", "false"))
        if not found:
            if self.if_exists or self.qualifier == ALL:
                return True
            if self.qualifier == ANY:
                return False
            return self.negated
        expected = self.values
        if self.templates:
            parts = self.family.prepare_parts
            assert parts is not None
            expected = expected + tuple(parts(t.resolve(context)) for t in self.templates)
        test = self.family.test

        def matches(value: str) -> bool:
            return any(test(value, p) for p in expected)

        if self.qualifier == ALL:
            return all(matches(v) != self.negated for v in found)
        if self.qualifier == ANY:
            return any(matches(v) != self.negated for v in found)
        return any(matches(v) for v in found) != self.negated


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise ConditionSyntaxError(SYNTAX_MESSAGE)


def _split_operator(name: str) -> tuple[str | None, str, bool]:
    qualifier = None
    base = name
    if ":" in name:
        prefix, base = name.split(":", 1)
        qualifier = _QUALIFIERS.get(prefix.lower())
        if qualifier is None:
            raise ConditionSyntaxError(SYNTAX_MESSAGE)
    lowered = base.lower()
    if_exists = lowered.endswith("ifexists") and lowered != "ifexists"
    if if_exists:
        lowered = lowered[: -len("ifexists")]
    if lowered not in OPERATORS and lowered != "null":
        raise ConditionSyntaxError(SYNTAX_MESSAGE)
    if lowered == "null" and (if_exists or qualifier):
        raise ConditionSyntaxError(SYNTAX_MESSAGE)
    return qualifier, lowered, if_exists


def compile_conditions(block: Any, *, variables: bool) -> tuple[Condition, ...]:
    """Compile a statement's ``Condition`` element; ``variables``: Version 2012-10-17."""
    if not isinstance(block, Mapping):
        raise ConditionSyntaxError(SYNTAX_MESSAGE)
    compiled: list[Condition] = []
    for name, keys in block.items():
        if not isinstance(name, str) or not isinstance(keys, Mapping):
            raise ConditionSyntaxError(SYNTAX_MESSAGE)
        qualifier, base, if_exists = _split_operator(name)
        for key, raw in keys.items():
            compiled.append(_compile_one(name, base, qualifier, if_exists, key, raw, variables))
    return tuple(compiled)


def _compile_one(
    name: str,
    base: str,
    qualifier: str | None,
    if_exists: bool,
    key: Any,
    raw: Any,
    variables: bool,
) -> Condition:
    if not isinstance(key, str) or not key:
        raise ConditionSyntaxError(SYNTAX_MESSAGE)
    if ":" not in key or key.startswith(":"):
        raise ConditionSyntaxError(VENDOR_MESSAGE)
    texts = [_value_text(v) for v in (raw if isinstance(raw, list) else [raw])]
    if base == "null":
        values = tuple(t.lower() for t in texts)
        return Condition(name, key.lower(), None, False, None, False, values, ())
    family, negated = OPERATORS[base]
    constants: list[Any] = []
    templates: list[Template] = []
    with_vars = variables and family.prepare_parts is not None
    for text in texts:
        template = parse_template(text, variables=with_vars)
        if template.has_variables:
            templates.append(template)
        elif with_vars:
            # Escapes like ${*} resolve to fixed literal text.
            assert family.prepare_parts is not None
            constants.append(family.prepare_parts(template.resolve({})))
        else:
            constants.append(family.prepare(text))
    return Condition(
        operator=name,
        key=key.lower(),
        family=family,
        negated=negated,
        qualifier=qualifier,
        if_exists=if_exists,
        values=tuple(constants),
        templates=tuple(templates),
    )
