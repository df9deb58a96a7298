"""Pure composition of the GitHub facts: pull request, review and workflow run items."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

from statusbot import markup as md
from statusbot.model import Facts, PullRequest, Review, Size, WorkflowRun, WorkItem

MAX_LINE = 400  # as a work item's bullet (workitems.MAX_LINE)


def github_items(facts: Facts) -> list[WorkItem]:
    """Return the Accomplishments items of the day's pull requests, reviews and workflow runs."""
    start, end = _window(facts.since or facts.day, facts.timezone, facts.day)
    label = _labeller(facts)
    items = []
    for pr in facts.pull_requests:
        for limit in (160, 80, 40):  # a title of many entities is cut until the bullet fits
            line = _pull_line(pr, label, start, end, limit)
            if not line or len(line) <= MAX_LINE:
                break
        if line:
            items.append(pull_item(pr, line))
    latest = _latest_reviews(facts.reviews)
    for review, line in zip(latest, _review_lines(latest, label), strict=True):
        evidence = (f"{review.repo}#{review.number}", *([review.url] if review.url else []))
        title = md.text(review.title, 160)
        items.append(
            WorkItem("reviews", title, line, evidence, repo=review.repo, status=review.state)
        )
    for repo, line in _run_lines(facts.workflow_runs):
        urls = tuple(r.url for r in facts.workflow_runs if r.repo == repo and r.url)
        items.append(WorkItem("workflow_runs", md.text(repo, 80), line, urls, repo=repo))
    return items


def pull_item(pr: PullRequest, line: str) -> WorkItem:
    """Return a pull request's item: its line, its reference and link, its own counts."""
    size = Size(commits=pr.commits or 0, added=pr.additions or 0, deleted=pr.deletions or 0)
    return WorkItem(
        kind="pull_request",
        title=md.text(pr.title, 160),
        line=line,
        evidence=(f"{pr.repo}#{pr.number}", *([pr.url] if pr.url else [])),
        size=size,
        repo=pr.repo,
        branch=pr.head_branch,
        headline=line.split(" (", 1)[0] if pr.state != "merged" else line,
        status=pr.state,
    )


def _window(first: date, timezone: str, day: date) -> tuple[datetime, datetime]:
    from statusbot.run.window import span

    return span(first, day, timezone)


def _labeller(facts: Facts) -> bool:
    """Return True when the page spans several repositories, so links name theirs."""
    repos = {p.repo for p in facts.pull_requests} | {r.repo for r in facts.reviews}
    return len(repos) > 1


def _ref(item: PullRequest | Review, with_repo: bool, limit: int = 160) -> str:
    """Return "[#102](url) for <title>", the reference page's way to name a pull request."""
    label = f"{md.text(item.repo, 80)}#{item.number}" if with_repo else f"#{item.number}"
    return f"{md.link(label, item.url)} for {md.text(item.title, limit)}"


def _within(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def _pull_line(
    pr: PullRequest, with_repo: bool, start: datetime, end: datetime, limit: int = 160
) -> str | None:
    opened = _within(pr.opened_at, start, end)
    ref = _ref(pr, with_repo, limit)
    if pr.state == "merged" and _within(pr.merged_at, start, end):
        verb = "Created and merged" if opened else "Merged"
        return f"{verb} pull request {ref}{_details(pr, state=False)}"
    if pr.state == "closed" and _within(pr.closed_at, start, end):
        return f"Closed pull request {ref} without merging"
    if opened:
        return f"Created pull request {ref}{_details(pr)}"
    if _within(pr.updated_at, start, end):
        return f"Updated pull request {ref}{_details(pr)}"
    return None  # only here for a risk (waiting for review)


def _details(pr: PullRequest, state: bool = True) -> str:
    parts = []
    if pr.commits is not None:
        parts.append(md.plural(pr.commits, "commit"))
    if pr.additions is not None and pr.deletions is not None:
        parts.append(f"+{pr.additions}/−{pr.deletions} lines")
    if state and pr.state == "open":
        if pr.draft:
            parts.append("draft")
        else:
            parts.append(
                {"approved": "approved", "changes_requested": "changes requested"}.get(
                    pr.review_decision or "", "ready for review"
                )
            )
        if pr.ci_unknown:
            parts.append(f"CI unknown: {pr.ci_unknown}")
        elif pr.ci_state:
            parts.append(f"CI {pr.ci_state}")
    return f" ({', '.join(parts)})" if parts else ""


def _latest_reviews(reviews: tuple[Review, ...]) -> list[Review]:
    latest: dict[tuple[str, int], Review] = {}
    for review in sorted(reviews, key=lambda r: r.at):
        key = (review.repo, review.number)
        # A comment after a verdict does not replace the verdict.
        if review.state != "commented" or key not in latest:
            latest[key] = review
    return list(latest.values())


def _review_lines(latest: list[Review], with_repo: bool) -> list[str]:
    lines = []
    for review in latest:
        state = review.state.replace("_", " ")
        by = f" by {md.text(review.author, 40)}" if review.author else ""
        lines.append(f"Reviewed pull request {_ref(review, with_repo)}{by} ({state})")
    return lines


def _run_lines(runs: tuple[WorkflowRun, ...]) -> list[tuple[str, str]]:
    by_repo: dict[str, list[WorkflowRun]] = defaultdict(list)
    for run in runs:
        by_repo[run.repo].append(run)
    lines = []
    for repo in sorted(by_repo):
        counts = Counter(r.conclusion or r.status for r in by_repo[repo])
        listed = ", ".join(f"{n} {md.text(k, 30)}" for k, n in sorted(counts.items()))
        total = len(by_repo[repo])
        ran = md.plural(total, "workflow run")
        lines.append((repo, f"Ran {ran} in {md.text(repo, 80)} ({listed})"))
    return lines
