"""Pure composition: the day's facts become the page's work items, risks and key effort."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from statusbot import markup as md
from statusbot.compose_github import github_items
from statusbot.compose_metrics import metric_work_items
from statusbot.config.schema import RiskSettings
from statusbot.key_effort import MAX_KEY_EFFORT, key_work
from statusbot.model import Deployment, Facts, TestSuiteResult, WorkItem
from statusbot.risk_rules import Risk, evaluate
from statusbot.workitems import group_commits

NO_ACTIVITY = "No recorded activity for this day."
NO_RISKS = "None identified."


@dataclass(frozen=True)
class Sections:
    """The three sections of a day page: work items, risks and the key effort (safe markdown).

    `prose` is a summarizer's rewording of the day page (its accomplishments are plain lines);
    the built-in items stay here, and the derived pages (week, team, person, index, charts) are
    built from them only.
    """

    accomplishments: tuple[WorkItem, ...]
    risks: tuple[Risk, ...]
    key_effort: str
    prose: Sections | None = field(default=None, compare=False)

    @property
    def empty(self) -> bool:
        """Return True when the day had no activity at all."""
        return not self.accomplishments and not self.risks

    @property
    def page(self) -> Sections:
        """Return what the day page shows: the summarizer's prose, else the built-in items."""
        return self.prose or self

    def reworded(self, prose: Sections) -> Sections:
        """Return these sections with a summarizer's prose for the day page (if it differs)."""
        return self if prose is self else replace(self, prose=prose)


def compose(facts: Facts, risks: RiskSettings | None = None) -> Sections:
    """Return the day's sections, deterministically, from its facts and the risk rules' settings."""
    items = [_note_item(n.text, n.person) for n in facts.notes if not n.risk and not n.key_effort]
    code = group_commits(facts.commits, facts.pull_requests, facts.people)
    github = github_items(facts)
    code, github = _join_pulls(code, github)
    items += code
    items += github
    items += [_test_item(t) for t in facts.tests]
    coverage = _coverage_line(facts)
    if coverage:
        items.append(WorkItem("coverage", "coverage", coverage, headline=coverage))
    items += [_deploy_item(d) for d in facts.deployments]
    items += metric_work_items(facts)
    return Sections(
        accomplishments=tuple(items),
        risks=tuple(evaluate(facts, risks)),
        key_effort=_key_effort(facts, items),
    )


def _note_item(text: str, person: str | None) -> WorkItem:
    line = md.text(text)
    return WorkItem("notes", line, line, person=person, headline=line)


def _join_pulls(
    code: list[WorkItem], github: list[WorkItem]
) -> tuple[list[WorkItem], list[WorkItem]]:
    """Give a pull request's line the local commits that joined it: one item, counted once."""
    local = {i.evidence[0]: i for i in code if i.kind == "pull_request" and i.evidence}
    joined = []
    for item in github:
        mine = local.pop(item.evidence[0], None) if item.kind == "pull_request" else None
        if mine is not None:
            evidence = tuple(dict.fromkeys([*item.evidence, *mine.evidence]))
            item = replace(item, evidence=evidence, size=mine.size, person=mine.person)
        joined.append(item)
    used = {id(i) for i in local.values()}
    kept = [i for i in code if i.kind != "pull_request" or id(i) in used]
    return kept, joined


def _test_item(result: TestSuiteResult) -> WorkItem:
    line = _test_line(result)
    failing = result.failures + result.errors
    return WorkItem(
        "test_runs",
        md.text(result.name, 120),
        line,
        (md.text(result.source, 200),),
        headline=line,
        status="failing" if failing else "passing",
    )


def _test_line(result: TestSuiteResult) -> str:
    name = md.text(result.name, 120)
    noun = "" if result.name.lower().endswith("tests") else " tests"
    details = [f"{result.passed}/{result.run} passing"]
    failing = result.failures + result.errors
    if failing:
        details.append(f"{failing} failing")
    if result.skipped:
        details.append(f"{result.skipped} skipped")
    if not result.tests:
        return f"Ran {name}{noun}: the report holds no test cases"
    return f"Executed {name}{noun} ({', '.join(details)})"


def _coverage_line(facts: Facts) -> str | None:
    changed = [c for c in facts.coverage_changes if c.delta]
    if changed:
        rising = all((c.delta or 0) > 0 for c in changed)
        verb = "Expanded test coverage" if rising else "Test coverage changed"
        parts = [
            f"{md.text(c.name, 80)} {c.before:.1f}% → {c.after:.1f}% ({c.delta:+.1f}%)"
            for c in changed
        ]
        return f"{verb}: " + ", ".join(parts)
    if facts.coverage:
        parts = [f"{md.text(_short(r.source), 80)} {r.percent:.1f}%" for r in facts.coverage]
        return "Measured line coverage: " + ", ".join(parts)
    return None


def _deploy_item(deploy: Deployment) -> WorkItem:
    line = _deploy_line(deploy)
    evidence = (deploy.url,) if deploy.url and md.url(deploy.url) else ()
    return WorkItem(
        "deploys",
        md.text(deploy.environment, 80),
        line,
        evidence,
        repo=deploy.repo,
        headline=line,
        status=deploy.status,
    )


def _deploy_line(deploy: Deployment) -> str:
    env = md.text(deploy.environment, 80)
    version = md.link(md.text(deploy.version, 80), deploy.url)
    if deploy.repo:
        version = f"{md.text(deploy.repo, 80)} {version}"
    if deploy.status == "success":
        line = f"Deployed {version} to {env}"
    else:
        line = f"Deployment of {version} to {env}: {md.text(deploy.status, 40)}"
    if deploy.note:
        line += f" ({md.text(deploy.note, 200)})"
    if deploy.creator:
        line += f" (by {md.text(deploy.creator, 40)})"
    return line


def _key_effort(facts: Facts, items: list[WorkItem]) -> str:
    marked = [n for n in facts.notes if n.key_effort]
    if marked:
        return md.text(marked[-1].text, MAX_KEY_EFFORT)
    effort = key_work(facts, items)
    if effort:
        return effort
    if facts.deployments:
        d = facts.deployments[-1]
        return f"Deploying {md.text(d.version, 80)} to {md.text(d.environment, 80)}"
    if facts.tests:
        return "Testing: " + ", ".join(md.text(t.name, 80) for t in facts.tests[:3])
    return "No key effort recorded for this day."


def _short(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]
