"""The day's main piece of work: the branch or pull request with the most commits and activity."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from statusbot import markup as md
from statusbot.model import Commit, Facts, PullRequest

PR_ACTIVITY = 1  # a pull request touched in the window weighs one commit more than its branch


def key_work(facts: Facts) -> str | None:
    """Return one line naming the largest piece of work by commits and PR activity, or None.

    A piece of work is a (repository, branch); a pull request's head branch joins it with the
    local commits on that branch. Its weight is the larger of the local commits and the PR's
    commits, plus one for the PR's activity in the window. Named from the PR title if any.
    """
    work = [c for c in facts.commits if not c.is_merge]
    local = Counter((c.repo, c.branches[0] if c.branches else "") for c in work)
    pulls: dict[tuple[str, str], PullRequest] = {}
    for pr in _active_pulls(facts):
        key = (_short(pr.repo), pr.head_branch or f"#{pr.number}")
        if key not in pulls or (pr.commits or 0) > (pulls[key].commits or 0):
            pulls[key] = pr
    weights: dict[tuple[str, str], int] = {}
    for key in set(local) | set(pulls):
        pr = pulls.get(key)
        pr_weight = max(pr.commits or 0, local[key]) + PR_ACTIVITY if pr else 0
        weights[key] = max(local[key], pr_weight)
    if not weights:
        return None
    (repo, branch), _ = min(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    mine = [c for c in work if c.repo == repo and (c.branches or ("",))[0] == branch]
    pr = pulls.get((repo, branch))
    if pr is not None:
        return _pull_line(pr, branch, mine)
    return _commit_line(repo, branch, mine)


def _active_pulls(facts: Facts) -> list[PullRequest]:
    """Return the pull requests opened, updated, merged or closed in the page's day."""
    tz = ZoneInfo(facts.timezone)
    start = datetime.combine(facts.since or facts.day, time(0), tzinfo=tz)
    end = datetime.combine(facts.day + timedelta(days=1), time(0), tzinfo=tz)
    moments = ("opened_at", "updated_at", "merged_at", "closed_at")
    return [
        pr
        for pr in facts.pull_requests
        if any((m := getattr(pr, name)) is not None and start <= m < end for name in moments)
    ]


def _pull_line(pr: PullRequest, branch: str, commits: list[Commit]) -> str:
    title = md.text(pr.title, 200)
    count = max(pr.commits or 0, len(commits))
    parts = [md.link(f"{md.text(pr.repo, 80)}#{pr.number}", pr.url)]
    if count:
        parts.append(_plural(count, "commit"))
    if pr.head_branch:
        parts.append(f"on {md.text(branch, 80)}")
    line = f"{title} ({', '.join(parts)})"
    if commits:
        line += f", most recently: {md.text(commits[-1].summary, 200)}"
    return line


def _commit_line(repo: str, branch: str, commits: list[Commit]) -> str:
    where = (f" on {md.text(branch, 80)}" if branch else "") + f" in {md.text(repo, 80)}"
    latest = md.text(commits[-1].summary, 200)
    return f"{_plural(len(commits), 'commit')}{where}, most recently: {latest}"


def _short(repo: str) -> str:
    return repo.rsplit("/", 1)[-1]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
