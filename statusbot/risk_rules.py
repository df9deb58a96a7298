"""Built-in risk rules: each finds one kind of risk in the facts; config turns off or tunes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from statusbot import markup as md
from statusbot.config.schema import RiskSettings
from statusbot.model import RISK_LEVELS, RISK_RANK, Facts, PullRequest

MAX_FAILING = 5
MAX_CHECKS = 5
FAILED_RUNS = {"failure", "timed_out", "startup_failure"}


@dataclass(frozen=True)
class Risk:
    """One line of Risks & Challenges: its level, its safe text, what kind and its evidence."""

    level: str
    text: str
    kind: str = "other"  # note, failing_tests, coverage, deploys, pull_request, ci, stale_source
    evidence: tuple[str, ...] = ()  # report files, links, pull request refs

    @property
    def markdown(self) -> str:
        """Return the line as the reference marks it: a bold level, then the text."""
        return f"**{self.level.upper()}:** {self.text}"


def evaluate(facts: Facts, settings: RiskSettings | None = None) -> list[Risk]:
    """Return the day's risks, recorded ones and found ones, critical first."""
    s = settings or RiskSettings()
    risks = [Risk(n.risk, md.text(n.text), "note") for n in facts.notes if n.risk in RISK_LEVELS]
    if s.failing_tests:
        risks += failing_tests(facts)
    if s.coverage_drop is not None:
        risks += coverage_drops(facts, s.coverage_drop)
    if s.failed_deploys:
        risks += failed_deploys(facts)
    if s.undeployed_days is not None:
        risks += undeployed(facts, s.undeployed_days)
    if s.failing_tests:
        risks += failing_ci(facts)
    if s.review_wait:
        risks += waiting_reviews(facts)
    if s.changes_requested_days is not None:
        risks += changes_requested(facts, s.changes_requested_days)
    if s.failed_workflows:
        risks += failed_workflows(facts)
    if s.stale_source:
        risks += stale_sources(facts)
    return sorted(risks, key=lambda r: RISK_RANK[r.level])  # stable: rule order within a level


def failing_tests(facts: Facts) -> list[Risk]:
    """Return a high risk per test suite with failures or errors, naming its report and time."""
    risks = []
    for result in facts.tests:
        failing = result.failures + result.errors
        if failing:
            names = [md.text(n, 120) for n in result.failing[:MAX_FAILING]]
            more = len(result.failing) - len(names)
            listed = ", ".join(names) + (f" and {more} more" if more else "")
            suite = md.text(result.name, 120)
            text = f"{md.plural(failing, 'failing test')} in {suite}"
            text += f": {listed}" if listed else ""
            report = md.text(result.source, 160)
            when = f" at {_when(result.at, facts.timezone)}" if result.at else ""
            text += f" (report {report}{when})" if result.source else ""
            risks.append(Risk("high", text, "failing_tests", (result.source,)))
    return risks


def failing_ci(facts: Facts) -> list[Risk]:
    """Return a high risk per open pull request whose CI is failing."""
    label = _with_repo(facts)
    risks = []
    for pr in facts.pull_requests:
        if pr.state == "open" and pr.ci_state == "failing":
            names = [md.text(n, 80) for n in pr.failing_checks[:MAX_CHECKS]]
            more = len(pr.failing_checks) - len(names)
            listed = ", ".join(names) + (f" and {more} more" if more else "")
            text = f"CI failing on pull request {ref(pr, label)}"
            risks.append(Risk("high", text + (f": {listed}" if listed else "")))
    return risks


def coverage_drops(facts: Facts, threshold: float) -> list[Risk]:
    """Return a high risk per coverage figure that fell by more than threshold points."""
    risks = []
    for change in facts.coverage_changes:
        if change.delta is not None and -change.delta > threshold:
            risks.append(
                Risk(
                    "high",
                    f"Coverage of {md.text(change.name, 80)} dropped {-change.delta:.1f} points "
                    f"({change.before:.1f}% → {change.after:.1f}%) in "
                    f"{md.text(change.source, 120)}",
                )
            )
    return risks


def failed_deploys(facts: Facts) -> list[Risk]:
    """Return a high risk per deployment that failed or errored."""
    risks = []
    for deploy in facts.deployments:
        if deploy.status in ("failure", "error"):
            # linked as the accomplishment line links it
            what = md.link(md.text(deploy.version, 80), deploy.url)
            if deploy.repo:
                what = f"{md.text(deploy.repo, 80)} {what}"
            since = _when(deploy.at, facts.timezone)
            local = deploy.at.astimezone(ZoneInfo(facts.timezone)).date()
            if deploy.day is not None and deploy.day != local:
                since = deploy.day.isoformat()  # recorded later for that day (record --date)
            risks.append(
                Risk(
                    "high",
                    f"Deployment of {what} to "
                    f"{md.text(deploy.environment, 80)} ended in {deploy.status}"
                    f" (since {since})",
                    "deploys",
                    (deploy.url,) if deploy.url and md.url(deploy.url) else (),
                )
            )
    return risks


