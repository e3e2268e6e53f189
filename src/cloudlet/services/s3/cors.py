"""CORS: preflight ``OPTIONS`` answered from the bucket's rules, and headers on real responses.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
"""

from __future__ import annotations

import fnmatch
from typing import Any

from cloudlet.protocol.http import HttpRequest, HttpResponse
from cloudlet.services.s3.errors import CORSForbidden


def _origin_matches(pattern: str, origin: str) -> bool:
    return pattern == "*" or fnmatch.fnmatchcase(origin, pattern)


def _header_allowed(patterns: list[str], header: str) -> bool:
    return any(fnmatch.fnmatchcase(header.lower(), p.lower()) for p in patterns)


def match_rule(
    rules: list[dict[str, Any]], origin: str, method: str, headers: list[str]
) -> dict[str, Any] | None:
    """The first rule allowing this origin, method and every requested header."""
    for rule in rules:
        if not any(_origin_matches(p, origin) for p in rule.get("AllowedOrigins", [])):
            continue
        if method not in rule.get("AllowedMethods", []):
            continue
        allowed_headers = rule.get("AllowedHeaders", [])
        if all(_header_allowed(allowed_headers, h) for h in headers):
            return rule
    return None


def rule_headers(
    rule: dict[str, Any], origin: str, method: str, headers: list[str]
) -> list[tuple[str, str]]:
    wildcard = "*" in rule.get("AllowedOrigins", [])
    result = [
        ("Access-Control-Allow-Origin", "*" if wildcard else origin),
        ("Access-Control-Allow-Methods", ", ".join(rule.get("AllowedMethods", []))),
        ("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"),
    ]
    if not wildcard:
        result.append(("Access-Control-Allow-Credentials", "true"))
    if headers:
        result.append(("Access-Control-Allow-Headers", ", ".join(headers)))
    if rule.get("ExposeHeaders"):
        result.append(("Access-Control-Expose-Headers", ", ".join(rule["ExposeHeaders"])))
    if rule.get("MaxAgeSeconds") is not None:
        result.append(("Access-Control-Max-Age", str(rule["MaxAgeSeconds"])))
    return result


def preflight(rules: list[dict[str, Any]] | None, request: HttpRequest) -> HttpResponse:
    origin = request.headers.get("origin")
    method = request.headers.get("access-control-request-method")
    if not origin or not method:
        raise CORSForbidden(
            "Insufficient information. Origin request header needed.", Method="OPTIONS"
        )
    if not rules:
        raise CORSForbidden("CORSResponse: CORS is not enabled for this bucket.", Method=method)
    wanted = [
        h.strip()
        for h in (request.headers.get("access-control-request-headers") or "").split(",")
        if h.strip()
    ]
    rule = match_rule(rules, origin, method, wanted)
    if rule is None:
        raise CORSForbidden(
            "CORSResponse: This CORS request is not allowed. This is usually because the "
            "evalution of Origin, request method / Access-Control-Request-Method or "
            "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
            Method=method,
            ResourceType="BUCKET",
        )
    return HttpResponse(200, rule_headers(rule, origin, method, wanted), b"")


def decorate(
    rules: list[dict[str, Any]] | None, request: HttpRequest, response: HttpResponse
) -> None:
    """Add CORS headers to an actual (non-preflight) response when a rule allows it."""
    origin = request.headers.get("origin")
    if not origin or not rules:
        return
    rule = match_rule(rules, origin, request.method, [])
    if rule is not None:
        response.headers.extend(rule_headers(rule, origin, request.method, []))
