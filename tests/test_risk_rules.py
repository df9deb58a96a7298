"""Each built-in risk rule finds its risk (what, where, since when) and can be turned off."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from statusbot.compose import compose
from statusbot.config import RiskSettings, build
from statusbot.errors import ConfigError
from statusbot.model import (
    CoverageChange,
    Deployment,
    Facts,
    Note,
    Person,
    PullRequest,
    SourceFailure,
    StaleSource,
    TestSuiteResult,
    WorkflowRun,
)
from statusbot.risk_rules import evaluate

DAY = date(2026, 3, 30)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def pr(number: int, **fields: object) -> PullRequest:
    base = {
        "repo": "acme/api",
        "number": number,
        "title": f"Change {number}",
        "url": f"https://github.com/acme/api/pull/{number}",
        "state": "open",
        "draft": False,
        "author": "ana",
        "opened_at": at(30, 8),
        "updated_at": at(30, 9),
    }
    return PullRequest(**{**base, **fields})  # type: ignore[arg-type]


FACTS = Facts(
    day=DAY,
    timezone="UTC",
    people=(Person("Ana", github="ana"),),
    tests=(TestSuiteResult("unit", "junit.xml", 10, 8, 1, 1, 0, ("alpha", "beta")),),
    coverage_changes=(
        CoverageChange("coverage.xml", "overall", 80.0, 79.0),
        CoverageChange("coverage.xml", "provisioning", 70.0, 64.5),
    ),
    deployments=(
        Deployment("staging", "v2", "failure", at(30, 11), repo="acme/api"),
        Deployment("production", "v1", "success", at(25, 9), repo="acme/api"),
    ),
    pull_requests=(
        pr(1, ci_state="failing", failing_checks=("lint",)),
        pr(2, stale_review=True, opened_at=at(26)),
        pr(3, review_decision="changes_requested", updated_at=at(27, 15)),
        pr(4, state="merged", merged_at=at(29, 16), updated_at=at(29, 16)),
    ),
    workflow_runs=(
        WorkflowRun("acme/api", "CI", "completed", "failure", "main", "https://x/run", at(30)),
    ),
    stale=(StaleSource("GitHub", at(30, 8), "GitHub answered 502"),),
    failures=(SourceFailure("junit report r.xml", "empty file"),),
    notes=(Note("Vendor outage", at(30), DAY, risk="critical"),),
)

EXPECTED = {
    "failing_tests": [
        "**HIGH:** 2 failing tests in unit: alpha, beta",
        "**HIGH:** CI failing on pull request [#1](https://github.com/acme/api/pull/1) for "
        "Change 1: lint",
    ],
    "coverage_drop": [
        "**HIGH:** Coverage of provisioning dropped 5.5 points (70.0% → 64.5%) in coverage.xml"
    ],
    "failed_deploys": [
        "**HIGH:** Deployment of acme/api v2 to staging ended in failure (since 2026-03-30 11:00)"
    ],
    "undeployed_days": [
        "**MEDIUM:** production of acme/api last deployed 2026-03-25 09:00, 4 days before the "
        "merge of [#4](https://github.com/acme/api/pull/4) for Change 4: undeployed work since "
        "2026-03-29 16:00"
    ],
    "review_wait": [
        "**MEDIUM:** Pull request [#2](https://github.com/acme/api/pull/2) for Change 2 has "
        "waited 4 days for review"
    ],
    "changes_requested_days": [
        "**MEDIUM:** Pull request [#3](https://github.com/acme/api/pull/3) for Change 3 has had "
        "changes requested with no update since 2026-03-27 15:00"
    ],
    "failed_workflows": ["**MEDIUM:** Workflow [CI](https://x/run) failed in acme/api on main"],
    "stale_source": [
        "**MEDIUM:** GitHub facts as of 08:00 (GitHub answered 502)",
        "**MEDIUM:** Source junit report r.xml is stale: empty file",
    ],
}
OFF = {
    "failing_tests": False,
    "coverage_drop": None,
    "failed_deploys": False,
    "undeployed_days": None,
    "review_wait": False,
    "changes_requested_days": None,
    "failed_workflows": False,
    "stale_source": False,
}


def lines(settings: RiskSettings | None = None) -> list[str]:
    return [r.markdown for r in evaluate(FACTS, settings)]


def test_every_rule_finds_its_risk_critical_first_then_by_level():
    found = lines()
    assert found[0] == "**CRITICAL:** Vendor outage"  # a recorded risk stays first
    for expected in EXPECTED.values():
        for line in expected:
            assert line in found
    levels = [line.split(":**")[0] for line in found]
    assert levels == sorted(levels, key=["**CRITICAL", "**HIGH", "**MEDIUM", "**LOW"].index)
    assert len(found) == 1 + sum(len(v) for v in EXPECTED.values())


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_each_rule_can_be_turned_off_alone(rule):
    found = lines(replace(RiskSettings(), **{rule: OFF[rule]}))
    for line in EXPECTED[rule]:
        assert line not in found
    others = [line for name, group in EXPECTED.items() if name != rule for line in group]
    assert all(line in found for line in others)


def test_all_rules_off_leave_only_recorded_risks():
    assert lines(RiskSettings(**OFF)) == ["**CRITICAL:** Vendor outage"]  # type: ignore[arg-type]


def test_thresholds_tune_the_rules():
    tuned = RiskSettings(coverage_drop=6.0, undeployed_days=5, changes_requested_days=4)
    found = lines(tuned)
    assert not any("Coverage of" in line for line in found)  # a 5.5-point drop is under 6
    assert not any("undeployed work" in line for line in found)  # 4 days is under 5
    assert not any("changes requested" in line for line in found)  # 3 idle days, under 4
    looser = lines(RiskSettings(coverage_drop=0.5))
    assert any("Coverage of overall dropped 1.0 points" in line for line in looser)


def test_compose_uses_the_settings_and_config_reads_them(tmp_path):
    config = build(
        {"risks": {"coverage_drop": None, "failing_tests": False, "undeployed_days": 3}},
        base=tmp_path,
        path=None,
    )
    assert config.risks.coverage_drop is None and config.risks.undeployed_days == 3
    text = [r.markdown for r in compose(FACTS, config.risks).risks]
    assert not any("failing test" in line or "Coverage of" in line for line in text)
    assert any("undeployed work" in line for line in text)
    assert build({}, base=tmp_path, path=None).risks == RiskSettings()


def test_a_bad_risks_value_is_one_clear_line(tmp_path):
    with pytest.raises(ConfigError) as caught:
        build({"risks": {"coverage_drop": "lots", "nope": 1}}, base=tmp_path, path=None)
    message = caught.value.message
    assert "risks.coverage_drop: expected a number >= 0, got a string" in message
    assert "risks.nope: unknown key" in message