def undeployed(facts: Facts, days: int) -> list[Risk]:
    """Return a medium risk per environment whose latest deploy predates its repo's last merge."""
    merged: dict[str, PullRequest] = {}
    for pr in facts.pull_requests:
        if pr.state != "merged" or pr.merged_at is None:
            continue
        known = merged.get(pr.repo)
        if known is None or known.merged_at is None or pr.merged_at > known.merged_at:
            merged[pr.repo] = pr
    latest: dict[tuple[str, str], datetime] = {}
    for deploy in facts.deployments:
        if deploy.repo and deploy.status == "success":
            key = (deploy.repo, deploy.environment)
            latest[key] = max(latest.get(key, deploy.at), deploy.at)
    label = _with_repo(facts)
    risks = []
    for (repo, env), at in sorted(latest.items()):
        last = merged.get(repo)
        merged_at = last.merged_at if last is not None else None
        if last is None or merged_at is None:
            continue
        lag = _days_between(at, merged_at, facts.timezone)
        if merged_at > at and lag > days:
            risks.append(
                Risk(
                    "medium",
                    f"{md.text(env, 80)} of {md.text(repo, 80)} last deployed "
                    f"{_when(at, facts.timezone)}, {lag} days before the merge of "
                    f"{ref(last, label)}: undeployed work since "
                    f"{_when(merged_at, facts.timezone)}",
                )
            )
    return risks


def waiting_reviews(facts: Facts) -> list[Risk]:
    """Return a medium risk per ready pull request waiting longer than github.stale_review_days."""
    label = _with_repo(facts)
    risks = []
    for pr in facts.pull_requests:
        if pr.stale_review and pr.opened_at is not None:
            opened = pr.opened_at.astimezone(ZoneInfo(facts.timezone)).date()
            waited = md.plural((facts.day - opened).days, "day")
            text = f"Pull request {ref(pr, label)} has waited {waited} for review"
            risks.append(Risk("medium", text))
    return risks


def changes_requested(facts: Facts, days: int) -> list[Risk]:
    """Return a medium risk per open pull request with changes requested and no update since."""
    label = _with_repo(facts)
    risks = []
    for pr in facts.pull_requests:
        if pr.state != "open" or pr.review_decision != "changes_requested":
            continue
        if pr.updated_at is None:
            continue
        updated = pr.updated_at.astimezone(ZoneInfo(facts.timezone)).date()
        idle = (facts.day - updated).days
        if idle >= days:
            risks.append(
                Risk(
                    "medium",
                    f"Pull request {ref(pr, label)} has had changes requested with no update "
                    f"since {_when(pr.updated_at, facts.timezone)}",
                )
            )
    return risks


def failed_workflows(facts: Facts) -> list[Risk]:
    """Return a medium risk per workflow run that failed."""
    risks = []
    for run in facts.workflow_runs:
        if run.conclusion in FAILED_RUNS:
            where = f" on {md.text(run.branch, 80)}" if run.branch else ""
            name = md.link(md.text(run.name, 80), run.url)
            risks.append(
                Risk("medium", f"Workflow {name} failed in {md.text(run.repo, 80)}{where}")
            )
    return risks


def stale_sources(facts: Facts) -> list[Risk]:
    """Return a medium risk per source that failed, so the page says its data may be stale."""
    risks = []
    for stale in facts.stale:
        source = md.text(stale.source, 40)
        reason = md.text(stale.reason, 400 if stale.partial else 200)
        if stale.fetched_at is None:
            text = f"{source} facts {'are partial' if stale.partial else 'unavailable'}: {reason}"
        else:
            fetched = stale.fetched_at.astimezone(ZoneInfo(facts.timezone))
            at = fetched.strftime("%H:%M" if fetched.date() == facts.day else "%Y-%m-%d %H:%M")
            partly = "partial: " if stale.partial else ""
            text = f"{source} facts as of {at} ({partly}{reason})"
        risks.append(Risk("medium", text))
    for failure in facts.failures:
        risks.append(
            Risk(
                "medium",
                f"Source {md.text(failure.source, 200)} is stale: {md.text(failure.reason, 200)}",
            )
        )
    return risks


def ref(pr: PullRequest, with_repo: bool) -> str:
    """Return "[#102](url) for <title>", the reference page's way to name a pull request."""
    label = f"{md.text(pr.repo, 80)}#{pr.number}" if with_repo else f"#{pr.number}"
    return f"{md.link(label, pr.url)} for {md.text(pr.title, 160)}"


def _with_repo(facts: Facts) -> bool:
    repos = {p.repo for p in facts.pull_requests} | {r.repo for r in facts.reviews}
    return len(repos) > 1


def _when(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return local.strftime("%Y-%m-%d %H:%M")


def _days_between(earlier: datetime, later: datetime, timezone: str) -> int:
    tz = ZoneInfo(timezone)
    a: date = earlier.astimezone(tz).date()
    b: date = later.astimezone(tz).date()
    return (b - a).days
