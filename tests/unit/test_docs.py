"""The docs stay honest: every service has a page that lists exactly what it implements."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cloudlet.protocol.specs import service_model
from cloudlet.services import REGISTRY, implemented_operations

DOCS = Path(__file__).resolve().parents[2] / "docs" / "services"


def works_section(text: str) -> str:
    match = re.search(r"^## What works\n(.*?)(?=^## )", text, re.S | re.M)
    assert match, "the page needs a '## What works' section followed by another section"
    return match.group(1)


@pytest.mark.parametrize("service", sorted(REGISTRY))
def test_every_service_has_a_page(service: str) -> None:
    page = DOCS / f"{service}.md"
    assert page.exists(), f"docs/services/{service}.md is missing"
    text = page.read_text()
    for heading in ("## What works", "## Not yet", "## Differences from AWS"):
        assert heading in text, f"{page.name} lacks '{heading}'"


@pytest.mark.parametrize("service", sorted(REGISTRY))
def test_page_lists_exactly_the_implemented_operations(service: str) -> None:
    section = works_section((DOCS / f"{service}.md").read_text())
    model_ops = set(service_model(service).operation_names)
    claimed = {name for name in re.findall(r"`([A-Z][A-Za-z0-9]+)`", section) if name in model_ops}
    implemented = implemented_operations(service)
    assert implemented - claimed == set(), "implemented but not documented"
    assert claimed - implemented == set(), "documented as working but not implemented"


def test_coverage_page_is_current() -> None:
    from cloudlet.coverage import render

    page = DOCS.parent / "coverage.md"
    assert page.exists(), "run: python -m cloudlet.coverage"
    assert page.read_text() == render(), "docs/coverage.md is stale: python -m cloudlet.coverage"
