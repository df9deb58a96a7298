"""Squashing old Pages history into one root commit, pushed with --force-with-lease."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pages_repo import git, publish, push_from_other, rev

from statusbot.errors import PublishError
from statusbot.gitpages.squash import squash_history
from statusbot.gitpages.tree import read_file

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def page(day: int) -> dict[str, bytes]:
    return {f"_posts/2026-01-{day:02d}-daily-status.md": f"# day {day}\n".encode()}


@pytest.fixture
def history(repo, bare, monkeypatch):
    """Ten days of Pages commits, one a day, pushed."""
    for day in range(1, 11):
        stamp = (START + timedelta(days=day - 1)).isoformat()
        monkeypatch.setenv("GIT_COMMITTER_DATE", stamp)
        monkeypatch.setenv("GIT_AUTHOR_DATE", stamp)
        publish(repo, page(day), remote="origin", push=True, message=f"day {day}")
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    monkeypatch.delenv("GIT_AUTHOR_DATE")
    return repo


def log(repo, ref="gh-pages"):
    return git(repo, "log", "--format=%s|%cI", ref).splitlines()


def test_old_history_folds_into_one_root_and_the_tree_is_unchanged(history, bare):
    tree = git(history, "rev-parse", "gh-pages^{tree}")
    newer = log(history)[:3]  # days 10, 9, 8

    note = squash_history(
        history, "gh-pages", older_than=START + timedelta(days=7), remote="origin", push=True
    )

    assert note.startswith("squashed 7 commits up to 2026-01-07 into one root commit")
    assert "pushed with --force-with-lease over" in note
    assert git(history, "rev-parse", "gh-pages^{tree}") == tree
    assert rev(bare, "refs/heads/gh-pages") == rev(history, "refs/heads/gh-pages")
    entries = log(bare)
    assert entries[:3] == newer  # same messages and dates
    assert len(entries) == 4
    assert entries[3].startswith("statusbot: Pages history up to 2026-01-07 folded into one")
    root = git(bare, "rev-list", "--max-parents=0", "gh-pages")
    for day in range(1, 8):
        assert read_file(bare, "gh-pages", f"_posts/2026-01-{day:02d}-daily-status.md")
    assert "_posts/2026-01-08-daily-status.md" not in git(bare, "ls-tree", "-r", root)


def test_young_history_or_unpushed_commits_are_left_alone(history, bare):
    tip = rev(history, "refs/heads/gh-pages")
    assert squash_history(history, "gh-pages", older_than=START, remote="origin", push=True) is None
    # Only the root and one day are older: less than a day's margin to fold.
    cut = START + timedelta(days=1, hours=1)
    assert squash_history(history, "gh-pages", older_than=cut, remote="origin", push=True) is None
    publish(history, page(11), remote="origin", push=False, message="day 11")
    later = START + timedelta(days=9)
    assert squash_history(history, "gh-pages", older_than=later, remote="origin", push=True) is None
    assert git(history, "rev-list", "--count", "gh-pages") == "11"
    assert rev(bare, "refs/heads/gh-pages") == tip


def test_lease_protects_a_push_made_elsewhere_and_the_next_run_rebuilds(history, bare, tmp_path):
    theirs = push_from_other(tmp_path, bare, "elsewhere.md", "theirs\n")

    with pytest.raises(PublishError, match="stale info"):
        squash_history(
            history, "gh-pages", older_than=START + timedelta(days=7), remote="origin", push=True
        )

    assert rev(bare, "refs/heads/gh-pages") == theirs  # nothing of theirs overwritten
    result = publish(history, page(11), remote="origin", push=True, push_retries=2)
    assert result.pushed
    assert read_file(bare, "gh-pages", "elsewhere.md") == b"theirs\n"
    for day in range(1, 12):
        assert read_file(bare, "gh-pages", f"_posts/2026-01-{day:02d}-daily-status.md")
    assert git(bare, "merge-base", "--is-ancestor", theirs, "gh-pages") == ""


def test_squash_is_deterministic(history, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--mirror", str(history), str(clone))
    cut = START + timedelta(days=5)
    squash_history(history, "gh-pages", older_than=cut)
    squash_history(clone, "gh-pages", older_than=cut)
    assert rev(history, "refs/heads/gh-pages") == rev(clone, "refs/heads/gh-pages")


def test_a_machine_unaware_of_a_squash_keeps_the_remotes_newer_files(tmp_path):
    """After another machine squashed, histories share nothing: only our own files go over."""
    from datetime import UTC, datetime, timedelta

    from conftest import bare_remote, make_repo

    bare_remote(tmp_path / "remote.git")
    a, b = make_repo(tmp_path / "a"), make_repo(tmp_path / "b")
    for clone in (a, b):
        git(clone, "remote", "add", "origin", str(tmp_path / "remote.git"))
    kw = {"remote": "origin", "push": True, "push_retries": 3}
    for n in (1, 2, 3):
        publish(a, {"index.md": f"v{n}\n".encode(), f"d{n}.md": b"day\n"}, **kw)
    git(b, "fetch", "-q", "origin")
    publish(b, {"d4.md": b"day 4 from b\n"}, **kw)
    publish(a, {"index.md": b"v5 newest\n", "d5.md": b"day 5\n"}, **kw)
    later = datetime.now(UTC) + timedelta(days=3)
    assert squash_history(a, "gh-pages", older_than=later, remote="origin", push=True)

    result = publish(b, {"d6.md": b"day 6 from b\n"}, **kw)  # b has not seen the squash

    assert result.pushed and "rebuilt on the remote" in (result.push_message or "")
    remote = tmp_path / "remote.git"
    assert read_file(remote, "gh-pages", "index.md") == b"v5 newest\n"
    assert read_file(remote, "gh-pages", "d5.md") == b"day 5\n"
    assert read_file(remote, "gh-pages", "d6.md") == b"day 6 from b\n"
    assert read_file(remote, "gh-pages", "d4.md") == b"day 4 from b\n"
