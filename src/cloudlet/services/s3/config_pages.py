"""Listing a bucket's id-keyed configurations (Intelligent-Tiering, Inventory) a page at a
time, as S3 pages them: by id, 100 a page, the token being the last id of the page before."""

from __future__ import annotations

from typing import Any

PAGE = 100


def page_of(configs: dict[str, Any], token: str | None, list_name: str) -> dict[str, Any]:
    """The List*Configurations output holding the page after ``token`` under ``list_name``."""
    ids = sorted(i for i in configs if token is None or i > token)
    page = ids[:PAGE]
    output: dict[str, Any] = {
        "IsTruncated": len(ids) > PAGE,
        list_name: [configs[i] for i in page] or None,
    }
    if token is not None:
        output["ContinuationToken"] = token
    if len(ids) > PAGE:
        output["NextContinuationToken"] = page[-1]
    return output
