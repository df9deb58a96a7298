"""The git provider: day windows in a zone, across midnight and DST, all branches but Pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from conftest import commit, git, make_repo

from statusbot.model import Person
from statusbot.providers.git import collect_commits
from statusbot.run.window import day_window

ME = (Person(name="Dev One", emails=("dev1@example.com",)),)


def summaries(repo, day: date, tz: str) -> list[str]:
    start, end = day_window(day, tz)
    commits, failures = collect_commits([repo], ME, start, end)
    assert failures == []
    return [c.summary for c in commits]


def test_day_window_follows_the_zone_across_midnight(tmp_path):
    repo = make_repo(tmp_path / "r")
    # 23:30 UTC on Feb 7 is 00:30 on Feb 8 in Prague (UTC+1).
    commit(repo, "just after midnight in Prague", datetime(2026, 2, 7, 23, 30, tzinfo=UTC))
    commit(repo, "just before midnight in Prague", datetime(2026, 2, 7, 22, 59, tzinfo=UTC))
    assert summaries(repo, date(2026, 2, 8), "Europe/Prague") == ["just after midnight in Prague"]
    assert summaries(repo, date(2026, 2, 7), "Europe/Prague") == ["just before midnight in Prague"]
    assert summaries(repo, date(2026, 2, 7), "UTC") == [
        "just before midnight in Prague",
        "just after midnight in Prague",
    ]


def test_dst_days_are_23_and_25_hours_long():
    spring = day_window(date(2026, 3, 29), "Europe/Prague")
    autumn = day_window(date(2026, 10, 25), "Europe/Prague")
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)


def test_commits_at_both_ends_of_a_dst_day_belong_to_it(tmp_path):
    repo = make_repo(tmp_path / "r")
    # Prague leaves summer time on 2026-10-25: the day runs 22:00 UTC (24th) to 23:00 UTC.
    commit(repo, "first minute", datetime(2026, 10, 24, 22, 0, tzinfo=UTC))
    commit(repo, "last minute", datetime(2026, 10, 25, 22, 59, tzinfo=UTC))
    commit(repo, "next day", datetime(2026, 10, 25, 23, 0, tzinfo=UTC))
    assert summaries(repo, date(2026, 10, 25), "Europe/Prague") == ["first minute", "last minute"]


def test_all_branches_with_names_merges_apart_and_pages_branch_skipped(tmp_path):
    repo = make_repo(tmp_path / "r")
    day = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
    commit(repo, "base", day - timedelta(days=3))
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "feature work", day)
    git(repo, "checkout", "-q", "main")
    commit(repo, "main work", day + timedelta(minutes=5))
    env = {
        "GIT_AUTHOR_DATE": (day + timedelta(minutes=10)).isoformat(),
        "GIT_COMMITTER_DATE": (day + timedelta(minutes=10)).isoformat(),
    }
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge feature", "feature", env=env)
    git(repo, "checkout", "-q", "--orphan", "gh-pages")
    commit(repo, "pages commit by me", day + timedelta(minutes=20))
    git(repo, "checkout", "-q", "main")

    start, end = day_window(date(2026, 2, 8), "UTC")
    commits, _ = collect_commits([repo], ME, start, end, exclude_branches=("gh-pages",))
    by_summary = {c.summary: c for c in commits}
    assert set(by_summary) == {"feature work", "main work", "Merge feature"}
    assert by_summary["Merge feature"].is_merge and not by_summary["main work"].is_merge
    assert by_summary["feature work"].branches in (("feature",), ("main",))
    assert by_summary["main work"].branches == ("main",)


def test_people_match_by_email_case_insensitively_or_name(tmp_path):
    repo = make_repo(tmp_path / "r")
    day = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
    commit(repo, "by email", day, author=("Someone", "DEV1@example.com"))
    commit(repo, "by name", day + timedelta(minutes=1), author=("Dev One", "laptop@local"))
    commit(repo, "not me", day + timedelta(minutes=2), author=("Other", "other@example.com"))
    assert summaries(repo, date(2026, 2, 8), "UTC") == ["by email", "by name"]


def test_github_origin_gives_commit_links(tmp_path):
    repo = make_repo(tmp_path / "r")
    git(repo, "remote", "add", "origin", "https://user:secret@github.com/octo/widget.git")
    sha = commit(repo, "linked", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    start, end = day_window(date(2026, 2, 8), "UTC")
    (found,), _ = collect_commits([repo], ME, start, end)
    assert found.repo == "widget"
    assert found.url == f"https://github.com/octo/widget/commit/{sha}"


def test_a_broken_repo_is_reported_and_the_others_still_read(tmp_path):
    good = make_repo(tmp_path / "good")
    commit(good, "fine", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    broken = tmp_path / "broken"
    broken.mkdir()
    start, end = day_window(date(2026, 2, 8), "UTC")
    commits, failures = collect_commits([broken, good], ME, start, end)
    assert [c.summary for c in commits] == ["fine"]
    assert len(failures) == 1 and failures[0].source == "git broken"
    assert "not a git repository" in failures[0].reason


def test_empty_repository_has_no_commits_and_no_failure(tmp_path):
    repo = make_repo(tmp_path / "empty")
    start, end = day_window(date(2026, 2, 8), "UTC")
    assert collect_commits([repo], ME, start, end) == ([], [])


def test_a_commit_on_several_branches_is_named_after_the_checked_out_one(tmp_path):
    repo = make_repo(tmp_path / "r")
    commit(repo, "shared work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    git(repo, "branch", "aaa-old-branch")  # sorts before main, points at the same commit
    start, end = day_window(date(2026, 2, 8), "UTC")
    (found,), _ = collect_commits([repo], ME, start, end)
    assert found.branches == ("main",)
