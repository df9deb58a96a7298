"""The GitHub provider: real PyGithub over HTTP to the loopback GitHub server."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from github_day import AFTERNOON, DAY, DEV, END, START, a_day, at, run, warm
from github_server import TOKEN, FakeGitHub, secondary_limit

from statusbot.config import GitHubSettings
from statusbot.providers.github import collect_github
from statusbot.store import Store


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub().running() as fake:
        yield fake


def test_a_day_across_repos_with_reviews_ci_and_deployments(server, tmp_path):
    a_day(server)
    facts = run(server, tmp_path)

    assert facts.stale is None
    by_number = {p.number: p for p in facts.pull_requests}
    assert sorted(by_number) == [7, 50, 102]  # 51 was neither touched today nor waiting long
    pr = by_number[102]
    assert (pr.repo, pr.title, pr.commits, pr.additions, pr.deletions) == (
        "acme/api",
        "AAP Direct provider with job lifecycle management",
        24,
        1200,
        300,
    )
    assert pr.url == "https://github.com/acme/api/pull/102"
    assert (pr.state, pr.draft, pr.head_branch, pr.review_decision) == (
        "open",
        False,
        "aap-direct",
        "waiting",
    )
    assert (pr.ci_state, pr.failing_checks) == ("failing", ("ci/jenkins", "lint"))
    merged = by_number[7]
    assert (merged.state, merged.ci_state, merged.review_decision) == (
        "merged",
        "passing",
        "approved",
    )
    assert merged.merged_at == at(12)
    assert by_number[50].stale_review and not pr.stale_review
    assert [(r.repo, r.number, r.state, r.author) for r in facts.reviews] == [
        ("acme/web", 9, "commented", "other"),
        ("acme/web", 9, "changes_requested", "other"),
    ]
    assert [(d.repo, d.environment, d.version, d.status, d.creator) for d in facts.deployments] == [
        ("acme/web", "staging", "main (c0ffee1)", "failure", "dev2"),
        ("acme/api", "production", "b4b15d3", "success", "dev1"),
    ]
    assert all(d.source == "github" for d in facts.deployments)


def test_many_pull_requests_are_read_across_pages(server, tmp_path):
    for n in range(1, 131):
        repo = ("acme/api", "acme/web", "acme/cli")[n % 3]
        server.add_pull(repo, n, author="dev1", created=at(8), updated=at(9, minute=n % 60))
    facts = run(server, tmp_path, repos=("acme/api", "acme/web", "acme/cli"))

    assert len(facts.pull_requests) == 130
    searches = [path for path, _status in server.log if path.startswith("/search/")]
    assert sum("page=2" in p for p in searches) == 1  # the authored query has a second page
    assert all("per_page=100" in p for p in searches)


def test_a_second_cycle_without_changes_costs_no_core_rate_limit(server, tmp_path):
    a_day(server)
    first = run(server, tmp_path)
    assert server.used["core"] > 0

    second = run(server, tmp_path, now=at(15, minute=15))

    assert server.used["core"] == 0
    assert server.used["search"] == 3  # one per query for the one person
    assert server.not_modified == server.hits["core"] + 3
    assert second.pull_requests == first.pull_requests
    assert second.reviews == first.reviews
    assert second.deployments == first.deployments
    assert second.stats["rate_limited_requests"] == 3  # the searches


def test_only_the_changed_pull_request_is_fetched_again(server, tmp_path):
    a_day(server)
    run(server, tmp_path)
    server.touch("acme/api", 102, at(15), title="Renamed", commits=25)

    facts = run(server, tmp_path, now=at(15, minute=30))

    fetched = sorted(p for p, s in server.log if s == 200 and not p.startswith("/search/"))
    assert fetched == ["/repos/acme/api/pulls/102"]  # its reviews did not change: a 304
    details = [p for p, _s in server.log if "/pulls/" in p]
    assert details == [
        "/repos/acme/api/pulls/102",
        "/repos/acme/api/pulls/102/reviews?per_page=100",
    ]
    assert server.used["core"] == 1
    assert {p.number: p.commits for p in facts.pull_requests}[102] == 25


def test_list_items_are_never_completed_one_by_one(server, tmp_path):
    a_day(server)
    run(server, tmp_path)
    issues = [p for p, _s in server.log if "/issues/" in p]
    assert issues == []  # reading a search item's fields never costs a GET of the issue


def test_ci_pending_then_passing_is_seen_without_a_pull_request_update(server, tmp_path):
    pull = server.add_pull(
        "acme/api",
        1,
        author="dev1",
        created=at(9),
        updated=at(9),
        checks=[("test", "in_progress", None)],
    )
    assert run(server, tmp_path).pull_requests[0].ci_state == "pending"
    pull.checks = [("test", "completed", "success")]

    facts = run(server, tmp_path, now=at(16))

    assert facts.pull_requests[0].ci_state == "passing"
    assert server.used["core"] == 1  # only the check runs changed


def test_excluded_repos_and_labels_are_left_out(server, tmp_path):
    server.add_pull("acme/api", 1, author="dev1", created=at(9), updated=at(9))
    server.add_pull("acme/api", 2, author="dev1", created=at(9), updated=at(9), labels=("wip",))
    server.add_pull("acme/web", 3, author="dev1", created=at(9), updated=at(9))
    facts = run(server, tmp_path, exclude_repos=("acme/web",), exclude_labels=("wip",))
    assert [p.number for p in facts.pull_requests] == [1]


def test_workflow_runs_are_listed_when_asked(server, tmp_path):
    server.add_run(
        "acme/api", "CI", status="completed", conclusion="failure", branch="main", created=at(9)
    )
    server.add_run(
        "acme/api", "CI", status="completed", conclusion="success", branch="x", created=at(9, 7)
    )
    assert run(server, tmp_path).workflow_runs == []
    facts = run(server, tmp_path, workflow_runs=True)
    assert [(r.name, r.conclusion, r.branch) for r in facts.workflow_runs] == [
        ("CI", "failure", "main")
    ]


def test_private_repositories_are_marked(server, tmp_path):
    server.add_repo("acme/secret", private=True)
    server.add_pull("acme/secret", 1, author="dev1", created=at(9), updated=at(9))
    server.add_deploy("acme/secret", "prod", "a" * 40, creator="dev1", created=at(9), statuses=[])
    facts = run(server, tmp_path, repos=("acme/secret",))
    assert facts.pull_requests[0].private
    assert facts.deployments[0].private


# ---- failure modes: the day's last known facts come back, marked stale ----------------------


@pytest.mark.parametrize(
    ("inject", "reason"),
    [
        (lambda s: s.fail("/search/", 401, message="Bad credentials"), "token was refused"),
        (
            lambda s: s.fail("/search/", 403, message="API rate limit exceeded for user"),
            "rate-limited",
        ),
        (lambda s: s.fail("/search/", 502, times=5, message="Bad Gateway"), "GitHub answered 502"),
        (lambda s: secondary_limit(s, "/search/", retry_after=3600), "rate-limited"),
    ],
    ids=["401", "403-rate-limit", "5xx", "secondary-limit-too-long"],
)
def test_a_failure_keeps_the_last_facts_marked_stale(server, tmp_path, inject, reason):
    before = warm(server, tmp_path)
    server.touch("acme/api", 102, at(16), title="Changed meanwhile")
    inject(server)

    facts = run(server, tmp_path, now=at(16, minute=15))

    assert facts.stale is not None
    assert reason in facts.stale.reason
    assert facts.stale.fetched_at == at(15)
    assert facts.pull_requests == before.pull_requests
    assert facts.deployments == before.deployments


def test_a_wrong_token_is_stale_without_earlier_facts(server, tmp_path):
    facts = run(server, tmp_path, token="wrong")
    assert facts.stale is not None and facts.stale.fetched_at is None
    assert facts.stale.reason == "the token was refused (401 Bad credentials)"
    assert facts.pull_requests == []


def test_github_down_is_stale(server, tmp_path):
    warm(server, tmp_path)
    with FakeGitHub().running() as gone:
        closed = gone.base_url  # a port that nobody listens on once this block ends
    server.reset_counts()
    facts = collect_github(
        GitHubSettings(api_url=closed, repos=("acme/api",)),
        (DEV,),
        TOKEN,
        DAY,
        START,
        END,
        at(16),
        Store(tmp_path),
        backoff=0.01,
    )
    assert facts.stale is not None
    assert facts.stale.reason == "GitHub could not be reached (ConnectionError)"
    assert facts.stale.fetched_at == at(15)
    assert len(facts.pull_requests) == 3


def test_a_short_secondary_limit_and_a_5xx_are_retried(server, tmp_path):
    a_day(server)
    secondary_limit(server, "/search/", retry_after=1)
    server.fail("/pulls/102", 503, times=1, message="Service Unavailable")
    facts = run(server, tmp_path)
    assert facts.stale is None
    assert facts.stats["retries"] == 2
    assert 102 in {p.number for p in facts.pull_requests}


def test_a_purged_pull_request_keeps_its_last_details_and_says_so(server, tmp_path):
    warm(server, tmp_path)
    server.touch("acme/api", 102, at(16))
    server.fail("/pulls/102", 404, times=5, message="Not Found")

    facts = run(server, tmp_path, now=at(16, minute=15))

    assert facts.stale is not None
    assert facts.stale.reason == "acme/api#102 was not found (404)"
    assert facts.stale.fetched_at == at(15)
    assert {p.number for p in facts.pull_requests} == {7, 50, 102}


def test_slow_answers_hit_the_time_budget(server, tmp_path):
    warm(server, tmp_path)
    server.touch("acme/api", 102, at(16))
    server.fail("/pulls/102", 0, times=5, delay=2.0)

    facts = run(server, tmp_path, now=at(16, minute=15), time_budget=1)

    assert facts.stale is not None
    assert "GitHub" in facts.stale.reason
    assert len(facts.pull_requests) == 3


def test_the_cycle_stops_before_the_rate_limit_is_used_up(tmp_path):
    with FakeGitHub(core_limit=5).running() as small:
        a_day(small)
        facts = run(small, tmp_path)
        assert facts.stale is not None
        assert "rate limit is nearly used up" in facts.stale.reason
        assert small.used["core"] < 5  # never ran the bucket dry


def test_the_token_never_reaches_logs(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    a_day(server)
    run(server, tmp_path)
    server.fail("/search/", 401, message="Bad credentials")
    run(server, tmp_path)
    stored = "".join(p.read_text() for p in tmp_path.iterdir() if p.is_file())
    assert caplog.records
    assert TOKEN not in caplog.text
    assert TOKEN not in stored


def test_a_configured_repository_that_is_gone_is_named_and_the_rest_is_fresh(server, tmp_path):
    a_day(server)
    facts = collect_github(
        GitHubSettings(api_url=server.base_url, repos=("acme/api", "acme/gone")),
        (DEV,),
        TOKEN,
        DAY,
        START,
        END,
        AFTERNOON,
        Store(tmp_path),
        backoff=0.01,
    )
    assert facts.stale is None
    # github.com refuses a search naming a missing repository (422): it is asked again per
    # repository, so only acme/gone's facts are missing, and it is named once.
    assert [(f.source, f.reason) for f in facts.failures] == [
        ("GitHub acme/gone", "not found, or the token cannot read it (search answered 422)")
    ]
    assert [d.environment for d in facts.deployments] == ["production"]
    assert {p.number for p in facts.pull_requests} == {50, 102}  # acme/web is out of scope


def test_stored_facts_come_back_as_model_objects_even_under_a_frozen_clock():
    """The stale fallback rebuilds pull requests from the store; times must be datetimes."""
    from freezegun import freeze_time

    from statusbot.model import PullRequest
    from statusbot.providers.github import from_json

    data = {"repo": "a/b", "number": 1, "title": "t", "url": "https://github.com/a/b/pull/1",
            "state": "open", "draft": False, "author": "dev1",
            "opened_at": "2026-02-08T10:00:00+00:00", "failing_checks": ["lint"]}  # fmt: skip
    for frozen in (False, True):
        with freeze_time("2026-02-09", tick=True) if frozen else contextlib.nullcontext():
            pr = from_json(PullRequest, data)
            assert pr.opened_at == datetime(2026, 2, 8, 10, 0, tzinfo=UTC)
            assert pr.failing_checks == ("lint",)
