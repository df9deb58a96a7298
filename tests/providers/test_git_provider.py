"""The git provider: day windows in a zone, all branches, numstat, default branch, Pages commits."""

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


def test_all_branches_with_names_merges_apart_and_statusbot_pages_commits_skipped(tmp_path):
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
    commit(repo, "statusbot: daily status 2026-02-08 (1 commit)", day + timedelta(minutes=21))
    commit(repo, "Update pages\n\nGenerated-by: statusbot", day + timedelta(minutes=22))
    git(repo, "checkout", "-q", "main")

    start, end = day_window(date(2026, 2, 8), "UTC")
    commits, _ = collect_commits([repo], ME, start, end, exclude_branches=("gh-pages",))
    by_summary = {c.summary: c for c in commits}
    assert set(by_summary) == {"feature work", "main work", "Merge feature", "pages commit by me"}
    assert by_summary["Merge feature"].is_merge and not by_summary["main work"].is_merge
    # merged into main by the end of the day: the default branch holds it
    assert by_summary["feature work"].branches == ("main",)
    assert by_summary["feature work"].on_default
    assert by_summary["main work"].branches == ("main",)
    assert by_summary["pages commit by me"].branches == ("gh-pages",)
    assert not by_summary["pages commit by me"].on_default


def test_publishing_to_main_keeps_mains_work_and_drops_only_statusbots_commits(tmp_path):
    # issue 10 item 3: with publish.branch: main, every commit on main used to disappear.
    repo = make_repo(tmp_path / "r")
    day = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
    commit(repo, "real work on main", day)
    commit(repo, "statusbot: daily status 2026-02-08 (1 commit)", day + timedelta(minutes=1))
    commit(repo, "Daily status\n\nGenerated-by: statusbot", day + timedelta(minutes=2))
    commit(repo, "statusbot: a subject of mine on another branch", day + timedelta(minutes=3))
    start, end = day_window(date(2026, 2, 8), "UTC")
    commits, failures = collect_commits([repo], ME, start, end, exclude_branches=("main",))
    assert failures == []
    assert [c.summary for c in commits] == ["real work on main"]
    git(repo, "checkout", "-q", "-b", "topic")
    commits, _ = collect_commits([repo], ME, start, end, exclude_branches=("gh-pages",))
    assert [c.summary for c in commits] == [
        "real work on main",
        "statusbot: daily status 2026-02-08 (1 commit)",
        "statusbot: a subject of mine on another branch",
    ]


def test_work_only_on_a_feature_branch_names_that_branch(tmp_path):
    repo = make_repo(tmp_path / "r")
    day = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
    commit(repo, "base", day - timedelta(days=3))
    git(repo, "branch", "release-1.0")  # an old branch: holds none of the day's work
    commit(repo, "on main", day)
    git(repo, "branch", "stale-feature")  # holds main's work too: main is still named
    git(repo, "checkout", "-q", "-b", "feature/parser")
    commit(repo, "parser work", day + timedelta(minutes=1))
    git(repo, "checkout", "-q", "main")
    start, end = day_window(date(2026, 2, 8), "UTC")
    commits, _ = collect_commits([repo], ME, start, end)
    found = {c.summary: c for c in commits}
    assert found["on main"].branches == ("main",) and found["on main"].on_default
    assert found["parser work"].branches == ("feature/parser",)
    assert not found["parser work"].on_default


def test_origin_head_names_the_default_branch(tmp_path):
    repo = make_repo(tmp_path / "r")
    day = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
    commit(repo, "base", day - timedelta(days=3))
    git(repo, "checkout", "-q", "-b", "develop")
    commit(repo, "develop work", day)
    git(repo, "update-ref", "refs/remotes/origin/develop", "develop")
    git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/develop")
    git(repo, "checkout", "-q", "main")
    start, end = day_window(date(2026, 2, 8), "UTC")
    (found,), _ = collect_commits([repo], ME, start, end)
    assert found.branches == ("develop",) and found.on_default


