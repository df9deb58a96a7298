"""The facts behind the reference page (shared/reference/daily-status-2026-02-08.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from statusbot.model import (
    Commit,
    CoverageChange,
    Deployment,
    Facts,
    Metric,
    Note,
    Person,
    PullRequest,
    TestSuiteResult,
)

DAY = date(2026, 2, 8)
AT = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
REPO = "https://github.com/osac-project/osac-operator"
DEV = Person("Dev One", ("dev1@example.com",), "dev1")

NOTES = (
    "Created comprehensive test coverage plan for AAP Direct provider implementation with 21 "
    "test scenarios across 3 priority levels",
    "Implemented CRD refactoring to convert flat job status fields to nested JobStatus "
    "structure (~70 code changes across 6 files)",
    "Fixed daily status automation: enabled GitHub Pages publishing, added comprehensive "
    "logging, fixed Claude CLI invocation bug, and created systemd timer for automatic "
    "15-minute publishing",
    "Explored fulfillment-service architecture and learned hub concept for multi-cluster "
    "orchestration patterns",
    "Modernized AAP codebase by replacing deprecated `interface{}` with `any` type "
    "(39 replacements)",
    "Discovered and fixed critical EDA provider deletion infinite loop bug by implementing "
    "provider-specific deletion logic with `ShouldProceedWithDeprovision` interface",
    "Added typed `NotFoundError` handling for AAP 404 responses when jobs are purged",
    "Completed latency comparison experiment between AAP Direct and EDA providers "
    "(3 parallel tests each)",
)
CRITICAL = (
    "AAP Direct missing ReconciledConfigVersion update - provider doesn't set this field when "
    "provision job succeeds, preventing controller from detecting spec changes vs already "
    "reconciled state (currently works due to workaround reading old EDA playbook annotations)"
)
SUMMARIES = (
    "Add AAP Direct provider skeleton",
    "Convert flat job status fields to nested JobStatus",
    "Replace interface{} with any",
    "Fix EDA provider deletion infinite loop",
    "Add NotFoundError for AAP 404 responses",
)

TAILS = ("", " (follow-up)", " (review fixes)", " (tests)", " (cleanup)")


def reference_facts() -> Facts:
    """Return the day of the reference page as statusbot would collect it."""
    commits = tuple(
        Commit(
            "osac-operator",
            f"{n + 1:02d}" + "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9",
            SUMMARIES[n % len(SUMMARIES)] + TAILS[n // len(SUMMARIES)],
            DEV.name,
            DEV.emails[0],
            AT + timedelta(minutes=10 * n),
            ("aap-direct",),
            url=f"{REPO}/commit/{n + 1:02d}a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9",
        )
        for n in range(24)
    )
    pr = PullRequest(
        repo="osac-project/osac-operator",
        number=102,
        title="AAP Direct provider with job lifecycle management",
        url=f"{REPO}/pull/102",
        state="open",
        draft=False,
        author="dev1",
        commits=24,
        review_decision="waiting",
        head_branch="aap-direct",
        opened_at=AT + timedelta(hours=6),
        updated_at=AT + timedelta(hours=7),
    )
    metrics = (
        Metric("Provisioning time", 147.0, "s", "AAP Direct", "lower", AT),
        Metric("Provisioning time", 649.0, "s", "EDA", "lower", AT),
        Metric("Lifecycle time", 238.0, "s", "AAP Direct", "lower", AT),
        Metric("Lifecycle time", 725.0, "s", "EDA", "lower", AT),
    )
    return Facts(
        day=DAY,
        timezone="UTC",
        people=(DEV,),
        commits=commits,
        tests=(TestSuiteResult("E2E", "reports/e2e.xml", 3, 3, 0, 0, 0),),
        coverage_changes=(
            CoverageChange("coverage.xml", "AAP client", 73.9, 87.0),
            CoverageChange("coverage.xml", "provisioning package", 70.4, 74.1),
        ),
        deployments=(
            Deployment(
                "vmaas-dev",
                "b4b15d3",
                "success",
                AT + timedelta(hours=8),
                note="bug fixes; stuck VMs successfully deleted",
            ),
        ),
        notes=(
            *(Note(text, AT, DAY) for text in NOTES),
            Note(CRITICAL, AT, DAY, risk="critical"),
        ),
        pull_requests=(pr,),
        metrics=metrics,
    )
