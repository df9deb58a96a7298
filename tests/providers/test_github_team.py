"""The GitHub provider at team scale: GitHub's 30 searches a minute, and a cheap cold cycle."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from github_server import TOKEN, FakeClock, FakeGitHub

from statusbot.config import GitHubSettings
from statusbot.http_cache import Clock
from statusbot.model import Person
from statusbot.providers.github import GitHubFacts, collect_github
from statusbot.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import github_bench
import github_team_bench

DAY = date(2026, 2, 8)
START = datetime(2026, 2, 8, tzinfo=UTC)
END = START + timedelta(days=1)


def at(hour: int, minute: int = 0) -> datetime:
    return START + timedelta(hours=hour, minutes=minute)


def cycle(
    server: FakeGitHub,
    clock: FakeClock,
    store: Path,
    people: list[Person],
    now: datetime,
    **settings: object,
) -> GitHubFacts:
    server.reset_counts()
    return collect_github(
        GitHubSettings(api_url=server.base_url, **settings),  # type: ignore[arg-type]
        tuple(people),
        TOKEN,
        DAY,
        START,
        END,
        now,
        Store(store),
        backoff=0.01,
        clock=Clock(monotonic=clock.time, wall=clock.time, sleep=clock.sleep),
    )


def a_team_day(server: FakeGitHub, size: int, repos: list[str]) -> list[Person]:
    """Each person: an old PR, one touched today, a review today of the next person's PR."""
    people = [Person(f"Dev {i}", github=f"dev{i:02d}") for i in range(size)]
    for i, person in enumerate(people):
        repo = repos[i % len(repos)]
        server.add_pull(repo, 100 + i, author=person.github, created=at(8), updated=at(9, i))
        server.add_pull(
            repo, 500 + i, author=person.github, created=at(0) - timedelta(days=30),
            updated=at(0) - timedelta(days=29), state="closed", merged=at(0) - timedelta(days=29),
        )  # fmt: skip
    for i, person in enumerate(people):
        pull = server.pulls[(repos[(i + 1) % size % len(repos)], 100 + (i + 1) % size)]
        pull.reviews.append((person.github or "", "APPROVED", at(10, i)))
        pull.updated = at(10, i)
    server.add_pull(repos[0], 900, author="outsider", created=at(8), updated=at(11))
    server.pulls[(repos[0], 900)].reviews.append(("dev03", "CHANGES_REQUESTED", at(11)))
    return people


def test_a_team_of_25_stays_under_the_search_limit_with_everyone_on_the_page(tmp_path):
    clock = FakeClock()
    repos = [f"acme/svc-{i:02d}" for i in range(10)]
    with FakeGitHub(search_limit=30, search_window=60, clock=clock.time).running() as server:
        people = a_team_day(server, 25, repos)
        first = cycle(server, clock, tmp_path, people, at(15), repos=tuple(repos))
        clock.sleep(15 * 60)
        server.touch(repos[0], 100, at(15, 10), head_sha="f" * 40)
        second = cycle(server, clock, tmp_path, people, at(15, 15), repos=tuple(repos))

        peak = github_team_bench.peak_per_minute(server.search_times)
    assert 0 < peak < 30
    for facts in (first, second):
        assert facts.stale is None
        authors = {p.author for p in facts.pull_requests}
        assert authors == {p.github for p in people}
        assert {r.reviewer for r in facts.reviews} == {p.github for p in people}
        assert ("acme/svc-00", 900, "dev03") in {
            (r.repo, r.number, r.reviewer) for r in facts.reviews
        }
    assert second.stats["search_wait_seconds"] == 0


def test_per_person_searches_are_paced_to_the_window_within_the_time_budget(tmp_path):
    clock = FakeClock()  # no github.repos: three searches per person, 36 for twelve people
    repos = ["acme/api", "acme/web"]
    with FakeGitHub(search_limit=30, search_window=60, clock=clock.time).running() as server:
        people = a_team_day(server, 12, repos)
        facts = cycle(server, clock, tmp_path, people, at(15), time_budget=300)
        peak = github_team_bench.peak_per_minute(server.search_times)
        searches = len(server.search_times)

    assert searches >= 36
    assert peak < 30
    assert facts.stats["search_wait_seconds"] > 0
    assert facts.stale is None
    assert {p.author for p in facts.pull_requests} == {p.github for p in people}


def test_when_the_window_does_not_fit_the_budget_the_rest_is_partial_not_waited(tmp_path):
    clock = FakeClock()
    with FakeGitHub(search_limit=30, search_window=60, clock=clock.time).running() as server:
        people = a_team_day(server, 12, ["acme/api", "acme/web"])
        facts = cycle(server, clock, tmp_path, people, at(15), time_budget=20)

    assert facts.stats["search_wait_seconds"] == 0
    assert facts.stale is not None and "search rate limit is nearly used up" in facts.stale.reason


def test_cold_cycle_costs_no_more_than_a_naive_collector_measured_beside_it(tmp_path):
    with FakeGitHub(core_limit=10**6, search_limit=10**6).running() as server:
        repos = github_bench.workload(server, 6, 60, 6)
        ours = github_bench.statusbot_cycle(server, tmp_path, repos)
        naive = github_bench.naive_cycle(server, repos)

    assert ours["found"] == naive["found"] > 0  # the same pull requests and reviews
    assert ours["rate_limited"] <= naive["rate_limited"]


def test_someone_elses_pull_request_costs_its_reviews_only_and_shared_ci_is_read_once(tmp_path):
    clock = FakeClock()
    with FakeGitHub().running() as server:
        people = [Person("A", github="ann"), Person("B", github="bob")]
        sha = "c" * 40
        for number, author in ((1, "ann"), (2, "bob")):  # two PRs of one head commit
            server.add_pull(
                "acme/api", number, author=author, created=at(8), updated=at(9), head_sha=sha,
                checks=[("test", "completed", "success")],
            )  # fmt: skip
        server.add_pull("acme/api", 3, author="carol", created=at(8), updated=at(10))
        server.pulls[("acme/api", 3)].reviews.append(("bob", "APPROVED", at(10)))
        facts = cycle(server, clock, tmp_path, people, at(15), repos=("acme/api",))
        paths = [path.split("?")[0] for path, _status in server.log]

    assert "/repos/acme/api/pulls/3/reviews" in paths
    assert "/repos/acme/api/pulls/3" not in paths  # no details of a PR outside the team
    assert sum(p.endswith(f"{sha}/check-runs") for p in paths) == 1
    assert [(p.number, p.ci_state) for p in facts.pull_requests] == [(1, "passing"), (2, "passing")]
    assert [(r.number, r.reviewer, r.author) for r in facts.reviews] == [(3, "bob", "carol")]
