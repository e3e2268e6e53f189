"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'none'}`` and ``${*}``.

AWS replaces a variable with the value of that key in the request context; keys are
case-insensitive. ``${*}``, ``${?}`` and ``${$}`` stand for the literal characters, and a
default in single quotes after ``, `` is used when the key is absent. A variable that
cannot be resolved (absent key, no default, or a multivalued key) makes the whole
statement not apply ("If AWS cannot resolve a variable, this might cause the entire
statement to be invalid"). Variables exist only in policies of Version 2012-10-17; in
older documents ``${...}`` is plain text.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# One variable: ${key} or ${key, 'default'}. Keys are vendor:name with tag paths.
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_WITH_DEFAULT = re.compile(r"^\s*([^,\s][^,]*?)\s*,\s*'([^']*)'\s*$")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}

Context = Mapping[str, tuple[str, ...]]


class Unresolved(Exception):
    """A variable had no value: the statement that holds it does not apply."""


@dataclass(frozen=True, slots=True)
class Literal:
    """Text from the policy itself. ``wild`` is False for ``${*}``-style escapes."""

    text: str
    wild: bool = True


@dataclass(frozen=True, slots=True)
class Variable:
    key: str  # lower-cased context key
    default: str | None


Part = Literal | Variable


@dataclass(frozen=True, slots=True)
class Template:
    """A policy string split into literal text and variables."""

    source: str
    parts: tuple[Part, ...]

    @property
    def has_variables(self) -> bool:
        return any(isinstance(part, Variable) for part in self.parts)

    def resolve(self, context: Context) -> tuple[Literal, ...]:
        """The template with every variable replaced by a non-wild literal."""
        return tuple(_resolve(part, context) for part in self.parts)

    def values(self, context: Context) -> tuple[str, ...]:
        """The value of each variable, in order (a cache key for compiled forms)."""
        return tuple(_value(p, context) for p in self.parts if isinstance(p, Variable))

    def fill(self, values: tuple[str, ...]) -> tuple[Literal, ...]:
        """The template with its variables replaced by ``values`` (from ``values()``)."""
        given = iter(values)
        return tuple(
            Literal(next(given), wild=False) if isinstance(p, Variable) else p for p in self.parts
        )


def _value(part: Variable, context: Context) -> str:
    """The single value of the variable's key, else its default; else ``Unresolved``."""
    values = context.get(part.key)
    if values is not None and len(values) == 1:
        return values[0]
    if part.default is not None:
        return part.default
    raise Unresolved(part.key)


def _resolve(part: Part, context: Context) -> Literal:
    return part if isinstance(part, Literal) else Literal(_value(part, context), wild=False)


def parse_template(text: str, *, variables: bool = True) -> Template:
    """Split ``text`` into literals and variables (none when ``variables`` is False)."""
    if not variables or "${" not in text:
        return Template(text, (Literal(text),))
    parts: list[Part] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        if match.start() > position:
            parts.append(Literal(text[position : match.start()]))
        parts.append(_parse_variable(match.group(0), match.group(1)))
        position = match.end()
    if position < len(text):
        parts.append(Literal(text[position:]))
    return Template(text, tuple(parts))


def _parse_variable(whole: str, inner: str) -> Part:
    if inner in _SPECIAL:
        return Literal(_SPECIAL[inner], wild=False)
    with_default = _WITH_DEFAULT.match(inner)
    if with_default:
        return Variable(with_default.group(1).strip().lower(), with_default.group(2))
    key = inner.strip()
    if not key or ":" not in key:
        # Not a variable AWS knows (no vendor prefix): keep the text as written.
        return Literal(whole)
    return Variable(key.lower(), None)
