"""GitHub facts become sentences in the reference page's style, and risks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from conftest import lines

from statusbot.compose import compose
from statusbot.model import Facts, Person, PullRequest, Review, StaleSource, WorkflowRun

DAY = date(2026, 2, 8)


def at(hour: int, day: int = 8) -> datetime:
    return datetime(2026, 2, day, hour, tzinfo=UTC)


def pr(number: int = 102, repo: str = "osac-project/osac-operator", **fields) -> PullRequest:
    base = {
        "repo": repo,
        "number": number,
        "title": "AAP Direct provider with job lifecycle management",
        "url": f"https://github.com/{repo}/pull/{number}",
        "state": "open",
        "draft": False,
        "author": "dev1",
        "commits": 24,
        "review_decision": "waiting",
        "opened_at": at(9),
        "updated_at": at(10),
    }
    return PullRequest(**{**base, **fields})


def facts(**fields) -> Facts:
    return Facts(day=DAY, timezone="Europe/Prague", people=(Person("Dev"),), **fields)


def test_created_pull_request_reads_like_the_reference():
    sections = compose(facts(pull_requests=(pr(),)))
    assert lines(sections.accomplishments) == (
        "Created pull request [#102](https://github.com/osac-project/osac-operator/pull/102) "
        "for AAP Direct provider with job lifecycle management (24 commits, ready for review)",
    )
    assert sections.risks == ()


def test_merged_closed_updated_draft_and_idle_pull_requests():
    items = compose(
        facts(
            pull_requests=(
                pr(1, state="merged", merged_at=at(12), opened_at=at(9, 5), commits=1),
                pr(2, state="merged", merged_at=at(12), commits=3),
                pr(3, state="closed", closed_at=at(11), opened_at=at(9, 5)),
                pr(4, opened_at=at(9, 5), draft=True, additions=5, deletions=1),
                pr(5, opened_at=at(9, 1), updated_at=at(9, 1)),
            )
        )
    ).accomplishments
    url = "https://github.com/osac-project/osac-operator/pull"
    title = "AAP Direct provider with job lifecycle management"
    assert lines(items) == (
        f"Merged pull request [#1]({url}/1) for {title} (1 commit)",
        f"Created and merged pull request [#2]({url}/2) for {title} (3 commits)",
        f"Closed pull request [#3]({url}/3) for {title} without merging",
        f"Updated pull request [#4]({url}/4) for {title} (24 commits, +5/−1 lines, draft)",
    )


def test_several_repositories_name_theirs_in_the_link():
    items = compose(facts(pull_requests=(pr(1, repo="a/x"), pr(2, repo="b/y")))).accomplishments
    assert items[0].line.startswith(
        "Created pull request [a/x#1](https://github.com/a/x/pull/1) for"
    )
    assert items[1].line.startswith("Created pull request [b/y#2](")


def test_reviews_show_the_days_verdict_per_pull_request():
    def review(state: str, hour: int) -> Review:
        return Review(
            "a/x", 9, "Fix login", "https://github.com/a/x/pull/9", "ana", "dev1", state, at(hour)
        )

    items = compose(
        facts(reviews=(review("changes_requested", 10), review("commented", 11)))
    ).accomplishments
    assert lines(items) == (
        "Reviewed pull request [#9](https://github.com/a/x/pull/9) for Fix login by ana "
        "(changes requested)",
    )


def test_failing_ci_waiting_reviews_failed_runs_and_stale_github_are_risks():
    sections = compose(
        facts(
            pull_requests=(
                pr(1, ci_state="failing", failing_checks=("lint", "test (3.11)")),
                pr(2, opened_at=at(9, 4), updated_at=at(9, 4), stale_review=True),
            ),
            workflow_runs=(
                WorkflowRun("a/x", "CI", "completed", "failure", "main", "https://e.x/1", at(9)),
                WorkflowRun("a/x", "CI", "completed", "success", "main", "https://e.x/2", at(10)),
            ),
            stale=(StaleSource("GitHub", at(9), "GitHub answered 502"),),
        )
    )
    url = "https://github.com/osac-project/osac-operator/pull"
    title = "AAP Direct provider with job lifecycle management"
    assert [r.markdown for r in sections.risks] == [
        f"**HIGH:** CI failing on pull request [#1]({url}/1) for {title}: lint, test (3.11)",
        f"**MEDIUM:** Pull request [#2]({url}/2) for {title} has waited 4 days for review",
        "**MEDIUM:** Workflow [CI](https://e.x/1) failed in a/x on main",
        "**MEDIUM:** GitHub facts as of 10:00 (GitHub answered 502)",  # Prague time
    ]
    assert "Ran 2 workflow runs in a/x (1 failure, 1 success)" in lines(sections.accomplishments)


def test_hostile_titles_are_escaped():
    item = compose(facts(pull_requests=(pr(title="{{ site.secret }} <script>|"),))).accomplishments
    line = item[0].line
    assert "{{" not in line and "<script>" not in line and "|" not in line


def test_a_pull_request_title_of_many_entities_is_cut_until_its_bullet_fits():
    long = pr(title="x_" * 80, ci_state="failing")  # 160 characters, 480 as entities
    (line,) = lines(compose(facts(pull_requests=(long,))).accomplishments)
    assert len(line) <= 400, len(line)
    assert line.startswith("Created pull request [#102](") and line.endswith(
        "… (24 commits, ready for review, CI failing)"
    )
