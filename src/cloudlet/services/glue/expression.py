"""The ``Expression`` filter of GetPartitions: a SQL WHERE clause over the partition keys.

Supports ``=  <>  !=  <  >  <=  >=``, ``AND``, ``OR``, ``NOT``, parentheses,
``[NOT] BETWEEN a AND b``, ``[NOT] IN (a, b, ...)`` and ``[NOT] LIKE 'pat%'``. Values
compare by the key's declared type, as Glue does: integer keys numerically, string keys
as strings (``month > '9'`` is true for ``'10'`` only if the key is an integer).
https://docs.aws.amazon.com/glue/latest/webapi/API_GetPartitions.html
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cloudlet.services.glue.errors import InvalidInputException

Predicate = Callable[[dict[str, str]], bool]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op><>|!=|<=|>=|=|<|>|\(|\)|,)
      | (?P<ident>`[^`]+`|"[^"]+"|[A-Za-z_][A-Za-z0-9_$.]*)
    )""",
    re.X,
)
_KEYWORDS = {"AND", "OR", "NOT", "BETWEEN", "IN", "LIKE"}
_INTEGER_TYPES = {"tinyint", "smallint", "int", "integer", "bigint", "long"}
_DECIMAL_TYPES = {"float", "double", "decimal", "real"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # string | number | op | ident | keyword | end
    text: str


def tokenize(text: str) -> list[Token]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise _invalid(f"unexpected character at position {pos}")
        pos = match.end()
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "string":
            value = value[1:-1].replace("''", "'")
        elif kind == "ident":
            if value[0] in '`"':
                value = value[1:-1]
            elif value.upper() in _KEYWORDS:
                kind, value = "keyword", value.upper()
        tokens.append(Token(kind, value))
    tokens.append(Token("end", ""))
    return tokens


def compile_expression(text: str, keys: list[dict[str, Any]]) -> Predicate:
    """A predicate over ``{key name (lower-case): value}`` for the table's partition keys."""
    types = {k["Name"].lower(): (k.get("Type") or "string").lower() for k in keys}
    parser = _Parser(tokenize(text), types)
    predicate = parser.parse_or()
    if parser.peek().kind != "end":
        raise _invalid(f"unexpected {parser.peek().text!r}")
    return predicate


class _Parser:
    def __init__(self, tokens: list[Token], types: dict[str, str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.types = types

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, kind: str, text: str | None = None) -> bool:
        token = self.peek()
        if token.kind == kind and (text is None or token.text == text):
            self.pos += 1
            return True
        return False

    def expect(self, kind: str, text: str | None = None) -> Token:
        token = self.take()
        if token.kind != kind or (text is not None and token.text != text):
            raise _invalid(f"expected {text or kind}, found {token.text or 'the end'!r}")
        return token

    def parse_or(self) -> Predicate:
        left = self.parse_and()
        while self.accept("keyword", "OR"):
            right = self.parse_and()
            left = _either(left, right)
        return left

    def parse_and(self) -> Predicate:
        left = self.parse_not()
        while self.accept("keyword", "AND"):
            right = self.parse_not()
            left = _both(left, right)
        return left

    def parse_not(self) -> Predicate:
        if self.accept("keyword", "NOT"):
            inner = self.parse_not()
            return lambda values: not inner(values)
        if self.accept("op", "("):
            inner = self.parse_or()
            self.expect("op", ")")
            return inner
        return self.parse_predicate()

    def parse_predicate(self) -> Predicate:
        token = self.take()
        if token.kind != "ident":
            raise _invalid(f"expected a partition key, found {token.text or 'the end'!r}")
        name = token.text.lower()
        if name not in self.types:
            raise _invalid(f"unknown partition key {token.text!r}")
        kind = self.types[name]
        negate = self.accept("keyword", "NOT")
        if self.accept("keyword", "BETWEEN"):
            low = self.literal()
            self.expect("keyword", "AND")
            high = self.literal()
            test = _between(name, kind, low, high)
        elif self.accept("keyword", "IN"):
            self.expect("op", "(")
            options = [self.literal()]
            while self.accept("op", ","):
                options.append(self.literal())
            self.expect("op", ")")
            test = _in(name, kind, options)
        elif self.accept("keyword", "LIKE"):
            test = _like(name, self.expect("string").text)
        elif negate:
            raise _invalid("NOT must precede BETWEEN, IN or LIKE here")
        else:
            op = self.expect("op").text
            if op not in ("=", "<>", "!=", "<", ">", "<=", ">="):
                raise _invalid(f"unexpected {op!r}")
            test = _compare(name, kind, op, self.literal())
        if negate:
            return lambda values: not test(values)
        return test

    def literal(self) -> str:
        token = self.take()
        if token.kind not in ("string", "number"):
            raise _invalid(f"expected a value, found {token.text or 'the end'!r}")
        return token.text


def typed(kind: str, value: str) -> Any:
    """A partition value as its key's type compares it; None when it is not of that type."""
    base = kind.split("(", 1)[0].strip()
    try:
        if base in _INTEGER_TYPES:
            return int(value)
        if base in _DECIMAL_TYPES:
            return Decimal(value)
    except (ValueError, InvalidOperation):
        return None
    return value


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _compare(name: str, kind: str, op: str, literal: str) -> Predicate:
    right, fn = typed(kind, literal), _OPS[op]
    if right is None:
        raise _invalid(f"{literal!r} is not a valid {kind} value for {name}")

    def test(values: dict[str, str]) -> bool:
        left = typed(kind, values.get(name, ""))
        return left is not None and fn(left, right)

    return test


def _between(name: str, kind: str, low: str, high: str) -> Predicate:
    lo, hi = typed(kind, low), typed(kind, high)
    if lo is None or hi is None:
        raise _invalid(f"BETWEEN bounds are not valid {kind} values for {name}")

    def test(values: dict[str, str]) -> bool:
        value = typed(kind, values.get(name, ""))
        return value is not None and lo <= value <= hi

    return test


def _in(name: str, kind: str, options: list[str]) -> Predicate:
    wanted = {typed(kind, o) for o in options} - {None}

    def test(values: dict[str, str]) -> bool:
        return typed(kind, values.get(name, "")) in wanted

    return test


def _like(name: str, pattern: str) -> Predicate:
    parts = [(".*" if c == "%" else "." if c == "_" else re.escape(c)) for c in pattern]
    regex = re.compile("".join(parts), re.S)
    return lambda values: regex.fullmatch(values.get(name, "")) is not None


def _either(a: Predicate, b: Predicate) -> Predicate:
    return lambda values: a(values) or b(values)


def _both(a: Predicate, b: Predicate) -> Predicate:
    return lambda values: a(values) and b(values)


def _invalid(detail: str) -> InvalidInputException:
    return InvalidInputException(f"Unsupported expression: {detail}")
