"""Pure composition: the day's facts become the page's sentences, risks and key effort."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from statusbot import markup as md
from statusbot.compose_github import github_items
from statusbot.compose_metrics import metric_items
from statusbot.config.schema import RiskSettings
from statusbot.key_effort import key_work
from statusbot.model import Commit, Deployment, Facts, TestSuiteResult
from statusbot.risk_rules import Risk, evaluate

MAX_SUMMARIES = 5
NO_ACTIVITY = "No recorded activity for this day."
NO_RISKS = "None identified."


@dataclass(frozen=True)
class Sections:
    """The three sections of a day page, each item already safe markdown."""

    accomplishments: tuple[str, ...]
    risks: tuple[Risk, ...]
    key_effort: str

    @property
    def empty(self) -> bool:
        """Return True when the day had no activity at all."""
        return not self.accomplishments and not self.risks


def compose(facts: Facts, risks: RiskSettings | None = None) -> Sections:
    """Return the day's sections, deterministically, from its facts and the risk rules' settings."""
    items = [md.text(n.text) for n in facts.notes if not n.risk and not n.key_effort]
    items += _commit_lines(facts.commits)
    items += github_items(facts)
    items += [_test_line(t) for t in facts.tests]
    coverage = _coverage_line(facts)
    if coverage:
        items.append(coverage)
    items += [_deploy_line(d) for d in facts.deployments]
    items += metric_items(facts)
    return Sections(
        accomplishments=tuple(items),
        risks=tuple(evaluate(facts, risks)),
        key_effort=_key_effort(facts),
    )


def _commit_lines(commits: tuple[Commit, ...]) -> list[str]:
    by_repo: dict[str, list[Commit]] = defaultdict(list)
    for commit in commits:
        by_repo[commit.repo].append(commit)
    lines = []
    for repo in sorted(by_repo):
        group = by_repo[repo]
        work = [c for c in group if not c.is_merge]
        merges = len(group) - len(work)
        branches = sorted({b for c in group for b in c.branches})
        counts = []
        if work:
            counts.append(_plural(len(work), "change"))
        if merges:
            counts.append(_plural(merges, "merge"))
        where = ""
        if branches:
            label = "branch" if len(branches) == 1 else "branches"
            where = f" on {label} " + ", ".join(md.text(b, 80) for b in branches)
        line = f"Committed {' and '.join(counts)} to {md.text(repo, 80)}{where}"
        shown = work[:MAX_SUMMARIES]
        if shown:
            parts = [_commit_summary(c) for c in shown]
            more = len(work) - len(shown)
            line += ": " + "; ".join(parts) + (f"; and {more} more" if more else "")
        lines.append(line)
    return lines


def _commit_summary(commit: Commit) -> str:
    summary = md.text(commit.summary, 120)
    return f"{summary} ({md.link(commit.sha[:7], commit.url)})"


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


def _key_effort(facts: Facts) -> str:
    marked = [n for n in facts.notes if n.key_effort]
    if marked:
        return md.text(marked[-1].text, 500)
    effort = key_work(facts)
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


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
