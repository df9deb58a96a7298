"""Golden pages: the reference page's structure rebuilt from equivalent facts, byte for byte."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

from conftest import require_shared

from statusbot.compose import compose
from statusbot.model import (
    CoverageChange,
    CoverageReport,
    Deployment,
    Facts,
    Note,
    Person,
    TestSuiteResult,
)
from statusbot.render import render_day

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("STATUSBOT_REGEN_GOLDEN") == "1"
DAY = date(2026, 2, 8)
AT = datetime(2026, 2, 8, 12, 0, tzinfo=UTC)


def reference_facts() -> Facts:
    """Return facts equivalent to the reference page's, as statusbot would collect them."""

    def note(text: str, **kw: object) -> Note:
        return Note(text=text, at=AT, day=DAY, **kw)  # type: ignore[arg-type]

    return Facts(
        day=DAY,
        timezone="Europe/Prague",
        people=(Person(name="Dev One", emails=("dev1@example.com",)),),
        notes=(
            note(
                "Created comprehensive test coverage plan for AAP Direct provider "
                "implementation with 21 test scenarios across 3 priority levels"
            ),
            note(
                "Explored fulfillment-service architecture and learned hub concept for "
                "multi-cluster orchestration patterns"
            ),
            note(
                "AAP Direct missing ReconciledConfigVersion update - provider doesn't set this "
                "field when provision job succeeds",
                risk="critical",
            ),
            note(
                "Implementing AAP Direct provider with nested job status structure, fixing EDA "
                "deletion bug, and quantifying 4.4x provisioning performance improvement over "
                "EDA",
                key_effort=True,
            ),
        ),
        tests=(
            TestSuiteResult(
                name="E2E",
                source="reports/e2e.xml",
                tests=3,
                passed=3,
                failures=0,
                errors=0,
                skipped=0,
            ),
        ),
        coverage=(
            CoverageReport(
                source="coverage.xml",
                format="cobertura",
                lines_covered=870,
                lines_valid=1000,
                packages=(("AAP client", 87.0), ("provisioning", 74.1)),
            ),
        ),
        coverage_changes=(
            CoverageChange("coverage.xml", "AAP client", 73.9, 87.0),
            CoverageChange("coverage.xml", "provisioning package", 70.4, 74.1),
        ),
        deployments=(
            Deployment(
                environment="vmaas-dev cluster",
                version="image b4b15d3",
                status="success",
                at=AT,
                note="verified stuck VMs successfully deleted",
            ),
        ),
    )


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if REGEN:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs; if the change is intended, rerun with STATUSBOT_REGEN_GOLDEN=1"
    )


def test_reference_day_matches_the_golden_page():
    facts = reference_facts()
    page = render_day(facts, compose(facts))
    check_golden("reference-day.md", page)
    assert render_day(facts, compose(facts)) == page  # same facts, same bytes


def structure(page: str) -> tuple[list[str], list[str], list[str]]:
    """Return the front matter keys, the headings, and the risk markers of a page."""
    front = page.split("---\n")[1]
    keys = [line.split(":", 1)[0] for line in front.splitlines() if line]
    headings = re.findall(r"(?m)^#+ .*$", page)
    markers = re.findall(r"\*\*([A-Z]+):\*\*", page)
    return keys, [re.sub(r"\d{4}-\d{2}-\d{2}", "DAY", h) for h in headings], markers


def test_structure_matches_the_reference_page():
    reference = require_shared("reference/daily-status-2026-02-08.md")
    facts = reference_facts()
    ours = render_day(facts, compose(facts))
    theirs = reference.read_text(encoding="utf-8")
    assert structure(ours) == structure(theirs)
    assert ours.split("---\n")[1] == theirs.split("---\n")[1]  # same front matter, same day
    # The fragments statusbot composes read as the reference's own wording.
    for fragment in (
        "E2E tests (3/3 passing)",
        "Expanded test coverage: AAP client 73.9% → 87.0% (+13.1%), "
        "provisioning package 70.4% → 74.1% (+3.7%)",
        "**CRITICAL:** AAP Direct missing ReconciledConfigVersion update",
    ):
        assert fragment in ours
        assert fragment in theirs
