"""Grok: named patterns (``%{PATTERN:field:type}``) compiled to regular expressions.

Serves custom Grok classifiers and the built-in log classifiers (combined Apache and
Apache common log). A file matches when every line of its sample matches the pattern.
https://docs.aws.amazon.com/glue/latest/dg/custom-classifier.html#custom-classifier-grok
"""

from __future__ import annotations

import re
from typing import Any

from cloudlet.services.glue.classify.types import GlueType

GROK_SERDE = "com.amazonaws.glue.serde.GrokSerDe"
MAX_LINES = 1000

BASE_PATTERNS: dict[str, str] = {
    "USERNAME": r"[a-zA-Z0-9._-]+",
    "USER": r"%{USERNAME}",
    "EMAILLOCALPART": r"[a-zA-Z][a-zA-Z0-9_.+-=:]+",
    "EMAILADDRESS": r"%{EMAILLOCALPART}@%{HOSTNAME}",
    "INT": r"(?:[+-]?(?:[0-9]+))",
    "BASE10NUM": r"(?<![0-9.+-])(?:[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+))",
    "NUMBER": r"(?:%{BASE10NUM})",
    "BASE16NUM": r"(?<![0-9A-Fa-f])(?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+))",
    "POSINT": r"\b(?:[1-9][0-9]*)\b",
    "NONNEGINT": r"\b(?:[0-9]+)\b",
    "WORD": r"\b\w+\b",
    "NOTSPACE": r"\S+",
    "SPACE": r"\s*",
    "DATA": r".*?",
    "GREEDYDATA": r".*",
    "QUOTEDSTRING": r'(?:"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`(?:[^`\\]|\\.)*`)',
    "QS": r"%{QUOTEDSTRING}",
    "UUID": r"[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}",
    "IPV4": r"(?<![0-9])(?:(?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2})[.]){3}"
    r"(?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2})(?![0-9])",
    "IPV6": r"(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?",
    "IP": r"(?:%{IPV6}|%{IPV4})",
    "HOSTNAME": r"\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*"
    r"(?:\.?|\b)",
    "HOST": r"%{HOSTNAME}",
    "IPORHOST": r"(?:%{IP}|%{HOSTNAME})",
    "HOSTPORT": r"%{IPORHOST}:%{POSINT}",
    "PATH": r"(?:/[^\s]*)+",
    "URIPROTO": r"[A-Za-z]+(?:\+[A-Za-z+]+)?",
    "URIHOST": r"%{IPORHOST}(?::%{POSINT})?",
    "URIPATH": r"(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+",
    "URIPARAM": r"\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*",
    "URIPATHPARAM": r"%{URIPATH}(?:%{URIPARAM})?",
    "URI": r"%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?",
    "MONTH": r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?"
    r"|Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b",
    "MONTHNUM": r"(?:0?[1-9]|1[0-2])",
    "MONTHDAY": r"(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])",
    "DAY": r"(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?"
    r"|Sat(?:urday)?|Sun(?:day)?)",
    "YEAR": r"(?:\d\d){1,2}",
    "HOUR": r"(?:2[0123]|[01]?[0-9])",
    "MINUTE": r"(?:[0-5][0-9])",
    "SECOND": r"(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)",
    "TIME": r"%{HOUR}:%{MINUTE}(?::%{SECOND})",
    "ISO8601_TIMEZONE": r"(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))",
    "TIMESTAMP_ISO8601": r"%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}"
    r"(?::?%{SECOND})?%{ISO8601_TIMEZONE}?",
    "DATE_US": r"%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}",
    "DATE_EU": r"%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}",
    "DATE": r"%{DATE_US}|%{DATE_EU}",
    "HTTPDATE": r"%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}",
    "SYSLOGTIMESTAMP": r"%{MONTH} +%{MONTHDAY} %{TIME}",
    "LOGLEVEL": r"(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo|INFO"
    r"|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?"
    r"|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)",
    "COMMONAPACHELOG": r"%{IPORHOST:clientip} %{USER:ident} %{USER:auth} "
    r"\[%{HTTPDATE:timestamp}\] \"(?:%{WORD:verb} %{NOTSPACE:request}"
    r"(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})\" %{NUMBER:response} "
    r"(?:%{NUMBER:bytes}|-)",
    "COMBINEDAPACHELOG": r"%{COMMONAPACHELOG} %{QS:referrer} %{QS:agent}",
}
_REFERENCE = re.compile(r"%\{(\w+)(?::([\w.\[\]@-]+))?(?::(\w+))?\}")
_TYPES = {
    "int": "int", "integer": "int", "long": "bigint", "bigint": "bigint", "float": "double",
    "double": "double", "boolean": "boolean", "string": "string", "timestamp": "timestamp",
    "date": "date",
}  # fmt: skip


class GrokError(ValueError):
    pass


def parse_custom(text: str | None) -> dict[str, str]:
    """``CustomPatterns``: one ``NAME regex`` per line."""
    patterns = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, regex = line.partition(" ")
            patterns[name] = regex.strip()
    return patterns


def compile_grok(
    pattern: str, custom: dict[str, str] | None = None
) -> tuple[re.Pattern[str], list[tuple[str, GlueType]]]:
    """The regex for a Grok pattern and the (field, type) list its named parts capture."""
    library = {**BASE_PATTERNS, **(custom or {})}
    fields: list[tuple[str, GlueType]] = []
    groups: dict[str, str] = {}

    def expand(text: str, depth: int) -> str:
        if depth > 30:
            raise GrokError("Grok patterns nest too deeply")

        def replace(match: re.Match[str]) -> str:
            name, field, kind = match.groups()
            if name not in library:
                raise GrokError(f"Unknown Grok pattern {name}")
            inner = expand(library[name], depth + 1)
            if not field:
                return f"(?:{inner})"
            group = re.sub(r"\W", "_", field)
            if group in groups or not group[0].isalpha():
                return f"(?:{inner})"
            groups[group] = field
            fields.append((field, _TYPES.get((kind or "string").lower(), "string")))
            return f"(?P<{group}>{inner})"

        return _REFERENCE.sub(replace, text)

    try:
        return re.compile(expand(pattern, 0)), fields
    except re.error as exc:
        raise GrokError(f"Invalid Grok pattern: {exc}") from None


def match_lines(regex: re.Pattern[str], content: str) -> int:
    """How many lines the sample has if every one matches; 0 if any does not."""
    lines = [line for line in content.splitlines() if line.strip()][:MAX_LINES]
    if not lines:
        return 0
    for line in lines:
        if not regex.fullmatch(line.rstrip("\r")):
            return 0
    return len(lines)


def describe(
    classification: str, pattern: str, custom: str | None, fields: list[Any], records: int
) -> dict[str, Any]:
    params = {"input.format": pattern}
    if custom:
        params["input.grokCustomPatterns"] = custom
    return {
        "classification": classification,
        "fields": fields,
        "serde": {"SerializationLibrary": GROK_SERDE, "Parameters": params},
        "parameters": {"grokPattern": pattern},
        "records": records,
    }


_BUILTIN = [
    ("combinedapache", "%{COMBINEDAPACHELOG}"),
    ("apache", "%{COMMONAPACHELOG}"),
]
_COMPILED = [(name, pattern, *compile_grok(pattern)) for name, pattern in _BUILTIN]


def classify_builtin(content: str, complete: bool) -> dict[str, Any] | None:
    for name, pattern, regex, fields in _COMPILED:
        count = match_lines(regex, content)
        if count:
            return describe(name, pattern, None, fields, count)
    return None