def test_numstat_per_file_with_binary_files_as_none(tmp_path):
    repo = make_repo(tmp_path / "r")
    day = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
    (repo / "a.txt").write_text("one\ntwo\nthree\n")
    (repo / "logo.png").write_bytes(b"\x89PNG\0\1\2")
    (repo / "sp ace.py").write_text("x = 1\n")
    git(repo, "add", ".")
    commit(repo, "Add files", day, filename="b.txt")
    (repo / "a.txt").write_text("one\n2\n")
    commit(repo, "Change a", day + timedelta(minutes=1), filename="a.txt")
    start, end = day_window(date(2026, 2, 8), "UTC")
    first, second = collect_commits([repo], ME, start, end)[0]
    files = {f.path: (f.added, f.deleted) for f in first.files}
    assert files == {
        "a.txt": (3, 0),
        "logo.png": (None, None),
        "sp ace.py": (1, 0),
        "b.txt": (2, 0),
    }
    assert [(f.path, f.added, f.deleted) for f in second.files] == [("a.txt", 2, 3)]


def test_commits_sharing_a_timestamp_keep_gits_order(tmp_path):
    repo = make_repo(tmp_path / "r")
    at = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
    names = ["zeta first", "alpha second", "mid third"]
    for name in names:
        commit(repo, name, at)
    start, end = day_window(date(2026, 2, 8), "UTC")
    commits, _ = collect_commits([repo], ME, start, end)
    assert [c.summary for c in commits] == names  # oldest first: "most recently" is the last


def test_a_shallow_clone_is_a_named_source_problem(tmp_path):
    origin = make_repo(tmp_path / "origin")
    day = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
    for n in range(10):
        commit(origin, f"work {n}", day + timedelta(minutes=n))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    start, end = day_window(date(2026, 2, 8), "UTC")
    commits, failures = collect_commits([clone], ME, start, end)
    assert [c.summary for c in commits] == ["work 9"]
    assert [(f.source, f.reason) for f in failures] == [
        ("git clone", "shallow clone: history before 2026-02-08 09:09 not read")
    ]
    full, none = collect_commits([origin], ME, start, end)
    assert len(full) == 10 and none == []
    from statusbot.compose import compose
    from statusbot.model import Facts

    facts = Facts(date(2026, 2, 8), "UTC", ME, tuple(commits), failures=tuple(failures))
    assert [r.markdown for r in compose(facts).risks] == [
        "**MEDIUM:** Source git clone is stale: shallow clone: history before 2026-02-08 09:09 "
        "not read"
    ]


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


def test_without_origin_head_master_is_the_default_even_when_a_feature_is_checked_out(tmp_path):
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "master")
    git(repo, "config", "user.name", ME[0].name)
    git(repo, "config", "user.email", ME[0].emails[0])
    day = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
    commit(repo, "base", day - timedelta(days=3))
    commit(repo, "master work", day)
    git(repo, "checkout", "-q", "-b", "feature/x")  # checked out, and holds master's work too
    commit(repo, "feature work", day + timedelta(minutes=1))
    start, end = day_window(date(2026, 2, 8), "UTC")
    found = {c.summary: c for c in collect_commits([repo], ME, start, end)[0]}
    assert found["master work"].branches == ("master",) and found["master work"].on_default
    assert found["feature work"].branches == ("feature/x",)
    assert not found["feature work"].on_default


def test_without_origin_head_main_or_master_the_checked_out_branch_is_the_default(tmp_path):
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "trunk")
    git(repo, "config", "user.name", ME[0].name)
    git(repo, "config", "user.email", ME[0].emails[0])
    day = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
    commit(repo, "base", day - timedelta(days=3))
    git(repo, "checkout", "-q", "-b", "topic")
    commit(repo, "topic work", day)
    git(repo, "checkout", "-q", "trunk")
    commit(repo, "trunk work", day + timedelta(minutes=1))
    start, end = day_window(date(2026, 2, 8), "UTC")
    found = {c.summary: c for c in collect_commits([repo], ME, start, end)[0]}
    assert found["trunk work"].branches == ("trunk",) and found["trunk work"].on_default
    assert found["topic work"].branches == ("topic",) and not found["topic work"].on_default
