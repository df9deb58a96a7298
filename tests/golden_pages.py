"""The golden pages: the reference day's facts and the compare-or-regenerate check."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

from statusbot.model import (
    CoverageChange,
    CoverageReport,
    Deployment,
    Facts,
    Note,
    Person,
    TestSuiteResult,
)

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
