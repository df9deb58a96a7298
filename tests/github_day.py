"""A day on the loopback GitHub and the provider run against it, shared by GitHub tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from github_server import TOKEN, FakeGitHub

from statusbot.config import GitHubSettings
from statusbot.model import Person
from statusbot.providers.github import GitHubFacts, collect_github
from statusbot.store import Store

DAY = date(2026, 2, 8)


START = datetime(2026, 2, 8, tzinfo=UTC)


END = datetime(2026, 2, 9, tzinfo=UTC)


DEV = Person("Dev One", github="dev1")


AFTERNOON = datetime(2026, 2, 8, 15, tzinfo=UTC)


def at(hour: int, day: int = 8, minute: int = 0) -> datetime:
    return datetime(2026, 2, day, hour, minute, tzinfo=UTC)


def run(
    server: FakeGitHub,
    store: Path,
    now: datetime = AFTERNOON,
    token: str = TOKEN,
    allow_private: bool = False,
    **settings: object,
) -> GitHubFacts:
    """Run one cycle of the provider against the server, counting this cycle's requests only."""
    server.reset_counts()
    options = {"api_url": server.base_url, "repos": ("acme/api", "acme/web"), **settings}
    for repo in options["repos"]:  # type: ignore[union-attr]
        server.repos.setdefault(repo, False)
    return collect_github(
        GitHubSettings(**options),  # type: ignore[arg-type]
        (DEV,),
        token,
        DAY,
        START,
        END,
        now,
        Store(store),
        backoff=0.01,
        allow_private=allow_private,
    )


def a_day(server: FakeGitHub) -> None:
    """Populate the reference-like day: PRs in two repos, reviews, CI, deployments."""
    server.add_pull(
        "acme/api",
        102,
        title="AAP Direct provider with job lifecycle management",
        author="dev1",
        created=at(9),
        updated=at(11),
        commits=24,
        additions=1200,
        deletions=300,
        head_ref="aap-direct",
        checks=[("test (3.11)", "completed", "success"), ("lint", "completed", "failure")],
        statuses=[("ci/jenkins", "error")],
    )
    server.add_pull(
        "acme/web",
        7,
        title="Green change",
        author="dev1",
        created=at(8, day=6),
        updated=at(12),
        merged=at(12),
        state="closed",
        checks=[("build", "completed", "success")],
        statuses=[("deploy/preview", "success")],
        reviews=[("rev", "APPROVED", at(10))],
    )
    server.add_pull(
        "acme/web",
        9,
        title="Someone else's fix",
        author="other",
        created=at(8),
        updated=at(13),
        reviews=[("dev1", "COMMENTED", at(12)), ("dev1", "CHANGES_REQUESTED", at(13))],
    )
    server.add_pull(
        "acme/api", 50, title="Old work", author="dev1", created=at(9, day=2), updated=at(9, day=3)
    )
    server.add_pull(
        "acme/api", 51, title="Yesterday's", author="dev1", created=at(9, 7), updated=at(9, 7)
    )
    server.add_deploy(
        "acme/api",
        "production",
        "b4b15d3" + "0" * 33,
        creator="dev1",
        created=at(14),
        statuses=[("in_progress", at(14)), ("success", at(14, minute=5))],
    )
    server.add_deploy(
        "acme/web",
        "staging",
        "c0ffee1" + "0" * 33,
        ref="main",
        creator="dev2",
        created=at(10),
        statuses=[("failure", at(10, minute=3))],
    )
    server.add_deploy("acme/web", "staging", "1" * 40, creator="dev2", created=at(10, day=7))


def warm(server: FakeGitHub, tmp_path: Path) -> GitHubFacts:
    a_day(server)
    return run(server, tmp_path, now=at(15))
