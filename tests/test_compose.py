"""Composition rules: sentences, risk order and the key effort, from facts built in the test."""

from __future__ import annotations

from datetime import UTC, date, datetime

from conftest import fake_commit

from statusbot.compose import compose
from statusbot.model import (
    Commit,
    CoverageChange,
    CoverageReport,
    Deployment,
    Facts,
    Note,
    Person,
    SourceFailure,
    TestSuiteResult,
)

DAY = date(2026, 2, 8)
AT = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
ME = (Person(name="Dev One", emails=("dev1@example.com",)),)


def facts(**kw: object) -> Facts:
    return Facts(day=DAY, timezone="UTC", people=ME, **kw)  # type: ignore[arg-type]


def make_commit(n: int, repo: str = "app", branch: str = "main", merge: bool = False) -> Commit:
    return fake_commit(n, AT, repo=repo, branch=branch, merge=merge)


def test_key_effort_names_the_largest_item_first_with_its_size():
    commits = (
        make_commit(1, branch="feature/x"),
        make_commit(2, branch="main"),
        make_commit(3, branch="feature/x"),
        make_commit(4, branch="feature/x", merge=True),
    )
    sections = compose(facts(commits=commits))
    assert sections.key_effort == "Updating branch feature/x (2 commits and 1 merge) and app"
    assert [i.kind for i in sections.accomplishments] == ["branch", "area"]
    assert sections.accomplishments[0].line == (
        "Updated branch feature/x: change 1; change 3 (2 commits and 1 merge)"
    )


def test_a_key_effort_note_wins_over_commits():
    note = Note(text="Quantifying the speed-up", at=AT, day=DAY, key_effort=True)
    sections = compose(facts(commits=(make_commit(1),), notes=(note,)))
    assert sections.key_effort == "Quantifying the speed-up"
    assert sections.accomplishments[0].line == "Updated app on main: change 1 (1 commit)"


def test_test_lines_and_failing_tests_under_risks():
    ok = TestSuiteResult(
        name="E2E", source="e.xml", tests=4, passed=3, failures=0, errors=0, skipped=1
    )
    bad = TestSuiteResult(
        name="unit tests",
        source="u.xml",
        tests=9,
        passed=6,
        failures=2,
        errors=1,
        skipped=0,
        failing=("a.test_x", "a.test_y", "b.test_z"),
    )
    sections = compose(facts(tests=(ok, bad)))
    assert sections.accomplishments == (
        "Executed E2E tests (3/3 passing, 1 skipped)",
        "Executed unit tests (6/9 passing, 3 failing)",
    )
    assert [r.markdown for r in sections.risks] == [
        "**HIGH:** 3 failing tests in unit tests: a.test&#95;x, a.test&#95;y, b.test&#95;z "
        "(report u.xml)"
    ]


def test_risks_are_ordered_critical_first_and_name_stale_sources():
    notes = (
        Note(text="minor", at=AT, day=DAY, risk="low"),
        Note(text="blocker", at=AT, day=DAY, risk="critical"),
    )
    deploy = Deployment(environment="prod", version="v2", status="failure", at=AT)
    failure = SourceFailure(source="junit report reports/x.xml", reason="empty file")
    sections = compose(facts(notes=notes, deployments=(deploy,), failures=(failure,)))
    assert [r.level for r in sections.risks] == ["critical", "high", "medium", "low"]
    assert (
        sections.risks[1].text
        == "Deployment of v2 to prod ended in failure (since 2026-02-08 09:00)"
    )
    assert sections.risks[2].text == "Source junit report reports/x.xml is stale: empty file"
    assert sections.accomplishments == ("Deployment of v2 to prod: failure",)


def test_coverage_without_a_baseline_states_the_figure_and_a_drop_is_not_expansion():
    report = CoverageReport(
        source="cov/coverage.xml", format="cobertura", lines_covered=1, lines_valid=3
    )
    first = compose(
        facts(coverage=(report,), coverage_changes=(CoverageChange("c", "overall", None, 33.3),))
    )
    assert first.accomplishments == ("Measured line coverage: coverage.xml 33.3%",)
    drop = compose(
        facts(coverage=(report,), coverage_changes=(CoverageChange("c", "overall", 40.0, 33.3),))
    )
    assert drop.accomplishments == ("Test coverage changed: overall 40.0% → 33.3% (-6.7%)",)


def test_empty_day_is_empty():
    sections = compose(facts())
    assert sections.empty and sections.key_effort == "No key effort recorded for this day."
